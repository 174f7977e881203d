//go:build !purego

package asm

// Why assembly: the Go compiler does not vectorise loops, so each pure-Go kernel handles one
// complex64 value per iteration with scalar instructions: the compiled loop of mulGo takes 14
// instructions per value, mulNEON 11 per four values (go tool objdump of the arm64 test
// binary). This machine has no arm64 hardware, so the kernels are tested under qemu-user
// only, whose timings say nothing about a CPU (it emulates vector floating point lane by
// lane); BenchmarkVec is there to time them on arm64 hardware.

func init() {
	mulKernel.With(NEON, mulNEON)
	mulConjKernel.With(NEON, mulConjNEON)
	mulConjAccKernel.With(NEON, mulConjAccNEON)
	scaleKernel.With(NEON, scaleNEON)
	axpyKernel.With(NEON, axpyNEON)
	xpayKernel.With(NEON, xpayNEON)
	dotcKernel.With(NEON, dotcNEON)
	norm2Kernel.With(NEON, norm2NEON)
	maskCopyKernel.With(NEON, maskCopyNEON)
	absKernel.With(NEON, absNEON)
	addAbs2Kernel.With(NEON, addAbs2NEON)
	sqrtKernel.With(NEON, sqrtNEON)
}

// mulNEON is [mulGo] on 4 values per iteration.
//
//go:noescape
func mulNEON(dst, a, b []complex64)

// mulConjNEON is [mulConjGo] on 4 values per iteration.
//
//go:noescape
func mulConjNEON(dst, a, b []complex64)

// mulConjAccNEON is [mulConjAccGo] on 4 values per iteration.
//
//go:noescape
func mulConjAccNEON(dst, a, b []complex64)

// scaleNEON is [scaleGo] on 4 values per iteration.
//
//go:noescape
func scaleNEON(dst []complex64, alpha complex64, x []complex64)

// axpyNEON is [axpyGo] on 4 values per iteration.
//
//go:noescape
func axpyNEON(alpha complex64, x, y []complex64)

// xpayNEON is [xpayGo] on 4 values per iteration.
//
//go:noescape
func xpayNEON(x []complex64, beta complex64, y []complex64)

// dotcNEON is [dotcGo] with float64 accumulators.
//
//go:noescape
func dotcNEON(x, y []complex64) complex128

// norm2NEON is [norm2Go] with float64 accumulators.
//
//go:noescape
func norm2NEON(x []complex64) float64

// maskCopyNEON is [maskCopyGo] on 4 values per iteration.
//
//go:noescape
func maskCopyNEON(dst, src []complex64, mask []float32)

// absNEON is [absGo] on 4 values per iteration.
//
//go:noescape
func absNEON(dst []float32, x []complex64)

// addAbs2NEON is [addAbs2Go] on 4 values per iteration.
//
//go:noescape
func addAbs2NEON(dst []float32, x []complex64)

// sqrtNEON is [sqrtGo] on 4 values per iteration.
//
//go:noescape
func sqrtNEON(dst []float32)
