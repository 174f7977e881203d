//go:build !purego

package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// The generated AVX2+FMA and AVX-512 stage kernels (stages_amd64.s, from asmgen_test.go).
//
// Why assembly: Go 1.26 does not vectorise, so the pure-Go kernels do one complex64 at a time
// with scalar float32 arithmetic. The stage loops are 80% of a 2-D transform's time (pprof of
// BenchmarkFFT2D, 512x216). The AVX2 kernels, 4 complex64 per instruction with FMA, are 7 to
// 16 times faster than the pure-Go ones (BenchmarkStageKernels), and with the AVX2 moves they
// make the whole 512x216 transform 5.4x faster than the pure-Go path (bench/fft; the figures
// and commands are in bench/README.md).

//go:noescape
func r2AVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r2TwAVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3AVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3TwAVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4AVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4TwAVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5AVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5TwAVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7AVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7TwAVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8AVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8TwAVX2(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r2AVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r2TwAVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3AVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3TwAVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4AVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4TwAVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5AVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5TwAVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7AVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7TwAVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8AVX512(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8TwAVX512(y, x, w unsafe.Pointer, l, m, v int)

var (
	avx2Radix = [9][]simdRadix{
		2: {{r2AVX2, r2TwAVX2, 4}},
		3: {{r3AVX2, r3TwAVX2, 4}},
		4: {{r4AVX2, r4TwAVX2, 4}},
		5: {{r5AVX2, r5TwAVX2, 4}},
		7: {{r7AVX2, r7TwAVX2, 4}},
		8: {{r8AVX2, r8TwAVX2, 4}},
	}
	avx512Radix = [9][]simdRadix{
		2: {{r2AVX512, r2TwAVX512, 8}, {r2AVX2, r2TwAVX2, 4}},
		3: {{r3AVX512, r3TwAVX512, 8}, {r3AVX2, r3TwAVX2, 4}},
		4: {{r4AVX512, r4TwAVX512, 8}, {r4AVX2, r4TwAVX2, 4}},
		5: {{r5AVX512, r5TwAVX512, 8}, {r5AVX2, r5TwAVX2, 4}},
		7: {{r7AVX512, r7TwAVX512, 8}, {r7AVX2, r7TwAVX2, 4}},
		8: {{r8AVX512, r8TwAVX512, 8}, {r8AVX2, r8TwAVX2, 4}},
	}
)

// simdKernels lists the SIMD stage kernels of each asm path, per radix, widest first.
var simdKernels = map[asm.Path][9][]simdRadix{asm.AVX2: avx2Radix, asm.AVX512: avx512Radix}

//go:noescape
func oddAVX2(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

//go:noescape
func oddTwAVX2(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

//go:noescape
func oddAVX512(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

//go:noescape
func oddTwAVX512(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

// simdOddKernels lists the SIMD generic odd-radix kernels of each asm path, widest first.
var simdOddKernels = map[asm.Path][]simdOdd{
	asm.AVX2:   {{oddAVX2, oddTwAVX2, 4}},
	asm.AVX512: {{oddAVX512, oddTwAVX512, 8}, {oddAVX2, oddTwAVX2, 4}},
}
