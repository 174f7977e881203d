package recon

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"strings"
	"testing"
)

// denseProblem is a small complex problem f(x) = <x, N x>/2 - Re<b, x> + ... with N = A^H A
// for a random m x n Gaussian A, scaled so that |N| = 1, kept in complex128.
type denseProblem struct {
	n    int
	nmat [][]complex128
	b    []complex128
}

func newDenseProblem(m, n int, seed uint64) *denseProblem {
	rng := rand.New(rand.NewPCG(seed, 11))
	a := make([][]complex128, m)
	for i := range a {
		a[i] = make([]complex128, n)
		for j := range a[i] {
			a[i][j] = complex(rng.NormFloat64(), rng.NormFloat64())
		}
	}
	truth := make([]complex128, n)
	for j := 0; j < n; j += 5 {
		truth[j] = complex(rng.NormFloat64(), rng.NormFloat64())
	}
	nm := make([][]complex128, n)
	for i := range nm {
		nm[i] = make([]complex128, n)
		for j := range nm[i] {
			for k := range m {
				nm[i][j] += cmplx.Conj(a[k][i]) * a[k][j]
			}
		}
	}
	p := &denseProblem{n: n, nmat: nm, b: make([]complex128, n)}

	// |N| by power iteration in float64, run to convergence (the matrix is tiny).
	v := make([]complex128, n)
	for i := range v {
		v[i] = complex(rng.NormFloat64(), 0)
	}
	var lam float64
	for range 5000 {
		w := p.mul(v)
		lam = 0
		for _, c := range w {
			lam += real(c)*real(c) + imag(c)*imag(c)
		}
		lam = math.Sqrt(lam)
		for i := range v {
			v[i] = w[i] / complex(lam, 0)
		}
	}
	for i := range nm {
		for j := range nm[i] {
			nm[i][j] /= complex(lam, 0)
		}
	}
	y := make([]complex128, m)
	for k := range m {
		for j := range n {
			y[k] += a[k][j] * truth[j]
		}
		y[k] += complex(0.05*rng.NormFloat64(), 0.05*rng.NormFloat64())
	}
	for j := range n {
		for k := range m {
			p.b[j] += cmplx.Conj(a[k][j]) * y[k]
		}
		p.b[j] /= complex(math.Sqrt(lam), 0)
	}
	return p
}

func (p *denseProblem) mul(x []complex128) []complex128 {
	out := make([]complex128, p.n)
	for i, row := range p.nmat {
		for j, v := range row {
			out[i] += v * x[j]
		}
	}
	return out
}

// normal is N in complex64, with the products summed in complex128.
func (p *denseProblem) normal(dst, x []complex64) {
	for i, row := range p.nmat {
		var s complex128
		for j, v := range row {
			s += v * complex128(x[j])
		}
		dst[i] = complex64(s)
	}
}

func (p *denseProblem) b64() []complex64 {
	out := make([]complex64, p.n)
	for i, v := range p.b {
		out[i] = complex64(v)
	}
	return out
}

// smooth is <x, N x>/2 - Re<b, x> in float64.
func (p *denseProblem) smooth(x []complex128) float64 {
	nx := p.mul(x)
	var s float64
	for i := range x {
		s += real(cmplx.Conj(x[i])*nx[i])/2 - real(cmplx.Conj(p.b[i])*x[i])
	}
	return s
}

// lasso solves min smooth(x) + lam |x|_1 by cyclic coordinate descent in float64, each
// coordinate minimised exactly, until no coordinate moves by more than 1e-14: the
// independent reference for the first-order solvers.
func (p *denseProblem) lasso(lam float64) []complex128 {
	x := make([]complex128, p.n)
	nx := make([]complex128, p.n)
	for range 200000 {
		moved := 0.0
		for j := range p.n {
			d := real(p.nmat[j][j])
			z := x[j] + (p.b[j]-nx[j])/complex(d, 0)
			mag := cmplx.Abs(z)
			var nv complex128
			if mag > lam/d {
				nv = z * complex((mag-lam/d)/mag, 0)
			}
			if dv := nv - x[j]; dv != 0 {
				for i := range p.n {
					nx[i] += p.nmat[i][j] * dv
				}
				moved = max(moved, cmplx.Abs(dv))
				x[j] = nv
			}
		}
		if moved < 1e-14 {
			break
		}
	}
	return x
}

func l1norm(x []complex128) float64 {
	var s float64
	for _, v := range x {
		s += cmplx.Abs(v)
	}
	return s
}

func to128(x []complex64) []complex128 {
	out := make([]complex128, len(x))
	for i, v := range x {
		out[i] = complex128(v)
	}
	return out
}

