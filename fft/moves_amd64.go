//go:build !purego

package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// The AVX2 moves (moves_amd64.s). Why assembly: after the SIMD stage kernels, the pure-Go
// gathers and scatters, one complex64 at a time and a transpose for the row passes, took 57%
// of a 512x216 transform (pprof of BenchmarkFFT2D); see bench/README.md for the effect.

//go:noescape
func colMoveAVX2(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows, nvec,
	swap int, f float32)

//go:noescape
func gatherT4AVX2(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs,
	swap int)

//go:noescape
func scatterT4AVX2(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs,
	swap int, f float32)

// avx2Moves are the AVX2 moves; the AVX-512 path uses them too.
var avx2Moves = &simdMoveKernels{colMoveAVX2, gatherT4AVX2, scatterT4AVX2}

// simdMoves lists the SIMD gather and scatter of each asm path.
var simdMoves = map[asm.Path][2]func(m *moveArgs[complex64]){
	asm.AVX2: {gatherWith(avx2Moves), scatterWith(avx2Moves)},
}
