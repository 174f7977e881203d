package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"
	"time"

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
	fs := newFlags(e, "run", "--input DIR --output DIR [--task TaskR1|TaskR2|TaskS1|TaskS2] "+
		"[--method zf|sense|cs] [--reg kind=lambda,...] [--output-mode ranking|full] "+
		"[--threads N] [--jobs N] "+
		"[--max-memory B] [--shard k/n] [--verify]")
	input := fs.String("input", envDefault("CMRECON_INPUT", ""), "challenge tree to read "+
		"($CMRECON_INPUT)")
	output := fs.String("output", envDefault("CMRECON_OUTPUT", ""), "folder for the "+
		"submission tree, the run report and the lock ($CMRECON_OUTPUT)")
	task := fs.String("task", envDefault("CMRECON_TASK", ""), "only this task "+
		"($CMRECON_TASK; default: every task found)")
	method := fs.String("method", envDefault("CMRECON_METHOD", "sense"), "reconstruction: zf, "+
		"sense or cs ($CMRECON_METHOD)")
	mode := fs.String("output-mode", envDefault("CMRECON_OUTPUT_MODE", "ranking"), "ranking "+
		"(img4ranking selection and crop) or full (all slices and frames, uncropped) "+
		"($CMRECON_OUTPUT_MODE)")
	threads := fs.String("threads", envDefault("CMRECON_THREADS", ""), "goroutines in all "+
		"($CMRECON_THREADS; default: one per CPU)")
	jobs := fs.String("jobs", envDefault("CMRECON_JOBS", ""), "files reconstructed at once, "+
		"each with threads/jobs goroutines ($CMRECON_JOBS; default: threads)")
	maxMem := fs.String("max-memory", envDefault("CMRECON_MAX_MEMORY", ""), "memory budget "+
		"of the files reconstructed at once, e.g. 16G ($CMRECON_MAX_MEMORY; default: half "+
		"the machine's memory)")
	shard := fs.String("shard", envDefault("CMRECON_SHARD", ""), "do part k (0-based) of n, "+
		"as k/n, or n alone to take k from $JOB_COMPLETION_INDEX ($CMRECON_SHARD)")
	layout := fs.String("layout", challenge.DefaultLayout, "names of the k-space dims in file "+
		"order")
	iters := fs.Int("iters", 0, "CG-SENSE or CS iterations (0: the default, 30)")
	csf := addCSFlags(fs)
	lambda := fs.Float64("lambda", 0, "Tikhonov regularisation of CG-SENSE (0: the default)")
	verify := fs.Bool("verify", false, "after the run, check that the output holds every "+
		"file of the whole tree (as cmrecon check does)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}

	opts, err := runOptions(e, *input, *output, *task, *method, *mode, *threads, *jobs,
		*maxMem, *shard, *layout)
	if err != nil {
		return err
	}
	opts.Recon.Iterations, opts.Recon.Lambda = *iters, *lambda
	if err := csf.apply(&opts.Recon); err != nil {
		fmt.Fprintf(e.stderr, "cmrecon run: %v\n", err)
		return errUsage
	}
	if err := csf.loadTable(&opts.Recon); err != nil {
		return err
	}

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

	opts.Progress = func(ev challenge.RunEvent) { logRunEvent(e, opts.Output, ev) }
	e.log.Info("run", "input", opts.Input, "output", opts.Output, "task", opts.Task,
		"method", opts.Recon.Method, "output_mode", opts.Mode, "shard", opts.Shard.String())
	rep, err := challenge.Run(ctx, opts)
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
func runOptions(e *env, input, output, task, method, mode, threads, jobs, maxMem, shard,
	layout string) (challenge.RunOptions, error) {
	bad := func(flag string, err error) (challenge.RunOptions, error) {
		fmt.Fprintf(e.stderr, "cmrecon run: --%s: %v\n", flag, err)
		return challenge.RunOptions{}, errUsage
	}
	if input == "" || output == "" {
		fmt.Fprintln(e.stderr, "cmrecon run: --input and --output are required")
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
	if opts.Threads, err = positiveInt(threads, runtime.NumCPU()); err != nil {
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

// logRunEvent logs a file's start (debug) or end (info, with the count and the ETA).
func logRunEvent(e *env, out string, ev challenge.RunEvent) {
	if runHook != nil {
		runHook(ev)
	}
	name, err := filepath.Rel(out, ev.File.Output)
	if err != nil {
		name = ev.File.Output
	}
	if !ev.Finished {
		e.log.Debug("start", "file", name)
		return
	}

	attrs := []any{"done", fmt.Sprintf("%d/%d", ev.Done, ev.Total), "status", ev.File.Status,
		"file", name, "seconds", fmt.Sprintf("%.2f", ev.File.Seconds),
		"elapsed", ev.Elapsed.Round(time.Second), "eta", ev.ETA.Round(time.Second)}
	if ev.File.Status == challenge.StatusFailed {
		e.log.Error("file failed", append(attrs, "error", ev.File.Error)...)
		return
	}
	e.log.Info("file", attrs...)
}
