package main

import (
	"fmt"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/recon"
)

func runRecon(e *env, args []string) error {
	fs := newFlags(e, "recon", "[--method zf|sense|cs] [--reg kind=lambda,...] "+
		"[--cs-solver S] [--cs-table FILE] [--lambda-scaling noise|signal] "+
		"[--warm-start N] [--noise-floor auto|off] [--iters N] [--tol T] [--mask MASK] "+
		"[--output-mode ranking|full] [--name NAME] [--png DIR] [--threads N] "+
		"[--max-memory B] [--solver S] [--lambda L] [--layout x,y,c,z,t] IN OUT.mat")
	method := fs.String("method", "sense", "reconstruction: zf (zero-filled RSS), sense "+
		"(ESPIRiT maps + CG-SENSE) or cs (ESPIRiT maps + compressed sensing)")
	maskPath := fs.String("mask", "", "mask file; default: the matching file of the "+
		"challenge's Mask_* folder, else the non-zero samples of IN")
	mode := fs.String("output-mode", "ranking", "ranking (img4ranking selection and crop) or "+
		"full (all slices and frames, uncropped)")
	threads := fs.Int("threads", runtime.NumCPU(), "goroutines to use")
	layout := fs.String("layout", challenge.DefaultLayout, "names of IN's dims in file order")
	name := fs.String("name", "", "file name whose modality rules the ranking output follows "+
		"(default: IN's name)")
	lambda := fs.Float64("lambda", recon.DefaultLambda, "Tikhonov weight of CG-SENSE "+
		"(0: plain least squares, as bart pics -l2)")
	solver := fs.String("solver", string(recon.SolverColumns), "CG-SENSE iteration: columns "+
		"(per image column, line masks), lines (the joint iteration of bart pics on the "+
		"column operator) or plane (the 2-D operator); masks that are not line masks use plane")
	iters := fs.Int("iters", 0, "CG-SENSE or CS iterations (0: the default, 30 for "+
		"SENSE and 60 for CS)")
	tol := fs.Float64("tol", 0, "CG-SENSE relative residual, or CS relative change (two "+
		"iterations in a row, from iteration 10; ADMM and pd also their residuals), to stop "+
		"at (0: run every iteration; CG-SENSE stops anyway at a residual of 1e-6, "+
		"the float32 rounding level)")
	csf := addCSFlags(fs, false)
	pngDir := fs.String("png", "", "also write a PNG panel into this folder: zero-filled, "+
		"SENSE and CS (runs all three) and, for a fully sampled input, the reference and "+
		"error maps")
	maxMem := fs.String("max-memory", "", "memory budget, e.g. 8G: input arrays larger than "+
		"this are refused and the reconstruction is planned within it, the input included "+
		"(default: half the machine's memory)")
	pos, err := parse(fs, args, 2)
	if err != nil {
		return err
	}

	lay, err := challenge.ParseLayout(*layout)
	if err != nil {
		fmt.Fprintf(e.stderr, "cmrecon recon: --layout: %v\n", err)
		return errUsage
	}
	m := recon.Method(*method)
	if !methodOK(m) {
		fmt.Fprintf(e.stderr, "cmrecon recon: --method %q: want zf, sense or cs\n", *method)
		return errUsage
	}
	out := challenge.OutputMode(*mode)
	if out != challenge.OutputRanking && out != challenge.OutputFull {
		fmt.Fprintf(e.stderr, "cmrecon recon: --output-mode %q: want ranking or full\n", *mode)
		return errUsage
	}
	maxBytes, err := parseBytes(*maxMem)
	if err != nil {
		fmt.Fprintf(e.stderr, "cmrecon recon: --max-memory: %v\n", err)
		return errUsage
	}
	if *threads < 1 {
		fmt.Fprintf(e.stderr, "cmrecon recon: --threads %d: want a positive count\n", *threads)
		return errUsage
	}
	sv := recon.Solver(*solver)
	if sv != recon.SolverColumns && sv != recon.SolverLines && sv != recon.SolverPlane {
		fmt.Fprintf(e.stderr, "cmrecon recon: --solver %q: want columns, lines or plane\n",
			*solver)
		return errUsage
	}
	budget := maxBytes
	if budget == 0 {
		budget = mat.DefaultMaxBytes()
	}
	// The plan counts what the reconstruction holds; the Go heap may also hold garbage up
	// to its GC target (twice the live heap by default), so the budget is made the
	// runtime's soft memory limit too.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(budget))

	ro := recon.Options{Method: m, Threads: *threads, Lambda: *lambda, Iterations: *iters,
		Tolerance: *tol, Solver: sv, MaxMemory: budget,
		Plan: func(p recon.Plan) { logPlan(e, p) }}
	// The values are checked before the warnings of flags the method does not use, so that
	// a bad value is not first called unused and then refused.
	if err := csf.apply(&ro); err != nil {
		fmt.Fprintf(e.stderr, "cmrecon recon: %v\n", err)
		return errUsage
	}
	if err := checkSolverFlags(e, fs, m, ro); err != nil {
		fmt.Fprintf(e.stderr, "cmrecon recon: %v\n", err)
		return errUsage
	}
	if err := csf.loadTable(&ro); err != nil {
		return err
	}

	start := time.Now()
	progress := newProgressLog(e, 3*time.Second)
	ro.Progress = progress.report
	opts := challenge.FileOptions{
		Mask:   *maskPath,
		Layout: lay,
		Output: out,
		Name:   *name,
		Recon:  ro,
		Read:   &mat.ReadOptions{Workers: *threads, MaxBytes: maxBytes},
		PNG:    *pngDir,
	}
	if *pngDir != "" {
		if err := os.MkdirAll(*pngDir, 0o755); err != nil {
			return fmt.Errorf("--png: %w", err)
		}
	}
	e.log.Info("reconstructing", "input", pos[0], "method", m, "threads", *threads)
	rep, err := challenge.ReconstructFile(pos[0], pos[1], opts)
	if err != nil {
		return err
	}
	warnNoTerm(e, ro, rep.Dims.NT)
	warnMaskEmpty(e, rep.Input, rep.Mask, rep.MaskEmpty)

	mask := rep.Mask
	if mask == "" {
		mask = "(non-zero samples of the input)"
	}
	e.log.Info("done", "output", rep.Output, "dims", dimsText(rep.OutputDims),
		"kspace", rep.Dims.String(), "mask", mask, "mask_source", rep.MaskSource,
		"effective_R", fmt.Sprintf("%.2f", rep.EffectiveR), "panel", rep.Panel,
		"seconds", fmt.Sprintf("%.2f", time.Since(start).Seconds()))
	return nil
}

