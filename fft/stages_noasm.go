//go:build purego || !(amd64 || arm64)

package fft

import "github.com/cmrecon/cmrecon/asm"

// simdKernels is empty: this build has no SIMD stage kernels.
var simdKernels = map[asm.Path][9][]simdRadix{}

// simdOddKernels is empty: this build has no SIMD odd-radix kernels.
var simdOddKernels = map[asm.Path][]simdOdd{}

// simdMoves is empty: this build has no SIMD moves.
var simdMoves = map[asm.Path][2]func(m *moveArgs[complex64]){}
