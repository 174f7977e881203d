package asm

import (
	"fmt"
	"math"
)

// The vector kernels below work on flat complex64 slices, element by element or as a
// reduction. Their exported wrappers check the lengths and call the implementation of the
// active path; a length mismatch is a programming error and panics with a message naming the
// kernel and the lengths, so callers validate user data before it reaches these kernels.
//
// Every element-wise kernel gives bit-identical results on every path: products are rounded
// to float32 before they are added (no fused multiply-add), exactly as the pure-Go twin spells
// it out with explicit float32 conversions, so results do not depend on the CPU. NaN payloads
// are the one exception: any NaN may come out where the twin gives a NaN. The reductions
// [Dotc] and [Norm2] form each product exactly in float64 and differ between paths only in
// the order of the float64 additions.
//
// An output may be the same slice as any input (dst == a or dst == b, starting at the same
// element); any other overlap gives unspecified results.

type (
	binaryFunc    = func(dst, a, b []complex64)
	scaleFunc     = func(dst []complex64, alpha complex64, x []complex64)
	axpyFunc      = func(alpha complex64, x, y []complex64)
	xpayFunc      = func(x []complex64, beta complex64, y []complex64)
	dotcFunc      = func(x, y []complex64) complex128
	norm2Func     = func(x []complex64) float64
	maskCopyFunc  = func(dst, src []complex64, mask []float32)
	magnitudeFunc = func(dst []float32, x []complex64)
	sqrtFunc      = func(dst []float32)
)

// The kernel tables; each architecture's init adds its assembly.
var (
	mulKernel        = NewKernel[binaryFunc](mulGo)
	mulConjKernel    = NewKernel[binaryFunc](mulConjGo)
	mulConjAccKernel = NewKernel[binaryFunc](mulConjAccGo)
	scaleKernel      = NewKernel[scaleFunc](scaleGo)
	axpyKernel       = NewKernel[axpyFunc](axpyGo)
	xpayKernel       = NewKernel[xpayFunc](xpayGo)
	dotcKernel       = NewKernel[dotcFunc](dotcGo)
	norm2Kernel      = NewKernel[norm2Func](norm2Go)
	maskCopyKernel   = NewKernel[maskCopyFunc](maskCopyGo)
	absKernel        = NewKernel[magnitudeFunc](absGo)
	addAbs2Kernel    = NewKernel[magnitudeFunc](addAbs2Go)
	sqrtKernel       = NewKernel[sqrtFunc](sqrtGo)
)

// Mul sets dst[i] = a[i]*b[i], with the products of the parts rounded to float32 before
// they are added:
//
//	dst[i] = complex(float32(ar*br)-float32(ai*bi), float32(ar*bi)+float32(ai*br))
//
// This differs from Go's complex64 '*', which forms the sums in float64, by at most one
// rounding of each part. Mul panics if the lengths differ.
func Mul(dst, a, b []complex64) {
	if len(a) != len(dst) || len(b) != len(dst) {
		panicLengths("Mul", len(dst), len(a), len(b))
	}
	mulKernel.Get()(dst, a, b)
}

// MulConj sets dst[i] = conj(a[i])*b[i], rounded as in [Mul]:
//
//	dst[i] = complex(float32(ar*br)+float32(ai*bi), float32(ar*bi)-float32(ai*br))
//
// MulConj panics if the lengths differ.
func MulConj(dst, a, b []complex64) {
	if len(a) != len(dst) || len(b) != len(dst) {
		panicLengths("MulConj", len(dst), len(a), len(b))
	}
	mulConjKernel.Get()(dst, a, b)
}

// MulConjAcc adds conj(a[i])*b[i] to dst[i], the product formed as in [MulConj] and then
// added to dst[i]; it combines coil images with conjugated sensitivity maps. MulConjAcc
// panics if the lengths differ.
func MulConjAcc(dst, a, b []complex64) {
	if len(a) != len(dst) || len(b) != len(dst) {
		panicLengths("MulConjAcc", len(dst), len(a), len(b))
	}
	mulConjAccKernel.Get()(dst, a, b)
}

