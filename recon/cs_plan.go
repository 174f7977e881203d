package recon

import "fmt"

// CSPlan states the memory CS allocates beyond its inputs (k-space, mask and maps), which
// the caller holds. Slices are solved one after the other, so the buffers of one slice are
// held at a time; sizes are in bytes.
type CSPlan struct {
	Sets   int      // sets of maps planned for
	Solver CSSolver // the solver of a slice (CSAuto resolved; "" when no term is left)

	// Vector is one complex vector of a slice: nx*ny*nt values of every set. The solver's
	// iterates, the regularisers' splits and duals are multiples of it.
	Vector int64

	// ResultBytes is the complex image series of every set and, with two sets, their
	// combination.
	ResultBytes int64

	// SliceBytes is the most one slice holds at once: its data, normal operator, warm
	// start and noise estimate, or, once those are done, the solver's vectors and the
	// regularisers' buffers.
	SliceBytes int64

	TotalBytes int64 // ResultBytes + SliceBytes
}

// String formats the plan for a log line.
func (p CSPlan) String() string {
	s := fmt.Sprintf("%d set(s), result %s, one slice %s (%.1f vectors of %s)", p.Sets,
		Bytes(p.ResultBytes), Bytes(p.SliceBytes), float64(p.SliceBytes)/float64(p.Vector),
		Bytes(p.Vector))
	if p.Solver != "" {
		s += ", " + string(p.Solver)
	}
	return s
}

// PlanCS returns the memory CS allocates for k-space of dims d sampled with m, with sets
// sets of maps (1 or 2) and the options opts, without solving anything. It counts what the
// solver and the regularisers that CS builds from opts allocate (TestPlanCSMemory checks it
// against the live heap), and the per-goroutine planes of the operator, the wavelet and the
// setup for opts.Threads goroutines. It fails where CS would fail on the options.
func PlanCS(d Dims, m *Mask, sets int, opts CSOptions) (CSPlan, error) {
	p, _, err := planCS(d, m, sets, opts)
	return p, err
}

// planCS is PlanCS, also returning the part of SliceBytes that is held while the solver
// iterates (slack included).
func planCS(d Dims, m *Mask, sets int, opts CSOptions) (CSPlan, int64, error) {
	if !d.Valid() {
		return CSPlan{}, 0, fmt.Errorf("recon: invalid k-space dims %v", d)
	}
	if err := checkMask(m, d.NX, d.NY, d.NT); err != nil {
		return CSPlan{}, 0, err
	}
	if sets < 1 || sets > 2 {
		return CSPlan{}, 0, fmt.Errorf("recon: CS with %d sets of maps (want 1 or 2)", sets)
	}
	regs, err := csRegs(m, d.NT, opts)
	if err != nil {
		return CSPlan{}, 0, err
	}

	n := int64(d.NX) * int64(d.NY)
	nt := int64(d.NT)
	v := 8 * int64(sets) * n * nt
	series := 8 * n * int64(d.NZ) * nt
	p := CSPlan{Sets: sets, Vector: v, ResultBytes: int64(sets) * series}
	if sets > 1 {
		p.ResultBytes += series // their combination
	}

	// x and A^H y, the normal operator's maps, weights and per-goroutine scratch, then the
	// largest of the slice's phases.
	threads := int64(threadCount(opts.Threads))
	held := 2*v + csNormalBytes(d, LineWeights(m) != nil, sets, threads)
	setup := v/int64(2*sets) + 4*n + 16*n*min(threads, nt)
	warm := 3 * v
	ws := opts.WarmStart
	if ws == 0 {
		ws = DefaultWarmStart
	}
	if opts.LambdaScaling != LambdaSignal {
		// The noise estimate: its own CG-SENSE start when the warm start is shorter (held
		// through the residuals), and residuals' far-field flags, two coil stacks and the
		// residuals of every frame.
		resid := n + 16*n*int64(d.NC) + 4*n*nt
		if ws < noiseFitSteps {
			warm += v
			resid += v
		}
		warm = max(warm, resid)
	}
	var solve int64
	p.Solver, solve = planCSSolve(d, sets, regs, opts)
	p.SliceBytes = held + max(setup, warm, solve) + csPlanSlack
	p.TotalBytes = p.ResultBytes + p.SliceBytes
	return p, held + solve + csPlanSlack, nil
}

// csPlanSlack is the part of CSPlan.SliceBytes for the buffers it does not itemise: the
// structures, the locally low-rank blocks and temporal FFTs of each goroutine, and the
// operators' FFT plans. Together they were below 0.1 MiB in TestPlanCSMemory.
const csPlanSlack = 1 << 20

