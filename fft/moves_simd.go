//go:build !purego && (amd64 || arm64)

package fft

import "unsafe"

// simdMoveKernels are one path's assembly moves (moves_amd64.s, moves_arm64.s), all with the
// same semantics: colMove copies rows of whole 32-byte vectors, gatherT4 and scatterT4
// transpose four lanes two elements at a time (see the assembly for the details).
type simdMoveKernels struct {
	colMove func(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows, nvec,
		swap int, f float32)
	gatherT4  func(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs, swap int)
	scatterT4 func(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, pairs,
		swap int, f float32)
}

// gatherWith returns gatherC64 done with the moves k: column views (lanes adjacent) copy runs
// of whole vectors, row views (elements adjacent) transpose four lanes at a time. Other views,
// lane counts that are not a multiple of 4 and odd run ends go through the pure-Go code.
func gatherWith(k *simdMoveKernels) func(m *moveArgs[complex64]) {
	return func(m *moveArgs[complex64]) { moveSIMD(m, k, false) }
}

// scatterWith returns scatterC64 done with the moves k (see gatherWith).
func scatterWith(k *simdMoveKernels) func(m *moveArgs[complex64]) {
	return func(m *moveArgs[complex64]) { moveSIMD(m, k, true) }
}

func moveSIMD(m *moveArgs[complex64], k *simdMoveKernels, scatter bool) {
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
				k.colMove(sAt, es8, bufAt, vb, cnt, v/4, sw, f)
			} else {
				k.colMove(bufAt, vb, sAt, es8, cnt, v/4, sw, f)
			}
			continue
		}
		bs8 := uintptr(bs) * szC64
		for b := 0; b < v; b += 4 {
			lane := unsafe.Add(sp, uintptr(b)*bs8+uintptr(e0)*szC64)
			rowB := unsafe.Add(bufAt, uintptr(b)*szC64)
			if scatter {
				k.scatterT4(lane, bs8, rowB, vb, cnt/2, sw, f)
			} else {
				k.gatherT4(rowB, vb, lane, bs8, cnt/2, sw)
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

// simdMoveKernelsC128 are one path's complex128 assembly moves: colMove copies rows of whole
// 32-byte vectors (two elements), gatherT2 and scatterT2 transpose two lanes one element at a
// time.
type simdMoveKernelsC128 struct {
	colMove func(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, rows, nvec,
		swap int, f float64)
	gatherT2  func(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt, swap int)
	scatterT2 func(dst unsafe.Pointer, ds uintptr, src unsafe.Pointer, ss uintptr, cnt,
		swap int, f float64)
}

// gatherWithC128 returns gatherC128 done with the moves k, as gatherWith for complex64 but two
// lanes at a time: other views and odd lane counts go through the pure-Go code.
func gatherWithC128(k *simdMoveKernelsC128) func(m *moveArgs[complex128]) {
	return func(m *moveArgs[complex128]) { moveSIMDC128(m, k, false) }
}

// scatterWithC128 returns scatterC128 done with the moves k (see gatherWithC128).
func scatterWithC128(k *simdMoveKernelsC128) func(m *moveArgs[complex128]) {
	return func(m *moveArgs[complex128]) { moveSIMDC128(m, k, true) }
}

func moveSIMDC128(m *moveArgs[complex128], k *simdMoveKernelsC128, scatter bool) {
	n, v, rot := m.n, m.v, m.rot
	es, bs, off := m.view.es, m.view.bs, m.view.off
	col := bs == 1 && es > 1
	row := es == 1 && bs >= n
	if v%2 != 0 || !col && !row {
		if scatter {
			scatterC128(m)
		} else {
			gatherC128(m)
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
	f := 1.0
	if scatter {
		f = m.scale
	}
	bp := unsafe.Pointer(unsafe.SliceData(m.buf))
	sp := unsafe.Add(unsafe.Pointer(unsafe.SliceData(m.s)), uintptr(off)*szC128)
	vb := uintptr(v) * szC128
	// As in moveSIMD: elements rot..n-1 of each lane to buffer rows 0..n-rot-1, 0..rot-1 to
	// rows n-rot..n-1.
	segs := [2][3]int{{rot, 0, n - rot}, {0, n - rot, rot}} // source element, row, count
	for _, sg := range segs {
		e0, r0, cnt := sg[0], sg[1], sg[2]
		if cnt == 0 {
			continue
		}
		bufAt := unsafe.Add(bp, uintptr(r0)*vb)
		if col {
			es16 := uintptr(es) * szC128
			sAt := unsafe.Add(sp, uintptr(e0)*es16)
			if scatter {
				k.colMove(sAt, es16, bufAt, vb, cnt, v/2, sw, f)
			} else {
				k.colMove(bufAt, vb, sAt, es16, cnt, v/2, sw, f)
			}
			continue
		}
		bs16 := uintptr(bs) * szC128
		for b := 0; b < v; b += 2 {
			lane := unsafe.Add(sp, uintptr(b)*bs16+uintptr(e0)*szC128)
			rowB := unsafe.Add(bufAt, uintptr(b)*szC128)
			if scatter {
				k.scatterT2(lane, bs16, rowB, vb, cnt, sw, f)
			} else {
				k.gatherT2(rowB, vb, lane, bs16, cnt, sw)
			}
		}
	}
}