func relDiff128(a []complex64, b []complex128) float64 {
	var d, n float64
	for i, v := range b {
		e := complex128(a[i]) - v
		d += real(e)*real(e) + imag(e)*imag(e)
		n += real(v)*real(v) + imag(v)*imag(v)
	}
	return math.Sqrt(d / n)
}

// TestPOGMAndPrimalDualLassoClosedForm: with N = I the minimiser of
// |x|^2/2 - Re<b,x> + lambda |x|_1 is the soft threshold of b by lambda. PrimalDual gets
// the l1 term split in two (0.2 + 0.3), so one part is its primal prox and the other a dual
// term with the identity operator: both paths must reach the closed form.
func TestPOGMAndPrimalDualLassoClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	b := csRandVec(rng, 300)
	want := append([]complex64(nil), b...)
	SoftThreshold(want, 0.5)
	id := func(dst, x []complex64) { copy(dst, x) }

	x := make([]complex64, len(b))
	r := POGM(id, b, x, L1{Lambda: 0.5}, SolverOptions{Iterations: 100, Step: 1})
	if e := relDiff128(x, to128(want)); e > 1e-5 || r.Iterations != 100 || r.Operators != 100 {
		t.Errorf("POGM: relative error %.2g, %d iterations, %d operators", e, r.Iterations,
			r.Operators)
	}

	x = make([]complex64, len(b))
	r = PrimalDual(id, b, x, []Term{{Prox: L1{Lambda: 0.2}}, {Prox: L1{Lambda: 0.3}}},
		SolverOptions{Iterations: 400})
	if e := relDiff128(x, to128(want)); e > 1e-4 {
		t.Errorf("PrimalDual: relative error %.2g from the closed form", e)
	}
	if r.Residual > 1e-4 {
		t.Errorf("PrimalDual: residual %.2g at the solution", r.Residual)
	}
}

// TestSolversMatchDenseLasso runs every solver on a small ill-conditioned complex lasso
// (N = A^H A for a 30 x 40 Gaussian A, so N is singular) and compares the result with the
// float64 coordinate-descent reference. The solvers work in float32; measured errors are
// 2e-7 to 3e-6 relative (ADMM the largest), so 2e-5 allows for float32 rounding times the
// conditioning of N on the solution's support, while any wrong step or sign leaves errors
// of order 1e-2 or more after these iterations. The objective must be within 1e-8 of the
// minimum (measured: within 1e-9).
func TestSolversMatchDenseLasso(t *testing.T) {
	p := newDenseProblem(30, 40, 3)
	lam := 0.05 * math.Sqrt(l1norm(p.b)/float64(p.n))
	want := p.lasso(lam)
	fstar := p.smooth(want) + lam*l1norm(want)
	b := p.b64()

	run := map[string]func(x []complex64) SolverResult{
		"FISTA": func(x []complex64) SolverResult {
			return FISTA(p.normal, b, x, L1{Lambda: lam}, SolverOptions{Iterations: 3000,
				Step: 1})
		},
		"POGM": func(x []complex64) SolverResult {
			return POGM(p.normal, b, x, L1{Lambda: lam}, SolverOptions{Iterations: 3000,
				Step: 1})
		},
		"PrimalDual": func(x []complex64) SolverResult {
			return PrimalDual(p.normal, b, x, []Term{{Prox: L1{Lambda: lam}}},
				SolverOptions{Iterations: 3000, Step: 1})
		},
		"PrimalDual, l1 as a dual term": func(x []complex64) SolverResult {
			return PrimalDual(p.normal, b, x, []Term{{Op: TemporalDiff{N: p.n, NT: 1}, Prox: L1{Lambda: 1}},
				{Op: identityOp(p.n), Prox: L1{Lambda: lam}}},
				SolverOptions{Iterations: 6000, Step: 1})
		},
		"ADMM": func(x []complex64) SolverResult {
			return ADMM(p.normal, b, x, []Term{{Prox: L1{Lambda: lam}}},
				SolverOptions{Iterations: 3000, InnerIterations: 10, Rho: 0.5})
		},
	}
	for name, f := range run {
		x := make([]complex64, p.n)
		f(x)
		e := relDiff128(x, want)
		obj := p.smooth(to128(x)) + lam*l1norm(to128(x))
		t.Logf("%s: relative error %.2g, objective excess %.2g", name, e, (obj-fstar)/fstar)
		if e > 2e-5 || obj-fstar > 1e-8*math.Abs(fstar) {
			t.Errorf("%s: relative error %.2g, objective %.9g against %.9g", name, e, obj,
				fstar)
		}
	}
}

