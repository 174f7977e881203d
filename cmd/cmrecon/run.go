package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"syscall"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/recon"
)

// runHook, when not nil, sees every progress event of the run command; tests use it to slow
// a run down so that it can be killed half way.
var runHook func(challenge.RunEvent)

// envDefault returns $name, or def when it is unset or empty. The run command takes its
// flag defaults from the environment, so a container's entrypoint can be configured with
// environment variables alone.
func envDefault(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func runRun(e *env, args []string) error {
	return runTree(e, "run", "--input DIR --output DIR [--task TaskR1|TaskR2|TaskS1|TaskS2] "+
		"[--method zf|sense|cs] [--reg kind=lambda,...] [--output-mode ranking|full] "+
		"[--threads N] [--jobs N] "+
		"[--max-memory B] [--shard k/n] [--verify] [--progress auto|bar|log]", args,
		treeDefaults{mode: "ranking"})
}

// runContainer is the entrypoint of the Docker image: the run command with the folders of
// the challenge's test phase (the input tree mounted read-only at /input, the output at
// /output), the full-size output mode, and the completeness check after the run.
//
// TODO: the test phase's output shape is an open question (cmrxrecon-data.md §4.5); full
// size follows the evidence there (the 2023/2024 test scorers, the 2025 winner's code)
// until the organisers confirm it. CMRECON_OUTPUT_MODE=ranking switches.
func runContainer(e *env, args []string) error {
	return runTree(e, "container", "[--input /input] [--output /output] [run flags]", args,
		treeDefaults{input: challenge.ContainerInput, output: challenge.ContainerOutput,
			mode: string(challenge.OutputFull), verify: true})
}

// treeDefaults are the flag defaults that differ between the run and container commands;
// the environment variables named in the flags' help override them.
type treeDefaults struct {
	input, output, mode string
	verify              bool
}

// runTree runs the run or container command.
func runTree(e *env, name, synopsis string, args []string, def treeDefaults) error {
	fs := newFlags(e, name, synopsis)
	input := fs.String("input", envDefault("CMRECON_INPUT", def.input), "challenge tree to "+
		"read ($CMRECON_INPUT)")
	output := fs.String("output", envDefault("CMRECON_OUTPUT", def.output), "folder for the "+
		"submission tree, the run report and the lock ($CMRECON_OUTPUT)")
	task := fs.String("task", envDefault("CMRECON_TASK", ""), "only this task "+
		"($CMRECON_TASK; default: every task found)")
	method := fs.String("method", envDefault("CMRECON_METHOD", "sense"), "reconstruction: zf "+
		"(zero-filled), sense (CG-SENSE) or cs (compressed sensing, default regularisers) "+
		"($CMRECON_METHOD)")
	mode := fs.String("output-mode", envDefault("CMRECON_OUTPUT_MODE", def.mode), "ranking "+
		"(img4ranking selection and crop) or full (all slices and frames, uncropped) "+
		"($CMRECON_OUTPUT_MODE)")
	threads := fs.String("threads", envDefault("CMRECON_THREADS", ""), "goroutines in all "+
		"($CMRECON_THREADS; default: the CPUs the process may use)")
	jobs := fs.String("jobs", envDefault("CMRECON_JOBS", ""), "files reconstructed at once, "+
		"each with threads/jobs goroutines ($CMRECON_JOBS; default: threads)")
	maxMem := fs.String("max-memory", envDefault("CMRECON_MAX_MEMORY", ""), "memory budget "+
		"of the files reconstructed at once, e.g. 16G ($CMRECON_MAX_MEMORY; default: half "+
		"the memory of the machine or of the container's cgroup limit)")
	shard := fs.String("shard", envDefault("CMRECON_SHARD", ""), "do part k (0-based) of n, "+
		"as k/n, or n alone to take k from $JOB_COMPLETION_INDEX (Kubernetes) or "+
		"$SLURM_ARRAY_TASK_ID (Slurm) ($CMRECON_SHARD)")
	layout := fs.String("layout", challenge.DefaultLayout, "names of the k-space dims in file "+
		"order")
	iters := fs.Int("iters", 0, "CG-SENSE or CS iterations (0: the default, 30 for "+
		"SENSE and 60 for CS)")
	csf := addCSFlags(fs, true)
	lambda := fs.Float64("lambda", recon.DefaultLambda, "Tikhonov weight of CG-SENSE "+
		"(0: plain least squares, as bart pics -l2)")
	solver := fs.String("solver", string(recon.SolverColumns), "CG-SENSE iteration: columns, "+
		"lines or plane (see cmrecon recon -h)")
	verify := fs.Bool("verify", def.verify, "after the run, check that the output holds "+
		"every file of the whole tree (as cmrecon check does)")
	progress := fs.String("progress", envDefault("CMRECON_PROGRESS", "auto"), "progress "+
		"display: bar (one redrawn line), log (a log line per file) or auto (bar when "+
		"standard error is a terminal) ($CMRECON_PROGRESS)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}

	opts, err := runOptions(e, name, *input, *output, *task, *method, *mode, *threads,
		*jobs, *maxMem, *shard, *layout)
	if err != nil {
		return err
	}
	opts.Recon.Iterations, opts.Recon.Lambda = *iters, *lambda
	opts.Recon.Solver = recon.Solver(*solver)
	if s := opts.Recon.Solver; s != recon.SolverColumns && s != recon.SolverLines &&
		s != recon.SolverPlane {
		fmt.Fprintf(e.stderr, "cmrecon %s: --solver %q: want columns, lines or plane\n", name,
			*solver)
		return errUsage
	}
	if err := csf.apply(&opts.Recon); err != nil { // before the unused-flag warnings
		fmt.Fprintf(e.stderr, "cmrecon %s: %v\n", name, err)
		return errUsage
	}
	if err := checkSolverFlags(e, fs, opts.Recon.Method, opts.Recon); err != nil {
		fmt.Fprintf(e.stderr, "cmrecon %s: %v\n", name, err)
		return errUsage
	}
	if err := csf.loadTable(&opts.Recon); err != nil {
		return err
	}
	bar, err := newProgress(e, *progress)
	if err != nil {
		fmt.Fprintf(e.stderr, "cmrecon %s: --progress: %v\n", name, err)
		return errUsage
	}
	defer bar.close()
	e = bar.env()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		stop()
		if context.Cause(ctx) != context.Canceled {
			e.log.Warn("interrupted: finishing the files in progress; interrupt again to " +
				"stop at once")
		}
	}()

	budget := opts.MaxMemory
	if budget <= 0 {
		budget = challenge.DefaultMemoryBudget()
	}
	opts.Progress = func(ev challenge.RunEvent) {
		if runHook != nil {
			runHook(ev)
		}
		if ev.Finished {
			warnMaskEmpty(e, ev.File.Input, ev.File.Mask, ev.File.MaskEmpty)
		}
		if !ev.Finished && ev.File.EstimatedBytes > budget {
			e.log.Warn("the file's estimated memory exceeds the budget; it runs alone",
				"file", ev.File.Input, "estimate_mib", budgetMiB(ev.File.EstimatedBytes),
				"max_memory_mib", budgetMiB(budget))
		}
		bar.event(opts.Output, ev)
	}
	e.log.Info(name, "input", opts.Input, "output", opts.Output, "task", opts.Task,
		"method", opts.Recon.Method, "output_mode", opts.Mode, "shard", opts.Shard.String(),
		"threads", opts.Threads, "max_memory_mib", budgetMiB(opts.MaxMemory))
	// The scheduler fits the files' estimates of what they hold within the budget; the Go
	// heap may also hold garbage up to its GC target (twice the live heap by default), so
	// the budget is made the runtime's soft memory limit too, as cmrecon recon does.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(budget))
	rep, err := challenge.Run(ctx, opts)
	bar.close()
	if rep != nil {
		if terr := rep.WriteTable(e.stdout); terr != nil && err == nil {
			err = terr
		}
		e.log.Info("report", "json", filepath.Join(opts.Output,
			challenge.ReportName(opts.Shard)+".json"))
	}
	if err != nil {
		return err
	}

	if *verify {
		return verifyTree(e, challenge.CheckOptions{Input: opts.Input, Output: opts.Output,
			Task: opts.Task, Mode: opts.Mode, Layout: opts.Layout})
	}
	return nil
}

// runOptions turns the run command's flag values into RunOptions; a bad value prints its
// problem and returns errUsage.
func runOptions(e *env, name, input, output, task, method, mode, threads, jobs, maxMem, shard,
	layout string) (challenge.RunOptions, error) {
	bad := func(flag string, err error) (challenge.RunOptions, error) {
		fmt.Fprintf(e.stderr, "cmrecon %s: --%s: %v\n", name, flag, err)
		return challenge.RunOptions{}, errUsage
	}
	if input == "" || output == "" {
		fmt.Fprintf(e.stderr, "cmrecon %s: --input and --output are required\n", name)
		return challenge.RunOptions{}, errUsage
	}

	opts := challenge.RunOptions{Input: input, Output: output, Task: task,
		Mode: challenge.OutputMode(mode)}
	if task != "" && !validTask(task) {
		return bad("task", fmt.Errorf("%q: want TaskR1, TaskR2, TaskS1 or TaskS2", task))
	}
	m := recon.Method(method)
	if !methodOK(m) {
		return bad("method", fmt.Errorf("%q: want zf, sense or cs", method))
	}
	opts.Recon.Method = m
	if opts.Mode != challenge.OutputRanking && opts.Mode != challenge.OutputFull {
		return bad("output-mode", fmt.Errorf("%q: want ranking or full", mode))
	}

	var err error
	if opts.Threads, err = positiveInt(threads, runtime.GOMAXPROCS(0)); err != nil {
		return bad("threads", err)
	}
	if opts.Jobs, err = positiveInt(jobs, 0); err != nil {
		return bad("jobs", err)
	}
	if opts.MaxMemory, err = parseBytes(maxMem); err != nil {
		return bad("max-memory", err)
	}
	if opts.Shard, err = challenge.ParseShard(shard, os.Getenv); err != nil {
		return bad("shard", err)
	}
	if opts.Layout, err = challenge.ParseLayout(layout); err != nil {
		return bad("layout", err)
	}
	return opts, nil
}

func validTask(t string) bool {
	for _, v := range challenge.Tasks {
		if v == t {
			return true
		}
	}
	return false
}

// positiveInt parses a positive integer; "" gives def.
func positiveInt(s string, def int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("%q is not a positive integer", s)
	}
	return n, nil
}

// budgetMiB returns a run's memory budget in MiB: max, or the default budget for 0.
func budgetMiB(max int64) int64 {
	if max <= 0 {
		max = challenge.DefaultMemoryBudget()
	}
	return max >> 20
}
