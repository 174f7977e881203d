package asm_test

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/asm/asmtest"
)

// guard is the number of sentinel elements on each side of every test slice.
const guard = 9

// sentinel fills the guards: a NaN with a recognisable payload, so that a kernel that writes
// past its slice changes it and a reduction that reads past its slice returns NaN.
var sentinel = math.Float32frombits(0x7fc0beef)

// vecLengths are the lengths every kernel is tested at: all tails of every unrolled loop,
// and a few large ones.
func vecLengths(t *testing.T) []int {
	var ns []int
	for n := 0; n <= 300; n++ {
		ns = append(ns, n)
	}
	ns = append(ns, 1021, 4099)
	if !testing.Short() {
		ns = append(ns, 448*162+5)
	}
	return ns
}

// guarded is a slice inside a larger buffer whose ends hold sentinels.
type guarded[T complex64 | float32] struct {
	buf    []T
	lo, hi int
}

func (g guarded[T]) s() []T { return g.buf[g.lo:g.hi:g.hi] }

func newGuarded[T complex64 | float32](n, off int) guarded[T] {
	buf := make([]T, n+off+2*guard)
	var s T
	switch p := any(&s).(type) {
	case *complex64:
		*p = complex(sentinel, sentinel)
	case *float32:
		*p = sentinel
	}
	for i := range buf {
		buf[i] = s
	}
	return guarded[T]{buf: buf, lo: guard + off, hi: guard + off + n}
}

func (g guarded[T]) check(t *testing.T, what string) {
	t.Helper()
	for i, v := range g.buf {
		if i >= g.lo && i < g.hi {
			continue
		}
		if !sameBits(v, g.buf[0]) {
			t.Fatalf("%s: guard element %d (slice is [%d:%d]) overwritten with %v",
				what, i, g.lo, g.hi, v)
		}
	}
}

func sameBits[T complex64 | float32](a, b T) bool {
	switch x := any(a).(type) {
	case complex64:
		y := any(b).(complex64)
		return math.Float32bits(real(x)) == math.Float32bits(real(y)) &&
			math.Float32bits(imag(x)) == math.Float32bits(imag(y))
	case float32:
		return math.Float32bits(x) == math.Float32bits(any(b).(float32))
	}
	return false
}

// sameF reports whether a and b are the same float32 bits, or both NaN.
func sameF(a, b float32) bool {
	if a != a || b != b {
		return a != a && b != b
	}
	return math.Float32bits(a) == math.Float32bits(b)
}

func sameC(a, b complex64) bool {
	return sameF(real(a), real(b)) && sameF(imag(a), imag(b))
}

// randF returns a float32 in (-2, 2); with special set, one value in eight is NaN, ±Inf, ±0,
// a subnormal or a huge value instead.
func randF(rng *rand.Rand, special bool) float32 {
	if special && rng.IntN(8) == 0 {
		vals := []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)),
			0, float32(math.Copysign(0, -1)), 1e-40, -3e-42, 3e38, -1e30}
		return vals[rng.IntN(len(vals))]
	}
	return float32(4*rng.Float64() - 2)
}

func randC(rng *rand.Rand, n, off int, special bool) guarded[complex64] {
	g := newGuarded[complex64](n, off)
	s := g.s()
	for i := range s {
		s[i] = complex(randF(rng, special), randF(rng, special))
	}
	return g
}

func randR(rng *rand.Rand, n, off int, special bool) guarded[float32] {
	g := newGuarded[float32](n, off)
	s := g.s()
	for i := range s {
		s[i] = randF(rng, special)
	}
	return g
}

func cloneC(g guarded[complex64]) guarded[complex64] {
	return guarded[complex64]{buf: append([]complex64(nil), g.buf...), lo: g.lo, hi: g.hi}
}

func cloneR(g guarded[float32]) guarded[float32] {
	return guarded[float32]{buf: append([]float32(nil), g.buf...), lo: g.lo, hi: g.hi}
}

