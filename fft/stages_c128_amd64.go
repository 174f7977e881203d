//go:build !purego

package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// The generated AVX2+FMA and AVX-512 complex128 stage kernels (stages_c128_amd64.s, from
// asmgen_test.go): the complex64 kernels' butterflies and loops in double precision, two
// complex128 per YMM register and four per ZMM register.
//
// Why assembly: as for complex64 (stages_amd64.go), Go 1.26 does not vectorise, so the
// pure-Go kernels do one complex128 at a time with scalar float64 arithmetic; these do two or
// four with FMA (the speed-up is in bench/README.md, "complex128").

//go:noescape
func r2AVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r2TwAVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3AVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3TwAVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4AVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4TwAVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5AVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5TwAVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7AVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7TwAVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8AVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8TwAVX2C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r2AVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r2TwAVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3AVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3TwAVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4AVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4TwAVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5AVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5TwAVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7AVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7TwAVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8AVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8TwAVX512C128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func oddAVX2C128(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

//go:noescape
func oddTwAVX2C128(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

//go:noescape
func oddAVX512C128(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

//go:noescape
func oddTwAVX512C128(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

var (
	avx2RadixC128 = [9][]simdRadix{
		2: {{r2AVX2C128, r2TwAVX2C128, 2}},
		3: {{r3AVX2C128, r3TwAVX2C128, 2}},
		4: {{r4AVX2C128, r4TwAVX2C128, 2}},
		5: {{r5AVX2C128, r5TwAVX2C128, 2}},
		7: {{r7AVX2C128, r7TwAVX2C128, 2}},
		8: {{r8AVX2C128, r8TwAVX2C128, 2}},
	}
	avx512RadixC128 = [9][]simdRadix{
		2: {{r2AVX512C128, r2TwAVX512C128, 4}, {r2AVX2C128, r2TwAVX2C128, 2}},
		3: {{r3AVX512C128, r3TwAVX512C128, 4}, {r3AVX2C128, r3TwAVX2C128, 2}},
		4: {{r4AVX512C128, r4TwAVX512C128, 4}, {r4AVX2C128, r4TwAVX2C128, 2}},
		5: {{r5AVX512C128, r5TwAVX512C128, 4}, {r5AVX2C128, r5TwAVX2C128, 2}},
		7: {{r7AVX512C128, r7TwAVX512C128, 4}, {r7AVX2C128, r7TwAVX2C128, 2}},
		8: {{r8AVX512C128, r8TwAVX512C128, 4}, {r8AVX2C128, r8TwAVX2C128, 2}},
	}
)

// simdKernelsC128 lists the complex128 SIMD stage kernels of each asm path, per radix, widest
// first.
var simdKernelsC128 = map[asm.Path][9][]simdRadix{
	asm.AVX2: avx2RadixC128, asm.AVX512: avx512RadixC128,
}

// simdOddKernelsC128 lists the complex128 SIMD generic odd-radix kernels of each asm path,
// widest first.
var simdOddKernelsC128 = map[asm.Path][]simdOdd{
	asm.AVX2:   {{oddAVX2C128, oddTwAVX2C128, 2}},
	asm.AVX512: {{oddAVX512C128, oddTwAVX512C128, 4}, {oddAVX2C128, oddTwAVX2C128, 2}},
}
