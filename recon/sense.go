package recon

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/cmrecon/cmrecon/fft"
)

// DefaultIterations is the conjugate-gradient iteration count used when none is given, that
// of BART's pics.
const DefaultIterations = 30

// SenseOp is the SENSE forward model of one 2-D image of nx x ny pixels seen by nc coils:
// A = M F S, with S the multiplication by each coil's sensitivity map, F the orthonormal
// centred 2-D FFT (the challenge's fft2c) and M the multiplication by the sampling weights
// (0/1 for the challenge's masks). Images are nx*ny complex64 values and k-space data nc
// planes of nx*ny, column-major with x fastest. A SenseOp is not modified by its methods and
// is safe for concurrent use as long as each goroutine passes its own dst and work slices.
// Its methods panic when a slice has the wrong length.
type SenseOp struct {
	nx, ny, nc int
	maps       []complex64
	mask       []float32
	plan       *fft.Plan2D
}

// NewSenseOp returns the SENSE operator for the given maps (nc planes of nx*ny, such as
// CoilMaps.Slice) and sampling weights (nx*ny, such as Mask.Frame). The operator keeps
// references to both slices, which must not change while it is in use.
func NewSenseOp(nx, ny, nc int, maps []complex64, mask []float32) (*SenseOp, error) {
	if nx < 1 || ny < 1 || nc < 1 {
		return nil, fmt.Errorf("recon: invalid SENSE size %dx%d with %d coils", nx, ny, nc)
	}
	if len(maps) != nc*nx*ny {
		return nil, fmt.Errorf("recon: SENSE maps have %d values, want %d (%dx%dx%d)",
			len(maps), nc*nx*ny, nx, ny, nc)
	}
	if len(mask) != nx*ny {
		return nil, fmt.Errorf("recon: SENSE mask has %d values, want %d (%dx%d)",
			len(mask), nx*ny, nx, ny)
	}
	return &SenseOp{nx: nx, ny: ny, nc: nc, maps: maps, mask: mask, plan: plan2D(nx, ny)}, nil
}

// ImageLen returns the length of an image vector, nx*ny.
func (a *SenseOp) ImageLen() int { return a.nx * a.ny }

// DataLen returns the length of a k-space vector, nc*nx*ny.
func (a *SenseOp) DataLen() int { return a.nc * a.nx * a.ny }

// Forward sets dst = A x: coil c of dst is M F (s_c x). dst has DataLen values and x
// ImageLen; they must not overlap.
func (a *SenseOp) Forward(dst, x []complex64) {
	n := a.ImageLen()
	if len(dst) != a.DataLen() || len(x) != n {
		panic("recon: SenseOp.Forward: wrong slice length")
	}

	for c := range a.nc {
		s := a.maps[c*n : (c+1)*n]
		d := dst[c*n : (c+1)*n]
		for i, v := range x {
			d[i] = s[i] * v
		}
		a.plan.CenteredForward(d)
		for i, w := range a.mask {
			d[i] *= complex(w, 0)
		}
	}
}

// Adjoint sets dst = A^H y = sum over coils of conj(s_c) F^H (M y_c). dst has ImageLen
// values, y DataLen; work is scratch of ImageLen values (nil allocates it). y is not
// modified.
func (a *SenseOp) Adjoint(dst, y, work []complex64) {
	n := a.ImageLen()
	if len(dst) != n || len(y) != a.DataLen() {
		panic("recon: SenseOp.Adjoint: wrong slice length")
	}
	work = a.scratch(work)

	clear(dst)
	for c := range a.nc {
		for i, w := range a.mask {
			work[i] = y[c*n+i] * complex(w, 0)
		}
		a.plan.CenteredInverse(work)
		a.accumulate(dst, work, c)
	}
}

// Normal sets dst = A^H A x = sum over coils of conj(s_c) F^H M^2 F (s_c x), without
// storing the k-space of all coils. dst and x have ImageLen values and must not overlap;
// work is scratch of ImageLen values (nil allocates it).
func (a *SenseOp) Normal(dst, x, work []complex64) {
	n := a.ImageLen()
	if len(dst) != n || len(x) != n {
		panic("recon: SenseOp.Normal: wrong slice length")
	}
	work = a.scratch(work)

	clear(dst)
	for c := range a.nc {
		s := a.maps[c*n : (c+1)*n]
		for i, v := range x {
			work[i] = s[i] * v
		}
		a.plan.CenteredForward(work)
		for i, w := range a.mask {
			work[i] *= complex(w*w, 0)
		}
		a.plan.CenteredInverse(work)
		a.accumulate(dst, work, c)
	}
}

// accumulate adds conj(s_c) * v to dst.
func (a *SenseOp) accumulate(dst, v []complex64, c int) {
	n := a.ImageLen()
	s := a.maps[c*n : (c+1)*n]
	for i, w := range v {
		m := s[i]
		dst[i] += complex(real(m), -imag(m)) * w
	}
}

