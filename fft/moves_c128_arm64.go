//go:build !purego

package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// The NEON complex128 moves (moves_c128_arm64.s, hand-written), twins of the AVX2 ones
// (moves_c128_amd64.go). Why assembly: on amd64, with the complex128 SIMD stage kernels, the
// pure-Go moves took 67% of a 512x216 transform (pprof of BenchmarkFFT2DC128); here a row
// transpose takes 7 instructions per element of two lanes, where the compiled pure-Go loop
// (moveC128) takes 11 and two NOOPs per element of one lane (go tool objdump of the arm64
// test binary). As
// for the other NEON kernels, qemu-user timings say nothing about a CPU; BenchmarkMovesC128
// is there for arm64 hardware.

//go:noescape
func colMoveNEONC128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows,
	nvec, swap int, f float64)

//go:noescape
func gatherT2NEONC128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt,
	swap int)

//go:noescape
func scatterT2NEONC128(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt,
	swap int, f float64)

// neonMovesC128 are the NEON complex128 moves.
var neonMovesC128 = &simdMoveKernelsC128{colMoveNEONC128, gatherT2NEONC128, scatterT2NEONC128}

// simdMovesC128 lists the SIMD complex128 gather and scatter of each asm path.
var simdMovesC128 = map[asm.Path][2]func(m *moveArgs[complex128]){
	asm.NEON: {gatherWithC128(neonMovesC128), scatterWithC128(neonMovesC128)},
}
