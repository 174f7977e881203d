package recon

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/cmrecon/cmrecon/fft"
)

// LPlusS is the low-rank plus sparse model of a series of nt frames of n values (frame
// after frame) of Otazu, Candès and Sodickson (2015): the series is x = L + S, and the
// penalty is
//
//	lambdaL |C(L)|_* + lambdaS |F_t S|_1
//
// with C(L) the n x nt Casorati matrix of L (a column per frame) and |.|_* its nuclear
// norm, and F_t the orthonormal DFT along time of every value, every temporal frequency
// included (the temporal mean of S is penalised too, so that the background belongs to
// L). A solver works on the stacked variable v = (L, S) of 2 n nt values: Split and
// Combine are the maps between v and the image, Normal lifts a normal operator of the
// image to v, and LPlusS itself is the (separable, exact) prox of the penalty on v:
// singular value soft thresholding of C(L) and soft thresholding of F_t S. The lifted
// normal operator has twice the norm of the image's, so FISTA and POGM need half the Step
// they would take for the image, and so does PrimalDual (which takes L = 1/Step).
//
// Other regularisers of the image compose with it through Lift, which turns a Term on x
// into the same term on v (x = L + S); FISTA and POGM take one prox only and so L+S alone,
// while ADMM and PrimalDual take L+S with any other terms.
type LPlusS struct {
	n, nt            int
	lambdaL, lambdaS float64
	svt              *LocallyLowRank
	plan             *fft.Plan[complex64]
}

// NewLPlusS returns the L+S model of nt frames of n values with weights lambdaL (nuclear
// norm of L) and lambdaS (l1 of the temporal Fourier transform of S), each finite and at
// least 0.
func NewLPlusS(n, nt int, lambdaL, lambdaS float64) (*LPlusS, error) {
	if n < 1 || nt < 1 {
		return nil, errors.New("recon: L+S needs at least one value and one frame")
	}
	for _, l := range []float64{lambdaL, lambdaS} {
		if !(l >= 0) || math.IsInf(l, 0) {
			return nil, fmt.Errorf("recon: L+S weight %v is not a finite non-negative "+
				"number", l)
		}
	}
	return &LPlusS{n: n, nt: nt, lambdaL: lambdaL, lambdaS: lambdaS,
		svt:  &LocallyLowRank{nx: n, ny: 1, nt: nt, block: n, reuse: true},
		plan: fft.NewPlan[complex64]([]int{n, nt}, 1)}, nil
}

// Len returns the length of the stacked variable v = (L, S).
func (m *LPlusS) Len() int { return 2 * m.n * m.nt }

// Start sets v to (x, 0): the whole starting image in L.
func (m *LPlusS) Start(v, x []complex64) {
	h := m.check(v, x)
	copy(v[:h], x)
	clear(v[h:])
}

// Combine sets x = L + S for v = (L, S).
func (m *LPlusS) Combine(x, v []complex64) {
	h := m.check(v, x)
	for i := range x {
		x[i] = v[i] + v[h+i]
	}
}

// Split sets v = (x, x), the adjoint of Combine: it lifts b = A^H y of the image to v.
func (m *LPlusS) Split(v, x []complex64) {
	h := m.check(v, x)
	copy(v[:h], x)
	copy(v[h:], x)
}

func (m *LPlusS) check(v, x []complex64) int {
	h := m.n * m.nt
	if len(v) != 2*h || len(x) != h {
		panic("recon: LPlusS: wrong length")
	}
	return h
}

// Normal returns the normal operator on v of the image's normal operator N:
// v -> Split(N Combine(v)), one application of N.
func (m *LPlusS) Normal(normal func(dst, x []complex64)) func(dst, v []complex64) {
	x := make([]complex64, m.n*m.nt)
	nx := make([]complex64, m.n*m.nt)
	return func(dst, v []complex64) {
		m.Combine(x, v)
		normal(nx, x)
		m.Split(dst, nx)
	}
}

// Prox implements Prox on v = (L, S): singular value soft thresholding of the Casorati
// matrix of L by t lambdaL and soft thresholding of the temporal Fourier coefficients of S
// by t lambdaS.
func (m *LPlusS) Prox(v []complex64, t float64) {
	h := m.n * m.nt
	if len(v) != 2*h {
		panic("recon: LPlusS.Prox: wrong length")
	}
	if m.lambdaL > 0 {
		m.svt.block1(v[:h], 0, m.n, 0, 1, t*m.lambdaL)
	}
	if m.lambdaS > 0 {
		s := v[h:]
		m.plan.Transform(s, s, fft.Ortho)
		SoftThreshold(s, float32(t*m.lambdaS))
		m.plan.Transform(s, s, fft.Ortho|fft.Inverse)
	}
}

