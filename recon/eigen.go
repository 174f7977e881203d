package recon

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/lapack/gonum"
)

// The dominant eigenpairs of a Hermitian matrix, as ESPIRiT's calibration needs them: the
// matrix is reduced to real symmetric tridiagonal form by Householder reflections in complex
// arithmetic (half the size of the real embedding of twice the order), its eigenvalues come
// from gonum's root-free QL iteration (Dsterf), and only the eigenvectors asked for are
// computed, by inverse iteration on the tridiagonal matrix, then carried back through the
// reflections. Everything is float64.

// hermTridiag holds the reduction Q^H A Q = D T D^H of a Hermitian matrix: T real symmetric
// tridiagonal (diagonal d, off-diagonal e), D a diagonal of unit phases and Q the product of
// reflections H_0 ... H_{n-3}, H_k = I - tau_k u_k u_k^H acting on rows k+1 .. n-1.
type hermTridiag struct {
	n     int
	d, e  []float64
	phase []complex128
	u     []complex128 // u_k in the entries below the subdiagonal of column k (row-major)
	tau   []float64
}

// tridiagonalize reduces the Hermitian n x n matrix a (row-major, only the lower triangle
// is read) in place; a then holds the reflection vectors.
func tridiagonalize(a []complex128, n int) *hermTridiag {
	t := &hermTridiag{n: n, d: make([]float64, n), e: make([]float64, max(n-1, 0)),
		phase: make([]complex128, n), u: a, tau: make([]float64, n)}
	sub := make([]complex128, max(n-1, 0)) // complex off-diagonal
	p := make([]complex128, n)
	uc := make([]complex128, n)
	for k := 0; k+2 < n; k++ {
		t.d[k] = real(a[k*n+k])
		m := n - k - 1

		// u = x - beta e1, beta = -exp(i arg x0) |x|, tau = 2 / |u|^2.
		x0 := a[(k+1)*n+k]
		var xx float64
		for i := range m {
			v := a[(k+1+i)*n+k]
			xx += real(v)*real(v) + imag(v)*imag(v)
		}
		xn := math.Sqrt(xx)
		if xn == 0 {
			sub[k] = 0
			continue
		}
		ph := complex(1, 0)
		if x0 != 0 {
			ph = x0 / complex(cmplx.Abs(x0), 0)
		}
		beta := -ph * complex(xn, 0)
		a[(k+1)*n+k] = x0 - beta
		tau := 1 / (xx + xn*cmplx.Abs(x0))
		t.tau[k], sub[k] = tau, beta

		// p = tau A22 u from the lower triangle of A22 (rows and columns k+1 .. n-1), with
		// u copied out of its column so that the loops run along rows.
		for i := range m {
			uc[i] = a[(k+1+i)*n+k]
		}
		u := uc[:m]
		clear(p[:m])
		for i := range m {
			row := a[(k+1+i)*n+k+1 : (k+1+i)*n+k+1+i+1]
			ui := u[i]
			var s complex128
			for j, aij := range row[:i] {
				s += aij * u[j]
				p[j] += cmplx.Conj(aij) * ui
			}
			p[i] += s + complex(real(row[i]), 0)*ui
		}
		var uhp float64
		for i := range m {
			p[i] *= complex(tau, 0)
			uhp += real(cmplx.Conj(u[i]) * p[i])
		}

		// w = p - (tau/2) (u^H p) u; A22 -= u w^H + w u^H (lower triangle).
		kk := complex(tau/2*uhp, 0)
		for i := range m {
			p[i] -= kk * u[i]
		}
		for i := range m {
			row := a[(k+1+i)*n+k+1 : (k+1+i)*n+k+1+i+1]
			ui, wi := u[i], p[i]
			for j := range row {
				row[j] -= ui*cmplx.Conj(p[j]) + wi*cmplx.Conj(u[j])
			}
		}
	}
	if n >= 2 {
		t.d[n-2] = real(a[(n-2)*n+n-2])
		sub[n-2] = a[(n-1)*n+n-2]
	}
	if n >= 1 {
		t.d[n-1] = real(a[(n-1)*n+n-1])
	}

	// D^H T D with phase[i+1] = phase[i] sub[i] / |sub[i]| makes the off-diagonal real.
	if n >= 1 {
		t.phase[0] = 1
	}
	for i, s := range sub {
		t.e[i] = cmplx.Abs(s)
		t.phase[i+1] = t.phase[i]
		if s != 0 {
			t.phase[i+1] = t.phase[i] * s / complex(t.e[i], 0)
		}
	}
	return t
}

// eigenvalues returns the eigenvalues of T in descending order.
func (t *hermTridiag) eigenvalues() ([]float64, error) {
	d := slices.Clone(t.d)
	e := slices.Clone(t.e)
	if !(gonum.Implementation{}).Dsterf(t.n, d, e) {
		return nil, errors.New("the tridiagonal QL iteration did not converge")
	}
	slices.Reverse(d)
	return d, nil
}