// identityOp is the identity as a LinearOp (the solvers' nil Op is handled apart).
type identityOp int

func (o identityOp) InLen() int                 { return int(o) }
func (o identityOp) OutLen() int                { return int(o) }
func (o identityOp) Apply(dst, x []complex64)   { copy(dst, x) }
func (o identityOp) Adjoint(dst, y []complex64) { copy(dst, y) }

// TestPOGMFewerIterationsThanFISTA: on the dense lasso, the fewest iterations with which
// each method gets within 1e-6 |f*| of the minimum (POGM run with that many as its
// budget, since its last step depends on it). Measured: FISTA 43, POGM 29 iterations.
// The test asks for POGM to need at most 80% of FISTA's.
func TestPOGMFewerIterationsThanFISTA(t *testing.T) {
	p := newDenseProblem(30, 40, 3)
	lam := 0.05 * math.Sqrt(l1norm(p.b)/float64(p.n))
	want := p.lasso(lam)
	fstar := p.smooth(want) + lam*l1norm(want)
	b := p.b64()
	tol := 1e-6 * math.Abs(fstar)
	obj := func(x []complex64) float64 { return p.smooth(to128(x)) + lam*l1norm(to128(x)) }

	first := func(solve func(x []complex64, k int)) int {
		for k := 1; k <= 1000; k++ {
			x := make([]complex64, p.n)
			solve(x, k)
			if obj(x)-fstar <= tol {
				return k
			}
		}
		return 1001
	}
	nf := first(func(x []complex64, k int) {
		FISTA(p.normal, b, x, L1{Lambda: lam}, SolverOptions{Iterations: k, Step: 1})
	})
	np := first(func(x []complex64, k int) {
		POGM(p.normal, b, x, L1{Lambda: lam}, SolverOptions{Iterations: k, Step: 1})
	})
	t.Logf("iterations to f* + 1e-6 |f*|: FISTA %d, POGM %d", nf, np)
	if nf > 1000 || float64(np) > 0.8*float64(nf) {
		t.Errorf("FISTA needs %d iterations, POGM %d: want POGM at most 80%% of FISTA", nf, np)
	}
}

// TestSolverObjectiveDecreases checks that the objective of POGM and PrimalDual runs of
// growing length converges monotonically in the large: the value after 2k iterations is
// never above that after k by more than float32 rounding, and the last is within 1e-6 of
// the minimum.
func TestSolverObjectiveDecreases(t *testing.T) {
	p := newDenseProblem(30, 40, 5)
	lam := 0.05 * math.Sqrt(l1norm(p.b)/float64(p.n))
	want := p.lasso(lam)
	fstar := p.smooth(want) + lam*l1norm(want)
	b := p.b64()
	obj := func(x []complex64) float64 { return p.smooth(to128(x)) + lam*l1norm(to128(x)) }
	for name, solve := range map[string]func(x []complex64, k int){
		"POGM": func(x []complex64, k int) {
			POGM(p.normal, b, x, L1{Lambda: lam}, SolverOptions{Iterations: k, Step: 1})
		},
		"PrimalDual": func(x []complex64, k int) {
			PrimalDual(p.normal, b, x, []Term{{Prox: L1{Lambda: lam}}},
				SolverOptions{Iterations: k, Step: 1})
		},
	} {
		prev := math.Inf(1)
		for k := 4; k <= 2048; k *= 2 {
			x := make([]complex64, p.n)
			solve(x, k)
			f := obj(x)
			if f > prev+1e-6*math.Abs(fstar) {
				t.Errorf("%s: objective %.9g after %d iterations, %.9g after %d", name, f, k,
					prev, k/2)
			}
			prev = f
		}
		if prev-fstar > 1e-6*math.Abs(fstar) {
			t.Errorf("%s: objective %.9g after 2048 iterations, minimum %.9g", name, prev,
				fstar)
		}
	}
}

// TestPrimalDualTemporalTVTwoFrames: the two-frame temporal TV problem of
// TestADMMTemporalTVTwoFrames, whose minimiser moves each value towards the mean by
// min(2 lambda, |b1 - b0|/2): (1, 3) with lambda 0.2 gives (1.4, 2.6).
func TestPrimalDualTemporalTVTwoFrames(t *testing.T) {
	b := []complex64{1, 3}
	x := make([]complex64, 2)
	id := func(dst, v []complex64) { copy(dst, v) }
	r := PrimalDual(id, b, x, []Term{{Op: TemporalDiff{N: 1, NT: 2}, Prox: L1{Lambda: 0.2}}},
		SolverOptions{Iterations: 2000, Tolerance: 1e-6})
	want := []complex64{1.4, 2.6}
	for i := range x {
		if cmplx.Abs(complex128(x[i]-want[i])) > 1e-4 {
			t.Fatalf("x = %v, want %v", x, want)
		}
	}
	if r.Iterations >= 2000 || r.Residual > 1e-6 {
		t.Errorf("tolerance 1e-6 did not stop the run: %d iterations, residual %.2g",
			r.Iterations, r.Residual)
	}
}