// csNormalBytes returns the memory of the normal operator of one slice (newSliceNormal) on
// threads goroutines, for a line mask when lines: the maps in the block order of the
// line-mask path and the squared weights of every frame, or the maps with their phases and
// the block weights of the fused 2-D operator; and csNormalScratch.
func csNormalBytes(d Dims, lines bool, sets int, threads int64) int64 {
	ny, nt := int64(d.NY), int64(d.NT)
	maps := 8 * int64(sets) * int64(d.NC) * ny
	scratch := csNormalScratch(d, lines, sets, threads)
	if lines {
		return maps*lineBlocks(d)*lineBlock + 4*nt*ny + scratch
	}
	return maps*int64(d.NX) + 4*nt*int64(planePitch(d.NX))*ny + scratch
}

// csNormalScratch returns the scratch the goroutines of sliceNormal.apply take from its
// pool: a column block's vectors per goroutine on a line mask, a scratch plane otherwise.
func csNormalScratch(d Dims, lines bool, sets int, threads int64) int64 {
	ny := int64(d.NY)
	if lines {
		return min(threads, lineBlocks(d)) * 8 * (2*int64(sets) + 2) * lineBlock * ny
	}
	return min(threads, int64(d.NT)) * 8 * int64(planePitch(d.NX)) * ny
}

// lineBlocks returns the column blocks of the line-mask operator for dims d.
func lineBlocks(d Dims) int64 { return int64((d.NX + lineBlock - 1) / lineBlock) }

// planTerm is a term of a slice's problem as planCSSolve counts it: the length in bytes of
// its operator's output (that of the iterate for a term without an operator), whether it
// has an operator, and the buffers it keeps.
type planTerm struct {
	out int64
	op  bool
	buf int64
}

// planCSSolve returns the solver csSlice.solve picks for regs and the memory of its solve
// phase beyond x and A^H y: the lifted problem (L+S or TGV), the terms' buffers and the
// solver's vectors. It follows csSlice.terms, csSlice.problem, csSlice.liftTGV and the
// solvers' allocations.
func planCSSolve(d Dims, sets int, regs []Regularizer, opts CSOptions) (CSSolver, int64) {
	n := int64(d.NX) * int64(d.NY)
	v := 8 * int64(sets) * n * int64(d.NT)
	several := d.NT > 1
	threads := int64(min(threadCount(opts.Threads), sets*d.NT))

	var ts []planTerm
	var lamL, lamS float64
	for _, r := range regs {
		switch r.Kind {
		case RegWavelet:
			scratch := n + 2*int64(max(d.NX, d.NY))
			ts = append(ts, planTerm{out: v, buf: threads * 8 * (n + scratch)})
		case RegTV:
			ts = append(ts, planTerm{out: 2 * v, op: true})
		case RegTTV:
			if several {
				ts = append(ts, planTerm{out: v, op: true})
			}
		case RegTFFT, RegLLR:
			if several {
				ts = append(ts, planTerm{out: v})
			}
		case RegLPlus:
			lamL = r.Lambda
		case RegSPlus:
			lamS = r.Lambda
		}
	}

	x := v
	var lifted int64
	if lamL != 0 && lamS != 0 && several {
		// L+S: v = (L, S), its b and x, the image and its normal inside the lifted normal
		// operator, and the complex128 copy of L its prox thresholds; every term sees
		// L + S through an operator with an image buffer.
		x = 2 * v
		lifted = 8 * v
		for i := range ts {
			ts[i].op, ts[i].buf = true, ts[i].buf+v
		}
		ts = append([]planTerm{{out: x}}, ts...)
	} else {
		for _, r := range regs {
			if r.Kind != RegTGV {
				continue
			}
			// TGV: z = (x, w) with w the two gradient planes, and its b; the other terms
			// select x (through a buffer of x when they have an operator).
			lifted += 6 * x
			for i := range ts {
				if ts[i].op {
					ts[i].buf += x
				}
				ts[i].op = true
			}
			ts = append(ts, planTerm{out: 2 * x, op: true},
				planTerm{out: 3 * x, op: true, buf: 4 * x})
			x *= 3
		}
	}

	solver := opts.Solver
	if solver == CSAuto {
		solver = CSADMM
		if len(ts) == 1 && !ts[0].op {
			solver = CSFISTA
		}
	}
	var bytes int64
	for _, t := range ts {
		bytes += t.buf
	}
	switch {
	case len(ts) == 0:
		return "", lifted
	case solver == CSFISTA:
		bytes += 3 * x
	case solver == CSPOGM:
		bytes += 5 * x
	case solver == CSPrimalDual:
		bytes += 5 * x
		primal := false
		for _, t := range ts {
			if !t.op && !primal {
				primal = true
				continue
			}
			bytes += 4 * t.out
		}
	default:
		// ADMM: z, u and K x of every term, the CG right-hand side, scratch and previous
		// iterate, and the warm CG's four vectors.
		bytes += 7 * x
		for _, t := range ts {
			bytes += 3 * t.out
		}
	}
	return solver, lifted + bytes
}
