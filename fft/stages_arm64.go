//go:build !purego

package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// The generated NEON stage kernels (stages_arm64.s, from neongen_test.go).
//
// Why assembly: Go 1.26 does not vectorise, so the pure-Go kernels do one complex64 at a time
// with scalar float32 arithmetic, and the stage loops are most of a transform's time (80% of
// a 512x216 transform on amd64, pprof of BenchmarkFFT2D, where the AVX2 kernels and moves
// made the whole transform 5.4 times faster). The NEON kernels do four complex64 per pair of
// instructions, split into real and imaginary registers by VLD2 so that they need no
// shuffles, with fused multiply-adds by element for the twiddles and the butterflies'
// constants: the radix-8 butterfly with twiddles takes 119 instructions for four lanes, where
// the compiled pure-Go loop takes 173 for one (go tool objdump; see bench/README.md). This
// machine has no arm64 hardware, so the kernels are tested under qemu-user only, whose
// timings say nothing about a CPU (it emulates vector floating point lane by lane);
// BenchmarkStageKernels is there to time them on arm64 hardware.

//go:noescape
func r2NEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r2TwNEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3NEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r3TwNEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4NEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r4TwNEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5NEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r5TwNEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7NEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r7TwNEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8NEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func r8TwNEON(y, x, w unsafe.Pointer, l, m, v int)

//go:noescape
func oddNEON(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

//go:noescape
func oddTwNEON(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

// simdKernels lists the SIMD stage kernels of each asm path, per radix, widest first.
var simdKernels = map[asm.Path][9][]simdRadix{asm.NEON: {
	2: {{r2NEON, r2TwNEON, 4}},
	3: {{r3NEON, r3TwNEON, 4}},
	4: {{r4NEON, r4TwNEON, 4}},
	5: {{r5NEON, r5TwNEON, 4}},
	7: {{r7NEON, r7TwNEON, 4}},
	8: {{r8NEON, r8TwNEON, 4}},
}}

// simdOddKernels lists the SIMD generic odd-radix kernels of each asm path.
var simdOddKernels = map[asm.Path][]simdOdd{asm.NEON: {{oddNEON, oddTwNEON, 4}}}
