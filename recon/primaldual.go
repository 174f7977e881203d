package recon

import (
	"math"
	"math/rand/v2"

	"github.com/cmrecon/cmrecon/asm"
)

// Primal-dual step rules.
const (
	// pdMargin keeps the primal step strictly inside the convergence condition.
	pdMargin = 0.99

	// pdPowerIterations is the number of power-iteration steps behind the estimate of
	// |K|^2, and pdNormSafety the factor that enlarges it: the estimate is a Rayleigh
	// quotient and so never above the true value; on the finite-difference operators of
	// this package it is within 4% of it after that many steps (TestPowerIteration).
	pdPowerIterations = 30
	pdNormSafety      = 1.05

	// pdDualShare is sigma |K|^2 / L for the default dual step (DefaultDualStep).
	pdDualShare = 0.25
)

// DefaultDualStep is a marker for PrimalDual's default dual step: sigma = L/(4 |K|^2),
// which makes the primal step tau = 0.99/(3L/4), a third larger than FISTA's. On the cine
// phantom at 30 iterations it scored higher than L/(2 |K|^2) and L/(8 |K|^2) (QUALITY.md).
const DefaultDualStep = 0

// PrimalDual minimises
//
//	f(x) = <x, N x>/2 - Re<b, x> + h(x) + sum_i g_i(K_i x)
//
// by the primal-dual splitting of Condat (2013) and Vu (2013), which reaches the terms of
// ADMM without inner solves: the data term enters only through its gradient N x - b, one
// application of N per iteration, and each g_i(K_i x) through a dual variable y_i updated
// with the prox of g_i (by the Moreau identity) and one application of K_i and K_i^H:
//
//	x_(k+1) = prox_(tau h)(x_k - tau (N x_k - b + sum_i K_i^H y_i))
//	y_i     = prox_(sigma g_i*)(y_i + sigma K_i (2 x_(k+1) - x_k))
//
// h is the first term of terms whose Op is nil (the identity), taken by its prox; every
// other term, a nil Op included, gets a dual variable. The dual variables start at
// prox_(sigma g_i*)(sigma K_i x_0) for the starting guess x_0.
//
// Convergence (Condat 2013, Theorem 3.1): the iterates converge to a minimiser when
//
//	1/tau - sigma |K|^2 > L/2,
//
// with L the Lipschitz constant of the gradient (|N|) and |K|^2 = |sum_i K_i^H K_i| the
// squared norm of the stacked operator. PrimalDual takes L = 1/Step (so the Step of FISTA,
// at most 1/|N|, serves here too), estimates |K|^2 by 30 steps of power iteration
// enlarged by 5%, takes sigma = DualStep (default L/(4 |K|^2)) and
// tau = 0.99/(L/2 + sigma |K|^2).
//
// Stopping: after Iterations iterations, or once both the relative change of x
// (|x_k - x_(k-1)| <= Tolerance |x_k|) and the relative primal-dual residual are at most
// Tolerance. The residual is that of the optimality conditions at (x_k, y_k), as in the
// adaptive primal-dual hybrid gradient method of Goldstein et al. (2015): the primal
// part, an element of N x_k - b + d h(x_k) + sum K_i^H y_i, relative to |b|, and the dual
// part, an element of d g_i*(y_i) - K_i x_k, relative to |K x_k|; the larger of the two
// is reported as Residual. The primal part needs N x_k, so it is formed at the start of
// the next iteration and the test stops there, one application of N later; with
// Tolerance 0 the run ends at the cap without that application, and Residual is that of
// the iterate before the last. normal(dst, x) must set dst = N x. x holds the starting
// guess and receives the result.
func PrimalDual(normal func(dst, x []complex64), b, x []complex64, terms []Term,
	opts SolverOptions) SolverResult {
	if len(b) != len(x) {
		panic("recon: PrimalDual: b and x differ in length")
	}
	opts.mustSteps("PrimalDual")
	o := opts.withDefaults()
	n := len(x)

	var primal Prox
	type dual struct {
		op          LinearOp
		prox        Prox
		y, kx, w, d []complex64
	}
	var ds []dual
	for _, t := range terms {
		if t.Op == nil && primal == nil {
			primal = t.Prox
			continue
		}
		m := n
		if t.Op != nil {
			if t.Op.InLen() != n {
				panic("recon: PrimalDual: operator input length differs from x")
			}
			m = t.Op.OutLen()
		}
		ds = append(ds, dual{op: t.Op, prox: t.Prox, y: make([]complex64, m),
			kx: make([]complex64, m), w: make([]complex64, m), d: make([]complex64, m)})
	}
	ops := make([]LinearOp, len(ds))
	for i, d := range ds {
		ops[i] = d.op
	}

	lip := 1 / o.Step
	var knorm, sigma float64
	if len(ds) > 0 {
		knorm = pdNormSafety * stackedNormSquared(ops, n, pdPowerIterations)
	}
	if knorm > 0 {
		sigma = o.DualStep
		if sigma == 0 {
			sigma = pdDualShare * lip / knorm
		}
	} else {
		ds = nil // every K_i is zero: the terms are constants
	}
	tau := pdMargin / (lip/2 + sigma*knorm)

	// moreau sets d.y = prox_(sigma g*)(w) = w - sigma prox_(g/sigma)(w/sigma), with d.w
	// holding w and left as w/sigma after the prox.
	moreau := func(d *dual) {
		copy(d.y, d.w)
		asm.Scale(d.w, complex(float32(1/sigma), 0), d.w)
		d.prox.Prox(d.w, 1/sigma)
		asm.Axpy(complex(float32(-sigma), 0), d.w, d.y)
	}
	for i := range ds {
		d := &ds[i]
		csApply(d.op, d.kx, x)
		asm.Scale(d.w, complex(float32(sigma), 0), d.kx)
		moreau(d)
	}

	g := make([]complex64, n)    // N x_k - b
	s := make([]complex64, n)    // sum K_i^H y_i
	tmp := make([]complex64, n)  // scratch
	xp := make([]complex64, n)   // x_(k-1)
	pres := make([]complex64, n) // primal residual, built over two iterations
	adjSum := func() {
		clear(s)
		for i := range ds {
			csAdjoint(ds[i].op, tmp, ds[i].y)
			asm.Axpy(1, tmp, s)
		}
	}
	adjSum()
	bnorm := asm.Norm2(b)
	var dres, kxn float64

	var res SolverResult
	var calm settle
	for {
		if res.Iterations >= o.Iterations && o.Tolerance == 0 {
			break // the residual is only needed for the stopping test
		}
		normal(g, x)
		res.Operators++
		asm.Axpy(-1, b, g)
		if res.Iterations > 0 {
			// pres = (x_(k-1) - x_k)/tau - sum K^H y_(k-1) - N x_(k-1) + b was set in the last
			// iteration; adding N x_k - b + sum K^H y_k completes the residual.
			asm.Axpy(1, g, pres)
			asm.Axpy(1, s, pres)
			res.Residual = max(relChange(asm.Norm2(pres), bnorm), relChange(dres, kxn))
			if calm.quiet(res.Iterations,
				res.Change <= o.Tolerance && res.Residual <= o.Tolerance) {
				break
			}
		}
		if res.Iterations >= o.Iterations {
			break
		}

		copy(xp, x)
		for i := range x {
			x[i] -= complex(float32(tau), 0) * (g[i] + s[i])
		}
		if primal != nil {
			primal.Prox(x, tau)
		}
		for i := range pres {
			pres[i] = (xp[i]-x[i])*complex(float32(1/tau), 0) - s[i] - g[i]
		}

		dres, kxn = 0, 0
		for i := range ds {
			d := &ds[i]
			// w = y + sigma (2 K x_(k+1) - K x_k); the dual residual
			// (y_k - y_(k+1))/sigma + K x_(k+1) - K x_k is formed in d.d.
			copy(d.d, d.kx)
			csApply(d.op, d.kx, x)
			for j, v := range d.kx {
				d.w[j] = d.y[j] + complex(float32(sigma), 0)*(2*v-d.d[j])
				d.d[j] = v - d.d[j] + d.y[j]*complex(float32(1/sigma), 0)
			}
			moreau(d)
			asm.Axpy(complex(float32(-1/sigma), 0), d.y, d.d)
			dres += asm.Norm2(d.d)
			kxn += asm.Norm2(d.kx)
		}
		adjSum()

		copy(tmp, x)
		asm.Axpy(-1, xp, tmp)
		res.Iterations++
		res.Change = relChange(asm.Norm2(tmp), asm.Norm2(x))
		if o.Progress != nil {
			o.Progress(res.Iterations, res.Change)
		}
	}
	return res
}

