package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// stageAsm is the signature of the SIMD stage kernels (generated, see asmgen_test.go): the
// radix-p stage of stageArgs{y, x, l, m, v} with w the k-major twiddles (stage.twk), or nil
// when l == 1. v·8 bytes must be a whole number of vectors.
type stageAsm func(y, x, w unsafe.Pointer, l, m, v int)

// simdRadix is one radix's SIMD kernels on one path: plain is for l == 1 (no twiddles), tw
// for l > 1; lanes is the number of complex64 per vector.
type simdRadix struct {
	plain, tw stageAsm
	lanes     int
}

// radixC64 holds, per radix, the complex64 stage kernel of every asm path; kernelsC64 calls
// the active path's. The tables are filled at init from simdKernels (per architecture).
var radixC64 [9]*asm.Kernel[kernel[complex64]]

func init() {
	for p, k := range kernelsC64.radix {
		if k == nil {
			continue
		}
		t := asm.NewKernel(k)
		for path, paths := range simdKernels {
			chain := paths[p]
			if len(chain) == 0 {
				continue
			}
			t.With(path, simdStage(p, chain, k))
		}
		radixC64[p] = t
		kernelsC64.radix[p] = func(a *stageArgs[complex64]) { t.Get()(a) }
	}
	kernelsC64.simd = len(simdKernels) > 0
}

// simdStage returns the stage kernel that runs the first SIMD kernel of chain whose vectors
// divide the lanes (chain is widest first), and the pure-Go kernel goK when none does.
func simdStage(p int, chain []simdRadix, goK kernel[complex64]) kernel[complex64] {
	return func(a *stageArgs[complex64]) {
		for _, s := range chain {
			if a.v%s.lanes != 0 {
				continue
			}
			xp, yp, _, _ := baseC64(a, p)
			if a.l == 1 {
				s.plain(yp, xp, nil, 1, a.m, a.v)
				return
			}
			if len(a.tk) < (p-1)*a.l {
				panic("fft: kernel twiddles too short")
			}
			s.tw(yp, xp, unsafe.Pointer(unsafe.SliceData(a.tk)), a.l, a.m, a.v)
			return
		}
		goK(a)
	}
}
