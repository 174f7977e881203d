//go:build !purego

package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// The AVX2 complex128 moves (moves_c128_amd64.s). Why assembly: with the complex128 SIMD
// stage kernels, the pure-Go gathers and scatters, one complex128 at a time and a transpose
// for the row passes, took 67% of a 512x216 transform on the AVX-512 path (pprof of
// BenchmarkFFT2DC128 in bench/fft); see bench/README.md for the effect.

//go:noescape
func colMoveAVX2C128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows,
	nvec, swap int, f float64)

//go:noescape
func gatherT2AVX2C128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt,
	swap int)

//go:noescape
func scatterT2AVX2C128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt,
	swap int, f float64)

// avx2MovesC128 are the AVX2 complex128 moves; the AVX-512 path uses them too.
var avx2MovesC128 = &simdMoveKernelsC128{colMoveAVX2C128, gatherT2AVX2C128, scatterT2AVX2C128}

// simdMovesC128 lists the SIMD complex128 gather and scatter of each asm path.
var simdMovesC128 = map[asm.Path][2]func(m *moveArgs[complex128]){
	asm.AVX2: {gatherWithC128(avx2MovesC128), scatterWithC128(avx2MovesC128)},
}
