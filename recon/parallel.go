package recon

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/cmrecon/cmrecon/fft"
)

// threadCount turns a Threads option into a worker count: values below 1 mean one worker per
// available CPU (runtime.GOMAXPROCS).
func threadCount(threads int) int {
	if threads < 1 {
		return runtime.GOMAXPROCS(0)
	}
	return threads
}

// parallelFor calls fn(worker, i) for every i in [0, n) on at most threads goroutines. Items
// are handed out one at a time, so uneven items balance; worker is in [0, workers) and lets
// fn keep per-worker scratch space.
func parallelFor(n, threads int, fn func(worker, i int)) {
	workers := min(threadCount(threads), n)
	if workers <= 1 {
		for i := range n {
			fn(0, i)
		}
		return
	}

	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(w, i)
			}
		}()
	}
	wg.Wait()
}

var (
	planMu    sync.Mutex
	planCache = map[[2]int]*fft.Plan2D{}
)

// plan2D returns the shared FFT plan for nx x ny planes. Plans are safe for concurrent use, so
// one plan per size serves every goroutine.
func plan2D(nx, ny int) *fft.Plan2D {
	planMu.Lock()
	defer planMu.Unlock()

	key := [2]int{nx, ny}
	p, ok := planCache[key]
	if !ok {
		p = fft.NewPlan2D(nx, ny)
		planCache[key] = p
	}
	return p
}