func equalC(t *testing.T, what string, got, want []complex64) {
	t.Helper()
	for i := range want {
		if !sameC(got[i], want[i]) {
			t.Fatalf("%s: element %d of %d is %v, want %v", what, i, len(want), got[i], want[i])
		}
	}
}

func equalR(t *testing.T, what string, got, want []float32) {
	t.Helper()
	for i := range want {
		if !sameF(got[i], want[i]) {
			t.Fatalf("%s: element %d of %d is %v, want %v", what, i, len(want), got[i], want[i])
		}
	}
}

// forEachInput calls f for every test length, with a misalignment offset of 0 to 3
// elements (cycling with n) and with special values in every other length.
func forEachInput(t *testing.T, f func(rng *rand.Rand, n, off int, special bool)) {
	rng := rand.New(rand.NewPCG(4, uint64(len(t.Name()))))
	for _, n := range vecLengths(t) {
		f(rng, n, n%4, n%2 == 1)
	}
}

// binaryKernels are the kernels of the form k(dst, a, b).
var binaryKernels = []struct {
	name string
	k    func(dst, a, b []complex64)
	ref  func(dst, a, b []complex64)
}{
	{"Mul", asm.Mul, asm.MulGo},
	{"MulConj", asm.MulConj, asm.MulConjGo},
	{"MulConjAcc", asm.MulConjAcc, asm.MulConjAccGo},
}

func TestVecBinary(t *testing.T) {
	for _, bk := range binaryKernels {
		t.Run(bk.name, func(t *testing.T) {
			asmtest.Run(t, func(t *testing.T, p asm.Path) {
				forEachInput(t, func(rng *rand.Rand, n, off int, special bool) {
					a := randC(rng, n, off, special)
					b := randC(rng, n, (off+1)%4, special)
					dst := randC(rng, n, (off+2)%4, special)
					want := append([]complex64(nil), dst.s()...)
					bk.ref(want, a.s(), b.s())
					bk.k(dst.s(), a.s(), b.s())
					dst.check(t, bk.name)
					equalC(t, bk.name, dst.s(), want)

					alias := cloneC(a)
					want = append(want[:0], a.s()...)
					bk.ref(want, a.s(), b.s())
					bk.k(alias.s(), alias.s(), b.s())
					alias.check(t, bk.name+" dst=a")
					equalC(t, bk.name+" dst=a", alias.s(), want)

					aliasB := cloneC(b)
					want = append(want[:0], b.s()...)
					bk.ref(want, a.s(), b.s())
					bk.k(aliasB.s(), a.s(), aliasB.s())
					aliasB.check(t, bk.name+" dst=b")
					equalC(t, bk.name+" dst=b", aliasB.s(), want)
				})
			})
		})
	}
}

func TestVecScaleAxpyXpay(t *testing.T) {
	asmtest.Run(t, func(t *testing.T, p asm.Path) {
		forEachInput(t, func(rng *rand.Rand, n, off int, special bool) {
			alpha := complex(randF(rng, false), randF(rng, false))
			x := randC(rng, n, off, special)
			y := randC(rng, n, (off+3)%4, special)

			dst := randC(rng, n, (off+1)%4, false)
			want := make([]complex64, n)
			asm.ScaleGo(want, alpha, x.s())
			asm.Scale(dst.s(), alpha, x.s())
			dst.check(t, "Scale")
			equalC(t, "Scale", dst.s(), want)
			asm.Scale(dst.s(), alpha, dst.s())
			asm.ScaleGo(want, alpha, want)
			equalC(t, "Scale dst=x", dst.s(), want)

			y1 := cloneC(y)
			copy(want, y.s())
			asm.AxpyGo(alpha, x.s(), want)
			asm.Axpy(alpha, x.s(), y1.s())
			y1.check(t, "Axpy")
			equalC(t, "Axpy", y1.s(), want)

			y2 := cloneC(y)
			copy(want, y.s())
			asm.XpayGo(x.s(), alpha, want)
			asm.Xpay(x.s(), alpha, y2.s())
			y2.check(t, "Xpay")
			equalC(t, "Xpay", y2.s(), want)
		})
	})
}