// stackedNormSquared estimates |sum_i K_i^H K_i| (a nil K_i is the identity) for inputs of
// length n by iters steps of power iteration.
func stackedNormSquared(ops []LinearOp, n, iters int) float64 {
	var out, tmp []complex64
	return PowerIteration(func(dst, x []complex64) {
		clear(dst)
		for _, k := range ops {
			if k == nil {
				asm.Axpy(1, x, dst)
				continue
			}
			if len(out) < k.OutLen() {
				out = make([]complex64, k.OutLen())
			}
			if tmp == nil {
				tmp = make([]complex64, n)
			}
			k.Apply(out[:k.OutLen()], x)
			k.Adjoint(tmp, out[:k.OutLen()])
			asm.Axpy(1, tmp, dst)
		}
	}, n, iters)
}

// PowerIteration estimates the largest eigenvalue of a Hermitian positive semidefinite
// operator on vectors of length n (apply(dst, x) sets dst = A x), such as a normal operator
// A^H A, whose value is the squared norm of A. It runs iters steps of power iteration from
// a fixed pseudo-random start and returns the Rayleigh quotient <x, A x>/<x, x> of the
// last vector, which is never above the true value and approaches it from below; how fast
// depends on the gap below the largest eigenvalue. Use it to choose the Step of FISTA and
// POGM (at most 1/|A^H A|) for an operator whose norm is not known.
func PowerIteration(apply func(dst, x []complex64), n, iters int) float64 {
	if n == 0 {
		return 0
	}
	rng := rand.New(rand.NewPCG(0x9047, uint64(n)))
	x := make([]complex64, n)
	for i := range x {
		x[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	ax := make([]complex64, n)
	var est float64
	for range max(iters, 1) {
		nx := math.Sqrt(asm.Norm2(x))
		if nx == 0 {
			return 0
		}
		asm.Scale(x, complex(float32(1/nx), 0), x)
		apply(ax, x)
		est = real(asm.Dotc(x, ax))
		x, ax = ax, x
	}
	return est
}
