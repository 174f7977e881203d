package recon

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/fft"
)

// Solver selects how SENSE solves each slice/frame problem.
type Solver string

// The solvers. All of them minimise the same objective; SolverAuto, SolverPlane and
// SolverLines run the same iteration (BART's pics) and differ only in speed.
const (
	// SolverAuto picks SolverLines for line masks (see LineWeights) and SolverPlane for
	// any other mask.
	SolverAuto Solver = ""

	// SolverPlane runs conjugate gradients on the 2-D normal operator (SenseOp.Normal), for
	// any mask.
	SolverPlane Solver = "plane"

	// SolverLines runs the same iteration as SolverPlane, with step sizes from inner
	// products over all the columns, on the column-decoupled operator of a line mask: one
	// inverse FFT up front, then 1-D FFTs along ky only (less than half the FFT work of
	// SolverPlane). Its step sizes depend on every column, so it solves every column
	// whatever Subset asks for (solving only a range would change the columns it keeps).
	// Masks that are not line masks use SolverPlane.
	SolverLines Solver = "lines"

	// SolverColumns solves every image column of a line mask with conjugate gradients of
	// its own (own step sizes and stopping), so the result of a column does not depend on
	// which other columns are solved and only the columns Subset names are solved. It
	// converges to the same solution as the others, but a column of ny unknowns converges
	// within ny iterations, so with Lambda 0 the early stopping that regularises the joint
	// iteration is lost and noise is amplified more: use it with a Tikhonov Lambda such as
	// DefaultLambda. Masks that are not line masks use SolverPlane.
	SolverColumns Solver = "columns"
)

// SENSEOptions configures SENSE.
type SENSEOptions struct {
	// Lambda is the Tikhonov weight: SENSE minimises |A x - M y|^2 + Lambda |x|^2. With
	// maps of unit root sum of squares and a 0/1 mask, A^H A has eigenvalues in [0, 1], so
	// Lambda is relative to that scale whatever the scale of the data. Zero means plain
	// least squares.
	Lambda float64

	// Iterations and Tolerance stop each conjugate-gradient solve (see CGOptions).
	Iterations int
	Tolerance  float64

	// Threads bounds the goroutines used (values below 1: one per CPU). Problems are solved
	// in parallel, and when there are fewer problems than threads each problem's operator
	// is spread over the remaining ones.
	Threads int

	// MaxMemory, when positive, bounds the memory SENSE allocates (the result image plus
	// the scratch of the problems solved at once, see PlanSENSE), in bytes: fewer problems
	// are solved at once when the threads would need more. SENSE fails when one problem
	// alone does not fit.
	MaxMemory int64

	// Solver selects the iteration (see Solver); the zero value picks the fastest one that
	// runs BART's iteration.
	Solver Solver

	// Init, when not nil, is the starting guess (warm start), an nx x ny x nz x nt image.
	Init *ComplexImage

	// Progress, when not nil, is called after every iteration (with SolverColumns, which
	// iterates block of columns by block, after every block) and after every solved
	// slice/frame problem. Calls never overlap, so Progress needs no locking of its own, but
	// it runs on the solving goroutines and should return quickly.
	Progress func(Progress)

	// Subset, when not its zero value, restricts the solve to the slices and frames an output
	// needs, and for SolverColumns also to its image columns; the rest of the result is
	// zero (or Init). A subset never changes the values it keeps.
	Subset Subset
}

// Subset names the part of an image series that a reconstruction must produce. The zero
// value asks for everything.
type Subset struct {
	// X0 and X1 bound the image columns (x positions) needed: X0 <= x < X1. X1 == 0 means
	// every column.
	X0, X1 int

	// Keep, when not nil, reports whether slice iz, frame it is needed.
	Keep func(iz, it int) bool
}

// columns returns the column range of s for images nx wide.
func (s Subset) columns(nx int) (x0, x1 int) {
	if s.X1 == 0 {
		return 0, nx
	}
	return s.X0, s.X1
}

