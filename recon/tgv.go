package recon

import (
	"errors"
	"math"
	"slices"
)

// TGVRatio is the weight of the second-order term of RegTGV relative to the first: the
// penalty is lambda min_w (|grad x - w| + TGVRatio |E w|). Of 0.5, 1, 2, 3 and 5, 2 scored
// highest on the aliased brain's Uniform 24 (QUALITY.md, "Total generalized variation"),
// and 2 is the usual choice in the literature (Knoll et al. 2011, "Second order total
// generalized variation (TGV) for MRI").
const TGVRatio = 2

// TGVFirst is the first-order operator of second-order total generalized variation (TGV)
// on the lifted vector z = (x, w) of nt images x of nx x ny and their vector fields
// w = (w_x, w_y): K z = grad x - w, with grad SpatialGradient (x differences of all images,
// then y differences). With JointL1 it gives the first term of TGV. Its input has 3n
// values (x, then w_x of all images, then w_y), its output 2n, for n = nx*ny*nt.
type TGVFirst struct{ NX, NY, NT int }

// InLen implements LinearOp.
func (o TGVFirst) InLen() int { return 3 * o.NX * o.NY * o.NT }

// OutLen implements LinearOp.
func (o TGVFirst) OutLen() int { return 2 * o.NX * o.NY * o.NT }

// Apply implements LinearOp.
func (o TGVFirst) Apply(dst, z []complex64) {
	o.check(dst, z)
	n := o.NX * o.NY * o.NT
	SpatialGradient{NX: o.NX, NY: o.NY, NT: o.NT}.Apply(dst, z[:n])
	for i, v := range z[n:] {
		dst[i] -= v
	}
}

// Adjoint implements LinearOp: (grad^H y, -y).
func (o TGVFirst) Adjoint(dst, y []complex64) {
	o.check(y, dst)
	n := o.NX * o.NY * o.NT
	SpatialGradient{NX: o.NX, NY: o.NY, NT: o.NT}.Adjoint(dst[:n], y)
	for i, v := range y {
		dst[n+i] = -v
	}
}

func (o TGVFirst) check(out, in []complex64) {
	if len(in) != o.InLen() || len(out) != o.OutLen() {
		panic("recon: TGVFirst: wrong slice length")
	}
}

// TGVSecond is the second-order operator of TGV on the lifted vector z = (x, w) of
// TGVFirst: the symmetrised gradient of w, K z = (Dx w_x, Dy w_y, (Dy w_x + Dx w_y)/√2),
// with the forward differences of SpatialGradient, so that the Euclidean length of the
// three values at a pixel is the Frobenius norm of the symmetric 2x2 matrix E w. x does not
// enter. Input 3n values, output 3n. Not safe for concurrent use (it keeps scratch).
type TGVSecond struct {
	NX, NY, NT int

	t1, t2 []complex64
}

// InLen implements LinearOp.
func (o *TGVSecond) InLen() int { return 3 * o.NX * o.NY * o.NT }

// OutLen implements LinearOp.
func (o *TGVSecond) OutLen() int { return 3 * o.NX * o.NY * o.NT }

func (o *TGVSecond) scratch() (SpatialGradient, int) {
	n := o.NX * o.NY * o.NT
	if o.t1 == nil {
		o.t1, o.t2 = make([]complex64, 2*n), make([]complex64, 2*n)
	}
	return SpatialGradient{NX: o.NX, NY: o.NY, NT: o.NT}, n
}

// Apply implements LinearOp.
func (o *TGVSecond) Apply(dst, z []complex64) {
	o.check(dst, z)
	g, n := o.scratch()
	g.Apply(o.t1, z[n:2*n])   // Dx w_x, Dy w_x
	g.Apply(o.t2, z[2*n:3*n]) // Dx w_y, Dy w_y
	s := complex64(complex(1/math.Sqrt2, 0))
	for i := range n {
		dst[i] = o.t1[i]
		dst[n+i] = o.t2[n+i]
		dst[2*n+i] = s * (o.t1[n+i] + o.t2[i])
	}
}

// Adjoint implements LinearOp.
func (o *TGVSecond) Adjoint(dst, y []complex64) {
	o.check(y, dst)
	g, n := o.scratch()
	s := complex64(complex(1/math.Sqrt2, 0))
	for i := range n {
		c := s * y[2*n+i]
		o.t1[i], o.t1[n+i] = y[i], c
		o.t2[i], o.t2[n+i] = c, y[n+i]
	}
	clear(dst[:n])
	g.Adjoint(dst[n:2*n], o.t1)
	g.Adjoint(dst[2*n:], o.t2)
}

func (o *TGVSecond) check(out, in []complex64) {
	if len(in) != o.InLen() || len(out) != o.OutLen() {
		panic("recon: TGVSecond: wrong slice length")
	}
}

