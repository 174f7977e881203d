package recon

import (
	"math"
	"math/rand/v2"

	"github.com/cmrecon/cmrecon/fft"
)

// Prox is the proximal operator of a function g: Prox(x, t) replaces x by
//
//	argmin_z  t g(z) + |z - x|^2 / 2
//
// The regularisation weight is part of g, so t is only the solver's step. g is convex
// except for the p-shrinkage of the l1-type proxes with an exponent below 1 (PShrink).
// Implementations in this package may keep state between calls (the random shifts of cycle
// spinning) and are not safe for concurrent use.
type Prox interface {
	Prox(x []complex64, t float64)
}

// SoftThreshold is the proximal operator of t |x|_1 for complex x: every value moves
// towards zero by t in magnitude, keeping its phase, and values with magnitude at most t
// become zero.
func SoftThreshold(x []complex64, t float32) {
	for i, v := range x {
		x[i] = shrink(v, t)
	}
}

// shrink returns v moved towards zero by t in magnitude.
func shrink(v complex64, t float32) complex64 {
	re, im := real(v), imag(v)
	m := float32(math.Sqrt(float64(re*re + im*im)))
	if m <= t {
		return 0
	}
	f := (m - t) / m
	return complex(re*f, im*f)
}

// JointSoftThreshold is the proximal operator of t sum_i |(x_a[i], x_b[i])|, the l1 norm of
// the Euclidean length of the pairs (x_a[i], x_b[i]): the group soft threshold behind
// isotropic total variation. Each pair keeps its direction and loses t in length.
func JointSoftThreshold(xa, xb []complex64, t float32) {
	if len(xa) != len(xb) {
		panic("recon: JointSoftThreshold: slices differ in length")
	}
	for i, a := range xa {
		b := xb[i]
		m2 := real(a)*real(a) + imag(a)*imag(a) + real(b)*real(b) + imag(b)*imag(b)
		m := float32(math.Sqrt(float64(m2)))
		if m <= t {
			xa[i], xb[i] = 0, 0
			continue
		}
		f := complex((m-t)/m, 0)
		xa[i], xb[i] = a*f, b*f
	}
}

// PShrink applies the p-shrinkage of Chartrand (2009, "Fast algorithms for nonconvex
// compressive sensing: MRI reconstruction from very few data") with threshold t and
// exponent p in (0, 1]: a value of magnitude m keeps its phase and becomes
//
//	max(m - t^(2-p) m^(p-1), 0)
//
// For p = 1 that is SoftThreshold. For p < 1 the same values become zero (m <= t) but the
// large ones lose less, t (t/m)^(1-p) instead of t: the proximal map of a nonconvex penalty
// that grows like |x|^p, which biases strong edges and coefficients less than the l1 norm
// does (on a noisy sparse vector, TestPShrinkRecoversSparser, p = 0.5 has less than half
// the error of l1 at the best lambda of each). With it the solvers minimise a nonconvex
// objective, for which none of them is proven to converge; on the data of QUALITY.md ADMM
// does. p outside (0, 1] panics.
func PShrink(x []complex64, t float32, p float64) {
	if p == 1 {
		SoftThreshold(x, t)
		return
	}
	q := checkExponent(p)
	for i, v := range x {
		re, im := real(v), imag(v)
		x[i] *= complex(shrinkFactor(re*re+im*im, t, q), 0)
	}
}

// JointPShrink is PShrink on the Euclidean length of the pairs (x_a[i], x_b[i]), as
// JointSoftThreshold is SoftThreshold's: each pair keeps its direction.
func JointPShrink(xa, xb []complex64, t float32, p float64) {
	if p == 1 {
		JointSoftThreshold(xa, xb, t)
		return
	}
	if len(xa) != len(xb) {
		panic("recon: JointPShrink: slices differ in length")
	}
	q := checkExponent(p)
	for i, a := range xa {
		b := xb[i]
		m2 := real(a)*real(a) + imag(a)*imag(a) + real(b)*real(b) + imag(b)*imag(b)
		f := complex(shrinkFactor(m2, t, q), 0)
		xa[i], xb[i] = a*f, b*f
	}
}

// checkExponent returns 2 - p for an exponent p in (0, 1] and panics otherwise.
func checkExponent(p float64) float64 {
	if !(p > 0 && p <= 1) {
		panic("recon: shrinkage exponent outside (0, 1]")
	}
	return 2 - p
}

// shrinkFactor returns the factor 1 - (t/m)^q that p-shrinkage (q = 2 - p) applies to a
// value of squared magnitude m2, or 0 for m <= t. The exponents of p = 3/4, 1/2 and 1/4,
// those the tuned tables choose from, are done with square roots: math.Pow made the
// shrinkage of p = 0.3 four times as slow as that of p = 1/2 (BenchmarkShrink).
func shrinkFactor(m2, t float32, q float64) float32 {
	m := float32(math.Sqrt(float64(m2)))
	if m <= t {
		return 0
	}
	r := t / m
	switch q {
	case 1.25:
		return 1 - r*sqrt32(sqrt32(r))
	case 1.5:
		return 1 - r*sqrt32(r)
	case 1.75:
		s := sqrt32(r)
		return 1 - r*s*sqrt32(s)
	}
	return 1 - float32(math.Pow(float64(r), q))
}

func sqrt32(v float32) float32 { return float32(math.Sqrt(float64(v))) }

// exponent returns p, with 0 read as 1 (the l1 norm).
func exponent(p float64) float64 {
	if p == 0 {
		return 1
	}
	return p
}

// L1 is the prox of Lambda |x|_1, or with an exponent P in (0, 1) PShrink's nonconvex
// penalty (0 means 1).
type L1 struct{ Lambda, P float64 }

