package recon

import (
	"fmt"
	"math"

	"github.com/cmrecon/cmrecon/asm"
)

// Solver defaults. The FISTA step and the ADMM over-relaxation are those of BART's pics
// (anchors.md §3.2). The ADMM penalty and inner steps were chosen by measurement with
// bench/cs (QUALITY.md): BART uses rho 0.5 and up to 10 CG steps, which at 30 iterations
// gave lower SSIM than 2 steps at five times the cost; of rho 0.01 to 0.1 with 2 steps,
// 0.02 to 0.03 scored best on the cine phantom and on the real static files alike.
const (
	DefaultStep            = 0.95 // FISTA step, 1/L for A^H A of norm at most 1
	DefaultRho             = 0.03 // ADMM penalty
	DefaultInnerIterations = 2    // ADMM conjugate-gradient steps per iteration
	admmRelaxation         = 1.6  // ADMM over-relaxation
)

// Term is one regulariser g(K x) of a composite objective: Op is K (nil: the identity) and
// Prox the proximal operator of g, weight included.
type Term struct {
	Op   LinearOp
	Prox Prox
}

// SolverOptions configures FISTA, POGM, ADMM and PrimalDual. Zero values select the
// defaults above.
type SolverOptions struct {
	// Iterations is the number of iterations (0: DefaultIterations).
	Iterations int

	// Tolerance stops early once |x_k - x_(k-1)| <= Tolerance |x_k| in two consecutive
	// iterations, and not before iteration 10 (ADMM and PrimalDual also need their
	// residuals that low; see each). From a warm start the first steps move x little while
	// FISTA's and POGM's momentum, ADMM's z and the primal-dual duals build up: on the cine
	// phantom FISTA's change rose from 0.0038 at the first iteration to 0.0074 at the
	// eleventh, ADMM's from 0.0017 to 0.074 at the second, and POGM's and the primal-dual
	// solver's went up and down between 0.006 and 0.016 for 30 iterations. The change is a
	// weak measure of convergence on such ill-conditioned problems. Zero runs every
	// iteration, as BART's pics does, which keeps runs reproducible and comparable.
	Tolerance float64

	// Step is FISTA's and POGM's gradient step (0: DefaultStep). It must be at most
	// 1/|A^H A|; PrimalDual takes 1/Step as the Lipschitz constant of the data term. The
	// solvers panic on a Step (or DualStep) that is negative or not finite.
	Step float64

	// Rho is ADMM's penalty parameter and InnerIterations the conjugate-gradient steps of
	// its x update (0: DefaultRho, DefaultInnerIterations).
	Rho             float64
	InnerIterations int

	// DualStep is PrimalDual's dual step sigma (0: DefaultDualStep, see PrimalDual).
	DualStep float64

	// Progress, when not nil, is called after every iteration with the iteration number
	// (from 1) and the relative change |x_k - x_(k-1)| / |x_k|.
	Progress func(iteration int, change float64)
}

// Early stops (see SolverOptions.Tolerance): no solver stops before toleranceWarmup
// iterations, and then only once stopAfter consecutive iterations met its test.
const (
	toleranceWarmup = 10
	stopAfter       = 2
)

// settle counts the consecutive iterations that met a tolerance test.
type settle int

// quiet records whether iteration it (from 1) met the test and reports whether the solver
// may stop.
func (s *settle) quiet(it int, met bool) bool {
	if !met {
		*s = 0
		return false
	}
	*s++
	return *s >= stopAfter && it >= toleranceWarmup
}

// mustSteps panics, naming solver, when Step or DualStep is negative or not finite.
func (o SolverOptions) mustSteps(solver string) {
	for _, s := range []struct {
		name string
		v    float64
	}{{"Step", o.Step}, {"DualStep", o.DualStep}} {
		if !(s.v >= 0) || math.IsInf(s.v, 0) {
			panic(fmt.Sprintf("recon: %s: %s %v is not a finite non-negative number", solver,
				s.name, s.v))
		}
	}
}

func (o SolverOptions) withDefaults() SolverOptions {
	if o.Iterations == 0 {
		o.Iterations = DefaultIterations
	}
	if o.Step == 0 {
		o.Step = DefaultStep
	}
	if o.Rho == 0 {
		o.Rho = DefaultRho
	}
	if o.InnerIterations == 0 {
		o.InnerIterations = DefaultInnerIterations
	}
	return o
}

// SolverResult reports how a solver run ended.
type SolverResult struct {
	Iterations int     // iterations performed
	Change     float64 // last relative change of x
	Restarts   int     // FISTA and POGM momentum restarts
	Operators  int     // applications of the normal operator N
	Residual   float64 // PrimalDual's last relative primal-dual residual; ADMM's primal one
}