// keep reports whether slice iz, frame it is needed.
func (s Subset) keep(iz, it int) bool { return s.Keep == nil || s.Keep(iz, it) }

// keepSlice reports whether some frame of slice iz is needed.
func (s Subset) keepSlice(iz, nt int) bool {
	for it := range nt {
		if s.keep(iz, it) {
			return true
		}
	}
	return false
}

// check reports a column range that does not fit images nx wide.
func (s Subset) check(nx int) error {
	if s.X1 == 0 && s.X0 == 0 {
		return nil
	}
	if s.X0 < 0 || s.X1 <= s.X0 || s.X1 > nx {
		return fmt.Errorf("recon: columns [%d, %d) do not fit an image %d wide", s.X0, s.X1,
			nx)
	}
	return nil
}

// Progress describes how far a reconstruction has come.
type Progress struct {
	Slice, Frame int     // the problem this report is about
	Iteration    int     // iterations done on that problem
	Residual     float64 // its relative residual |b - N x| / |b|
	Finished     bool    // the problem is solved (this is its last report)
	Solved       int     // problems solved so far, including this one when Finished
	Total        int     // problems in the reconstruction (slices x frames)

	// Noise and LambdaFactor are, on the Finished report of a CS slice, the noise level of
	// the slice relative to its scale and the factor its lambdas were multiplied by (see
	// CS); zero otherwise.
	Noise, LambdaFactor float64

	// Regularizers are, on the Finished report of a CS slice, the regularisers it was
	// solved with (without the temporal ones on data of one frame, which CS ignores), before
	// the noise scaling multiplied their lambdas by LambdaFactor: a list that, given as
	// CSOptions.Regularizers, reproduces the slice. Nil otherwise.
	Regularizers []Regularizer
}

// SENSEPlan states how SENSE spreads its work and the memory it allocates, beyond its
// inputs (k-space, mask, maps), which the caller holds.
type SENSEPlan struct {
	Solver   Solver // the solver used (never SolverAuto)
	Problems int    // slice/frame problems solved
	Columns  int    // image columns solved per problem
	Workers  int    // problems solved at once
	Threads  int    // goroutines per problem

	OutputBytes int64 // the complex result image
	SliceBytes  int64 // per slice in progress: the maps re-laid out for the line solvers
	WorkerBytes int64 // per worker: the CG vectors and scratch of one problem
	TotalBytes  int64 // OutputBytes + Workers * (SliceBytes + WorkerBytes)
}

// String formats the plan for a log line.
func (p SENSEPlan) String() string {
	return fmt.Sprintf("solver %s, %d problems of %d columns, %d at once x %d threads, "+
		"%s = output %s + %d x (slice maps %s + solver %s)", p.Solver, p.Problems, p.Columns,
		p.Workers, p.Threads, Bytes(p.TotalBytes), Bytes(p.OutputBytes), p.Workers,
		Bytes(p.SliceBytes), Bytes(p.WorkerBytes))
}

// Bytes formats a byte count with a binary unit and three significant digits, e.g.
// "212 MiB" or "1.07 GiB".
type Bytes int64

// String formats b.
func (b Bytes) String() string {
	v := float64(b)
	for _, u := range []string{"B", "KiB", "MiB", "GiB"} {
		if math.Abs(v) < 1024 || u == "GiB" {
			switch {
			case u == "B":
				return fmt.Sprintf("%d B", int64(b))
			case math.Abs(v) < 10:
				return fmt.Sprintf("%.2f %s", v, u)
			case math.Abs(v) < 100:
				return fmt.Sprintf("%.1f %s", v, u)
			}
			return fmt.Sprintf("%.0f %s", v, u)
		}
		v /= 1024
	}
	return ""
}

// fftScratch is the scratch package fft holds per goroutine for the transforms SENSE runs:
// two lane buffers of about 32 KiB and their twiddle temporaries.
const fftScratch = 128 << 10

