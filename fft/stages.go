package fft

import (
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// stageAsm is the signature of the SIMD stage kernels (generated, see asmgen_test.go): the
// radix-p stage of stageArgs{y, x, l, m, v} with w the k-major twiddles (stage.twk), or nil
// when l == 1. v elements must be a whole number of vectors.
type stageAsm func(y, x, w unsafe.Pointer, l, m, v int)

// simdRadix is one radix's SIMD kernels on one path: plain is for l == 1 (no twiddles), tw
// for l > 1; lanes is the number of elements (complex64 or complex128) per vector.
type simdRadix struct {
	plain, tw stageAsm
	lanes     int
}

func init() {
	initSIMD(&kernelsC64, simdKernels, simdOddKernels, simdMoves)
	initSIMD(&kernelsC128, simdKernelsC128, simdOddKernelsC128, simdMovesC128)
}

// initSIMD makes the stage kernels and moves of ks dispatch on the active asm path, to the
// SIMD kernels of radix, odd and moves (per path, widest first) or to the pure-Go ones.
func initSIMD[T Complex](ks *kernelSet[T], radix map[asm.Path][9][]simdRadix,
	odd map[asm.Path][]simdOdd, moves map[asm.Path][2]func(m *moveArgs[T])) {
	for p, k := range ks.radix {
		if k == nil {
			continue
		}
		t := asm.NewKernel(k)
		for path, paths := range radix {
			chain := paths[p]
			if len(chain) == 0 {
				continue
			}
			t.With(path, simdStage(p, chain, k))
		}
		ks.radix[p] = func(a *stageArgs[T]) { t.Get()(a) }
	}
	oddK := asm.NewKernel(ks.odd)
	for path, chain := range odd {
		oddK.With(path, simdOddStage(chain, ks.odd))
	}
	ks.odd = func(a *stageArgs[T]) { oddK.Get()(a) }
	gather, scatter := asm.NewKernel(ks.gather), asm.NewKernel(ks.scatter)
	for path, mv := range moves {
		gather.With(path, mv[0])
		scatter.With(path, mv[1])
	}
	ks.gather = func(m *moveArgs[T]) { gather.Get()(m) }
	ks.scatter = func(m *moveArgs[T]) { scatter.Get()(m) }
	ks.simd = len(radix) > 0
}

// simdBase checks that the stage buffers hold p*l*m*v elements and returns their addresses,
// the byte strides between butterfly inputs (js) and outputs (qs) and the element size, as
// baseC64 and baseC128 do.
func simdBase[T Complex](a *stageArgs[T], p int) (xp, yp unsafe.Pointer, js, qs, sz uintptr) {
	var z T
	sz = unsafe.Sizeof(z)
	n := p * a.l * a.m * a.v
	if len(a.x) < n || len(a.y) < n || (a.l > 1 && len(a.w) < (p-1)*a.l) {
		panic("fft: kernel buffer too short")
	}
	xp, yp = unsafe.Pointer(unsafe.SliceData(a.x)), unsafe.Pointer(unsafe.SliceData(a.y))
	return xp, yp, uintptr(a.l*a.m*a.v) * sz, uintptr(a.l*a.v) * sz, sz
}

// simdStage returns the stage kernel that runs the first SIMD kernel of chain whose vectors
// divide the lanes (chain is widest first), and the pure-Go kernel goK when none does.
func simdStage[T Complex](p int, chain []simdRadix, goK kernel[T]) kernel[T] {
	return func(a *stageArgs[T]) {
		for _, s := range chain {
			if a.v%s.lanes != 0 {
				continue
			}
			xp, yp, _, _, _ := simdBase(a, p)
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
func simdOddStage[T Complex](chain []simdOdd, goK kernel[T]) kernel[T] {
	return func(a *stageArgs[T]) {
		for _, s := range chain {
			if a.v%s.lanes != 0 {
				continue
			}
			p := a.st.p
			h := (p - 1) / 2
			xp, yp, js, qs, sz := simdBase(a, p)
			l, m, v := a.l, a.m, a.v
			if len(a.wk.tmp) < 2*h*s.lanes || len(a.st.cs) < h*h ||
				l > 1 && len(a.tk) < (p-1)*l {
				panic("fft: odd kernel tables too short")
			}
			tmp := unsafe.Pointer(unsafe.SliceData(a.wk.tmp))
			cs := unsafe.Pointer(unsafe.SliceData(a.st.cs))
			for si := range m {
				for k := range l {
					xo, yo := uintptr((si*l+k)*v)*sz, uintptr((si*p*l+k)*v)*sz
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