// FISTA minimises
//
//	f(x) = <x, N x>/2 - Re<b, x> + g(x)
//
// (for N = A^H A and b = A^H y: |A x - y|^2 / 2 + g(x) up to a constant) by the fast
// iterative shrinkage-thresholding algorithm of Beck and Teboulle with the adaptive
// gradient restart of O'Donoghue and Candès: the momentum is reset whenever it points
// against the last step. normal(dst, x) must set dst = N x; prox is the proximal operator
// of g. x holds the starting guess (warm start) and receives the result.
func FISTA(normal func(dst, x []complex64), b, x []complex64, prox Prox,
	opts SolverOptions) SolverResult {
	if len(b) != len(x) {
		panic("recon: FISTA: b and x differ in length")
	}
	opts.mustSteps("FISTA")
	o := opts.withDefaults()
	step := float32(o.Step)

	v := append([]complex64(nil), x...)
	prev := make([]complex64, len(x))
	g := make([]complex64, len(x))
	tk := 1.0

	var res SolverResult
	var calm settle
	for res.Iterations < o.Iterations {
		normal(g, v)
		res.Operators++
		copy(prev, x)
		for i := range x {
			x[i] = v[i] - complex(step, 0)*(g[i]-b[i])
		}
		prox.Prox(x, o.Step)

		var up, dn, along float64
		for i, xv := range x {
			d := xv - prev[i]
			w := v[i] - xv
			up += float64(real(d))*float64(real(d)) + float64(imag(d))*float64(imag(d))
			dn += float64(real(xv))*float64(real(xv)) + float64(imag(xv))*float64(imag(xv))
			along += float64(real(w))*float64(real(d)) + float64(imag(w))*float64(imag(d))
		}

		if along > 0 {
			tk = 1
			res.Restarts++
		}
		tNext := (1 + math.Sqrt(1+4*tk*tk)) / 2
		beta := complex(float32((tk-1)/tNext), 0)
		for i, xv := range x {
			v[i] = xv + beta*(xv-prev[i])
		}
		tk = tNext

		res.Iterations++
		res.Change = relChange(up, dn)
		if o.Progress != nil {
			o.Progress(res.Iterations, res.Change)
		}
		if calm.quiet(res.Iterations, res.Change <= o.Tolerance) {
			break
		}
	}
	return res
}

