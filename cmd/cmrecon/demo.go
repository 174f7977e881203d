package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", "[--threads N] [--seed S] [--methods zf,sense,cs] "+
		"[--reg kind=lambda,...] [--cs-table TABLE] [--cs-solver S] [--iters N] "+
		"[--lambda-scaling noise|signal] [--noise-floor auto|off] [--warm-start N] "+
		"[--png DIR]")
	threads := fs.Int("threads", runtime.NumCPU(), "goroutines to use")
	seed := fs.Uint64("seed", 1, "seed of the random masks")
	methods := fs.String("methods", "zf,sense,cs", "comma-separated reconstructions to score")
	iters := fs.Int("iters", 0, "CS iterations (0: the default, 60)")
	csf := addCSFlags(fs, false)
	pngDir := fs.String("png", "", "write a PNG panel per scenario into this folder")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *threads < 1 {
		fmt.Fprintf(e.stderr, "cmrecon demo: --threads %d: want a positive count\n", *threads)
		return errUsage
	}

	var ms []recon.Method
	for s := range strings.SplitSeq(*methods, ",") {
		m := recon.Method(strings.TrimSpace(s))
		if !methodOK(m) {
			fmt.Fprintf(e.stderr, "cmrecon demo: --methods: %q: want zf, sense or cs\n", s)
			return errUsage
		}
		if !slices.Contains(ms, m) {
			ms = append(ms, m)
		}
	}
	ro := recon.Options{Iterations: *iters}
	if err := csf.apply(&ro); err != nil {
		fmt.Fprintf(e.stderr, "cmrecon demo: %v\n", err)
		return errUsage
	}
	if err := csf.loadTable(&ro); err != nil {
		return err
	}

	if *pngDir != "" {
		if err := os.MkdirAll(*pngDir, 0o755); err != nil {
			return fmt.Errorf("--png: %w", err)
		}
	}

	po := phantom.DefaultOptions()
	e.log.Info("demo: cine phantom, challenge masks, reconstructions scored",
		"size", po.Dims().String(), "snr", po.SNR, "methods", *methods, "threads", *threads)
	fmt.Fprintf(e.stdout, "cmrecon demo: %dx%d cine phantom, %d coils, %d frames; "+
		"img4ranking scored against the fully sampled RSS (%s rules)\n\n", po.NX, po.NY, po.NC,
		po.NT, challenge.DemoName)
	fmt.Fprintf(e.stdout, "%-12s %4s %7s  %-6s %8s %8s %10s %8s  %s\n", "pattern", "R",
		"eff. R", "method", "SSIM", "PSNR", "NMSE", "time", "CS regularisers")

	start := time.Now()
	_, err := challenge.RunDemo(challenge.DemoOptions{
		Phantom: po,
		Seed:    *seed,
		Threads: *threads,
		Methods: ms,
		CS:      ro.CS,
		PNG:     *pngDir,
		Progress: func(r challenge.DemoResult) {
			regs := ""
			if r.Regularizers != nil {
				regs = "  " + recon.FormatRegularizers(r.Regularizers)
			}
			fmt.Fprintf(e.stdout, "%-12s %4d %7.2f  %-6s %8.4f %8.2f %10.3e %7.2fs%s\n",
				r.Scenario.Pattern, r.Scenario.R, r.EffectiveR, r.Method, r.Score.SSIM,
				r.Score.PSNR, r.Score.NMSE, r.Elapsed.Seconds(), regs)
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\ntotal %.1fs\n", time.Since(start).Seconds())
	return nil
}