// GroupL1 is the prox of Lambda sum_i |(x[i], x[i+m], ..., x[i+(K-1)m])| over the K equal
// parts of x (m = len(x)/K): each group keeps its direction and loses t Lambda in length,
// or with an exponent P in (0, 1) is shrunk by p-shrinkage of its length (0 means 1).
// JointL1 is the case K = 2.
type GroupL1 struct {
	K         int
	Lambda, P float64
}

// Prox implements Prox.
func (g GroupL1) Prox(x []complex64, t float64) {
	if g.K < 1 || len(x)%g.K != 0 {
		panic("recon: GroupL1: length not a multiple of K")
	}
	m := len(x) / g.K
	thr := float32(t * g.Lambda)
	q := checkExponent(exponent(g.P))
	l1 := q == 1
	for i := range m {
		var s float32
		for j := range g.K {
			v := x[i+j*m]
			s += real(v)*real(v) + imag(v)*imag(v)
		}
		var f complex64
		switch {
		case !l1:
			f = complex(shrinkFactor(s, thr, q), 0)
		case s > thr*thr:
			mag := sqrt32(s)
			f = complex((mag-thr)/mag, 0)
		}
		for j := range g.K {
			x[i+j*m] *= f
		}
	}
}

// selectOp takes the first n values of a vector of m: the image part of a lifted vector.
type selectOp struct{ n, m int }

func (o selectOp) InLen() int                 { return o.m }
func (o selectOp) OutLen() int                { return o.n }
func (o selectOp) Apply(dst, x []complex64)   { copy(dst, x[:o.n]) }
func (o selectOp) Adjoint(dst, y []complex64) { copy(dst, y); clear(dst[o.n:]) }

// afterOp is B A: A applied first.
type afterOp struct {
	a, b LinearOp
	tmp  []complex64
}

func (o *afterOp) InLen() int  { return o.a.InLen() }
func (o *afterOp) OutLen() int { return o.b.OutLen() }

func (o *afterOp) Apply(dst, x []complex64) {
	if o.tmp == nil {
		o.tmp = make([]complex64, o.a.OutLen())
	}
	o.a.Apply(o.tmp, x)
	o.b.Apply(dst, o.tmp)
}

func (o *afterOp) Adjoint(dst, y []complex64) {
	if o.tmp == nil {
		o.tmp = make([]complex64, o.a.OutLen())
	}
	o.b.Adjoint(o.tmp, y)
	o.a.Adjoint(dst, o.tmp)
}

// checkTGVLPlusS refuses tgv together with the L+S pair, whose problems CS cannot lift
// into one; L+S is ignored on one frame, so CS checks this only for several.
func checkTGVLPlusS(regs []Regularizer) error {
	has := func(k RegKind) bool {
		return slices.ContainsFunc(regs, func(r Regularizer) bool {
			return r.Kind == k && r.Lambda > 0
		})
	}
	if has(RegTGV) && (has(RegLPlus) || has(RegSPlus)) {
		return errors.New("recon: tgv cannot be combined with lplus and splus (on " +
			"several frames)")
	}
	return nil
}

// liftTGV turns pr into the TGV problem on z = (x, w) for the term r (RegTGV): the data
// term and every other term see x alone, and two terms are added, lambda |grad x - w| and
// TGVRatio lambda |E w| (TGVFirst, TGVSecond), both shrunk with r's exponent. w starts at
// grad x of the starting image, which leaves the first term at zero there.
func (p *csSlice) liftTGV(pr *csProblem, r Regularizer) {
	images := p.nt * p.nm
	n := len(pr.x)
	z := make([]complex64, 3*n)
	copy(z, pr.x)
	SpatialGradient{NX: p.nx, NY: p.ny, NT: images}.Apply(z[n:], pr.x)
	b := make([]complex64, 3*n)
	copy(b, pr.b)
	inner := pr.normal
	sel := selectOp{n: n, m: 3 * n}
	terms := make([]Term, 0, len(pr.terms)+2)
	for _, t := range pr.terms {
		if t.Op == nil {
			terms = append(terms, Term{Op: sel, Prox: t.Prox})
		} else {
			terms = append(terms, Term{Op: &afterOp{a: sel, b: t.Op}, Prox: t.Prox})
		}
	}
	terms = append(terms,
		Term{Op: TGVFirst{NX: p.nx, NY: p.ny, NT: images},
			Prox: JointL1{Lambda: r.Lambda, P: r.P}},
		Term{Op: &TGVSecond{NX: p.nx, NY: p.ny, NT: images},
			Prox: GroupL1{K: 3, Lambda: TGVRatio * r.Lambda, P: r.P}})

	pr.normal = func(dst, v []complex64) {
		inner(dst[:n], v[:n])
		clear(dst[n:])
	}
	pr.b, pr.x, pr.terms = b, z, terms
	pr.unlift = func(x []complex64) { copy(x, z[:n]) }
}