// ADMM minimises
//
//	f(x) = <x, N x>/2 - Re<b, x> + sum_i g_i(K_i x)
//
// by the alternating direction method of multipliers with the splitting z_i = K_i x, as
// BART's pics does with several regularisers: each iteration solves
// (N + Rho sum K_i^H K_i) x = b + Rho sum K_i^H (z_i - u_i) with InnerIterations steps of
// conjugate gradients warm-started at the last x, then sets z_i by the prox of g_i with step
// 1/Rho at the over-relaxed point (relaxation 1.6), and updates the scaled duals u_i.
// normal(dst, x) must set dst = N x. x holds the starting guess and receives the result.
//
// An early stop by Tolerance needs the relative primal residual as well as the relative
// change of x to be at most Tolerance: |h - z| / max(|h|, |z|) over all terms, with h the
// over-relaxed point the duals are updated with (Result.Residual). The change alone misleads
// from a warm start: z starts at K x, so the first x update barely moves x (on the cine
// phantom by 0.0017 of |x|, then by 0.074 in the second iteration) while the first z update
// moves far.
func ADMM(normal func(dst, x []complex64), b, x []complex64, terms []Term,
	opts SolverOptions) SolverResult {
	if len(b) != len(x) {
		panic("recon: ADMM: b and x differ in length")
	}
	o := opts.withDefaults()
	rho := complex(float32(o.Rho), 0)
	n := len(x)

	type state struct {
		op   LinearOp
		z, u []complex64
		kx   []complex64
	}
	st := make([]state, len(terms))
	for i, t := range terms {
		m := n
		if t.Op != nil {
			if t.Op.InLen() != n {
				panic("recon: ADMM: operator input length differs from x")
			}
			m = t.Op.OutLen()
		}
		s := state{op: t.Op, z: make([]complex64, m), u: make([]complex64, m),
			kx: make([]complex64, m)}
		csApply(s.op, s.z, x)
		st[i] = s
	}

	rhs := make([]complex64, n)
	tmp := make([]complex64, n)
	prev := make([]complex64, n)
	var res SolverResult
	var calm settle
	sys := func(dst, v []complex64) {
		normal(dst, v)
		res.Operators++
		for _, s := range st {
			if s.op == nil {
				asm.Axpy(rho, v, dst)
				continue
			}
			s.op.Apply(s.kx, v)
			s.op.Adjoint(tmp, s.kx)
			asm.Axpy(rho, tmp, dst)
		}
	}

	cg := newWarmCG(sys, x)
	for res.Iterations < o.Iterations {
		copy(rhs, b)
		for _, s := range st {
			copy(s.kx, s.z)
			asm.Axpy(-1, s.u, s.kx)
			kh := s.kx // K^H (z - u), without a copy when K is the identity
			if s.op != nil {
				s.op.Adjoint(tmp, s.kx)
				kh = tmp
			}
			asm.Axpy(rho, kh, rhs)
		}
		copy(prev, x)
		cg.solve(rhs, x, o.InnerIterations)

		const a = admmRelaxation
		var rr, rh, rz float64 // |h - z|², |h|², |z|² over the terms, with a tolerance
		for i, s := range st {
			// h = a K x + (1-a) z (over-relaxation), z = prox(h + u), u += h - z.
			kx := x // K x, without a copy when K is the identity
			if s.op != nil {
				s.op.Apply(s.kx, x)
				kx = s.kx
			}
			asm.Scale(s.kx, complex(float32(a), 0), kx)
			asm.Axpy(complex(float32(1-a), 0), s.z, s.kx)
			copy(s.z, s.kx)
			asm.Axpy(1, s.u, s.z)
			terms[i].Prox.Prox(s.z, 1/o.Rho)
			if o.Tolerance > 0 {
				for j, h := range s.kx {
					d := h - s.z[j]
					rr += float64(real(d)*real(d) + imag(d)*imag(d))
					rh += float64(real(h)*real(h) + imag(h)*imag(h))
					rz += float64(real(s.z[j])*real(s.z[j]) + imag(s.z[j])*imag(s.z[j]))
				}
			}
			asm.Axpy(1, s.kx, s.u)
			asm.Axpy(-1, s.z, s.u)
		}
		if o.Tolerance > 0 {
			res.Residual = relChange(rr, max(rh, rz))
		}

		copy(tmp, x)
		asm.Axpy(-1, prev, tmp)
		res.Iterations++
		res.Change = relChange(asm.Norm2(tmp), asm.Norm2(x))
		if o.Progress != nil {
			o.Progress(res.Iterations, res.Change)
		}
		if calm.quiet(res.Iterations,
			res.Change <= o.Tolerance && res.Residual <= o.Tolerance) {
			break
		}
	}
	return res
}

// warmCG runs conjugate-gradient steps on a fixed operator N for a right-hand side that
// changes between calls, as ADMM's x update does: it keeps N x from the end of the last
// call (updated along with x from the products CG forms anyway), so a call of k steps
// costs k applications of N, not k + 1. x must only change through solve.
type warmCG struct {
	op      func(dst, x []complex64)
	nx      []complex64 // N x
	r, p, q []complex64
}

func newWarmCG(op func(dst, x []complex64), x []complex64) *warmCG {
	n := len(x)
	c := &warmCG{op: op, nx: make([]complex64, n), r: make([]complex64, n),
		p: make([]complex64, n), q: make([]complex64, n)}
	op(c.nx, x)
	return c
}

// solve runs at most iters CG steps on N x = b from the current x.
func (c *warmCG) solve(b, x []complex64, iters int) {
	for i := range c.r {
		c.r[i] = b[i] - c.nx[i]
	}
	copy(c.p, c.r)
	rr := asm.Norm2(c.r)
	for range iters {
		if rr == 0 {
			return
		}
		c.op(c.q, c.p)
		pq := real(asm.Dotc(c.p, c.q))
		if !(pq > 0) {
			return
		}
		alpha := complex(float32(rr/pq), 0)
		asm.Axpy(alpha, c.p, x)
		asm.Axpy(alpha, c.q, c.nx)
		asm.Axpy(-alpha, c.q, c.r)
		rrNew := asm.Norm2(c.r)
		asm.Xpay(c.r, complex(float32(rrNew/rr), 0), c.p)
		rr = rrNew
	}
}

// csApply sets dst = K x, with a nil K the identity.
func csApply(k LinearOp, dst, x []complex64) {
	if k == nil {
		copy(dst, x)
		return
	}
	k.Apply(dst, x)
}

// csAdjoint sets dst = K^H y, with a nil K the identity.
func csAdjoint(k LinearOp, dst, y []complex64) {
	if k == nil {
		copy(dst, y)
		return
	}
	k.Adjoint(dst, y)
}

// relChange returns sqrt(up/dn), or 0 when both are zero.
func relChange(up, dn float64) float64 {
	if up == 0 {
		return 0
	}
	if dn == 0 {
		return math.Inf(1)
	}
	return math.Sqrt(up / dn)
}
