package recon

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func csRandVec(rng *rand.Rand, n int) []complex64 {
	v := make([]complex64, n)
	for i := range v {
		v[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	return v
}

// csDot returns <a, b> = sum conj(a_i) b_i in complex128.
func csDot(a, b []complex64) complex128 {
	var s complex128
	for i, u := range a {
		s += cmplx.Conj(complex128(u)) * complex128(b[i])
	}
	return s
}

func csNorm(a []complex64) float64 { return math.Sqrt(real(csDot(a, a))) }

// The adjoint tests compare <A x, y> with <x, A^H y> for random x, y. Both are sums of about
// n products of unit-variance values computed in float32, so their difference is of the
// order sqrt(n) * eps32 * |x| |y| at most; 1e-5 relative to |A x| |y| leaves a wide margin
// and still catches any wrong index or sign (which gives errors of order 1).
func checkAdjoint(t *testing.T, name string, op LinearOp) {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	x, y := csRandVec(rng, op.InLen()), csRandVec(rng, op.OutLen())
	ax, ahy := make([]complex64, op.OutLen()), make([]complex64, op.InLen())
	op.Apply(ax, x)
	op.Adjoint(ahy, y)
	l, r := csDot(ax, y), csDot(x, ahy)
	if csNorm(ax) == 0 {
		if csNorm(ahy) != 0 {
			t.Errorf("%s: A x = 0 for random x but A^H y != 0", name)
		}
		return
	}
	if e := cmplx.Abs(l-r) / (csNorm(ax) * csNorm(y)); !(e < 1e-5) {
		t.Errorf("%s: <Ax,y> = %v, <x,A^H y> = %v (relative error %.2g)", name, l, r, e)
	}
}

func TestOperatorAdjoints(t *testing.T) {
	for _, sz := range [][3]int{{1, 1, 2}, {5, 3, 1}, {16, 9, 4}, {7, 12, 3}} {
		nx, ny, nt := sz[0], sz[1], sz[2]
		checkAdjoint(t, "TemporalDiff", TemporalDiff{N: nx * ny, NT: nt})
		checkAdjoint(t, "SpatialGradient", SpatialGradient{NX: nx, NY: ny, NT: nt})
	}
}

// TestTemporalDiffValues checks D against its definition on a small case by hand.
func TestTemporalDiffValues(t *testing.T) {
	x := []complex64{1, 2, 4, 8, 16, 32} // n = 2, nt = 3
	dst := make([]complex64, 6)
	TemporalDiff{N: 2, NT: 3}.Apply(dst, x)
	want := []complex64{3, 6, 12, 24, -15, -30}
	for i := range want {
		if dst[i] != want[i] {
			t.Fatalf("D x = %v, want %v", dst, want)
		}
	}
}

// waveletOp wraps the wavelet as a LinearOp for the adjoint test.
type waveletOp struct{ w *Wavelet }

func (o waveletOp) InLen() int  { return o.w.nx * o.w.ny }
func (o waveletOp) OutLen() int { return o.w.nx * o.w.ny }
func (o waveletOp) Apply(dst, x []complex64) {
	copy(dst, x)
	o.w.Forward(dst, nil)
}
func (o waveletOp) Adjoint(dst, y []complex64) {
	copy(dst, y)
	o.w.Inverse(dst, nil)
}

// TestWaveletOrthogonal checks, for even, odd and tiny sizes, that Forward preserves the
// norm, that Inverse undoes it (float32 rounding: relative 1e-5), and that Inverse is the
// adjoint of Forward.
func TestWaveletOrthogonal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sz := range [][3]int{{256, 108, 0}, {33, 17, 3}, {64, 64, 0}, {2, 3, 2}, {1, 5, 1},
		{162, 448, 0}} {
		w, err := NewWavelet(sz[0], sz[1], sz[2])
		if err != nil {
			t.Fatal(err)
		}
		x := csRandVec(rng, sz[0]*sz[1])
		c := append([]complex64(nil), x...)
		w.Forward(c, nil)
		if e := math.Abs(csNorm(c)-csNorm(x)) / csNorm(x); e > 1e-5 {
			t.Errorf("%v: |W x| differs from |x| by %.2g relative", sz, e)
		}
		w.Inverse(c, nil)
		d := make([]complex64, len(x))
		for i := range x {
			d[i] = c[i] - x[i]
		}
		if e := csNorm(d) / csNorm(x); e > 1e-5 {
			t.Errorf("%v: W^H W x differs from x by %.2g relative", sz, e)
		}
		checkAdjoint(t, "Wavelet", waveletOp{w})
	}
}

// TestWaveletLevels checks the automatic level choice and the coarse band: 256x108 splits x
// four times (256 -> 16) and y twice (108 -> 27; 27 < 32 stops).
func TestWaveletLevels(t *testing.T) {
	w, _ := NewWavelet(256, 108, 0)
	if cx, cy := w.Coarse(); w.Levels() != 4 || cx != 16 || cy != 27 {
		t.Errorf("levels %d, coarse %dx%d; want 4, 16x27", w.Levels(), cx, cy)
	}
}

// TestWaveletAnnihilatesLinear: db2 has two vanishing moments, so a periodic-free linear
// ramp gives zero detail coefficients away from the wrap-around. A constant image gives zero
// detail everywhere and its whole energy in the coarse band.
func TestWaveletAnnihilatesConstant(t *testing.T) {
	w, _ := NewWavelet(64, 32, 2)
	x := make([]complex64, 64*32)
	for i := range x {
		x[i] = 2 - 1i
	}
	w.Forward(x, nil)
	cx, cy := w.Coarse()
	for iy := range 32 {
		for ix := range 64 {
			if ix < cx && iy < cy {
				continue
			}
			if v := x[ix+64*iy]; cmplx.Abs(complex128(v)) > 1e-5 {
				t.Fatalf("detail (%d,%d) = %v, want 0", ix, iy, v)
			}
		}
	}
}

// TestSoftThreshold checks the closed form of the prox of t|x|_1 and of the group version:
// the minimiser z of t|z| + |z - x|^2/2 is x (1 - t/|x|)_+.
func TestSoftThreshold(t *testing.T) {
	x := []complex64{3 + 4i, 0.3 - 0.4i, -2, 0}
	SoftThreshold(x, 1)
	want := []complex64{2.4 + 3.2i, 0, -1, 0}
	for i := range x {
		if cmplx.Abs(complex128(x[i]-want[i])) > 1e-6 {
			t.Errorf("SoftThreshold[%d] = %v, want %v", i, x[i], want[i])
		}
	}

	a, b := []complex64{3, 0.1}, []complex64{4i, 0}
	JointSoftThreshold(a, b, 2.5)
	if cmplx.Abs(complex128(a[0]-1.5)) > 1e-6 || cmplx.Abs(complex128(b[0]-2i)) > 1e-6 ||
		a[1] != 0 || b[1] != 0 {
		t.Errorf("JointSoftThreshold: %v %v, want [1.5 0] [2i 0]", a, b)
	}
}

// proxObjective checks that z = Prox(x, t) minimises t g(z) + |z - x|^2/2 against random
// perturbations of z, for a g we can evaluate.
func checkProxMinimises(t *testing.T, name string, p Prox, g func([]complex64) float64,
	n int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	x := csRandVec(rng, n)
	z := append([]complex64(nil), x...)
	const step = 0.7
	p.Prox(z, step)
	obj := func(v []complex64) float64 {
		var d float64
		for i := range v {
			e := complex128(v[i] - x[i])
			d += real(e)*real(e) + imag(e)*imag(e)
		}
		return step*g(v) + d/2
	}
	best := obj(z)
	for k := range 50 {
		v := append([]complex64(nil), z...)
		scale := float32(1e-2 * math.Pow(0.5, float64(k%5)))
		for i := range v {
			v[i] += complex(scale*float32(rng.NormFloat64()), scale*float32(rng.NormFloat64()))
		}
		// float32 rounding of the objective: about n * eps32 * |x|^2.
		if o := obj(v); o < best-1e-4 {
			t.Fatalf("%s: perturbed point has objective %.6f < %.6f at the prox", name, o, best)
		}
	}
}

func TestProxesMinimise(t *testing.T) {
	const nx, ny, nt = 12, 10, 5
	n := nx * ny
	l1 := func(v []complex64) float64 {
		var s float64
		for _, c := range v {
			s += cmplx.Abs(complex128(c))
		}
		return s
	}
	checkProxMinimises(t, "L1", L1{Lambda: 0.8}, func(v []complex64) float64 {
		return 0.8 * l1(v)
	}, 50)

	tf := NewTemporalFourierL1(n, nt, 0.5)
	checkProxMinimises(t, "TemporalFourierL1", tf, func(v []complex64) float64 {
		f := make([]complex64, len(v))
		for p := range n {
			for k := 1; k < nt; k++ {
				var s complex128
				for j := range nt {
					s += complex128(v[j*n+p]) * cmplx.Exp(complex(0,
						-2*math.Pi*float64(j*k)/nt))
				}
				f[k*n+p] = complex64(s / complex(math.Sqrt(nt), 0))
			}
		}
		return 0.5 * l1(f)
	}, n*nt)

	for _, sets := range []int{1, 2} {
		llr := &LocallyLowRank{nx: nx, ny: ny, nt: nt, block: 4, lambda: 0.6, threads: 1,
			rng: rand.New(rand.NewPCG(0, 0)), Sets: sets}
		checkProxMinimises(t, fmt.Sprintf("LocallyLowRank, %d sets", sets), fixedShift{llr},
			func(v []complex64) float64 {
				return 0.6 * nuclearBlocks(v, nx, ny, nt, sets, 4)
			}, n*nt*sets)
	}
}

// fixedShift runs the LLR prox on the unshifted grid (its rng is re-seeded so the draw is
// known): the test's g must see the same blocks.
type fixedShift struct{ p *LocallyLowRank }

func (f fixedShift) Prox(x []complex64, t float64) {
	thr := t * f.p.lambda
	b := f.p.block
	for y0 := 0; y0 < f.p.ny; y0 += b {
		for x0 := 0; x0 < f.p.nx; x0 += b {
			f.p.block1(x, x0, min(x0+b, f.p.nx), y0, min(y0+b, f.p.ny), thr)
		}
	}
}

// nuclearBlocks returns the sum of the nuclear norms of the Casorati matrices of the
// unshifted b x b blocks of nt frames of sets images (the rows of a block's matrix are its
// pixels in every set), from the eigenvalues of the Gram matrix computed independently
// (Jacobi rotations on the complex128 Hermitian matrix).
func nuclearBlocks(v []complex64, nx, ny, nt, sets, b int) float64 {
	n := nx * ny
	var s float64
	for y0 := 0; y0 < ny; y0 += b {
		for x0 := 0; x0 < nx; x0 += b {
			g := make([][]complex128, nt)
			for a := range nt {
				g[a] = make([]complex128, nt)
				for c := range nt {
					for is := range sets {
						fa, fc := v[(a*sets+is)*n:], v[(c*sets+is)*n:]
						for iy := y0; iy < min(y0+b, ny); iy++ {
							for ix := x0; ix < min(x0+b, nx); ix++ {
								g[a][c] += cmplx.Conj(complex128(fa[iy*nx+ix])) *
									complex128(fc[iy*nx+ix])
							}
						}
					}
				}
			}
			for _, mu := range jacobiEigen(g) {
				s += math.Sqrt(max(mu, 0))
			}
		}
	}
	return s
}

// jacobiEigen returns the eigenvalues of a Hermitian matrix by cyclic complex Jacobi
// rotations, a method independent of the gonum embedding the code uses.
func jacobiEigen(a [][]complex128) []float64 {
	n := len(a)
	for range 50 {
		off := 0.0
		for p := range n {
			for q := p + 1; q < n; q++ {
				off += cmplx.Abs(a[p][q])
				if cmplx.Abs(a[p][q]) < 1e-300 {
					continue
				}
				app, aqq, apq := real(a[p][p]), real(a[q][q]), a[p][q]
				phase := apq / complex(cmplx.Abs(apq), 0)
				theta := 0.5 * math.Atan2(2*cmplx.Abs(apq), aqq-app)
				c, s := math.Cos(theta), math.Sin(theta)
				// Rotation J with columns p, q: J = [[c, s phase], [-s conj(phase), c]].
				for k := range n {
					kp, kq := a[k][p], a[k][q]
					a[k][p] = complex(c, 0)*kp - complex(s, 0)*cmplx.Conj(phase)*kq
					a[k][q] = complex(s, 0)*phase*kp + complex(c, 0)*kq
				}
				for k := range n {
					pk, qk := a[p][k], a[q][k]
					a[p][k] = complex(c, 0)*pk - complex(s, 0)*phase*qk
					a[q][k] = complex(s, 0)*cmplx.Conj(phase)*pk + complex(c, 0)*qk
				}
			}
		}
		if off < 1e-12 {
			break
		}
	}
	out := make([]float64, n)
	for i := range n {
		out[i] = real(a[i][i])
	}
	return out
}

func TestParseRegularizers(t *testing.T) {
	rs, err := ParseRegularizers("wavelet=0.005, TTV=1e-3,tv=0")
	if err != nil || len(rs) != 2 || rs[0] != (Regularizer{Kind: RegWavelet, Lambda: 0.005}) ||
		rs[1] != (Regularizer{Kind: RegTTV, Lambda: 0.001}) {
		t.Fatalf("got %v, %v", rs, err)
	}
	if s := FormatRegularizers(rs); s != "wavelet=0.005,ttv=0.001" {
		t.Errorf("FormatRegularizers = %q", s)
	}
	for _, bad := range []string{"wavelet", "foo=1", "wavelet=-1", "wavelet=nan",
		"ttv=1,ttv=2", "tv=inf"} {
		if _, err := ParseRegularizers(bad); err == nil ||
			!strings.HasPrefix(err.Error(), "recon: ") {
			t.Errorf("ParseRegularizers(%q): error %v", bad, err)
		}
	}
}

// TestFISTAConvergesToLasso solves a small complex lasso whose solution is known in closed
// form: with N = I and an l1 prox the minimiser of |x|^2/2 - Re<b,x> + lambda |x|_1 is the
// soft threshold of b. ADMM with the same term (identity K) and with K = I as an operator
// must reach it too.
func TestSolversConvergeToLasso(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	b := csRandVec(rng, 200)
	want := append([]complex64(nil), b...)
	SoftThreshold(want, 0.5)
	diag := func(dst, x []complex64) { copy(dst, x) }

	check := func(name string, x []complex64) {
		d := make([]complex64, len(x))
		for i := range x {
			d[i] = x[i] - want[i]
		}
		if e := csNorm(d) / csNorm(want); e > 1e-4 {
			t.Errorf("%s: relative error %.2g from the closed form", name, e)
		}
	}

	x := make([]complex64, len(b))
	r := FISTA(diag, b, x, L1{Lambda: 0.5}, SolverOptions{Iterations: 100, Step: 1})
	check("FISTA", x)
	if r.Iterations < 1 {
		t.Errorf("FISTA did no iterations")
	}

	x = make([]complex64, len(b))
	ADMM(diag, b, x, []Term{{Prox: L1{Lambda: 0.5}}}, SolverOptions{Iterations: 200})
	check("ADMM", x)

	x = make([]complex64, len(b))
	ADMM(diag, b, x, []Term{{Op: TemporalDiff{N: 200, NT: 1}, Prox: L1{Lambda: 1}}},
		SolverOptions{Iterations: 50})
	for i := range x {
		if cmplx.Abs(complex128(x[i]-b[i])) > 1e-4 {
			t.Fatalf("ADMM with a zero operator: x[%d] = %v, want b = %v", i, x[i], b[i])
		}
	}
}

// TestADMMToleranceFromWarmStart: started at the data, ADMM's first x update leaves x where
// it is (z starts at K x), so a stop on the change of x alone would return the start; the
// primal residual keeps it going to the solution of TestADMMTemporalTVTwoFrames.
func TestADMMToleranceFromWarmStart(t *testing.T) {
	b := []complex64{1, 3}
	x := slices.Clone(b)
	diag := func(dst, v []complex64) { copy(dst, v) }
	r := ADMM(diag, b, x, []Term{{Op: TemporalDiff{N: 1, NT: 2}, Prox: L1{Lambda: 0.2}}},
		SolverOptions{Iterations: 300, InnerIterations: 5, Tolerance: 1e-5})
	want := []complex64{1.4, 2.6}
	for i := range x {
		if cmplx.Abs(complex128(x[i]-want[i])) > 1e-3 {
			t.Fatalf("x = %v after %d iterations, want %v", x, r.Iterations, want)
		}
	}
	if r.Iterations >= 300 || r.Residual > 1e-5 {
		t.Errorf("stopped after %d iterations with residual %.2g: want an early stop",
			r.Iterations, r.Residual)
	}
}

// TestToleranceWarmup: with a tolerance every iteration meets, each solver
// stops at iteration 10, never before (from a warm start the first steps are small for all
// of them; see SolverOptions.Tolerance).
func TestToleranceWarmup(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	b := csRandVec(rng, 64)
	diag := func(dst, x []complex64) { copy(dst, x) }
	o := SolverOptions{Iterations: 50, Tolerance: 1e9, Step: 1}
	for _, c := range []struct {
		name  string
		solve func(x []complex64) SolverResult
	}{
		{"FISTA", func(x []complex64) SolverResult {
			return FISTA(diag, b, x, L1{Lambda: 0.1}, o)
		}},
		{"POGM", func(x []complex64) SolverResult { return POGM(diag, b, x, L1{Lambda: 0.1}, o) }},
		{"ADMM", func(x []complex64) SolverResult {
			return ADMM(diag, b, x, []Term{{Prox: L1{Lambda: 0.1}}}, o)
		}},
		{"PrimalDual", func(x []complex64) SolverResult {
			return PrimalDual(diag, b, x, []Term{{Op: TemporalDiff{N: 8, NT: 8},
				Prox: L1{Lambda: 0.1}}}, o)
		}},
	} {
		if r := c.solve(slices.Clone(b)); r.Iterations != 10 {
			t.Errorf("%s: stopped after %d iterations, want 10", c.name, r.Iterations)
		}
	}
}

// TestADMMTemporalTVStep checks ADMM on a problem with a non-trivial operator against a
// solution computed independently: one pixel over two frames with N = I, temporal TV.
// For f(x) = |x - b|^2/2 + lambda(|x1 - x0| + |x0 - x1|) (circular, both differences) the
// minimiser moves each value towards the mean by min(2 lambda, |b1 - b0|/2).
func TestADMMTemporalTVTwoFrames(t *testing.T) {
	b := []complex64{1, 3}
	x := make([]complex64, 2)
	diag := func(dst, v []complex64) { copy(dst, v) }
	ADMM(diag, b, x, []Term{{Op: TemporalDiff{N: 1, NT: 2}, Prox: L1{Lambda: 0.2}}},
		SolverOptions{Iterations: 300, InnerIterations: 5})
	want := []complex64{1.4, 2.6}
	for i := range x {
		if cmplx.Abs(complex128(x[i]-want[i])) > 1e-3 {
			t.Fatalf("x = %v, want %v", x, want)
		}
	}
}

// TestSettle: after the warm-up, an early stop needs two consecutive iterations that met
// the test; a miss starts the count again.
func TestSettle(t *testing.T) {
	var s settle
	for i, c := range []struct {
		it        int
		met, stop bool
	}{
		{1, true, false}, {2, true, false}, {9, true, false}, {10, true, true},
		{11, false, false}, {12, true, false}, {13, false, false}, {14, true, false},
		{15, true, true},
	} {
		if got := s.quiet(c.it, c.met); got != c.stop {
			t.Errorf("step %d (iteration %d, met %v): stop %v, want %v", i, c.it, c.met, got,
				c.stop)
		}
	}
}