// scratch checks or allocates a work slice of ImageLen values.
func (a *SenseOp) scratch(work []complex64) []complex64 {
	if work == nil {
		return make([]complex64, a.ImageLen())
	}
	if len(work) != a.ImageLen() {
		panic("recon: SenseOp: work slice has the wrong length")
	}
	return work
}

// CGOptions controls ConjugateGradient.
type CGOptions struct {
	// Iterations is the largest number of iterations (0: DefaultIterations).
	Iterations int

	// Tolerance stops the iteration once the residual norm |b - N x| is at most
	// Tolerance * |b|. Zero runs every iteration, as BART's pics does.
	Tolerance float64

	// Progress, when not nil, is called after every iteration with the iteration number
	// (from 1) and the relative residual |b - N x| / |b|.
	Progress func(iteration int, residual float64)
}

// CGResult reports how a ConjugateGradient run ended.
type CGResult struct {
	Iterations int     // iterations performed
	Residual   float64 // final relative residual |b - N x| / |b|, from the CG recursion
}

// ConjugateGradient solves N x = b for a Hermitian positive (semi-)definite operator N given
// as normal(dst, x), which must set dst = N x without keeping either slice. x holds the
// starting guess (warm start; zeros for a cold start) and receives the solution. Vectors
// are complex64; inner products and norms are accumulated in float64. The iteration stops
// after opts.Iterations steps, when the relative residual reaches opts.Tolerance, or when
// the search direction has no positive curvature (the residual is then as small as the
// float32 data allow). When b is zero, x is set to zero.
func ConjugateGradient(normal func(dst, x []complex64), b, x []complex64,
	opts CGOptions) CGResult {
	if len(b) != len(x) {
		panic("recon: ConjugateGradient: b and x differ in length")
	}
	iters := opts.Iterations
	if iters == 0 {
		iters = DefaultIterations
	}

	bnorm := math.Sqrt(dot(b, b))
	if bnorm == 0 {
		clear(x)
		return CGResult{}
	}

	r := make([]complex64, len(b))
	p := make([]complex64, len(b))
	q := make([]complex64, len(b))
	normal(q, x)
	for i := range r {
		r[i] = b[i] - q[i]
	}
	copy(p, r)
	rr := dot(r, r)

	res := CGResult{Residual: math.Sqrt(rr) / bnorm}
	for res.Iterations < iters && res.Residual > opts.Tolerance {
		normal(q, p)
		pq := dot(p, q)
		if !(pq > 0) {
			break
		}

		alpha := complex(float32(rr/pq), 0)
		for i := range x {
			x[i] += alpha * p[i]
			r[i] -= alpha * q[i]
		}
		rrNew := dot(r, r)

		beta := complex(float32(rrNew/rr), 0)
		for i := range p {
			p[i] = r[i] + beta*p[i]
		}
		rr = rrNew

		res.Iterations++
		res.Residual = math.Sqrt(rr) / bnorm
		if opts.Progress != nil {
			opts.Progress(res.Iterations, res.Residual)
		}
	}
	return res
}