// TestPrimalDualMatchesExactADMM compares PrimalDual on a problem with two operator terms
// and one identity term (temporal TV, spatial TV and l1, on a 4 x 3 x 5 series with a
// dense N) with ADMM run in float64 with exact x updates for 20000 iterations, a
// different method that the test implements itself. Measured error 4e-6 relative; the
// bound 3e-5 is float32 rounding with a margin.
func TestPrimalDualMatchesExactADMM(t *testing.T) {
	const nx, ny, nt = 4, 3, 5
	n := nx * ny * nt
	p := newDenseProblem(40, n, 9)
	ops := []LinearOp{TemporalDiff{N: nx * ny, NT: nt}, SpatialGradient{NX: nx, NY: ny, NT: nt},
		identityOp(n)}
	lams := []float64{0.05, 0.03, 0.02}
	terms := []Term{{Op: ops[0], Prox: L1{Lambda: lams[0]}},
		{Op: ops[1], Prox: JointL1{Lambda: lams[1]}}, {Prox: L1{Lambda: lams[2]}}}
	want := exactADMM(p, ops, []func(v []complex128, t float64){
		func(v []complex128, t float64) { shrink128(v, t*lams[0]) },
		func(v []complex128, t float64) { jointShrink128(v, t*lams[1]) },
		func(v []complex128, t float64) { shrink128(v, t*lams[2]) }})

	x := make([]complex64, n)
	PrimalDual(p.normal, p.b64(), x, terms, SolverOptions{Iterations: 20000, Step: 1})
	e := relDiff128(x, want)
	t.Logf("relative error %.2g", e)
	if e > 3e-5 {
		t.Errorf("PrimalDual: relative error %.2g from the float64 ADMM reference", e)
	}
}

func shrink128(v []complex128, t float64) {
	for i, c := range v {
		if m := cmplx.Abs(c); m > t {
			v[i] = c * complex((m-t)/m, 0)
		} else {
			v[i] = 0
		}
	}
}

func jointShrink128(v []complex128, t float64) {
	h := len(v) / 2
	for i := range h {
		a, b := v[i], v[h+i]
		m := math.Sqrt(real(a)*real(a) + imag(a)*imag(a) + real(b)*real(b) + imag(b)*imag(b))
		f := 0.0
		if m > t {
			f = (m - t) / m
		}
		v[i], v[h+i] = a*complex(f, 0), b*complex(f, 0)
	}
}

// exactADMM minimises smooth(x) + sum_i g_i(K_i x) by ADMM with rho 1 in float64, the x
// update solved exactly (Gauss-Jordan on the dense N + sum K_i^H K_i, whose matrix comes
// from applying the float32 operators to unit vectors: they are exact on those), for
// 20000 iterations.
func exactADMM(p *denseProblem, ops []LinearOp, proxes []func(v []complex128, t float64),
) []complex128 {
	n := p.n
	mats := make([][][]complex128, len(ops)) // K_i as dense matrices, [row][col]
	for i, k := range ops {
		m := k.OutLen()
		mats[i] = make([][]complex128, m)
		for r := range mats[i] {
			mats[i][r] = make([]complex128, n)
		}
		e := make([]complex64, n)
		out := make([]complex64, m)
		for c := range n {
			clear(e)
			e[c] = 1
			k.Apply(out, e)
			for r := range m {
				mats[i][r][c] = complex128(out[r])
			}
		}
	}
	sys := make([][]complex128, n)
	for r := range sys {
		sys[r] = append([]complex128(nil), p.nmat[r]...)
		for _, km := range mats {
			for c := range n {
				for _, row := range km {
					sys[r][c] += cmplx.Conj(row[r]) * row[c]
				}
			}
		}
	}
	inv := invert128(sys)

	x := make([]complex128, n)
	z := make([][]complex128, len(ops))
	u := make([][]complex128, len(ops))
	for i, km := range mats {
		z[i], u[i] = make([]complex128, len(km)), make([]complex128, len(km))
	}
	rhs := make([]complex128, n)
	for range 20000 {
		copy(rhs, p.b)
		for i, km := range mats {
			for r, row := range km {
				d := z[i][r] - u[i][r]
				for c := range n {
					rhs[c] += cmplx.Conj(row[c]) * d
				}
			}
		}
		for r := range n {
			var s complex128
			for c := range n {
				s += inv[r][c] * rhs[c]
			}
			x[r] = s
		}
		for i, km := range mats {
			kx := make([]complex128, len(km))
			for r, row := range km {
				for c := range n {
					kx[r] += row[c] * x[c]
				}
			}
			for r := range kx {
				z[i][r] = kx[r] + u[i][r]
			}
			proxes[i](z[i], 1)
			for r := range kx {
				u[i][r] += kx[r] - z[i][r]
			}
		}
	}
	return x
}

