package fft

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// The check of the reference itself. The complex128 bound (1e-14) is meaningful only if
// refDFT is much closer than that to the exact DFT. refDFT's twiddles are math.Sincos of an
// exactly reduced angle (within an ulp or so, about 1e-16) and its sums are compensated, so
// its error should stay near 1e-16; TestReferenceAccuracy measures it against a DFT in
// double-double arithmetic (about 32 significant digits) whose twiddles come from Taylor
// series in 160-bit math/big arithmetic, so that the comparison's own error is below 1e-28.

// dd is the double-double number hi + lo with |lo| <= ulp(hi)/2.
type dd struct{ hi, lo float64 }

// twoSum returns s = fl(a+b) and the rounding error e, a + b = s + e exactly (Knuth).
func twoSum(a, b float64) (s, e float64) {
	s = a + b
	bb := s - a
	return s, (a - (s - bb)) + (b - bb)
}

func (a dd) add(b dd) dd {
	s, e := twoSum(a.hi, b.hi)
	e += a.lo + b.lo
	hi := s + e
	return dd{hi, e - (hi - s)}
}

// mul returns a·b; the product of the high parts is split exactly with an FMA.
func (a dd) mul(b dd) dd {
	p := a.hi * b.hi
	e := math.FMA(a.hi, b.hi, -p) + (a.hi*b.lo + a.lo*b.hi)
	hi := p + e
	return dd{hi, e - (hi - p)}
}

func (a dd) neg() dd { return dd{-a.hi, -a.lo} }

// ddOf rounds the big.Float f to a double-double.
func ddOf(f *big.Float) dd {
	hi, _ := f.Float64()
	r := new(big.Float).SetPrec(f.Prec()).Sub(f, new(big.Float).SetFloat64(hi))
	lo, _ := r.Float64()
	return dd{hi, lo}
}

// piDigits is π to 80 significant digits.
const piDigits = "3.1415926535897932384626433832795028841971693993751058209749445923078164062862090"

// ddRoots returns exp(sign·2πi·r/n) for r < n as double-double real and imaginary parts, from
// Taylor series of cos and sin in 160-bit arithmetic (the angle reduced to |θ| <= π, where
// 70 terms leave an error far below 2⁻¹⁶⁰).
func ddRoots(n int, sign float64) (re, im []dd) {
	const prec = 160
	pi, _, err := big.ParseFloat(piDigits, 10, prec, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	re, im = make([]dd, n), make([]dd, n)
	for r := range n {
		rr := r
		if 2*rr > n {
			rr -= n
		}
		th := new(big.Float).SetPrec(prec).Mul(pi, big.NewFloat(2*float64(rr)))
		th.Quo(th, big.NewFloat(float64(n)))
		c, s := new(big.Float).SetPrec(prec).SetInt64(1), new(big.Float).SetPrec(prec)
		term := new(big.Float).SetPrec(prec).SetInt64(1)
		for k := 1; k < 70; k++ {
			term.Mul(term, th)
			term.Quo(term, big.NewFloat(float64(k)))
			switch k % 4 {
			case 0:
				c.Add(c, term)
			case 1:
				s.Add(s, term)
			case 2:
				c.Sub(c, term)
			case 3:
				s.Sub(s, term)
			}
		}
		re[r], im[r] = ddOf(c), ddOf(s)
		if sign < 0 {
			im[r] = im[r].neg()
		}
	}
	return re, im
}

// ddDFT is the direct DFT of x (kernel exp(sign·2πi·j·k/n)) in double-double arithmetic.
func ddDFT(xr, xi []dd, sign float64) (yr, yi []dd) {
	n := len(xr)
	wr, wi := ddRoots(n, sign)
	yr, yi = make([]dd, n), make([]dd, n)
	for k := range n {
		var sr, si dd
		r := 0
		for j := range n {
			sr = sr.add(xr[j].mul(wr[r])).add(xi[j].mul(wi[r]).neg())
			si = si.add(xr[j].mul(wi[r])).add(xi[j].mul(wr[r]))
			r += k
			if r >= n {
				r -= n
			}
		}
		yr[k], yi[k] = sr, si
	}
	return yr, yi
}

// ddSplit returns the parts of x as double-doubles (exactly).
func ddSplit(x []complex128) (re, im []dd) {
	re, im = make([]dd, len(x)), make([]dd, len(x))
	for i, z := range x {
		re[i], im[i] = dd{hi: real(z)}, dd{hi: imag(z)}
	}
	return re, im
}

// ddJoin rounds double-double parts to complex128.
func ddJoin(re, im []dd) []complex128 {
	y := make([]complex128, len(re))
	for i := range y {
		y[i] = complex(re[i].hi+re[i].lo, im[i].hi+im[i].lo)
	}
	return y
}

// TestReferenceAccuracy measures the error of refDFT (1-D, both signs) and of refTransform
// (a 2-D transform, axis by axis with a float64 intermediate) against the double-double DFT,
// on the test signals of the accuracy tests, and requires it below 1e-15, a tenth of the
// complex128 bound: an engine error measured against refDFT is then within 1e-15 of the error
// against the exact transform (measured here: the reference's error is at most 2.5e-16, the
// engine's against it at most 7e-16 on every path, TestLengthsPaths and TestSizes2DPaths).
func TestReferenceAccuracy(t *testing.T) {
	ns := []int{1, 2, 3, 5, 7, 8, 11, 16, 17, 31, 64, 97, 128, 255, 256, 442}
	if !testing.Short() {
		ns = append(ns, 162, 198, 204, 216, 246, 448, 512, 1021, 1024)
	}
	const bound = 1e-15
	worst := 0.0
	for _, n := range ns {
		x := refFor(n).x
		for _, sign := range []float64{-1, 1} {
			xr, xi := ddSplit(x)
			e := relRMS(refDFT(x, sign), ddJoin(ddDFT(xr, xi, sign)))
			worst = max(worst, e)
			if e > bound {
				t.Errorf("refDFT n=%d sign %v: error %.3g against the double-double DFT", n, sign,
					e)
			}
		}
	}

	nx, ny := 48, 54
	x := randomC128(rand.New(rand.NewPCG(3, 3)), nx*ny)
	re, im := ddSplit(x)
	for iy := range ny {
		lr, li := ddDFT(re[iy*nx:(iy+1)*nx], im[iy*nx:(iy+1)*nx], -1)
		copy(re[iy*nx:], lr)
		copy(im[iy*nx:], li)
	}
	cr, ci := make([]dd, ny), make([]dd, ny)
	for ix := range nx {
		for iy := range ny {
			cr[iy], ci[iy] = re[ix+nx*iy], im[ix+nx*iy]
		}
		lr, li := ddDFT(cr, ci, -1)
		for iy := range ny {
			re[ix+nx*iy], im[ix+nx*iy] = lr[iy], li[iy]
		}
	}
	e := relRMS(refTransform(x, []int{nx, ny}, []int{0, 1}, 0), ddJoin(re, im))
	worst = max(worst, e)
	if e > bound {
		t.Errorf("refTransform %dx%d: error %.3g against the double-double DFT", nx, ny, e)
	}
	t.Logf("largest relative RMS error of the reference: %.3g", worst)
}