func TestVecMaskCopy(t *testing.T) {
	asmtest.Run(t, func(t *testing.T, p asm.Path) {
		forEachInput(t, func(rng *rand.Rand, n, off int, special bool) {
			src := randC(rng, n, off, special)
			mask := randR(rng, n, (off+1)%4, special)
			for i, m := range mask.s() {
				if i%3 == 0 {
					mask.s()[i] = float32(i % 2)
				} else {
					mask.s()[i] = m
				}
			}
			dst := randC(rng, n, (off+2)%4, false)
			want := make([]complex64, n)
			asm.MaskCopyGo(want, src.s(), mask.s())
			asm.MaskCopy(dst.s(), src.s(), mask.s())
			dst.check(t, "MaskCopy")
			equalC(t, "MaskCopy", dst.s(), want)

			inPlace := cloneC(src)
			asm.MaskCopy(inPlace.s(), inPlace.s(), mask.s())
			inPlace.check(t, "MaskCopy dst=src")
			equalC(t, "MaskCopy dst=src", inPlace.s(), want)
		})
	})
}

func TestVecMagnitudes(t *testing.T) {
	asmtest.Run(t, func(t *testing.T, p asm.Path) {
		forEachInput(t, func(rng *rand.Rand, n, off int, special bool) {
			x := randC(rng, n, off, special)
			d := randR(rng, n, (off+1)%4, special)
			for i, v := range d.s() {
				d.s()[i] = float32(math.Abs(float64(v)))
			}

			abs := cloneR(d)
			want := make([]float32, n)
			asm.AbsGo(want, x.s())
			asm.Abs(abs.s(), x.s())
			abs.check(t, "Abs")
			equalR(t, "Abs", abs.s(), want)

			acc := cloneR(d)
			copy(want, d.s())
			asm.AddAbs2Go(want, x.s())
			asm.AddAbs2(acc.s(), x.s())
			acc.check(t, "AddAbs2")
			equalR(t, "AddAbs2", acc.s(), want)

			sq := randR(rng, n, (off+2)%4, special)
			copy(want, sq.s())
			asm.SqrtGo(want)
			asm.Sqrt(sq.s())
			sq.check(t, "Sqrt")
			equalR(t, "Sqrt", sq.s(), want)
		})
	})
}

// exactSum returns the sum of terms with Neumaier's compensation, and the sum of their
// magnitudes; for the short sums of the tests the compensated sum is exact to well below
// the tolerance.
func exactSum(terms []float64) (sum, mag float64) {
	var c float64
	for _, v := range terms {
		t := sum + v
		if math.Abs(sum) >= math.Abs(v) {
			c += (sum - t) + v
		} else {
			c += (v - t) + sum
		}
		sum = t
		mag += math.Abs(v)
	}
	return sum + c, mag
}

// reduceTol is the tolerance of a float64 sum of n exact terms whose magnitudes sum to mag:
// any summation order errs by at most (n-1)·ε·mag (ε = 2^-53), doubled for the two-term
// products that are summed first.
func reduceTol(n int, mag float64) float64 {
	return 2 * float64(n+1) * 0x1p-53 * mag
}

// closeTo checks got against the exact sum want, treating NaN and Inf as values that must
// match exactly.
func closeTo(t *testing.T, what string, n int, got, want, mag float64) {
	t.Helper()
	if math.IsNaN(want) || math.IsInf(want, 0) || math.IsInf(mag, 0) || math.IsNaN(mag) {
		return
	}
	if d := math.Abs(got - want); !(d <= reduceTol(n, mag)) {
		t.Fatalf("%s (n=%d): got %v, want %v (error %.3g, tolerance %.3g)",
			what, n, got, want, d, reduceTol(n, mag))
	}
}

