package challenge

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// smallPhantom is the phantom of the tree tests: 64x48, 4 coils, 3 slices, 4 frames.
func smallPhantom() phantom.Options {
	o := phantom.DefaultOptions()
	o.NX, o.NY, o.NC, o.NZ, o.NT = 64, 48, 4, 3, 4
	return o
}

// simulatedTree writes a phantom training set of the given patients and simulates a TaskR1
// validation tree from it; it returns the tree's folder and the files.
func simulatedTree(t *testing.T, patients int) (string, []SimulatedFile) {
	t.Helper()
	dir := t.TempDir()
	train := filepath.Join(dir, "train")
	if _, err := WritePhantomSet(train, patients, smallPhantom()); err != nil {
		t.Fatal(err)
	}
	tree := filepath.Join(dir, "val")
	files, err := Simulate(train, tree, SimulateOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	return tree, files
}

func TestRunTree(t *testing.T) {
	tree, sim := simulatedTree(t, 2)
	if len(sim) != 4 {
		t.Fatalf("simulated %d files, want 4", len(sim))
	}
	out := filepath.Join(t.TempDir(), "out")
	opts := RunOptions{Input: tree, Output: out, Threads: 2,
		Recon: recon.Options{Method: recon.MethodZeroFilled}}

	var events []RunEvent
	opts.Progress = func(ev RunEvent) { events = append(events, ev) }
	rep, err := Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 4 || rep.Skipped != 0 || len(rep.Files) != 4 {
		t.Fatalf("first run: %d done, %d skipped of %d", rep.Done, rep.Skipped, len(rep.Files))
	}
	if last := events[len(events)-1]; !last.Finished || last.Done != 4 || last.Total != 4 {
		t.Errorf("last event %+v", last)
	}
	for _, f := range rep.Files {
		if f.MaskSource != MaskGiven || f.Mask == "" {
			t.Errorf("%s: mask %q (%s), want the Mask_TaskR1 file", f.Input, f.Mask,
				f.MaskSource)
		}
		if f.PeakHeapBytes == 0 {
			t.Errorf("%s: no peak heap recorded", f.Input)
		}
		if f.MaskEmpty != 0 {
			t.Errorf("%s: its own mask has %.3f of its samples empty", f.Input, f.MaskEmpty)
		}
		if !strings.Contains(f.Output, filepath.Join("TaskR1", "MultiCoil")) ||
			!strings.Contains(f.Output, "UnderSample_TaskR1") {
			t.Errorf("output %s not in the scorer's layout", f.Output)
		}
	}
	for _, name := range []string{"cmrecon-run.json", "cmrecon-run.txt"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Error(err)
		}
	}
	var tb strings.Builder
	note := "with 2 files at once it includes the others'"
	if err := rep.WriteTable(&tb); err != nil || (rep.Jobs > 1) !=
		strings.Contains(tb.String(), note) {
		t.Errorf("table with %d jobs: %v\n%s", rep.Jobs, err, tb.String())
	}
	saved, err := ReadRunReport(filepath.Join(out, "cmrecon-run.json"))
	if err != nil || saved.Done != 4 {
		t.Errorf("saved report: %v, %+v", err, saved)
	}

	// The outputs are what ReconstructFile writes for the same file.
	f0 := rep.Files[0]
	ref := filepath.Join(t.TempDir(), "ref.mat")
	if _, err := ReconstructFile(f0.Input, ref, FileOptions{Recon: recon.Options{
		Method: recon.MethodZeroFilled}}); err != nil {
		t.Fatal(err)
	}
	if !sameFile(t, ref, f0.Output) {
		t.Errorf("%s differs from ReconstructFile's output", f0.Output)
	}

	// A second run skips everything; a damaged output and a stale temporary file are redone
	// and removed.
	damaged := rep.Files[1].Output
	b, err := os.ReadFile(damaged)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(damaged, b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(filepath.Dir(damaged), "."+filepath.Base(damaged)+".tmp123")
	if err := os.WriteFile(stale, []byte("partial"), 0o644); err != nil {
		t.Fatal(err)
	}
	opts.Progress = nil
	first := rep
	rep, err = Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Done != 1 || rep.Skipped != 3 || rep.Files[1].Status != StatusDone {
		t.Errorf("resume: %d done, %d skipped, damaged file %s", rep.Done, rep.Skipped,
			rep.Files[1].Status)
	}
	// The skipped files keep the figures of the run that made them.
	for i, f := range rep.Files {
		if i != 1 && (f.Seconds != first.Files[i].Seconds || f.PeakHeapBytes !=
			first.Files[i].PeakHeapBytes || f.Seconds == 0 || f.MaskSource != MaskGiven) {
			t.Errorf("skipped %s: %.3f s, heap %d, mask %s; first run %.3f s, heap %d",
				f.Output, f.Seconds, f.PeakHeapBytes, f.MaskSource, first.Files[i].Seconds,
				first.Files[i].PeakHeapBytes)
		}
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary file not removed: %v", err)
	}

	check, err := CheckTree(CheckOptions{Input: tree, Output: out})
	if err != nil || !check.OK() || check.Complete != 4 {
		t.Errorf("check: %v %v", err, check)
	}
}

// TestRunInterrupted cancels a run when its first file is done: no other file may start
// (the next one was already waiting for a worker), the rest are recorded as not run, and a
// second run does them.
func TestRunInterrupted(t *testing.T) {
	tree, _ := simulatedTree(t, 2)
	out := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := 0
	opts := RunOptions{Input: tree, Output: out, Threads: 1, Jobs: 1,
		Recon: recon.Options{Method: recon.MethodZeroFilled}}
	opts.Progress = func(ev RunEvent) {
		if !ev.Finished {
			started++
		} else if ev.Done == 1 {
			cancel()
		}
	}
	rep, err := Run(ctx, opts)
	if !errors.Is(err, context.Canceled) || rep == nil || !rep.Interrupted {
		t.Fatalf("error %v, report %+v; want an interrupted run", err, rep)
	}
	if started != 1 || rep.Done != 1 || rep.NotRun != 3 {
		t.Errorf("%d started, %d done, %d not run; want 1, 1 and 3", started, rep.Done,
			rep.NotRun)
	}

	opts.Progress = nil
	rep, err = Run(context.Background(), opts)
	if err != nil || rep.Skipped != 1 || rep.Done != 3 {
		t.Errorf("second run: %v, %d skipped, %d done", err, rep.Skipped, rep.Done)
	}
}

func TestRunLock(t *testing.T) {
	tree, _ := simulatedTree(t, 1)
	out := t.TempDir()
	held, err := lockOutput(out, Shard{})
	if err != nil {
		t.Fatal(err)
	}
	opts := RunOptions{Input: tree, Output: out, Recon: recon.Options{Method: "zf"}}
	if _, err := Run(context.Background(), opts); !errors.Is(err, ErrLocked) {
		t.Errorf("run on a locked tree: %v, want ErrLocked", err)
	}
	opts.Shard = Shard{Index: 0, Count: 2}
	if _, err := Run(context.Background(), opts); !errors.Is(err, ErrLocked) {
		t.Errorf("shard run on a tree locked by an unsharded run: %v, want ErrLocked", err)
	}
	held.release()

	shard0, err := lockOutput(out, Shard{Index: 0, Count: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer shard0.release()
	opts.Shard = Shard{Index: 1, Count: 2}
	if _, err := Run(context.Background(), opts); err != nil {
		t.Errorf("shard 1 beside shard 0: %v", err)
	}
	opts.Shard = Shard{Index: 0, Count: 2}
	if _, err := Run(context.Background(), opts); !errors.Is(err, ErrLocked) {
		t.Errorf("shard 0 twice: %v, want ErrLocked", err)
	}
}

func TestRunBadInput(t *testing.T) {
	tree, _ := simulatedTree(t, 1)
	for _, c := range []struct {
		name string
		opts RunOptions
		want string
	}{
		{"empty", RunOptions{Input: t.TempDir(), Output: t.TempDir()}, "no undersampled"},
		{"inside", RunOptions{Input: tree, Output: filepath.Join(tree, "out")}, "overlap"},
		{"mode", RunOptions{Input: tree, Output: t.TempDir(), Mode: "half"}, "output mode"},
		{"task", RunOptions{Input: tree, Output: t.TempDir(), Task: "Task9"}, "task"},
	} {
		if _, err := Run(context.Background(), c.opts); err == nil ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestRunFailedFile(t *testing.T) {
	tree, sim := simulatedTree(t, 1)
	if err := os.WriteFile(sim[0].KSpace, []byte("not a MAT file"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	rep, err := Run(context.Background(), RunOptions{Input: tree, Output: out,
		Recon: recon.Options{Method: "zf"}})
	if !errors.Is(err, ErrFilesFailed) {
		t.Fatalf("error %v, want ErrFilesFailed", err)
	}
	if rep.Failed != 1 || rep.Done != 1 {
		t.Errorf("%d failed, %d done, want 1 and 1", rep.Failed, rep.Done)
	}
	var tb bytes.Buffer
	if err := rep.WriteTable(&tb); err != nil || !strings.Contains(tb.String(), "failed: ") {
		t.Errorf("table does not show the failure:\n%s", tb.String())
	}
}

func TestShard(t *testing.T) {
	env := func(v string) func(string) string {
		return func(string) string { return v }
	}
	for _, c := range []struct {
		in, env string
		want    Shard
		bad     bool
	}{
		{"", "", Shard{}, false},
		{"2/4", "", Shard{2, 4}, false},
		{"4", "3", Shard{3, 4}, false},
		{"/4", "0", Shard{0, 4}, false},
		{"4", "", Shard{}, true},
		{"4/4", "", Shard{}, true},
		{"-1/4", "", Shard{}, true},
		{"1/0", "", Shard{}, true},
		{"a/b", "", Shard{}, true},
		{"4", "x", Shard{}, true},
	} {
		got, err := ParseShard(c.in, env(c.env))
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("ParseShard(%q) with index %q = %v, %v", c.in, c.env, got, err)
		}
	}

	// Slurm job arrays, when JOB_COMPLETION_INDEX is not set: the index counts from the
	// array's first task, in its steps.
	slurm := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	for _, c := range []struct {
		in   string
		env  func(string) string
		want Shard
		bad  string
	}{
		{"4", slurm(SlurmTaskIDEnv, "2"), Shard{2, 4}, ""},
		{"4", slurm(SlurmTaskIDEnv, "3", SlurmTaskMinEnv, "1"), Shard{2, 4}, ""},
		{"4", slurm(SlurmTaskIDEnv, "16", SlurmTaskMinEnv, "10", SlurmTaskStepEnv, "2"),
			Shard{3, 4}, ""},
		{"4", slurm(SlurmTaskIDEnv, "3", ShardIndexEnv, "1"), Shard{1, 4}, ""},
		{"2/4", slurm(SlurmTaskIDEnv, "3"), Shard{2, 4}, ""},
		{"4", slurm(SlurmTaskIDEnv, "4"), Shard{}, "from 0 to 3"},
		{"4", slurm(SlurmTaskIDEnv, "0", SlurmTaskMinEnv, "1"), Shard{}, "from 0 to 3"},
		{"4", slurm(SlurmTaskIDEnv, "3", SlurmTaskStepEnv, "2"), Shard{}, "not on the array"},
		{"4", slurm(SlurmTaskIDEnv, "x"), Shard{}, "not an integer"},
		{"4", slurm(), Shard{}, "neither $JOB_COMPLETION_INDEX nor $SLURM_ARRAY_TASK_ID"},
	} {
		got, err := ParseShard(c.in, c.env)
		if c.bad == "" && (err != nil || got != c.want) {
			t.Errorf("ParseShard(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
		if c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)) {
			t.Errorf("ParseShard(%q) = %v, %v; want an error with %q", c.in, got, err, c.bad)
		}
	}

	files := make([]TreeFile, 7)
	seen := make([]int, len(files))
	for k := range 3 {
		for i := range files {
			if (Shard{k, 3}).Has(i) {
				seen[i]++
			}
		}
		if n := len(Shard{k, 3}.Select(files)); n < 2 || n > 3 {
			t.Errorf("shard %d/3 of 7 files has %d", k, n)
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Errorf("file %d is in %d shards", i, n)
		}
	}
}

func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

// TestRunSymlinkRoot runs, checks and scores through a symbolic link to the tree, as a mounted
// /input often is: every file must be found as through the folder itself.
func TestRunSymlinkRoot(t *testing.T) {
	tree, _ := simulatedTree(t, 1)
	link := filepath.Join(t.TempDir(), "input")
	if err := os.Symlink(tree, link); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	rep, err := Run(context.Background(), RunOptions{Input: link, Output: out, Threads: 2})
	if err != nil || rep.Done != 2 {
		t.Fatalf("run through a link: %v, report %+v", err, rep)
	}

	check, err := CheckTree(CheckOptions{Input: link, Output: out})
	if err != nil || !check.OK() || check.Complete != 2 {
		t.Errorf("check through a link: %v, %v", err, check)
	}
	if _, err := ScoreTree(link, out, ScoreOptions{}); err != nil {
		t.Errorf("score with the ground truth through a link: %v", err)
	}
}

// TestRunSettingsMismatch resumes a run into a folder made with another method: the second
// run must refuse rather than keep the first run's outputs as its own, and a run with the
// same settings must resume. A folder whose earlier run left no output is taken over.
func TestRunSettingsMismatch(t *testing.T) {
	tree, _ := simulatedTree(t, 1)
	out := filepath.Join(t.TempDir(), "out")
	opts := RunOptions{Input: tree, Output: out, Threads: 2,
		Recon: recon.Options{Method: recon.MethodSENSE}}
	if _, err := Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}

	zf := opts
	zf.Recon.Method = recon.MethodZeroFilled
	if _, err := Run(context.Background(), zf); err == nil ||
		!strings.Contains(err.Error(), "method=sense") {
		t.Errorf("zero-filled run into a SENSE folder: error %v", err)
	}
	rep, err := Run(context.Background(), opts)
	if err != nil || rep.Skipped != 2 {
		t.Errorf("resuming with the same settings: %v, %d skipped", err, rep.Skipped)
	}

	// A run whose every file failed leaves no output, so it does not bind the folder: a run
	// with other settings takes it over, and a sharded run does not (other shards may be
	// running with the settings recorded).
	fresh := filepath.Join(t.TempDir(), "out")
	bad := opts
	bad.Output = fresh
	bad.Recon = recon.Options{Method: recon.MethodCS, CS: recon.CSOptions{
		Solver: recon.CSFISTA, Regularizers: []recon.Regularizer{{Kind: recon.RegTV,
			Lambda: 0.01}}}} // FISTA cannot take TV: every file fails
	if rep, err := Run(context.Background(), bad); err == nil || rep.Failed != 2 {
		t.Fatalf("run that fails every file: %v", err)
	}
	shard := zf
	shard.Output, shard.Shard = fresh, Shard{Index: 0, Count: 2}
	if _, err := Run(context.Background(), shard); err == nil ||
		!strings.Contains(err.Error(), "other settings") {
		t.Errorf("shard into a folder another run's failures claimed: %v", err)
	}
	zf.Output = fresh
	if rep, err := Run(context.Background(), zf); err != nil || rep.Done != 2 {
		t.Errorf("run into a folder another run's failures claimed: %v", err)
	}
	if _, err := Run(context.Background(), bad); err == nil ||
		!strings.Contains(err.Error(), "other settings") {
		t.Errorf("the failed run's settings once the folder holds outputs: %v", err)
	}
}

// TestRunSettingsRace starts two shards of one tree at the same moment, one zero-filled and
// one CS: whichever claims the output folder first runs, the other must be refused, so that
// the tree never holds two reconstructions. It also checks that a change of the CS
// regularisers counts as other settings, and that the report gives each file's regularisers
// and its noise level and lambda factor per slice.
func TestRunSettingsRace(t *testing.T) {
	tree, _ := simulatedTree(t, 1)
	for range 3 {
		out := filepath.Join(t.TempDir(), "out")
		errs := make([]error, 2)
		methods := []recon.Method{recon.MethodZeroFilled, recon.MethodCS}
		var wg sync.WaitGroup
		for i, m := range methods {
			wg.Go(func() {
				_, errs[i] = Run(context.Background(), RunOptions{Input: tree, Output: out,
					Threads: 1, Shard: Shard{Index: i, Count: 2}, Recon: recon.Options{Method: m}})
			})
		}
		wg.Wait()
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("both or neither shard ran: %v, %v", errs[0], errs[1])
		}
	}

	out := filepath.Join(t.TempDir(), "out")
	cs := RunOptions{Input: tree, Output: out, Threads: 2, Recon: recon.Options{
		Method: recon.MethodCS, CS: recon.CSOptions{Regularizers: []recon.Regularizer{
			{Kind: recon.RegTV, Lambda: 0.003}}}}}
	rep, err := Run(context.Background(), cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Files {
		nz := f.KSpaceDims[3]
		if len(f.CSNoise) != nz || len(f.CSLambdaFactor) != nz || !(f.CSLambdaFactor[0] > 0) {
			t.Errorf("%s: %d slices, CS noise %v, lambda factors %v", f.Input, nz, f.CSNoise,
				f.CSLambdaFactor)
		}
		if f.CSRegularizers != "tv=0.003" {
			t.Errorf("%s: CS regularisers %q in the report, want tv=0.003", f.Input,
				f.CSRegularizers)
		}
	}
	again, err := Run(context.Background(), cs)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range again.Files {
		if f.Status != StatusSkipped || f.CSRegularizers != "tv=0.003" || len(f.CSNoise) == 0 {
			t.Errorf("%s resumed: status %s, CS regularisers %q, noise %v: want skipped with "+
				"those of the run that made it", f.Input, f.Status, f.CSRegularizers, f.CSNoise)
		}
	}
	if fi, err := os.Stat(filepath.Join(out, SettingsName)); err != nil ||
		fi.Mode().Perm()&0o044 != 0o044 {
		t.Errorf("settings file: %v, mode %v: want readable by group and others", err, fi)
	}
	cs.Recon.CS.Regularizers[0].Lambda = 0.01
	if _, err := Run(context.Background(), cs); err == nil ||
		!strings.Contains(err.Error(), "regs=tv=0.003") {
		t.Errorf("CS with another lambda into the same folder: error %v", err)
	}
}

// TestRunSettingsResolveDefaults checks that the settings a run folder records name the
// CS and SENSE defaults (the built-in table by its content), not the zero values that ask
// for them: a folder made with the defaults
// must match a run that spells them out, and must not match a run with other values
// (otherwise a change of default would resume old folders with new settings).
func TestRunSettingsResolveDefaults(t *testing.T) {
	cs := func(c recon.CSOptions) string {
		return runSettings(RunOptions{Recon: recon.Options{Method: recon.MethodCS, CS: c}})
	}
	zero := cs(recon.CSOptions{})
	spelt := cs(recon.CSOptions{WarmStart: recon.DefaultWarmStart,
		LambdaScaling: recon.LambdaNoise,
		Solve:         recon.SolverOptions{Iterations: recon.DefaultCSIterations}})
	if zero != spelt {
		t.Errorf("defaults recorded as\n%s\nspelt out as\n%s", zero, spelt)
	}
	other := *recon.DefaultCSTable()
	other.Rows = other.Rows[1:]
	for _, c := range []recon.CSOptions{
		{Table: &other},
		{WarmStart: recon.DefaultWarmStart + 1},
		{Solve: recon.SolverOptions{Iterations: recon.DefaultIterations}},
		{LambdaScaling: recon.LambdaSignal},
	} {
		if got := cs(c); got == zero {
			t.Errorf("%+v recorded like the defaults: %s", c, got)
		}
	}

	sense := func(iters int) string {
		return runSettings(RunOptions{Recon: recon.Options{Method: recon.MethodSENSE,
			Iterations: iters}})
	}
	if sense(0) != sense(recon.DefaultIterations) || sense(0) == sense(10) {
		t.Errorf("SENSE iterations recorded as %q (0), %q (default), %q (10)", sense(0),
			sense(recon.DefaultIterations), sense(10))
	}
}