// Scale sets dst[i] = alpha*x[i], rounded as in [Mul] with a[i] = alpha. Scale panics if
// the lengths differ.
func Scale(dst []complex64, alpha complex64, x []complex64) {
	if len(x) != len(dst) {
		panicLengths("Scale", len(dst), len(x))
	}
	scaleKernel.Get()(dst, alpha, x)
}

// Axpy sets y[i] += alpha*x[i], the product formed as in [Scale] and then added to y[i].
// Axpy panics if the lengths differ.
func Axpy(alpha complex64, x, y []complex64) {
	if len(x) != len(y) {
		panicLengths("Axpy", len(x), len(y))
	}
	axpyKernel.Get()(alpha, x, y)
}

// Xpay sets y[i] = x[i] + beta*y[i], the product formed as in [Scale] and then added to
// x[i]; it is the search-direction update of conjugate gradients. Xpay panics if the
// lengths differ.
func Xpay(x []complex64, beta complex64, y []complex64) {
	if len(x) != len(y) {
		panicLengths("Xpay", len(x), len(y))
	}
	xpayKernel.Get()(x, beta, y)
}

// Dotc returns the sum of conj(x[i])*y[i]. Each product is exact in float64 and the sums
// are accumulated in float64, in an order that depends on the path, so paths agree to
// within n float64 roundings of the sum of the products' magnitudes. Dotc panics if the
// lengths differ.
func Dotc(x, y []complex64) complex128 {
	if len(x) != len(y) {
		panicLengths("Dotc", len(x), len(y))
	}
	return dotcKernel.Get()(x, y)
}

// Norm2 returns the squared Euclidean norm, the sum of |x[i]|^2, accumulated in float64 as
// in [Dotc].
func Norm2(x []complex64) float64 {
	return norm2Kernel.Get()(x)
}

// MaskCopy sets dst[i] = src[i]*mask[i], multiplying both parts by the real mask value
// (one float32 rounding each). MaskCopy panics if the lengths differ.
func MaskCopy(dst, src []complex64, mask []float32) {
	if len(src) != len(dst) || len(mask) != len(dst) {
		panicLengths("MaskCopy", len(dst), len(src), len(mask))
	}
	maskCopyKernel.Get()(dst, src, mask)
}

// Abs sets dst[i] = |x[i]|, computed in float64 and rounded to float32:
//
//	dst[i] = float32(math.Sqrt(float64(xr)*float64(xr) + float64(xi)*float64(xi)))
//
// The squares are exact in float64 and cannot overflow or underflow, so the result is
// within one float32 rounding of the true magnitude for every finite input. Abs panics if
// the lengths differ.
func Abs(dst []float32, x []complex64) {
	if len(x) != len(dst) {
		panicLengths("Abs", len(dst), len(x))
	}
	absKernel.Get()(dst, x)
}

// AddAbs2 adds |x[i]|^2 to dst[i] in float32, the squares rounded before they are added:
//
//	dst[i] += float32(xr*xr) + float32(xi*xi)
//
// Summing coil images with AddAbs2 and then calling [Sqrt] gives the root-sum-of-squares
// image. The squares overflow to +Inf above about 1.8e19. AddAbs2 panics if the lengths
// differ.
func AddAbs2(dst []float32, x []complex64) {
	if len(x) != len(dst) {
		panicLengths("AddAbs2", len(dst), len(x))
	}
	addAbs2Kernel.Get()(dst, x)
}

// Sqrt sets dst[i] to the correctly rounded square root of dst[i] (NaN for negative values).
func Sqrt(dst []float32) {
	sqrtKernel.Get()(dst)
}

//go:noinline
func panicLengths(name string, lens ...int) {
	panic(fmt.Sprintf("asm: %s: slice lengths differ: %v", name, lens))
}