func TestVecReductions(t *testing.T) {
	asmtest.Run(t, func(t *testing.T, p asm.Path) {
		forEachInput(t, func(rng *rand.Rand, n, off int, special bool) {
			x := randC(rng, n, off, special)
			y := randC(rng, n, (off+1)%4, special)
			var re, im, nn []float64
			for i := range n {
				xr, xi := float64(real(x.s()[i])), float64(imag(x.s()[i]))
				yr, yi := float64(real(y.s()[i])), float64(imag(y.s()[i]))
				re = append(re, xr*yr, xi*yi)
				im = append(im, xr*yi, -xi*yr)
				nn = append(nn, xr*xr, xi*xi)
			}
			wantRe, magRe := exactSum(re)
			wantIm, magIm := exactSum(im)
			wantN, magN := exactSum(nn)

			d := asm.Dotc(x.s(), y.s())
			dg := asm.DotcGo(x.s(), y.s())
			closeTo(t, "Dotc real", n, real(d), wantRe, magRe)
			closeTo(t, "Dotc imag", n, imag(d), wantIm, magIm)
			closeTo(t, "DotcGo real", n, real(dg), wantRe, magRe)
			closeTo(t, "DotcGo imag", n, imag(dg), wantIm, magIm)
			sameSpecial(t, "Dotc real", real(d), real(dg))
			sameSpecial(t, "Dotc imag", imag(d), imag(dg))

			nrm := asm.Norm2(x.s())
			ng := asm.Norm2Go(x.s())
			closeTo(t, "Norm2", n, nrm, wantN, magN)
			closeTo(t, "Norm2Go", n, ng, wantN, magN)
			sameSpecial(t, "Norm2", nrm, ng)
			if !special && (nrm < 0 || math.IsNaN(nrm)) {
				t.Fatalf("Norm2 = %v", nrm)
			}
		})
	})
}

// sameSpecial fails unless got and the twin's want are both NaN, or both the same Inf, or
// both finite.
func sameSpecial(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.IsNaN(got) != math.IsNaN(want) ||
		(math.IsInf(want, 0) && got != want) || (math.IsInf(got, 0) && got != want) {
		t.Fatalf("%s = %v, the Go twin gives %v", what, got, want)
	}
}

// TestVecTwinsAccuracy checks the pure-Go twins, on which every other test relies, against
// float64 arithmetic: each part of a product is two float32 roundings of exact products
// and one of their sum or difference, so it is within 2^-23·(|p1|+|p2|) of the exact value
// (plus 2^-24 of the accumulated value for the kernels that add to an output).
func TestVecTwinsAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	const n = 2000
	a := randC(rng, n, 0, false).s()
	b := randC(rng, n, 0, false).s()
	c := randC(rng, n, 0, false).s()
	alpha := complex(randF(rng, false), randF(rng, false))
	within := func(what string, i int, got, want, scale float64) {
		t.Helper()
		if math.Abs(got-want) > 0x1p-23*scale {
			t.Fatalf("%s[%d] = %v, want %v within %.3g", what, i, got, want, 0x1p-23*scale)
		}
	}
	prod := func(x, y complex64, conj bool) (re, im, sre, sim float64) {
		xr, xi := float64(real(x)), float64(imag(x))
		yr, yi := float64(real(y)), float64(imag(y))
		if conj {
			xi = -xi
		}
		re, im = xr*yr-xi*yi, xr*yi+xi*yr
		return re, im, math.Abs(xr*yr) + math.Abs(xi*yi), math.Abs(xr*yi) + math.Abs(xi*yr)
	}
	out := make([]complex64, n)
	alphas, zero := make([]complex64, n), make([]complex64, n)
	for i := range alphas {
		alphas[i] = alpha
	}
	checks := []struct {
		name       string
		run        func()
		x, y, acc  []complex64
		conjugateX bool
	}{
		{"Mul", func() { asm.MulGo(out, a, b) }, a, b, zero, false},
		{"MulConj", func() { asm.MulConjGo(out, a, b) }, a, b, zero, true},
		{"MulConjAcc", func() { copy(out, c); asm.MulConjAccGo(out, a, b) }, a, b, c, true},
		{"Scale", func() { asm.ScaleGo(out, alpha, a) }, alphas, a, zero, false},
		{"Axpy", func() { copy(out, c); asm.AxpyGo(alpha, a, out) }, alphas, a, c, false},
		{"Xpay", func() { copy(out, c); asm.XpayGo(a, alpha, out) }, alphas, c, a, false},
	}
	for _, ck := range checks {
		ck.run()
		for i := range n {
			re, im, sre, sim := prod(ck.x[i], ck.y[i], ck.conjugateX)
			ar, ai := float64(real(ck.acc[i])), float64(imag(ck.acc[i]))
			within(ck.name+" real", i, float64(real(out[i])), ar+re, sre+math.Abs(ar+re))
			within(ck.name+" imag", i, float64(imag(out[i])), ai+im, sim+math.Abs(ai+im))
		}
	}

	mask := randR(rng, n, 0, false).s()
	asm.MaskCopyGo(out, a, mask)
	for i := range n {
		m := float64(mask[i])
		if out[i] != complex(float32(float64(real(a[i]))*m), float32(float64(imag(a[i]))*m)) {
			t.Fatalf("MaskCopyGo[%d] = %v, not the correctly rounded product", i, out[i])
		}
	}

	r := make([]float32, n)
	asm.AbsGo(r, a)
	for i := range n {
		h := math.Hypot(float64(real(a[i])), float64(imag(a[i])))
		within("Abs", i, float64(r[i]), h, h)
	}
	for i := range r {
		r[i] = float32(i) / 7
	}
	asm.AddAbs2Go(r, a)
	for i := range n {
		h := math.Hypot(float64(real(a[i])), float64(imag(a[i])))
		want := float64(float32(i)/7) + h*h
		within("AddAbs2", i, float64(r[i]), want, 2*want)
	}
	asm.SqrtGo(r)
	for i := range n {
		h := math.Hypot(float64(real(a[i])), float64(imag(a[i])))
		want := math.Sqrt(float64(float32(i)/7) + h*h)
		within("Sqrt(AddAbs2)", i, float64(r[i]), want, 2*want)
	}
}

