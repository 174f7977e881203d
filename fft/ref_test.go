package fft

import (
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
)

// The independent reference: a direct O(n²) DFT in float64. Its twiddles come from
// math.Sincos of an angle reduced exactly in integers (j·k mod n), and every sum is
// accumulated with Neumaier's compensated summation, so its own error stays near one float64
// ulp of the result (about 1e-16 relative) for every length tested; that is two orders below
// the complex128 tolerance. TestReferenceAccuracy measures it against a double-double DFT.

// refTwiddle returns exp(sign·2πi·r/n) computed directly in float64 without the engine's
// octant reduction.
func refTwiddle(r, n int, sign float64) complex128 {
	r %= n
	if 2*r > n {
		r -= n
	}
	s, c := math.Sincos(2 * math.Pi * float64(r) / float64(n))
	return complex(c, sign*s)
}

// sum2 is a Neumaier compensated sum of float64 terms.
type sum2 struct{ s, c float64 }

func (a *sum2) add(x float64) {
	t := a.s + x
	if math.Abs(a.s) >= math.Abs(x) {
		a.c += (a.s - t) + x
	} else {
		a.c += (x - t) + a.s
	}
	a.s = t
}

func (a *sum2) value() float64 { return a.s + a.c }

// refDFT returns the DFT of x with kernel exp(sign·2πi·j·k/n), sign -1 (forward) or +1,
// unnormalised. Long transforms are split over goroutines by output index (each output's sum
// is computed the same way whatever the split).
func refDFT(x []complex128, sign float64) []complex128 {
	n := len(x)
	tw := make([]complex128, n)
	for r := range n {
		tw[r] = refTwiddle(r, n, sign)
	}
	y := make([]complex128, n)
	outputs := func(k0, k1 int) {
		for k := k0; k < k1; k++ {
			var re, im sum2
			r := 0
			for j := range n {
				w := tw[r]
				re.add(real(x[j]) * real(w))
				re.add(-imag(x[j]) * imag(w))
				im.add(real(x[j]) * imag(w))
				im.add(imag(x[j]) * real(w))
				r += k
				if r >= n {
					r -= n
				}
			}
			y[k] = complex(re.value(), im.value())
		}
	}
	parts := 1
	if n >= 256 {
		parts = runtime.GOMAXPROCS(0)
	}
	var wg sync.WaitGroup
	for i := range parts {
		wg.Go(func() { outputs(i*n/parts, (i+1)*n/parts) })
	}
	wg.Wait()
	return y
}

// refAxis applies refDFT along axis a of a column-major array of the given shape.
func refAxis(x []complex128, shape []int, a int, sign float64) []complex128 {
	inner, n := 1, shape[a]
	for _, d := range shape[:a] {
		inner *= d
	}
	outer := len(x) / (inner * n)
	y := make([]complex128, len(x))
	line := make([]complex128, n)
	for o := range outer {
		for i := range inner {
			for j := range n {
				line[j] = x[i+inner*(j+n*o)]
			}
			out := refDFT(line, sign)
			for j := range n {
				y[i+inner*(j+n*o)] = out[j]
			}
		}
	}
	return y
}

// refRoll returns x rolled along axis a by sh: y[(j+sh) mod n] = x[j].
func refRoll(x []complex128, shape []int, a, sh int) []complex128 {
	inner, n := 1, shape[a]
	for _, d := range shape[:a] {
		inner *= d
	}
	outer := len(x) / (inner * n)
	y := make([]complex128, len(x))
	for o := range outer {
		for j := range n {
			jj := ((j+sh)%n + n) % n
			for i := range inner {
				y[i+inner*(jj+n*o)] = x[i+inner*(j+n*o)]
			}
		}
	}
	return y
}

// refFFTShift and refIFFTShift are numpy's fftshift and ifftshift along axis a.
func refFFTShift(x []complex128, shape []int, a int) []complex128 {
	return refRoll(x, shape, a, shape[a]/2)
}

func refIFFTShift(x []complex128, shape []int, a int) []complex128 {
	return refRoll(x, shape, a, -(shape[a] / 2))
}

// refTransform computes the reference of Transform with flags f along axes.
func refTransform(x []complex128, shape, axes []int, f Flags) []complex128 {
	sign := -1.0
	if f&Inverse != 0 {
		sign = 1
	}
	y := append([]complex128(nil), x...)
	nt := 1
	for _, a := range axes {
		nt *= shape[a]
		if f&Centered != 0 {
			y = refIFFTShift(y, shape, a)
		}
		y = refAxis(y, shape, a, sign)
		if f&Centered != 0 {
			y = refFFTShift(y, shape, a)
		}
	}
	if f&Ortho != 0 {
		s := 1 / math.Sqrt(float64(nt))
		for i := range y {
			y[i] *= complex(s, 0)
		}
	}
	return y
}

// randomC128 returns n complex values with independent standard normal parts, each rounded
// to float32 so that the same values are exact inputs in both precisions.
func randomC128(rng *rand.Rand, n int) []complex128 {
	x := make([]complex128, n)
	for i := range x {
		x[i] = complex(float64(float32(rng.NormFloat64())), float64(float32(rng.NormFloat64())))
	}
	return x
}

// relRMS returns ‖got - want‖₂ / ‖want‖₂ (0 when both are zero).
func relRMS[T Complex](got []T, want []complex128) float64 {
	var num, den float64
	for i, w := range want {
		d := complex128(got[i]) - w
		num += real(d)*real(d) + imag(d)*imag(d)
		den += real(w)*real(w) + imag(w)*imag(w)
	}
	if den == 0 {
		return math.Sqrt(num)
	}
	return math.Sqrt(num / den)
}

// toT converts x to element type T (rounding to float32 for complex64).
func toT[T Complex](x []complex128) []T {
	y := make([]T, len(x))
	for i, v := range x {
		y[i] = T(v)
	}
	return y
}

// fromT converts x to complex128 exactly.
func fromT[T Complex](x []T) []complex128 {
	y := make([]complex128, len(x))
	for i, v := range x {
		y[i] = complex128(v)
	}
	return y
}
