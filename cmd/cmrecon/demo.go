package main

import (
	"fmt"
	"runtime"
	"time"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/phantom"
)

func runDemo(e *env, args []string) error {
	fs := newFlags(e, "demo", "[--threads N]")
	threads := fs.Int("threads", runtime.NumCPU(), "goroutines to use")
	seed := fs.Uint64("seed", 1, "seed of the random masks")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}
	if *threads < 1 {
		fmt.Fprintf(e.stderr, "cmrecon demo: --threads %d: want a positive count\n", *threads)
		return errUsage
	}

	po := phantom.DefaultOptions()
	e.log.Info("demo: cine phantom, challenge masks, zero-filled and SENSE reconstructions",
		"size", po.Dims().String(), "snr", po.SNR, "threads", *threads)
	fmt.Fprintf(e.stdout, "cmrecon demo: %dx%d cine phantom, %d coils, %d frames; "+
		"img4ranking scored against the fully sampled RSS (%s rules)\n\n", po.NX, po.NY, po.NC,
		po.NT, challenge.DemoName)
	fmt.Fprintf(e.stdout, "%-12s %4s %7s  %-6s %8s %8s %10s %8s\n", "pattern", "R", "eff. R",
		"method", "SSIM", "PSNR", "NMSE", "time")

	start := time.Now()
	_, err := challenge.RunDemo(challenge.DemoOptions{
		Phantom: po,
		Seed:    *seed,
		Threads: *threads,
		Progress: func(r challenge.DemoResult) {
			fmt.Fprintf(e.stdout, "%-12s %4d %7.2f  %-6s %8.4f %8.2f %10.3e %7.2fs\n",
				r.Scenario.Pattern, r.Scenario.R, r.EffectiveR, r.Method, r.Score.SSIM,
				r.Score.PSNR, r.Score.NMSE, r.Elapsed.Seconds())
		},
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "\ntotal %.1fs\n", time.Since(start).Seconds())
	return nil
}