// PlanSENSE returns the plan SENSE follows for k-space of dims d sampled with m: the solver,
// how many problems it solves at once and with how many goroutines each, and the memory it
// allocates. It fails when one problem alone needs more than opts.MaxMemory.
func PlanSENSE(d Dims, m *Mask, opts SENSEOptions) (SENSEPlan, error) {
	if !d.Valid() {
		return SENSEPlan{}, fmt.Errorf("recon: invalid k-space dims %v", d)
	}
	if err := checkMask(m, d.NX, d.NY, d.NT); err != nil {
		return SENSEPlan{}, err
	}
	if err := opts.Subset.check(d.NX); err != nil {
		return SENSEPlan{}, err
	}
	p := SENSEPlan{Solver: opts.Solver}
	switch opts.Solver {
	case SolverAuto, SolverLines, SolverColumns:
		if LineWeights(m) == nil {
			p.Solver = SolverPlane
		} else if opts.Solver == SolverAuto {
			p.Solver = SolverLines
		}
	case SolverPlane:
	default:
		return SENSEPlan{}, fmt.Errorf("recon: unknown SENSE solver %q (want %q, %q or %q)",
			opts.Solver, SolverPlane, SolverLines, SolverColumns)
	}

	for iz := range d.NZ {
		for it := range d.NT {
			if opts.Subset.keep(iz, it) {
				p.Problems++
			}
		}
	}
	threads := threadCount(opts.Threads)
	workers := max(1, min(threads, p.Problems))

	n := int64(d.NX) * int64(d.NY)
	p.OutputBytes = 8 * n * int64(d.NZ) * int64(d.NT)
	p.Columns = d.NX
	inner := func(w int) int64 { return int64(max(1, threads/w)) }
	block := int64(8 * lineBlock * d.NY)
	perWorker := func(w int) int64 {
		return 5*8*n + 4*n + inner(w)*fftScratch
	}
	if p.Solver != SolverPlane {
		if p.Solver == SolverColumns {
			x0, x1 := opts.Subset.columns(d.NX)
			p.Columns = x1 - x0
		}
		vec := int64((p.Columns+lineBlock-1)/lineBlock) * block
		p.SliceBytes = int64(d.NC) * vec
		perWorker = func(w int) int64 { return 5*vec + 2*8*n + inner(w)*(block+fftScratch) }
		if p.Solver == SolverColumns {
			perWorker = func(w int) int64 {
				return 2*vec + 2*8*n + inner(w)*(4*block+fftScratch)
			}
		}
	}

	total := func(w int) int64 {
		return p.OutputBytes + int64(w)*(p.SliceBytes+perWorker(w))
	}
	if opts.MaxMemory > 0 {
		for workers > 1 && total(workers) > opts.MaxMemory {
			workers--
		}
		if total(workers) > opts.MaxMemory {
			return SENSEPlan{}, fmt.Errorf("recon: SENSE of %v needs %s (%s), more than the "+
				"memory budget of %s", d, Bytes(total(1)), p.withWorkers(1, threads,
				perWorker(1), total(1)), Bytes(opts.MaxMemory))
		}
	}
	return p.withWorkers(workers, threads, perWorker(workers), total(workers)), nil
}

// withWorkers fills in the worker counts and sizes.
func (p SENSEPlan) withWorkers(workers, threads int, perWorker, total int64) SENSEPlan {
	p.Workers = workers
	p.Threads = max(1, threads/workers)
	p.WorkerBytes = perWorker
	p.TotalBytes = total
	return p
}