// maskEmptyWarn is the fraction of a mask's samples left empty in the k-space above which
// the command line warns that the mask may not be the data's. The data's own mask leaves
// none empty, or the part of each line an acquisition leaves empty (partial echo); a
// ktRadial 16 mask on the phantom undersampled with Uniform 8 left 60%, the calibration
// region being common to both.
const maskEmptyWarn = 0.5

// warnMaskEmpty warns when the mask file of input leaves most of its samples empty in the
// k-space (challenge.MaskEmpty).
func warnMaskEmpty(e *env, input, mask string, empty float64) {
	if empty > maskEmptyWarn {
		e.log.Warn("the k-space is zero at most of the mask's samples: is the mask this "+
			"file's? Its empty samples are taken as measured zeros", "file", input, "mask",
			mask, "empty_fraction", fmt.Sprintf("%.2f", empty))
	}
}

// logPlan logs the memory plan of a reconstruction before it starts.
func logPlan(e *env, p recon.Plan) {
	attrs := []any{"method", p.Method, "total", recon.Bytes(p.TotalBytes).String(),
		"budget", recon.Bytes(p.Budget).String(), "kspace", recon.Bytes(p.KSpaceBytes).String(),
		"maps", recon.Bytes(p.MapsBytes).String(), "espirit", recon.Bytes(p.CalibBytes).String(),
		"image", recon.Bytes(p.ImageBytes).String()}
	if p.Method == recon.MethodSENSE {
		s := p.SENSE
		attrs = append(attrs, "solver", s.Solver, "problems", s.Problems, "columns", s.Columns,
			"at_once", s.Workers, "threads_each", s.Threads,
			"cg_sense", recon.Bytes(s.TotalBytes).String(),
			"per_problem", recon.Bytes(s.SliceBytes+s.WorkerBytes).String())
	}
	if p.Method == recon.MethodCS {
		c := p.CS
		attrs = append(attrs, "sets", c.Sets, "solver", c.Solver,
			"cs", recon.Bytes(c.TotalBytes).String(),
			"cs_result", recon.Bytes(c.ResultBytes).String(),
			"per_slice", recon.Bytes(c.SliceBytes).String())
	}
	e.log.Info("memory plan", attrs...)
}

// progressLog logs reconstruction progress at most once per interval.
type progressLog struct {
	e        *env
	interval time.Duration
	start    time.Time

	mu   sync.Mutex
	last time.Time
}

func newProgressLog(e *env, interval time.Duration) *progressLog {
	now := time.Now()
	return &progressLog{e: e, interval: interval, start: now, last: now}
}

// report is a recon.Options.Progress callback; it may be called from many goroutines.
func (p *progressLog) report(r recon.Progress) {
	if !r.Finished {
		return
	}
	var cs []any
	if r.Regularizers != nil {
		cs = []any{"regs", recon.FormatRegularizers(r.Regularizers)}
		if r.LambdaFactor > 0 {
			cs = append(cs, "noise", fmt.Sprintf("%.4f", r.Noise),
				"lambda_factor", fmt.Sprintf("%.3f", r.LambdaFactor))
		}
		cs = append(cs, "iterations", r.Iteration)
		p.e.log.Debug("cs slice", append([]any{"slice", r.Slice}, cs...)...)
	}
	p.mu.Lock()
	defer p.mu.Unlock()

	now := time.Now()
	if now.Sub(p.last) < p.interval && r.Solved != r.Total {
		return
	}
	p.last = now
	elapsed := now.Sub(p.start)
	eta := time.Duration(0)
	if r.Solved > 0 {
		eta = elapsed * time.Duration(r.Total-r.Solved) / time.Duration(r.Solved)
	}
	attrs := []any{"solved", fmt.Sprintf("%d/%d", r.Solved, r.Total),
		"elapsed", elapsed.Round(time.Second), "eta", eta.Round(time.Second)}
	p.e.log.Info("progress", append(attrs, cs...)...)
}

// parseBytes parses a size such as 8G, 512M or 1073741824; "" gives 0.
func parseBytes(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	mult := int64(1)
	t := strings.ToUpper(strings.TrimSuffix(strings.TrimSpace(s), "B"))
	t = strings.TrimSuffix(t, "I")
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		case 'T':
			mult = 1 << 40
		}
		if mult > 1 {
			t = t[:len(t)-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a size such as 8G or 512M", s)
	}
	b := v * float64(mult)
	if b < 1<<20 || b >= 1<<62 {
		return 0, fmt.Errorf("%q is outside the sizes a budget can have (1M to 4E)", s)
	}
	return int64(b), nil
}