// Lift returns the term t of the image x = L + S as a term of v.
func (m *LPlusS) Lift(t Term) Term {
	if t.Op != nil && t.Op.InLen() != m.n*m.nt {
		panic("recon: LPlusS.Lift: operator input length differs from the image")
	}
	return Term{Op: &liftedOp{m: m, k: t.Op, x: make([]complex64, m.n*m.nt)}, Prox: t.Prox}
}

// liftedOp is K Combine: v -> K (L + S), with a nil K the identity.
type liftedOp struct {
	m *LPlusS
	k LinearOp
	x []complex64
}

func (o *liftedOp) InLen() int { return o.m.Len() }

func (o *liftedOp) OutLen() int {
	if o.k == nil {
		return len(o.x)
	}
	return o.k.OutLen()
}

func (o *liftedOp) Apply(dst, v []complex64) {
	if o.k == nil {
		o.m.Combine(dst, v)
		return
	}
	o.m.Combine(o.x, v)
	o.k.Apply(dst, o.x)
}

func (o *liftedOp) Adjoint(dst, y []complex64) {
	if o.k == nil {
		o.m.Split(dst, y)
		return
	}
	o.k.Adjoint(o.x, y)
	o.m.Split(dst, o.x)
}

// checkLPlusS reports an L+S model given only in part: without lplus the sparse part is
// free to take the whole image and without splus the low-rank part is, so either alone
// (or with a weight of 0) is not the model but a degenerate one. Each weight may be given
// once.
func checkLPlusS(regs []Regularizer) error {
	var count [2]int
	var zero bool
	for _, r := range regs {
		i := slices.Index([]RegKind{RegLPlus, RegSPlus}, r.Kind)
		if i < 0 {
			continue
		}
		count[i]++
		zero = zero || r.Lambda == 0
	}
	switch {
	case count[0] > 1 || count[1] > 1:
		return errors.New("recon: low rank plus sparse: lplus or splus is given twice")
	case count[0] != count[1] || zero:
		return errors.New("recon: low rank plus sparse needs both lplus and splus with " +
			"lambda > 0 (either alone leaves the other part unregularised)")
	}
	return nil
}

// csProblem is the problem a CS solver sees: the image's, or for L+S the lifted one.
type csProblem struct {
	normal func(dst, x []complex64)
	b, x   []complex64
	terms  []Term
	step   float64 // factor of the solver's Step
	ls     *LPlusS
	unlift func(x []complex64) // sets the image from x of a TGV problem (liftTGV)
}

// problem returns the problem of this slice for the terms ts of the other regularisers
// and the starting image x: with lplus and splus in regs (and more than one frame), the
// L+S problem on v = (L, S) with the L+S prox first and the other terms lifted; with tgv
// in regs the TGV problem on (x, w) of liftTGV.
func (p *csSlice) problem(x []complex64, regs []Regularizer, ts []Term) (*csProblem, error) {
	pr := &csProblem{normal: p.normal, b: p.b, x: x, terms: ts, step: 1}
	var lamL, lamS float64
	for _, r := range regs {
		switch r.Kind {
		case RegLPlus:
			lamL = r.Lambda
		case RegSPlus:
			lamS = r.Lambda
		}
	}
	if lamL == 0 || lamS == 0 || p.nt < 2 {
		for _, r := range regs {
			if r.Kind == RegTGV {
				p.liftTGV(pr, r)
			}
		}
		return pr, nil
	}

	ls, err := NewLPlusS(p.nx*p.ny*p.nm, p.nt, lamL, lamS)
	if err != nil {
		return nil, err
	}
	pr.ls = ls
	pr.normal = ls.Normal(p.normal)
	pr.b = make([]complex64, ls.Len())
	ls.Split(pr.b, p.b)
	pr.x = make([]complex64, ls.Len())
	ls.Start(pr.x, x)
	pr.terms = []Term{{Prox: ls}}
	for _, t := range ts {
		pr.terms = append(pr.terms, ls.Lift(t))
	}
	pr.step = 0.5
	return pr, nil
}

// finish sets x to the image of the solution.
func (pr *csProblem) finish(x []complex64) {
	if pr.unlift != nil {
		pr.unlift(x)
		return
	}
	if pr.ls != nil {
		pr.ls.Combine(x, pr.x)
	}
}