// SENSE reconstructs a coil-combined complex image from undersampled multi-coil k-space y
// with coil maps (one set per slice, shared by all frames) and the sampling mask m: for
// every slice iz and frame it it solves
//
//	(A^H A + Lambda I) x = A^H M y,   A = M F S
//
// by conjugate gradients, with S the maps of slice iz and M the weights of frame it (see
// SenseOp). Entries of y outside the mask are ignored, so y may be the zero-filled
// undersampled k-space or fully sampled data. The slice/frame problems are independent and
// solved in parallel as PlanSENSE states, slice after slice.
//
// Scaling: where the maps are accurate and normalised to unit root sum of squares (as
// ESPIRiT's are), the coil images are s_c rho with |s| = 1, so the solution approximates the
// ground truth's RSS image |rho| in magnitude, with the maps' phase reference. Where the
// maps are zero (ESPIRiT crop) the solution is zero when Lambda > 0.
func SENSE(y *KSpace, m *Mask, maps *CoilMaps, opts SENSEOptions) (*ComplexImage, error) {
	if err := checkKSpace(y); err != nil {
		return nil, err
	}
	if err := checkMask(m, y.NX, y.NY, y.NT); err != nil {
		return nil, err
	}
	if err := checkMapsKept(maps, y.Dims, func(iz int) bool {
		return opts.Subset.keepSlice(iz, y.NT)
	}); err != nil {
		return nil, err
	}
	if err := checkSolver(opts.Lambda, opts.Iterations, opts.Tolerance); err != nil {
		return nil, err
	}
	nx, ny, nz, nt := y.NX, y.NY, y.NZ, y.NT
	if in := opts.Init; in != nil && (in.NX != nx || in.NY != ny || in.NZ != nz ||
		in.NT != nt || len(in.Data) != nx*ny*nz*nt) {
		return nil, fmt.Errorf("recon: SENSE initial image is %dx%dx%dx%d with %d values, "+
			"want %dx%dx%dx%d", in.NX, in.NY, in.NZ, in.NT, len(in.Data), nx, ny, nz, nt)
	}
	plan, err := PlanSENSE(y.Dims, m, opts)
	if err != nil {
		return nil, err
	}

	out := &ComplexImage{NX: nx, NY: ny, NZ: nz, NT: nt, Data: make([]complex64, nx*ny*nz*nt)}
	if opts.Init != nil {
		copy(out.Data, opts.Init.Data)
	}

	type job struct{ iz, it int }
	var jobs []job
	remaining := make([]atomic.Int32, nz)
	for iz := range nz {
		for it := range nt {
			if opts.Subset.keep(iz, it) {
				jobs = append(jobs, job{iz, it})
				remaining[iz].Add(1)
			}
		}
	}

	var mu sync.Mutex
	solved := 0
	report := func(p Progress) {
		if opts.Progress == nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if p.Finished {
			solved++
		}
		p.Solved, p.Total = solved, len(jobs)
		opts.Progress(p)
	}

	s := &senseRun{y: y, m: m, maps: maps, opts: opts, plan: plan, out: out, report: report,
		sliceMaps: make([]sliceMaps, nz), work: make([]*senseWork, plan.Workers)}
	if plan.Solver != SolverPlane {
		s.weights = LineWeights(m)
		s.plan2D = plan2D(nx, ny).WithWorkers(plan.Threads)
	}
	parallelFor(len(jobs), plan.Workers, func(w, i int) {
		j := jobs[i]
		if s.work[w] == nil {
			s.work[w] = &senseWork{}
		}
		if plan.Solver == SolverPlane {
			s.solvePlane(j.iz, j.it, s.work[w])
		} else {
			s.solveLines(j.iz, j.it, s.work[w])
		}
		if remaining[j.iz].Add(-1) == 0 {
			s.sliceMaps[j.iz].release()
		}
	})
	return out, nil
}

// senseRun is the state of one SENSE call shared by its workers.
type senseRun struct {
	y         *KSpace
	m         *Mask
	maps      *CoilMaps
	opts      SENSEOptions
	plan      SENSEPlan
	out       *ComplexImage
	report    func(Progress)
	weights   [][]float32 // ky weights per mask frame (line solvers)
	plan2D    *fft.Plan2D // the right-hand side's FFT (line solvers)
	sliceMaps []sliceMaps
	work      []*senseWork
}

// sliceMaps holds the column maps of one slice while some of its frames are being solved.
type sliceMaps struct {
	mu   sync.Mutex
	maps *colMaps
}

// get returns the column maps of slice iz, building them on first use.
func (sm *sliceMaps) get(build func() *colMaps) *colMaps {
	sm.mu.Lock()
	defer sm.mu.Unlock()
	if sm.maps == nil {
		sm.maps = build()
	}
	return sm.maps
}