// vectors returns unit eigenvectors of the original matrix for the eigenvalues vals of T
// (descending, as eigenvalues returns them), as the columns of an n x len(vals) row-major
// matrix.
//
// Each eigenvector z of T comes from three steps of inverse iteration with the shift
// lambda, from a fixed pseudo-random start, through one LU factorisation of T - lambda I
// with partial pivoting (tiny pivots replaced by eps |T|). Eigenvalues closer than 1e-3 |T|
// to the previous one form a cluster, within which every step is reorthogonalised against
// the cluster's vectors found so far (modified Gram-Schmidt), as LAPACK's dstein does, so
// that the vectors of a close or repeated eigenvalue span its eigenspace. The eigenvector of
// the matrix is then Q D z.
func (t *hermTridiag) vectors(vals []float64) [][]complex128 {
	n := t.n
	var norm float64
	for i := range n {
		r := math.Abs(t.d[i])
		if i > 0 {
			r += t.e[i-1]
		}
		if i < n-1 {
			r += t.e[i]
		}
		norm = max(norm, r)
	}
	tiny := max(norm, math.SmallestNonzeroFloat64) * 0x1p-52
	rng := rand.New(rand.NewPCG(0x657370697269, 0x54))

	zs := make([][]float64, len(vals))
	f := newTridiagLU(n)
	cluster := 0
	for j, lam := range vals {
		if j > 0 && vals[j-1]-lam > 1e-3*norm {
			cluster = j
		}
		f.factor(t.d, t.e, lam, tiny)
		z := make([]float64, n)
		for i := range z {
			z[i] = rng.Float64() - 0.5
		}
		for range 3 {
			f.solve(z)
			for _, q := range zs[cluster:j] {
				var s float64
				for i, v := range q {
					s += v * z[i]
				}
				for i, v := range q {
					z[i] -= s * v
				}
			}
			var s float64
			for _, v := range z {
				s += v * v
			}
			inv := 1 / math.Sqrt(s)
			for i := range z {
				z[i] *= inv
			}
		}
		zs[j] = z
	}

	out := make([][]complex128, len(vals))
	for j, z := range zs {
		v := make([]complex128, n)
		for i, zi := range z {
			v[i] = t.phase[i] * complex(zi, 0)
		}
		t.applyQ(v)
		out[j] = v
	}
	return out
}

// applyQ sets v = Q v = H_0 (H_1 (... H_{n-3} v)).
func (t *hermTridiag) applyQ(v []complex128) {
	n := t.n
	for k := n - 3; k >= 0; k-- {
		tau := t.tau[k]
		if tau == 0 {
			continue
		}
		var s complex128
		for i := k + 1; i < n; i++ {
			s += cmplx.Conj(t.u[i*n+k]) * v[i]
		}
		s *= complex(tau, 0)
		for i := k + 1; i < n; i++ {
			v[i] -= s * t.u[i*n+k]
		}
	}
}

// tridiagLU is the LU factorisation with partial pivoting of a shifted symmetric
// tridiagonal matrix: U has the diagonal u1 and two superdiagonals u2, u3; l holds the
// multipliers and swap the row interchanges.
type tridiagLU struct {
	u1, u2, u3, l []float64
	swap          []bool
}

func newTridiagLU(n int) *tridiagLU {
	return &tridiagLU{u1: make([]float64, n), u2: make([]float64, n), u3: make([]float64, n),
		l: make([]float64, n), swap: make([]bool, n)}
}

// factor factorises T - lam I (diagonal d, off-diagonal e), replacing pivots smaller than
// tiny by tiny.
func (f *tridiagLU) factor(d, e []float64, lam, tiny float64) {
	n := len(d)
	for i := range n {
		f.u1[i] = d[i] - lam
		f.u2[i], f.u3[i] = 0, 0
		if i < n-1 {
			f.u2[i] = e[i]
		}
	}
	for i := 0; i < n-1; i++ {
		c := e[i] // row i+1, column i
		if math.Abs(f.u1[i]) >= math.Abs(c) {
			f.swap[i] = false
			if math.Abs(f.u1[i]) < tiny {
				f.u1[i] = math.Copysign(tiny, f.u1[i])
			}
			f.l[i] = c / f.u1[i]
			f.u1[i+1] -= f.l[i] * f.u2[i]
			continue
		}
		f.swap[i] = true
		f.l[i] = f.u1[i] / c
		old2 := f.u2[i]
		f.u1[i], f.u2[i] = c, f.u1[i+1]
		f.u1[i+1] = old2 - f.l[i]*f.u2[i]
		if i+1 < n-1 {
			f.u3[i] = f.u2[i+1]
			f.u2[i+1] = -f.l[i] * f.u3[i]
		}
	}
	if n > 0 && math.Abs(f.u1[n-1]) < tiny {
		f.u1[n-1] = math.Copysign(tiny, f.u1[n-1])
	}
}

// solve overwrites y with the solution of (T - lam I) x = y.
func (f *tridiagLU) solve(y []float64) {
	n := len(y)
	for i := 0; i < n-1; i++ {
		if f.swap[i] {
			y[i], y[i+1] = y[i+1], y[i]
		}
		y[i+1] -= f.l[i] * y[i]
	}
	for i := n - 1; i >= 0; i-- {
		s := y[i]
		if i+1 < n {
			s -= f.u2[i] * y[i+1]
		}
		if i+2 < n {
			s -= f.u3[i] * y[i+2]
		}
		y[i] = s / f.u1[i]
	}
}