func mulGo(dst, a, b []complex64) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		ar, ai := real(a[i]), imag(a[i])
		br, bi := real(b[i]), imag(b[i])
		dst[i] = complex(float32(ar*br)-float32(ai*bi), float32(ar*bi)+float32(ai*br))
	}
}

func mulConjGo(dst, a, b []complex64) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		ar, ai := real(a[i]), imag(a[i])
		br, bi := real(b[i]), imag(b[i])
		dst[i] = complex(float32(ar*br)+float32(ai*bi), float32(ar*bi)-float32(ai*br))
	}
}

func mulConjAccGo(dst, a, b []complex64) {
	a, b = a[:len(dst)], b[:len(dst)]
	for i := range dst {
		ar, ai := real(a[i]), imag(a[i])
		br, bi := real(b[i]), imag(b[i])
		pr := float32(ar*br) + float32(ai*bi)
		pi := float32(ar*bi) - float32(ai*br)
		dst[i] = complex(real(dst[i])+pr, imag(dst[i])+pi)
	}
}

func scaleGo(dst []complex64, alpha complex64, x []complex64) {
	x = x[:len(dst)]
	ar, ai := real(alpha), imag(alpha)
	for i := range dst {
		xr, xi := real(x[i]), imag(x[i])
		dst[i] = complex(float32(ar*xr)-float32(ai*xi), float32(ar*xi)+float32(ai*xr))
	}
}

func axpyGo(alpha complex64, x, y []complex64) {
	x = x[:len(y)]
	ar, ai := real(alpha), imag(alpha)
	for i := range y {
		xr, xi := real(x[i]), imag(x[i])
		pr := float32(ar*xr) - float32(ai*xi)
		pi := float32(ar*xi) + float32(ai*xr)
		y[i] = complex(real(y[i])+pr, imag(y[i])+pi)
	}
}

func xpayGo(x []complex64, beta complex64, y []complex64) {
	x = x[:len(y)]
	br, bi := real(beta), imag(beta)
	for i := range y {
		yr, yi := real(y[i]), imag(y[i])
		pr := float32(br*yr) - float32(bi*yi)
		pi := float32(br*yi) + float32(bi*yr)
		y[i] = complex(real(x[i])+pr, imag(x[i])+pi)
	}
}

// dotcGo and norm2Go need no conversions against fusion: a product of two float32 values
// is exact in float64, so a fused multiply-add rounds exactly as the separate add does.
func dotcGo(x, y []complex64) complex128 {
	y = y[:len(x)]
	var sr, si float64
	for i := range x {
		xr, xi := float64(real(x[i])), float64(imag(x[i]))
		yr, yi := float64(real(y[i])), float64(imag(y[i]))
		sr += xr*yr + xi*yi
		si += xr*yi - xi*yr
	}
	return complex(sr, si)
}

func norm2Go(x []complex64) float64 {
	var s float64
	for _, v := range x {
		r, i := float64(real(v)), float64(imag(v))
		s += r*r + i*i
	}
	return s
}

func maskCopyGo(dst, src []complex64, mask []float32) {
	src, mask = src[:len(dst)], mask[:len(dst)]
	for i := range dst {
		m := mask[i]
		dst[i] = complex(real(src[i])*m, imag(src[i])*m)
	}
}

func absGo(dst []float32, x []complex64) {
	x = x[:len(dst)]
	for i := range dst {
		r, im := float64(real(x[i])), float64(imag(x[i]))
		dst[i] = float32(math.Sqrt(r*r + im*im))
	}
}

func addAbs2Go(dst []float32, x []complex64) {
	x = x[:len(dst)]
	for i := range dst {
		r, im := real(x[i]), imag(x[i])
		dst[i] += float32(r*r) + float32(im*im)
	}
}

func sqrtGo(dst []float32) {
	for i, v := range dst {
		dst[i] = float32(math.Sqrt(float64(v)))
	}
}