// release drops the column maps once the slice is done.
func (sm *sliceMaps) release() {
	sm.mu.Lock()
	sm.maps = nil
	sm.mu.Unlock()
}

// senseWork is the scratch of one worker, reused from problem to problem.
type senseWork struct {
	x, b          []complex64
	plane, plane2 []complex64
	r, p, q       []complex64 // plane solver CG vectors
	mask2         []float32
	cg            *cgWork
	cgCap         int // block count cg was made for
}

// grow returns v resized to n values, reusing its memory when it is large enough.
func grow(v []complex64, n int) []complex64 {
	if cap(v) >= n {
		return v[:n]
	}
	return make([]complex64, n)
}

// iterations returns the CG iteration count of the options.
func (s *senseRun) iterations() int {
	if s.opts.Iterations == 0 {
		return DefaultIterations
	}
	return s.opts.Iterations
}

// solveLines solves slice iz, frame it of a line mask with the column operator.
func (s *senseRun) solveLines(iz, it int, w *senseWork) {
	y := s.y
	nx, ny := y.NX, y.NY
	x0, x1 := 0, nx
	if s.plan.Solver == SolverColumns {
		x0, x1 = s.opts.Subset.columns(nx)
	}
	cm := s.sliceMaps[iz].get(func() *colMaps {
		return newColMaps(nx, ny, y.NC, s.maps.Slice(iz), x0, x1)
	})
	wt := s.weights[0]
	if s.m.NT > 1 {
		wt = s.weights[it]
	}

	n := cm.len()
	w.x, w.b = grow(w.x, n), grow(w.b, n)
	w.plane, w.plane2 = grow(w.plane, nx*ny), grow(w.plane2, nx*ny)
	if s.plan.Solver == SolverLines && (w.cg == nil || w.cgCap != cm.blocks) {
		w.cg, w.cgCap = newCGWork(cm, s.plan.Threads), cm.blocks
	}

	lineRHS(w.plane2, func(c int) []complex64 { return y.Plane(c, iz, it) },
		s.maps.Slice(iz), s.m.Frame(it), s.plan2D, w.plane)
	cm.gather(w.b, w.plane2, nx)
	outPlane := s.out.Plane(iz, it)
	cm.gather(w.x, outPlane, nx)

	op := newColOp(cm, wt, s.opts.Lambda)
	progress := func(st cgStats) {
		s.report(Progress{Slice: iz, Frame: it, Iteration: st.iteration,
			Residual: st.residual})
	}
	var st cgStats
	if s.plan.Solver == SolverColumns {
		st = op.columnCG(w.b, w.x, s.iterations(), s.opts.Tolerance, s.plan.Threads,
			progress)
	} else {
		st = op.jointCG(w.b, w.x, s.iterations(), s.opts.Tolerance, w.cg, progress)
	}
	cm.scatter(outPlane, w.x, nx)
	s.report(Progress{Slice: iz, Frame: it, Iteration: st.iteration, Residual: st.residual,
		Finished: true})
}

