package recon

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// randomHermitian returns a row-major n x n Hermitian matrix U diag(vals) U^H with a random
// unitary U: the eigenvectors of a random Hermitian matrix, from gonum's dense solver on
// its real embedding.
func randomHermitian(rng *rand.Rand, vals []float64) []complex128 {
	n := len(vals)
	g := make([]complex128, n*n)
	for i := range n {
		for j := 0; j <= i; j++ {
			v := complex(rng.NormFloat64(), rng.NormFloat64())
			if i == j {
				v = complex(real(v), 0)
			}
			g[i*n+j], g[j*n+i] = v, cmplx.Conj(v)
		}
	}
	re, im := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			re.Set(i, j, real(g[i*n+j]))
			im.Set(i, j, imag(g[i*n+j]))
		}
	}
	_, vecs, err := hermEigen(re, im)
	if err != nil {
		panic(err)
	}
	// Every other column of the embedding's eigenvectors gives an orthonormal complex basis.
	a := make([]complex128, n*n)
	for k := range n {
		u := make([]complex128, n)
		for i := range n {
			u[i] = complex(vecs.At(i, 2*k), vecs.At(n+i, 2*k))
		}
		for i := range n {
			for j := range n {
				a[i*n+j] += complex(vals[k], 0) * u[i] * cmplx.Conj(u[j])
			}
		}
	}
	return a
}

// TestHermitianEigen checks the tridiagonal eigensolver against matrices of known spectrum
// (decaying like a calibration Gram matrix, with a repeated and a clustered eigenvalue, and
// exact zeros): the eigenvalues to 1e-12 of the largest, the eigenvectors of the top 12 by
// their residual |A v - lambda v| <= 1e-11 |A|, orthonormality to 1e-12, and the projector
// onto them against the one from gonum's dense solver on the real embedding (the reference
// used before) to 1e-10. Float64 Householder reduction and inverse iteration are backward
// stable, so errors of order n eps |A| (1e-13 here) are expected; a wrong reflection or a
// missed reorthogonalisation gives errors of order 1.
func TestHermitianEigen(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	for _, n := range []int{1, 2, 3, 40} {
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = 1e3 * math.Pow(0.7, float64(i))
		}
		if n >= 40 {
			vals[3] = vals[2]         // repeated
			vals[5] = vals[4] * 0.999 // clustered
			vals[n-1], vals[n-2] = 0, 0
		}
		a := randomHermitian(rng, vals)
		keep := min(n, 12)

		tr := tridiagonalize(append([]complex128(nil), a...), n)
		got, err := tr.eigenvalues()
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range got {
			if math.Abs(v-vals[i]) > 1e-12*vals[0] {
				t.Errorf("n=%d: eigenvalue %d is %v, want %v", n, i, v, vals[i])
			}
		}

		vecs := tr.vectors(got[:keep])
		for j, v := range vecs {
			var res, nrm float64
			for i := range n {
				var s complex128
				for l := range n {
					s += a[i*n+l] * v[l]
				}
				d := s - complex(got[j], 0)*v[i]
				res += real(d)*real(d) + imag(d)*imag(d)
				nrm += real(v[i])*real(v[i]) + imag(v[i])*imag(v[i])
			}
			if math.Sqrt(res) > 1e-11*vals[0] || math.Abs(nrm-1) > 1e-12 {
				t.Errorf("n=%d: vector %d: residual %.3g, norm^2 %v", n, j, math.Sqrt(res), nrm)
			}
			for k := range j {
				var s complex128
				for i := range n {
					s += cmplx.Conj(vecs[k][i]) * v[i]
				}
				if cmplx.Abs(s) > 1e-12 {
					t.Errorf("n=%d: vectors %d and %d: inner product %v", n, k, j, s)
				}
			}
		}

		re, im := mat.NewDense(n, n, nil), mat.NewDense(n, n, nil)
		for i := range n {
			for j := range n {
				re.Set(i, j, real(a[i*n+j]))
				im.Set(i, j, imag(a[i*n+j]))
			}
		}
		evals, evecs, err := hermEigen(re, im)
		if err != nil {
			t.Fatal(err)
		}
		pr, pi := topProjector(evals, evecs, keep, false)
		var worst float64
		for i := range n {
			for j := range n {
				var s complex128
				for _, v := range vecs {
					s += v[i] * cmplx.Conj(v[j])
				}
				worst = max(worst, cmplx.Abs(s-complex(pr.At(i, j), pi.At(i, j))))
			}
		}
		t.Logf("n=%d: projector onto %d vectors within %.3g of gonum's", n, keep, worst)
		if worst > 1e-10 {
			t.Errorf("n=%d: projector differs from gonum's by %.3g", n, worst)
		}
	}
}