func TestVecHugeAbs(t *testing.T) {
	asmtest.Run(t, func(t *testing.T, p asm.Path) {
		x := []complex64{complex(2e38, -2e38), complex(1e-40, -1e-40), complex(3, 4)}
		got := make([]float32, len(x))
		asm.Abs(got, x)
		want := make([]float32, len(x))
		for i, v := range x {
			want[i] = float32(math.Hypot(float64(real(v)), float64(imag(v))))
		}
		if !(want[0] > 2.8e38 && want[0] < 2.9e38) || want[1] == 0 || want[2] != 5 {
			t.Fatalf("reference magnitudes %v", want)
		}
		equalR(t, "Abs", got, want)
	})
}

func TestVecLengthPanics(t *testing.T) {
	a, b := make([]complex64, 3), make([]complex64, 4)
	f := make([]float32, 4)
	calls := map[string]func(){
		"Mul":        func() { asm.Mul(a, a, b) },
		"MulConj":    func() { asm.MulConj(a, b, a) },
		"MulConjAcc": func() { asm.MulConjAcc(b, a, a) },
		"Scale":      func() { asm.Scale(a, 1, b) },
		"Axpy":       func() { asm.Axpy(1, a, b) },
		"Xpay":       func() { asm.Xpay(a, 1, b) },
		"Dotc":       func() { asm.Dotc(a, b) },
		"MaskCopy":   func() { asm.MaskCopy(a, a, f) },
		"Abs":        func() { asm.Abs(f, a) },
		"AddAbs2":    func() { asm.AddAbs2(f, a) },
	}
	for name, call := range calls {
		msg := func() (msg string) {
			defer func() { msg, _ = recover().(string) }()
			call()
			return ""
		}()
		if !strings.HasPrefix(msg, "asm: "+name+": slice lengths differ") {
			t.Errorf("%s with mismatched lengths: panic %q", name, msg)
		}
	}
}

// TestVecPathsComplete fails if an assembly path misses one of the vector kernels, which
// would otherwise fall back silently to a narrower path.
func TestVecPathsComplete(t *testing.T) {
	for _, p := range asm.Available() {
		if p != asm.Go && !asm.HasVec(p) {
			t.Errorf("path %v lacks some vector kernels", p)
		}
	}
}
