//go:build !purego

package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// The generated NEON complex128 stage kernels (stages_c128_arm64.s, from neongen_test.go): the
// complex64 kernels' butterflies and loops on two float64 lanes per register, VLD2 splitting
// two complex128 of neighbouring lanes into a register of real parts and one of imaginary
// parts.
//
// Why assembly: as for complex64 (stages_arm64.go), Go 1.26 does not vectorise, so the pure-Go
// kernels do one complex128 at a time with scalar float64 arithmetic; these do two per pair
// of instructions with fused multiply-adds by element. As there, the kernels are tested under
// qemu-user only, whose timings say nothing about a CPU; BenchmarkStageKernels is there to
// time them on arm64 hardware.

//go:noescape
func r2NEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r2TwNEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3NEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3TwNEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4NEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4TwNEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5NEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5TwNEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7NEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7TwNEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8NEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8TwNEONC128(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func oddNEONC128(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

//go:noescape
func oddTwNEONC128(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

// simdKernelsC128 lists the complex128 SIMD stage kernels of each asm path, per radix.
var simdKernelsC128 = map[asm.Path][9][]simdRadix{asm.NEON: {
	2: {{r2NEONC128, r2TwNEONC128, 2}},
	3: {{r3NEONC128, r3TwNEONC128, 2}},
	4: {{r4NEONC128, r4TwNEONC128, 2}},
	5: {{r5NEONC128, r5TwNEONC128, 2}},
	7: {{r7NEONC128, r7TwNEONC128, 2}},
	8: {{r8NEONC128, r8TwNEONC128, 2}},
}}

// simdOddKernelsC128 lists the complex128 SIMD generic odd-radix kernels of each asm path.
var simdOddKernelsC128 = map[asm.Path][]simdOdd{asm.NEON: {{oddNEONC128, oddTwNEONC128, 2}}}
