package recon

import (
	"fmt"
	"math"
	"sync"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/fft"
)

// DefaultIterations is the conjugate-gradient iteration count used when none is given, that
// of BART's pics.
const DefaultIterations = 30

// DefaultLambda is the Tikhonov weight the command line uses with SolverColumns by default
// (the library's zero value is BART's plain least squares). With BART's joint iteration at
// lambda 0 stopped after 30 steps as the reference, per-column CG with this weight scored a
// higher ranking-crop SSIM on every phantom scenario measured (2025 Uniform and ktGaussian
// masks at R = 8, 16, 24, SNR 40 to 500, and 512x216 at R = 4: +0.012 to +0.14) but one,
// where it was 0.001 lower, and it raises ktRadial's under SolverPlane too; bench/README.md
// has the table and the command (bench/sense/lambda.sh).
const DefaultLambda = 0.002

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
	plan       *fft.Plan2D // for Forward and Adjoint

	// The normal operator runs plain transforms in the basis x~ = P x, P the input-side
	// centring phases px[x] py[y] (see columnPhase): P A^H A P^H = S^H F_p^H M^2 F_p S / N
	// with F_p the plain unnormalised 2-D DFT, N = nx*ny, because the diagonal P commutes
	// with S and the output-side phases cancel around the diagonal M^2. It is the fused
	// planeNormal, with M^2 / N in its block-major layout in mask2.
	px, py  []complex64
	normal  *planeNormal
	mask2   []float32 // M^2 / N, block-major (planeNormal.blockWeights)
	threads int       // goroutines for one Normal call
}

// NewSenseOp returns the SENSE operator for the given maps (nc planes of nx*ny, such as
// CoilMaps.Slice) and sampling weights (nx*ny, such as Mask.Frame). The operator keeps
// references to both slices, which must not change while it is in use, and a copy of the
// squared weights (nx*ny float32 values).
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
	return newSenseOp(nx, ny, nc, maps, mask, nil), nil
}

// newSenseOp is NewSenseOp for checked arguments, with the squared weights written to
// mask2 when it has room for them.
func newSenseOp(nx, ny, nc int, maps []complex64, mask, mask2 []float32) *SenseOp {
	a := &SenseOp{nx: nx, ny: ny, nc: nc, maps: maps, mask: mask, plan: plan2D(nx, ny),
		normal: newPlaneNormal(nx, ny), threads: 1}
	a.px, a.py = cachedPhase(nx), cachedPhase(ny)

	nw := a.normal.weightsLen()
	if cap(mask2) < nw {
		mask2 = make([]float32, nw)
	}
	a.mask2 = mask2[:nw]
	a.normal.blockWeights(a.mask2, mask, float32(1/float64(nx*ny)))
	return a
}

var (
	phaseMu    sync.Mutex
	phaseCache = map[int][]complex64{}
)

// cachedPhase returns columnPhase(n) rounded to complex64, shared by every caller.
func cachedPhase(n int) []complex64 {
	phaseMu.Lock()
	defer phaseMu.Unlock()
	p, ok := phaseCache[n]
	if !ok {
		p = make([]complex64, n)
		for i, v := range columnPhase(n) {
			p[i] = complex64(v)
		}
		phaseCache[n] = p
	}
	return p
}

// withThreads returns a copy of a whose Normal spreads its passes over threads goroutines.
func (a *SenseOp) withThreads(threads int) *SenseOp {
	b := *a
	b.threads = max(1, threads)
	return &b
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
		d := dst[c*n : (c+1)*n]
		asm.Mul(d, a.maps[c*n:(c+1)*n], x)
		a.plan.CenteredForward(d)
		asm.MaskCopy(d, d, a.mask)
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
		asm.MaskCopy(work, y[c*n:(c+1)*n], a.mask)
		a.plan.CenteredInverse(work)
		asm.MulConjAcc(dst, a.maps[c*n:(c+1)*n], work)
	}
}

var planePool sync.Pool // *[]complex64 scratch planes for Normal

// Normal sets dst = A^H A x = sum over coils of conj(s_c) F^H M^2 F (s_c x), without
// storing the k-space of all coils. dst and x have ImageLen values and must not overlap;
// work is scratch of ImageLen values (nil allocates it).
//
// The centring phases are applied once to x and once to dst rather than per coil (see
// SenseOp), and the coils run through the fused operator planeNormal: per coil a pass over
// blocks of rows (inverse FFT along x of the previous coil, conjugate map product
// accumulated into dst, map product of the next coil, FFT along x) and a pass over blocks
// of columns (FFT along y, weights, inverse FFT along y), each block in cache, on the SIMD
// kernels of packages asm and fft.
func (a *SenseOp) Normal(dst, x, work []complex64) {
	n := a.ImageLen()
	if len(dst) != n || len(x) != n {
		panic("recon: SenseOp.Normal: wrong slice length")
	}
	work = a.scratch(work)

	xp, _ := planePool.Get().(*[]complex64)
	if xp == nil || len(*xp) != n {
		v := make([]complex64, n)
		xp = &v
	}
	copy(*xp, x)
	a.toTilde(*xp, false)
	a.normalTilde(dst, *xp, work)
	a.toTilde(dst, true)
	planePool.Put(xp)
}

