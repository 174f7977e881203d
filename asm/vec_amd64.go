//go:build !purego

package asm

// Why assembly: the Go compiler does not vectorise loops, so each pure-Go kernel handles one
// complex64 value per iteration with scalar SSE instructions. The figures below are from
// BenchmarkVec at n = 4096 (data in L1/L2) on the Zen 4 development machine; see
// bench/README.md for the command and the n = 448*162 column.

func init() {
	mulKernel.With(AVX2, mulAVX2)
	mulConjKernel.With(AVX2, mulConjAVX2)
	mulConjAccKernel.With(AVX2, mulConjAccAVX2)
	scaleKernel.With(AVX2, scaleAVX2)
	axpyKernel.With(AVX2, axpyAVX2)
	xpayKernel.With(AVX2, xpayAVX2)
	dotcKernel.With(AVX2, dotcAVX2)
	norm2Kernel.With(AVX2, norm2AVX2)
	maskCopyKernel.With(AVX2, maskCopyAVX2)
	absKernel.With(AVX2, absAVX2)
	addAbs2Kernel.With(AVX2, addAbs2AVX2)
	sqrtKernel.With(AVX2, sqrtAVX2)
}

// mulAVX2 is [mulGo] on 4 values per instruction.
//
//go:noescape
func mulAVX2(dst, a, b []complex64)

// mulConjAVX2 is [mulConjGo] on 4 values per instruction.
//
//go:noescape
func mulConjAVX2(dst, a, b []complex64)

// mulConjAccAVX2 is [mulConjAccGo] on 4 values per instruction.
//
//go:noescape
func mulConjAccAVX2(dst, a, b []complex64)

// scaleAVX2 is [scaleGo] on 4 values per instruction.
//
//go:noescape
func scaleAVX2(dst []complex64, alpha complex64, x []complex64)

// axpyAVX2 is [axpyGo] on 4 values per instruction.
//
//go:noescape
func axpyAVX2(alpha complex64, x, y []complex64)

// xpayAVX2 is [xpayGo] on 4 values per instruction.
//
//go:noescape
func xpayAVX2(x []complex64, beta complex64, y []complex64)

// dotcAVX2 is [dotcGo] with four float64 accumulators per part.
//
//go:noescape
func dotcAVX2(x, y []complex64) complex128

// norm2AVX2 is [norm2Go] with eight float64 accumulators.
//
//go:noescape
func norm2AVX2(x []complex64) float64

// maskCopyAVX2 is [maskCopyGo] on 4 values per instruction.
//
//go:noescape
func maskCopyAVX2(dst, src []complex64, mask []float32)

// absAVX2 is [absGo] on 4 values per instruction, in float64.
//
//go:noescape
func absAVX2(dst []float32, x []complex64)

// addAbs2AVX2 is [addAbs2Go] on 8 values per iteration.
//
//go:noescape
func addAbs2AVX2(dst []float32, x []complex64)

// sqrtAVX2 is [sqrtGo] on 8 values per instruction.
//
//go:noescape
func sqrtAVX2(dst []float32)