// Prox implements Prox.
func (p L1) Prox(x []complex64, t float64) {
	PShrink(x, float32(t*p.Lambda), exponent(p.P))
}

// JointL1 is the prox of Lambda sum_i |(x[i], x[i+n/2])| over the two halves of x (n even):
// the isotropic group norm of a two-component gradient such as SpatialGradient's output.
// An exponent P in (0, 1) shrinks the pairs by JointPShrink instead (0 means 1).
type JointL1 struct{ Lambda, P float64 }

// Prox implements Prox.
func (p JointL1) Prox(x []complex64, t float64) {
	h := len(x) / 2
	JointPShrink(x[:h], x[h:2*h], float32(t*p.Lambda), exponent(p.P))
}

// WaveletL1 is the prox of Lambda |W S x|_1 for a series of nt images of nx x ny (frame after
// frame), with W the spatial wavelet (NewWavelet with automatic levels) applied to each frame
// and S a circular shift of every frame by the same random offset, drawn anew at every call
// (random cycle spinning, as BART's pics does by default). The coarsest approximation band
// is not thresholded. Because W S is orthogonal, each call is the exact prox of a shifted
// wavelet norm; over many iterations the shifts average out the block artefacts of a fixed
// wavelet grid. With an exponent P in (0, 1) the coefficients are shrunk by PShrink
// instead.
type WaveletL1 struct {
	// P is the shrinkage exponent (0 means 1, the l1 norm; see PShrink).
	P float64

	nx, ny, nt int
	lambda     float64
	w          *Wavelet
	rng        *rand.Rand
	threads    int
	bufs       [][]complex64
}

// NewWaveletL1 returns the wavelet prox for nt frames of nx x ny with weight lambda; seed
// seeds the shifts (a fixed seed gives reproducible results) and threads bounds the frames
// done at once (values below 1: one per CPU).
func NewWaveletL1(nx, ny, nt int, lambda float64, seed uint64, threads int) (*WaveletL1,
	error) {
	w, err := NewWavelet(nx, ny, 0)
	if err != nil {
		return nil, err
	}
	p := &WaveletL1{nx: nx, ny: ny, nt: nt, lambda: lambda, w: w, threads: threads,
		rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	p.bufs = make([][]complex64, min(threadCount(threads), nt))
	for i := range p.bufs {
		p.bufs[i] = make([]complex64, nx*ny+w.ScratchLen())
	}
	return p, nil
}

// Prox implements Prox; x holds nt frames of nx*ny values.
func (p *WaveletL1) Prox(x []complex64, t float64) {
	n := p.nx * p.ny
	if len(x) != n*p.nt {
		panic("recon: WaveletL1.Prox: wrong length")
	}
	thr := float32(t * p.lambda)
	pe := exponent(p.P)
	sx, sy := p.rng.IntN(p.nx), p.rng.IntN(p.ny)
	cx, cy := p.w.Coarse()

	parallelFor(p.nt, len(p.bufs), func(worker, it int) {
		buf := p.bufs[worker]
		img, scratch := buf[:n], buf[n:]
		frame := x[it*n : (it+1)*n]
		shiftInto(img, frame, p.nx, p.ny, sx, sy)
		p.w.Forward(img, scratch)
		for iy := range p.ny {
			row := img[iy*p.nx : (iy+1)*p.nx]
			start := 0
			if iy < cy {
				start = cx
			}
			PShrink(row[start:], thr, pe)
		}
		p.w.Inverse(img, scratch)
		shiftInto(frame, img, p.nx, p.ny, p.nx-sx, p.ny-sy)
	})
}

// shiftInto sets dst to src circularly shifted by (sx, sy): dst[(x+sx, y+sy)] = src[(x, y)].
func shiftInto(dst, src []complex64, nx, ny, sx, sy int) {
	sx, sy = sx%nx, sy%ny
	for iy := range ny {
		ty := (iy + sy) % ny
		s := src[iy*nx : (iy+1)*nx]
		d := dst[ty*nx : (ty+1)*nx]
		copy(d[sx:], s[:nx-sx])
		copy(d[:sx], s[nx-sx:])
	}
}

// TemporalFourierL1 is the prox of Lambda |F_t x|_1 over the non-constant temporal
// frequencies, for nt frames of n pixels: F_t is the orthonormal DFT along time of every
// pixel, and the zero-frequency (temporal mean) coefficient is not thresholded. The sparsity
// prior of k-t SPARSE-SENSE for periodic cine. With an exponent P in (0, 1) the
// coefficients are shrunk by PShrink instead.
type TemporalFourierL1 struct {
	// P is the shrinkage exponent (0 means 1, the l1 norm; see PShrink).
	P float64

	n, nt  int
	lambda float64
	plan   *fft.Plan[complex64]
}

// NewTemporalFourierL1 returns the prox for nt frames of n pixels with weight lambda.
func NewTemporalFourierL1(n, nt int, lambda float64) *TemporalFourierL1 {
	return &TemporalFourierL1{n: n, nt: nt, lambda: lambda,
		plan: fft.NewPlan[complex64]([]int{n, nt}, 1)}
}

// Prox implements Prox; x holds nt frames of n values.
func (p *TemporalFourierL1) Prox(x []complex64, t float64) {
	if len(x) != p.n*p.nt {
		panic("recon: TemporalFourierL1.Prox: wrong length")
	}
	p.plan.Transform(x, x, fft.Ortho)
	PShrink(x[p.n:], float32(t*p.lambda), exponent(p.P))
	p.plan.Transform(x, x, fft.Ortho|fft.Inverse)
}