// dot returns the real part of <a, b> = sum conj(a_i) b_i, accumulated in float64. For the
// Hermitian operators CG uses, <p, N p> is real, so the imaginary part is rounding only.
func dot(a, b []complex64) float64 {
	var s float64
	for i, u := range a {
		v := b[i]
		s += float64(real(u))*float64(real(v)) + float64(imag(u))*float64(imag(v))
	}
	return s
}

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

	// Threads bounds the number of problems solved at once (values below 1: one per CPU).
	Threads int

	// Init, when not nil, is the starting guess (warm start), an nx x ny x nz x nt image.
	Init *ComplexImage

	// Progress, when not nil, is called after every iteration and after every solved
	// slice/frame problem. Calls never overlap, so Progress needs no locking of its own, but
	// it runs on the solving goroutines and should return quickly.
	Progress func(Progress)

	// Subset, when not its zero value, restricts the solve to the slices and frames an output
	// needs, and with Columns also to its image columns; the rest of the result is zero (or
	// Init).
	Subset Subset

	// Columns solves a line mask (see LineWeights) column by column: for such a mask every
	// image column x is an independent ny-point problem, so each gets its own conjugate
	// gradients, and only the columns Subset names are solved. It converges to the same
	// solution as the joint 2-D iteration that BART's pics runs (the default), in fewer
	// operator applications, but its iterates differ before convergence: a column of ny
	// unknowns converges within ny iterations, so with Lambda 0 the early stopping that
	// regularises the joint iteration is lost and noise is amplified more. Use it with a
	// Tikhonov Lambda. Masks that are not line masks ignore it.
	Columns bool
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
// solved in parallel by at most opts.Threads goroutines.
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
	if err := checkMaps(maps, y.Dims); err != nil {
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

	out := &ComplexImage{NX: nx, NY: ny, NZ: nz, NT: nt, Data: make([]complex64, nx*ny*nz*nt)}
	if opts.Init != nil {
		copy(out.Data, opts.Init.Data)
	}

	if err := opts.Subset.check(nx); err != nil {
		return nil, err
	}
	var jobs []int
	for job := range nz * nt {
		if opts.Subset.keep(job%nz, job/nz) {
			jobs = append(jobs, job)
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

	var lines [][]float32
	if opts.Columns {
		lines = LineWeights(m)
	}
	workers := min(threadCount(opts.Threads), max(len(jobs), 1))
	inner := max(1, threadCount(opts.Threads)/workers)
	errs := make([]error, len(jobs))
	parallelFor(len(jobs), workers, func(_, i int) {
		iz, it := jobs[i]%nz, jobs[i]/nz
		if lines != nil {
			w := lines[0]
			if m.NT > 1 {
				w = lines[it]
			}
			solveColumns(y, m, w, maps, iz, it, opts, inner, out, report)
			return
		}
		errs[i] = solvePlane(y, m, maps, iz, it, opts, out, report)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// solvePlane solves the 2-D CG-SENSE problem of slice iz, frame it into out.
func solvePlane(y *KSpace, m *Mask, maps *CoilMaps, iz, it int, opts SENSEOptions,
	out *ComplexImage, report func(Progress)) error {
	nx, ny := y.NX, y.NY
	n := nx * ny
	op, err := NewSenseOp(nx, ny, y.NC, maps.Slice(iz), m.Frame(it))
	if err != nil {
		return err
	}

	data := make([]complex64, op.DataLen())
	for c := range y.NC {
		copy(data[c*n:], y.Plane(c, iz, it))
	}
	for c := range y.NC {
		for i, w := range m.Frame(it) {
			data[c*n+i] *= complex(w, 0)
		}
	}
	work := make([]complex64, n)
	b := make([]complex64, n)
	op.Adjoint(b, data, work)

	lambda := complex(float32(opts.Lambda), 0)
	normal := func(dst, x []complex64) {
		op.Normal(dst, x, work)
		if lambda != 0 {
			for i, v := range x {
				dst[i] += lambda * v
			}
		}
	}

	cg := CGOptions{Iterations: opts.Iterations, Tolerance: opts.Tolerance}
	cg.Progress = func(iter int, res float64) {
		report(Progress{Slice: iz, Frame: it, Iteration: iter, Residual: res})
	}
	r := ConjugateGradient(normal, b, out.Plane(iz, it), cg)
	report(Progress{Slice: iz, Frame: it, Iteration: r.Iterations, Residual: r.Residual,
		Finished: true})
	return nil
}

// solveColumns solves slice iz, frame it of a line mask with ky weights w column by column
// (see lineProblem) for the columns opts.Subset needs, into out, on threads goroutines.
func solveColumns(y *KSpace, m *Mask, w []float32, maps *CoilMaps, iz, it int,
	opts SENSEOptions, threads int, out *ComplexImage, report func(Progress)) {
	nx, ny := y.NX, y.NY
	x0, x1 := opts.Subset.columns(nx)
	sm := maps.Slice(iz)

	b := make([]complex64, nx*ny)
	work := make([]complex64, nx*ny)
	plan := plan2D(nx, ny)
	mask := m.Frame(it)
	for c := range y.NC {
		for i, v := range y.Plane(c, iz, it) {
			work[i] = v * complex(mask[i]*mask[i], 0)
		}
		plan.CenteredInverse(work)
		s := sm[c*nx*ny : (c+1)*nx*ny]
		for i, v := range work {
			b[i] += complex(real(s[i]), -imag(s[i])) * v
		}
	}

	lp := newLineProblem(nx, ny, y.NC, sm, w, x0, x1, opts.Lambda)
	bv := make([]complex64, lp.len())
	xv := make([]complex64, lp.len())
	lp.gather(bv, b, nx, x0)
	lp.gather(xv, out.Plane(iz, it), nx, x0)

	iters := opts.Iterations
	if iters == 0 {
		iters = DefaultIterations
	}
	st := lp.solve(bv, xv, iters, opts.Tolerance, threads, func(s lineCGStats) {
		report(Progress{Slice: iz, Frame: it, Iteration: s.iteration, Residual: s.residual})
	})
	lp.scatter(out.Plane(iz, it), xv, nx, x0)
	report(Progress{Slice: iz, Frame: it, Iteration: st.iteration, Residual: st.residual,
		Finished: true})
}

// checkMaps reports coil maps that do not fit k-space of dims d.
func checkMaps(s *CoilMaps, d Dims) error {
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
