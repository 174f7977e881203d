//go:build !purego

package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// The NEON moves (moves_arm64.s, hand-written), twins of the AVX2 ones. Why assembly: with
// the stage kernels in SIMD, the pure-Go gathers and scatters, one complex64 at a time and a
// transpose for the row passes, are the larger part of a transform (57% of a 512x216
// transform on amd64 before the AVX2 moves, pprof of BenchmarkFFT2D). Here a row transpose
// takes 15 instructions for 8 elements, where the compiled pure-Go loop (moveC64) takes 12 per
// element (go tool objdump of the arm64 test binary). As for the stage kernels, qemu-user
// timings say nothing about a CPU; BenchmarkMoves is there for arm64 hardware.

//go:noescape
func colMoveNEON(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows, nvec,
	swap int, f float32)

//go:noescape
func gatherT4NEON(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs,
	swap int)

//go:noescape
func scatterT4NEON(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs,
	swap int, f float32)

// neonMoves are the NEON moves.
var neonMoves = &simdMoveKernels{colMoveNEON, gatherT4NEON, scatterT4NEON}

// simdMoves lists the SIMD gather and scatter of each asm path.
var simdMoves = map[asm.Path][2]func(m *moveArgs[complex64]){
	asm.NEON: {gatherWith(neonMoves), scatterWith(neonMoves)},
}
