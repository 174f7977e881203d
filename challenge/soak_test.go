package challenge

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/cmrecon/cmrecon/recon"
)

// TestSoak reconstructs a tree of many files with SENSE, two files at a time under a memory
// budget that fits two of them, while a sampler records the Go heap every millisecond. The
// heap above what the process held before must stay under the budget, and every output must
// be byte-identical to that of a serial run with one thread: each file's reconstruction does
// not depend on what runs beside it.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test skipped in -short mode")
	}
	tree, sim := simulatedTree(t, 6)
	if len(sim) != 12 {
		t.Fatalf("simulated %d files, want 12", len(sim))
	}
	files, err := FindTreeFiles(tree, "")
	if err != nil {
		t.Fatal(err)
	}
	var largest int64
	for _, f := range files {
		dims, err := KSpaceDims(f.KSpace, Layout{})
		if err != nil {
			t.Fatal(err)
		}
		largest = max(largest, EstimateMemory(dims, recon.MethodSENSE, 1))
	}
	budget := 2*largest + largest/4

	baseline := heapBytes()
	var peak uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				peak = max(peak, heapBytes())
			}
		}
	})

	parallel := filepath.Join(t.TempDir(), "parallel")
	rep, err := Run(context.Background(), RunOptions{Input: tree, Output: parallel,
		Threads: 2, Jobs: 2, MaxMemory: budget, Recon: recon.Options{Method: recon.MethodSENSE}})
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != len(files) {
		t.Fatalf("%d of %d files done", rep.Done, len(files))
	}
	grown := int64(peak) - int64(baseline)
	t.Logf("budget %d KiB, heap grew by at most %d KiB", budget>>10, grown>>10)
	if grown > budget {
		t.Errorf("heap grew by %d bytes, over the budget of %d", grown, budget)
	}

	serial := filepath.Join(t.TempDir(), "serial")
	if _, err := Run(context.Background(), RunOptions{Input: tree, Output: serial, Threads: 1,
		Jobs: 1, Recon: recon.Options{Method: recon.MethodSENSE}}); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		a, err := os.ReadFile(filepath.Join(parallel, f.Rel))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(serial, f.Rel))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the parallel run's output differs from the serial run's", f.Rel)
		}
	}
}

// heapBytes returns the bytes of heap memory occupied by objects, live or not yet swept.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
