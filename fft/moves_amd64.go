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

// simdMoves lists the SIMD gather and scatter of each asm path.
var simdMoves = map[asm.Path][2]func(m *moveArgs[complex64]){
	asm.AVX2: {gatherAVX2, scatterAVX2},
}

// gatherAVX2 is gatherC64 with the AVX2 moves: column views (lanes adjacent) copy runs of
// whole vectors, row views (elements adjacent) transpose four lanes at a time. Other views,
// lane counts that are not a multiple of 4 and odd run ends go through the pure-Go code.
func gatherAVX2(m *moveArgs[complex64]) {
	moveAVX2(m, false)
}

// scatterAVX2 is scatterC64 with the AVX2 moves (see gatherAVX2).
func scatterAVX2(m *moveArgs[complex64]) {
	moveAVX2(m, true)
}

func moveAVX2(m *moveArgs[complex64], scatter bool) {
	n, v, rot := m.n, m.v, m.rot
	es, bs, off := m.view.es, m.view.bs, m.view.off
	col := bs == 1 && es > 1
	row := es == 1 && bs >= n
	if v%4 != 0 || !col && !row {
		if scatter {
			scatterC64(m)
		} else {
			gatherC64(m)
		}
		return
	}
	if len(m.buf) < n*v || off < 0 || off+(n-1)*es+(v-1)*bs >= len(m.s) {
		panic("fft: move out of range")
	}

	sw := 0
	if m.swap {
		sw = 1
	}
	f := float32(1)
	if scatter {
		f = float32(m.scale)
	}
	bp := unsafe.Pointer(unsafe.SliceData(m.buf))
	sp := unsafe.Add(unsafe.Pointer(unsafe.SliceData(m.s)), uintptr(off)*szC64)
	vb := uintptr(v) * szC64
	// The run of elements rot..n-1 of each lane goes to buffer rows 0..n-rot-1, and 0..rot-1
	// to rows n-rot..n-1.
	segs := [2][3]int{{rot, 0, n - rot}, {0, n - rot, rot}} // source element, row, count
	for _, sg := range segs {
		e0, r0, cnt := sg[0], sg[1], sg[2]
		if cnt == 0 {
			continue
		}
		bufAt := unsafe.Add(bp, uintptr(r0)*vb)
		if col {
			es8 := uintptr(es) * szC64
			sAt := unsafe.Add(sp, uintptr(e0)*es8)
			if scatter {
				colMoveAVX2(sAt, es8, bufAt, vb, cnt, v/4, sw, f)
			} else {
				colMoveAVX2(bufAt, vb, sAt, es8, cnt, v/4, sw, f)
			}
			continue
		}
		bs8 := uintptr(bs) * szC64
		for b := 0; b < v; b += 4 {
			lane := unsafe.Add(sp, uintptr(b)*bs8+uintptr(e0)*szC64)
			rowB := unsafe.Add(bufAt, uintptr(b)*szC64)
			if scatter {
				scatterT4AVX2(lane, bs8, rowB, vb, cnt/2, sw, f)
			} else {
				gatherT4AVX2(rowB, vb, lane, bs8, cnt/2, sw)
			}
			if cnt%2 == 0 {
				continue
			}
			// The last element of the run, for the four lanes.
			e, r := e0+cnt-1, r0+cnt-1
			for i := range 4 {
				si := off + (b+i)*bs + e
				bi := r*v + b + i
				if scatter {
					z := m.buf[bi]
					if m.swap {
						z = swapC64(z)
					}
					m.s[si] = complex(real(z)*f, imag(z)*f)
				} else {
					z := m.s[si]
					if m.swap {
						z = swapC64(z)
					}
					m.buf[bi] = z
				}
			}
		}
	}
}
