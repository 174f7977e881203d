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
	odd := asm.NewKernel(kernelsC64.odd)
	for path, chain := range simdOddKernels {
		odd.With(path, simdOddStage(chain, kernelsC64.odd))
	}
	kernelsC64.odd = func(a *stageArgs[complex64]) { odd.Get()(a) }
	gather, scatter := asm.NewKernel(kernelsC64.gather), asm.NewKernel(kernelsC64.scatter)
	for path, mv := range simdMoves {
		gather.With(path, mv[0])
		scatter.With(path, mv[1])
	}
	kernelsC64.gather = func(m *moveArgs[complex64]) { gather.Get()(m) }
	kernelsC64.scatter = func(m *moveArgs[complex64]) { scatter.Get()(m) }
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

// oddAsm is the signature of the SIMD generic odd-radix kernels (see asmGen.oddKernel): one
// butterfly (s, k) over v lanes.
type oddAsm func(y, x, w, cs, tmp unsafe.Pointer, js, qs, p, v int)

// simdOdd is one path's generic odd-radix kernels, as simdRadix.
type simdOdd struct {
	plain, tw oddAsm
	lanes     int
}

// simdOddStage returns the odd-radix stage kernel that runs the first kernel of chain whose
// vectors divide the lanes, one butterfly at a time, and goK when none does.
func simdOddStage(chain []simdOdd, goK kernel[complex64]) kernel[complex64] {
	return func(a *stageArgs[complex64]) {
		for _, s := range chain {
			if a.v%s.lanes != 0 {
				continue
			}
			p := a.st.p
			h := (p - 1) / 2
			xp, yp, js, qs := baseC64(a, p)
			l, m, v := a.l, a.m, a.v
			if len(a.wk.tmp) < 2*h*s.lanes || len(a.st.cs) < h*h ||
				l > 1 && len(a.tk) < (p-1)*l {
				panic("fft: odd kernel tables too short")
			}
			tmp := unsafe.Pointer(unsafe.SliceData(a.wk.tmp))
			cs := unsafe.Pointer(unsafe.SliceData(a.st.cs))
			for si := range m {
				for k := range l {
					xo, yo := uintptr((si*l+k)*v)*szC64, uintptr((si*p*l+k)*v)*szC64
					y, x := unsafe.Add(yp, yo), unsafe.Add(xp, xo)
					if l == 1 {
						s.plain(y, x, nil, cs, tmp, int(js), int(qs), p, v)
						continue
					}
					w := unsafe.Pointer(&a.tk[k*(p-1)])
					s.tw(y, x, w, cs, tmp, int(js), int(qs), p, v)
				}
			}
			return
		}
		goK(a)
	}
}