// normalTilde sets dst = S^H F_p^H (M^2/N) F_p S x, the normal operator in the basis of
// the centring phases (see SenseOp), with work (ImageLen values) as scratch.
func (a *SenseOp) normalTilde(dst, x, work []complex64) {
	t := work
	var buf *[]complex64
	if len(t) != a.normal.scratchLen() {
		buf = getScratch(a.normal.scratchLen())
		t = *buf
	}
	a.normal.apply(dst, x, a.maps, a.nc, 1, a.mask2, t, a.threads)
	if buf != nil {
		putScratch(buf)
	}
}

// toTilde multiplies the image v by the centring phases P (inverse: by P^H) in place.
func (a *SenseOp) toTilde(v []complex64, inverse bool) {
	for y := range a.ny {
		row := v[y*a.nx : (y+1)*a.nx]
		p := a.py[y]
		if inverse {
			asm.MulConj(row, a.px, row)
			p = complex(real(p), -imag(p))
		} else {
			asm.Mul(row, row, a.px)
		}
		asm.Scale(row, p, row)
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
	// Tolerance * |b|. Zero runs every iteration, as BART's pics does, unless the residual
	// reaches the rounding level of the complex64 vectors first (cgRoundoff).
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

// cgRoundoff is the relative residual |b - N x| / |b| at which ConjugateGradient and the
// line solvers of SENSE stop, whatever their tolerance. The complex64 vectors hold the
// residual only to about 1e-7 of |b|, so later steps follow rounding errors; on an operator
// that the first steps solve exactly (a projection, such as one coil of unit sensitivity)
// they divide rounding noise by rounding noise and drive x off along the null space of N
// (TestCGStopsAtRoundoff). ADMM's inner steps have no such floor: from their warm start a
// residual far below |b| is the normal case near convergence, and the floor there held
// ADMM back from the accuracy TestSolversMatchDenseLasso asks for.
const cgRoundoff = 1e-6

// ConjugateGradient solves N x = b for a Hermitian positive (semi-)definite operator N
// given as normal(dst, x), which must set dst = N x without keeping either slice. x holds
// the starting guess (warm start; zeros for a cold start) and receives the solution.
// Vectors are complex64; inner products and norms are accumulated in float64. The
// iteration stops after opts.Iterations steps, when the relative residual reaches
// opts.Tolerance or 1e-6 (below which float32 rounding leads it), or when the search
// direction has no positive curvature (the residual is then as small as the float32 data
// allow). When b is zero, x is set to zero. The vector updates run on the SIMD kernels of
// package asm.
func ConjugateGradient(normal func(dst, x []complex64), b, x []complex64,
	opts CGOptions) CGResult {
	if len(b) != len(x) {
		panic("recon: ConjugateGradient: b and x differ in length")
	}
	n := len(b)
	return conjugateGradient(normal, b, x, opts, make([]complex64, n), make([]complex64, n),
		make([]complex64, n))
}

// conjugateGradient is ConjugateGradient with the residual, search direction and operator
// output in r, p and q (each of len(b) values).
func conjugateGradient(normal func(dst, x []complex64), b, x []complex64, opts CGOptions,
	r, p, q []complex64) CGResult {
	iters := opts.Iterations
	if iters == 0 {
		iters = DefaultIterations
	}

	bnorm := math.Sqrt(asm.Norm2(b))
	if bnorm == 0 {
		clear(x)
		return CGResult{}
	}

	copy(r, b)
	if asm.Norm2(x) != 0 {
		normal(q, x)
		asm.Axpy(-1, q, r)
	}
	copy(p, r)
	rr := asm.Norm2(r)

	res := CGResult{Residual: math.Sqrt(rr) / bnorm}
	for res.Iterations < iters && res.Residual > max(opts.Tolerance, cgRoundoff) {
		normal(q, p)
		pq := real(asm.Dotc(p, q))
		if !(pq > 0) {
			break
		}

		alpha := complex(float32(rr/pq), 0)
		asm.Axpy(alpha, p, x)
		asm.Axpy(-alpha, q, r)
		rrNew := asm.Norm2(r)

		asm.Xpay(r, complex(float32(rrNew/rr), 0), p)
		rr = rrNew

		res.Iterations++
		res.Residual = math.Sqrt(rr) / bnorm
		if opts.Progress != nil {
			opts.Progress(res.Iterations, res.Residual)
		}
	}
	return res
}