// invert128 inverts a small non-singular matrix by Gauss-Jordan elimination with partial
// pivoting.
func invert128(a [][]complex128) [][]complex128 {
	n := len(a)
	m := make([][]complex128, n)
	for i := range m {
		m[i] = make([]complex128, 2*n)
		copy(m[i], a[i])
		m[i][n+i] = 1
	}
	for c := range n {
		piv := c
		for r := c + 1; r < n; r++ {
			if cmplx.Abs(m[r][c]) > cmplx.Abs(m[piv][c]) {
				piv = r
			}
		}
		m[c], m[piv] = m[piv], m[c]
		d := m[c][c]
		for k := range m[c] {
			m[c][k] /= d
		}
		for r := range n {
			if r == c || m[r][c] == 0 {
				continue
			}
			f := m[r][c]
			for k := range m[r] {
				m[r][k] -= f * m[c][k]
			}
		}
	}
	out := make([][]complex128, n)
	for i := range out {
		out[i] = m[i][n:]
	}
	return out
}

// TestPowerIteration: the squared norm of the periodic gradient of an even-sized image is
// exactly 8 (the checkerboard), and that of the circular temporal difference of an even
// number of frames exactly 4; the estimate must be within 4% below (the margin
// PrimalDual's 5% enlargement relies on) and never above.
func TestPowerIteration(t *testing.T) {
	for _, c := range []struct {
		op   LinearOp
		want float64
	}{
		{SpatialGradient{NX: 256, NY: 108, NT: 12}, 8},
		{SpatialGradient{NX: 16, NY: 12, NT: 3}, 8},
		{TemporalDiff{N: 256 * 108, NT: 12}, 4},
	} {
		got := stackedNormSquared([]LinearOp{c.op}, c.op.InLen(), pdPowerIterations)
		t.Logf("%T: %.4f of %.0f", c.op, got, c.want)
		if got > c.want*(1+1e-5) || got < c.want/1.04 {
			t.Errorf("%T: |K|^2 estimate %.4f, want %.0f (within 4%% below)", c.op, got,
				c.want)
		}
	}
}

// TestSolversRefuseBadSteps: a Step or DualStep that is negative or not finite makes
// FISTA, POGM and PrimalDual panic with a message naming the solver and the option; they
// used to run and return NaN everywhere (a programming error, like b and x of different
// lengths, which panics too).
func TestSolversRefuseBadSteps(t *testing.T) {
	identity := func(dst, v []complex64) { copy(dst, v) }
	b := []complex64{3, -0.5, 2i, 0.1}
	ttv := []Term{{Op: TemporalDiff{N: 2, NT: 2}, Prox: L1{Lambda: 0.2}}}
	run := map[string]func(SolverOptions){
		"FISTA": func(o SolverOptions) { FISTA(identity, b, make([]complex64, 4), L1{}, o) },
		"POGM":  func(o SolverOptions) { POGM(identity, b, make([]complex64, 4), L1{}, o) },
		"PrimalDual": func(o SolverOptions) {
			PrimalDual(identity, b, make([]complex64, 4), ttv, o)
		},
	}
	bad := []float64{-1, math.NaN(), math.Inf(1)}
	for name, f := range run {
		for _, v := range bad {
			opts := []SolverOptions{{Step: v}}
			if name == "PrimalDual" {
				opts = append(opts, SolverOptions{DualStep: v})
			}
			for _, o := range opts {
				msg := func() (msg string) {
					defer func() { msg = fmt.Sprint(recover()) }()
					f(o)
					return ""
				}()
				if !strings.Contains(msg, name) || !strings.Contains(msg, "tep") {
					t.Errorf("%s with Step %v, DualStep %v: panic %q, want one naming the "+
						"solver and the step", name, o.Step, o.DualStep, msg)
				}
			}
		}
	}
}