// solvePlane solves the 2-D CG-SENSE problem of slice iz, frame it into the output, in the
// basis of the centring phases (see SenseOp).
func (s *senseRun) solvePlane(iz, it int, w *senseWork) {
	y := s.y
	nx, ny := y.NX, y.NY
	n := nx * ny
	op := newSenseOp(nx, ny, y.NC, s.maps.Slice(iz), s.m.Frame(it), w.mask2)
	op = op.withThreads(s.plan.Threads)
	w.mask2 = op.mask2

	w.b, w.plane = grow(w.b, n), grow(w.plane, n)
	w.r, w.p, w.q = grow(w.r, n), grow(w.p, n), grow(w.q, n)
	clear(w.b)
	for c := range y.NC {
		asm.MaskCopy(w.plane, y.Plane(c, iz, it), op.mask)
		asm.MaskCopy(w.plane, w.plane, op.mask)
		op.plan.CenteredInverse(w.plane)
		asm.MulConjAcc(w.b, op.maps[c*n:(c+1)*n], w.plane)
	}
	op.toTilde(w.b, false)
	x := s.out.Plane(iz, it)
	op.toTilde(x, false)

	lambda := complex(float32(s.opts.Lambda), 0)
	normal := func(dst, v []complex64) {
		op.normalTilde(dst, v, w.plane)
		if lambda != 0 {
			asm.Axpy(lambda, v, dst)
		}
	}
	cg := CGOptions{Iterations: s.opts.Iterations, Tolerance: s.opts.Tolerance}
	cg.Progress = func(iter int, res float64) {
		s.report(Progress{Slice: iz, Frame: it, Iteration: iter, Residual: res})
	}
	r := conjugateGradient(normal, w.b, x, cg, w.r, w.p, w.q)
	op.toTilde(x, true)
	s.report(Progress{Slice: iz, Frame: it, Iteration: r.Iterations, Residual: r.Residual,
		Finished: true})
}

// checkMaps reports coil maps that do not fit k-space of dims d, or hold NaN or infinite
// values, or are zero everywhere in some slice.
func checkMaps(s *CoilMaps, d Dims) error {
	return checkMapsKept(s, d, func(int) bool { return true })
}

// checkMapsKept is checkMaps for the slices with keep(iz) true only.
func checkMapsKept(s *CoilMaps, d Dims, keep func(iz int) bool) error {
	if s == nil {
		return errors.New("recon: nil coil maps")
	}
	if s.NX != d.NX || s.NY != d.NY || s.NC != d.NC || s.NZ != d.NZ {
		return fmt.Errorf("recon: coil maps are %dx%dx%dx%d, k-space %v needs %dx%dx%dx%d",
			s.NX, s.NY, s.NC, s.NZ, d, d.NX, d.NY, d.NC, d.NZ)
	}
	if s.NM < 0 || s.NM > 2 || len(s.Data) != s.NX*s.NY*s.NC*s.NZ*s.Sets() {
		return fmt.Errorf("recon: coil maps %dx%dx%dx%d (%d sets) have %d values", s.NX, s.NY,
			s.NC, s.NZ, s.Sets(), len(s.Data))
	}

	for iz := range s.NZ {
		if !keep(iz) {
			continue
		}
		for im := 1; im < s.Sets(); im++ {
			for i, v := range s.Set(im).Slice(iz) {
				if re, ie := float64(real(v)), float64(imag(v)); math.IsNaN(re+ie) ||
					math.IsInf(re, 0) || math.IsInf(ie, 0) {
					return fmt.Errorf("recon: coil map value %v in set %d at index %d of "+
						"slice %d is NaN or infinite", v, im, i, iz)
				}
			}
		}
		var energy float64
		for i, v := range s.Slice(iz) {
			re, im := float64(real(v)), float64(imag(v))
			if math.IsNaN(re+im) || math.IsInf(re, 0) || math.IsInf(im, 0) {
				n := s.NX * s.NY
				return fmt.Errorf("recon: coil map value %v at (ix=%d, iy=%d, ic=%d, iz=%d) "+
					"is NaN or infinite", v, i%n%s.NX, i%n/s.NX, i/n, iz)
			}
			energy += re*re + im*im
		}
		if energy == 0 {
			return fmt.Errorf("recon: the coil maps of slice %d are zero everywhere: "+
				"nothing to reconstruct with", iz)
		}
	}
	return nil
}

// checkSolver reports solver settings that cannot work.
func checkSolver(lambda float64, iterations int, tolerance float64) error {
	switch {
	case !(lambda >= 0) || math.IsInf(lambda, 0):
		return fmt.Errorf("recon: lambda %v is not a finite non-negative number", lambda)
	case iterations < 0:
		return fmt.Errorf("recon: iterations %d is negative", iterations)
	case !(tolerance >= 0) || math.IsInf(tolerance, 0):
		return fmt.Errorf("recon: tolerance %v is not a finite non-negative number", tolerance)
	}
	return nil
}
