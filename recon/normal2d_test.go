package recon_test

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/recon"
)

// centredDFT returns the n x n matrix of the orthonormal centred DFT (the challenge's fft2c
// along one axis): F[k][j] = exp(-2 pi i (j-c)(k-c)/n) / sqrt(n), c = n/2, in float64.
func centredDFT(n int) [][]complex128 {
	c := n / 2
	f := make([][]complex128, n)
	for k := range n {
		f[k] = make([]complex128, n)
		for j := range n {
			r := ((j - c) * (k - c)) % n
			f[k][j] = cmplx.Rect(1/math.Sqrt(float64(n)), -2*math.Pi*float64(r)/float64(n))
		}
	}
	return f
}

// dft2 applies the centred orthonormal 2-D DFT (inverse: its adjoint) to an nx x ny image
// (x fastest) by direct sums in float64.
func dft2(img []complex128, nx, ny int, fx, fy [][]complex128, inverse bool) []complex128 {
	at := func(f [][]complex128, k, j int) complex128 {
		if inverse {
			return cmplx.Conj(f[j][k])
		}
		return f[k][j]
	}
	tmp := make([]complex128, nx*ny)
	for y := range ny {
		for k := range nx {
			var s complex128
			for j := range nx {
				s += at(fx, k, j) * img[j+nx*y]
			}
			tmp[k+nx*y] = s
		}
	}
	out := make([]complex128, nx*ny)
	for x := range nx {
		for k := range ny {
			var s complex128
			for j := range ny {
				s += at(fy, k, j) * tmp[x+nx*j]
			}
			out[x+nx*k] = s
		}
	}
	return out
}

// refNormal returns A^H A x in float64 for one frame: x holds nm images, sets[m] nc coil
// maps, w the nx*ny sampling weights; A^H A x_m = sum_c conj(S_mc) F^H W^2 F sum_m' S_m'c x_m'
// with F the centred orthonormal 2-D DFT, composed step by step.
func refNormal(x []complex64, sets [][]complex64, w []float32, nx, ny, nc int) []complex128 {
	n := nx * ny
	nm := len(sets)
	fx, fy := centredDFT(nx), centredDFT(ny)
	out := make([]complex128, nm*n)
	for c := range nc {
		img := make([]complex128, n)
		for m, s := range sets {
			for i := range n {
				img[i] += complex128(s[c*n+i]) * complex128(x[m*n+i])
			}
		}
		k := dft2(img, nx, ny, fx, fy, false)
		for i := range k {
			k[i] *= complex(float64(w[i])*float64(w[i]), 0)
		}
		img = dft2(k, nx, ny, fx, fy, true)
		for m, s := range sets {
			for i := range n {
				out[m*n+i] += cmplx.Conj(complex128(s[c*n+i])) * img[i]
			}
		}
	}
	return out
}

// relErr returns |got - want| / |want| (Euclidean norms).
func relErr(got []complex64, want []complex128) float64 {
	var num, den float64
	for i, g := range got {
		d := complex128(g) - want[i]
		num += real(d)*real(d) + imag(d)*imag(d)
		den += real(want[i])*real(want[i]) + imag(want[i])*imag(want[i])
	}
	return math.Sqrt(num / den)
}

// normalTol is the tolerance of the fused 2-D normal operator against refNormal, as a
// relative error of the output. The fused operator computes the same sums in float32
// (unit roundoff u = 2^-24, about 6e-8): per coil a map product, four 1-D transform passes
// (along x, along y, and back), one weight product and a conjugate product added to the
// coil sum. Package fft bounds one transform at 1e-6 relative RMS (its tol64, measured
// below 2.3e-7), the products add a few u each, and the coil sums add rounding errors that
// are uncorrelated: 4e-6 bounds the sum of the worst cases. A wrong index, phase or block
// edge gives errors of order one.
const normalTol = 4e-6

// TestNormal2DMatchesReference checks the fused 2-D normal operator, both as CS applies it
// to all frames of a slice and as SenseOp.Normal applies it to one frame, against the
// float64 composition F^H M F of refNormal: even and odd sizes, sizes whose rows get a
// padded pitch (nx a multiple of 64) and with a short last row block (ny not a multiple of
// 8, and smaller than 8), the challenge's ktRadial masks at R = 8, 16, 24, random 2-D
// masks with weights other than 0 and 1, an all-ones mask, one and two sets of maps, one
// and two threads.
func TestNormal2DMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	worst := 0.0
	for _, sz := range []struct{ nx, ny int }{{32, 24}, {37, 21}, {64, 20}, {128, 9},
		{20, 17}, {5, 3}} {
		nx, ny, nc, nt := sz.nx, sz.ny, 3, 2
		n := nx * ny
		masks := map[string]*recon.Mask{"ones": {NX: nx, NY: ny, NT: 1,
			Data: make([]float32, n)}}
		for i := range n {
			masks["ones"].Data[i] = 1
		}
		random := &recon.Mask{NX: nx, NY: ny, NT: nt, Data: make([]float32, n*nt)}
		for i := range random.Data {
			if u := rng.Float64(); u < 0.2 {
				random.Data[i] = 1
			} else if u < 0.3 {
				random.Data[i] = float32(rng.Float64())
			}
		}
		masks["random"] = random
		for _, r := range []int{8, 16, 24} {
			m, err := challenge.GenerateMask(challenge.MaskSpec{Pattern: challenge.KtRadial,
				NX: nx, NY: ny, NT: nt, R: r, NCalib: min(4, nx, ny)})
			if err != nil {
				t.Fatal(err)
			}
			masks[fmt.Sprintf("ktRadial%d", r)] = m
		}
		all := [][]complex64{randomComplex(rng, nc*n), randomComplex(rng, nc*n)}
		for name, m := range masks {
			for _, nm := range []int{1, 2} {
				sets := all[:nm]
				x := randomComplex(rng, nm*n*nt)
				want := make([][]complex128, nt)
				for it := range nt {
					want[it] = refNormal(x[it*nm*n:][:nm*n], sets, m.Frame(min(it,
						m.NT-1)), nx, ny, nc)
				}
				for _, threads := range []int{1, 2} {
					label := fmt.Sprintf("%dx%d/%s/sets=%d/threads=%d", nx, ny, name, nm,
						threads)
					frames := m
					if m.NT == 1 {
						frames = &recon.Mask{NX: nx, NY: ny, NT: nt, Data: make([]float32,
							0, n*nt)}
						for range nt {
							frames.Data = append(frames.Data, m.Data...)
						}
					}
					apply := recon.SliceNormalApply(nx, ny, nc, nt, sets, frames, threads)
					got := make([]complex64, nm*n*nt)
					apply(got, x)
					for it := range nt {
						e := relErr(got[it*nm*n:][:nm*n], want[it])
						worst = max(worst, e)
						if e > normalTol {
							t.Errorf("%s: CS operator, frame %d: error %.3g", label, it, e)
						}
					}
					if nm > 1 {
						continue
					}
					op, err := recon.NewSenseOp(nx, ny, nc, sets[0], m.Frame(0))
					if err != nil {
						t.Fatal(err)
					}
					dst := make([]complex64, n)
					op.WithThreads(threads).Normal(dst, x[:n], nil)
					e := relErr(dst, want[0])
					worst = max(worst, e)
					if e > normalTol {
						t.Errorf("%s: SenseOp.Normal: error %.3g", label, e)
					}
				}
			}
		}
	}
	t.Logf("largest relative error %.3g (tolerance %.1g)", worst, normalTol)
}
