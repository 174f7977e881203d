//go:build purego || !(amd64 || arm64)

package fft

import "github.com/cmrecon/cmrecon/asm"

// simdKernels is empty: this build has no SIMD stage kernels.
var simdKernels = map[asm.Path][9][]simdRadix{}

// simdOddKernels is empty: this build has no SIMD odd-radix kernels.
var simdOddKernels = map[asm.Path][]simdOdd{}

// simdMoves is empty: this build has no SIMD moves.
var simdMoves = map[asm.Path][2]func(m *moveArgs[complex64]){}

// simdKernelsC128 is empty: this build has no complex128 SIMD stage kernels.
var simdKernelsC128 = map[asm.Path][9][]simdRadix{}

// simdOddKernelsC128 is empty: this build has no complex128 SIMD odd-radix kernels.
var simdOddKernelsC128 = map[asm.Path][]simdOdd{}

// simdMovesC128 is empty: this build has no complex128 SIMD moves.
var simdMovesC128 = map[asm.Path][2]func(m *moveArgs[complex128]){}
