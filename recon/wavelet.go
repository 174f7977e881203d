package recon

import (
	"fmt"
	"math"

	"github.com/cmrecon/cmrecon/asm"
)

// db2 is the Daubechies filter with two vanishing moments (4 taps, BART's "dau2"):
// h_k = (1+√3, 3+√3, 3−√3, 1−√3)_k / (4√2). Its high-pass twin is
// g_k = (−1)^k h_{3−k}.
var db2Low, db2High = func() ([4]float32, [4]float32) {
	s3 := math.Sqrt(3)
	d := 4 * math.Sqrt2
	h := [4]float64{(1 + s3) / d, (3 + s3) / d, (3 - s3) / d, (1 - s3) / d}
	var lo, hi [4]float32
	for k := range 4 {
		lo[k] = float32(h[k])
		sign := 1.0
		if k%2 == 1 {
			sign = -1
		}
		hi[k] = float32(sign * h[3-k])
	}
	return lo, hi
}()

// waveletMinCoarse is the shortest approximation band the automatic level choice leaves
// along an axis: an axis is split again only while it has at least twice this many samples.
// BART stops at 16 as well (anchors.md §3.2).
const waveletMinCoarse = 16

// Wavelet is the orthogonal 2-D discrete wavelet transform of nx x ny complex images
// (column-major, x fastest) with the Daubechies db2 filter and periodic boundaries. Each
// level splits the current approximation band along x, then along y; an axis whose band is
// too short to split (see NewWavelet) is left alone from then on. An axis of odd length n
// keeps its last sample unfiltered in the approximation band, which then has (n+1)/2
// samples, so every size is allowed and the transform stays orthogonal: Inverse is the
// exact adjoint of Forward, and both preserve the Euclidean norm (up to float32 rounding).
//
// Coefficients are stored in place of the image: the coarsest approximation band is the
// top-left CoarseX x CoarseY block. A Wavelet is immutable and safe for concurrent use; the
// scratch it needs is passed to each call.
type Wavelet struct {
	nx, ny int

	// lx, ly are the band lengths at each level (before the split); splitX, splitY whether
	// that level splits the axis.
	lx, ly         []int
	splitX, splitY []bool
	coarseX        int
	coarseY        int
}

// NewWavelet returns the transform of nx x ny images with the given number of levels. With
// levels < 1 it chooses as many as it can, at most 4, splitting an axis only while its band
// has at least 32 samples (so no approximation band is shorter than 16, as in BART).
// With levels ≥ 1 every level splits each axis whose band has at least 2 samples.
func NewWavelet(nx, ny, levels int) (*Wavelet, error) {
	if nx < 1 || ny < 1 {
		return nil, fmt.Errorf("recon: invalid wavelet size %dx%d", nx, ny)
	}
	auto := levels < 1
	minLen := 2
	if auto {
		levels = 4
		minLen = 2 * waveletMinCoarse
	}

	w := &Wavelet{nx: nx, ny: ny}
	ax, ay := nx, ny
	for range levels {
		sx, sy := ax >= minLen, ay >= minLen
		if !sx && !sy {
			break
		}
		w.lx, w.ly = append(w.lx, ax), append(w.ly, ay)
		w.splitX, w.splitY = append(w.splitX, sx), append(w.splitY, sy)
		if sx {
			ax = (ax + 1) / 2
		}
		if sy {
			ay = (ay + 1) / 2
		}
	}
	w.coarseX, w.coarseY = ax, ay
	return w, nil
}

// Levels returns the number of levels.
func (w *Wavelet) Levels() int { return len(w.lx) }

// Coarse returns the size of the coarsest approximation band, the top-left block of the
// coefficients.
func (w *Wavelet) Coarse() (nx, ny int) { return w.coarseX, w.coarseY }

// ScratchLen returns the length of the scratch slice Forward and Inverse need:
// nx*ny + 2*max(nx, ny) values.
func (w *Wavelet) ScratchLen() int { return w.nx*w.ny + 2*max(w.nx, w.ny) }

// Forward replaces the image x (nx*ny values) by its wavelet coefficients. scratch has
// ScratchLen values (nil allocates it).
func (w *Wavelet) Forward(x, scratch []complex64) {
	if len(x) != w.nx*w.ny {
		panic("recon: Wavelet.Forward: wrong image length")
	}
	scratch = w.scratch(scratch)

	for l := range w.lx {
		w.level(x, scratch, l, false)
	}
}

// Inverse replaces the coefficients c (nx*ny values) by the image they represent; it is
// the inverse and the adjoint of Forward. scratch has ScratchLen values (nil allocates it).
func (w *Wavelet) Inverse(c, scratch []complex64) {
	if len(c) != w.nx*w.ny {
		panic("recon: Wavelet.Inverse: wrong coefficient length")
	}
	scratch = w.scratch(scratch)

	for l := len(w.lx) - 1; l >= 0; l-- {
		w.level(c, scratch, l, true)
	}
}

func (w *Wavelet) scratch(s []complex64) []complex64 {
	if s == nil {
		return make([]complex64, w.ScratchLen())
	}
	if len(s) < w.ScratchLen() {
		panic("recon: Wavelet: scratch slice too short")
	}
	return s
}

// level runs level l forward (x then y) or inverse (y then x) on the band lx[l] x ly[l].
func (w *Wavelet) level(x, scratch []complex64, l int, inverse bool) {
	lx, ly := w.lx[l], w.ly[l]
	m := max(w.nx, w.ny)
	line, band := scratch[:m], scratch[2*m:]

	doX := func() {
		if !w.splitX[l] {
			return
		}
		for iy := range ly {
			row := x[iy*w.nx : iy*w.nx+lx]
			copy(line, row)
			dwtLine(row, line[:lx], inverse)
		}
	}
	doY := func() {
		if w.splitY[l] {
			w.rowsY(x, band[:lx*ly], lx, ly, inverse)
		}
	}

	if inverse {
		doY()
		doX()
		return
	}
	doX()
	doY()
}

// rowsY runs one level of the transform along y on the band lx x ly of x, whole rows at a
// time (contiguous runs of lx values, vector kernels), through tmp (lx*ly values). The
// layout along y is that of dwtLine.
func (w *Wavelet) rowsY(x, tmp []complex64, lx, ly int, inverse bool) {
	row := func(buf []complex64, y int) []complex64 {
		if buf == nil {
			return x[y*w.nx : y*w.nx+lx]
		}
		return buf[y*lx : (y+1)*lx]
	}
	e := ly &^ 1
	h := e / 2
	odd := ly - e
	lo, hi := db2Low, db2High

	if !inverse {
		clear(tmp)
		for j := range h {
			a, d := row(tmp, j), row(tmp, h+odd+j)
			for k := range 4 {
				src := row(nil, (2*j+k)%e)
				asm.Axpy(complex(lo[k], 0), src, a)
				asm.Axpy(complex(hi[k], 0), src, d)
			}
		}
		if odd == 1 {
			copy(row(tmp, h), row(nil, ly-1))
		}
	} else {
		clear(tmp[:e*lx])
		for j := range h {
			a, d := row(nil, j), row(nil, h+odd+j)
			for k := range 4 {
				dst := row(tmp, (2*j+k)%e)
				asm.Axpy(complex(lo[k], 0), a, dst)
				asm.Axpy(complex(hi[k], 0), d, dst)
			}
		}
		if odd == 1 {
			copy(row(tmp, ly-1), row(nil, h))
		}
	}
	for y := range ly {
		copy(row(nil, y), row(tmp, y))
	}
}

// dwtLine computes one level of the 1-D transform of in into out (same length L, not
// overlapping). Forward layout: the L/2 approximation coefficients, then the last sample if
// L is odd, then the L/2 detail coefficients. The inverse reads that layout back.
func dwtLine(out, in []complex64, inverse bool) {
	n := len(in)
	e := n &^ 1
	h := e / 2
	odd := n - e
	lo, hi := db2Low, db2High

	if !inverse {
		for j := range h {
			var v0, v1, v2, v3 complex64
			if 2*j+3 < e {
				s := in[2*j : 2*j+4]
				v0, v1, v2, v3 = s[0], s[1], s[2], s[3]
			} else {
				v0, v1, v2, v3 = in[2*j], in[(2*j+1)%e], in[(2*j+2)%e], in[(2*j+3)%e]
			}
			out[j] = complex(lo[0]*real(v0)+lo[1]*real(v1)+lo[2]*real(v2)+lo[3]*real(v3),
				lo[0]*imag(v0)+lo[1]*imag(v1)+lo[2]*imag(v2)+lo[3]*imag(v3))
			out[h+odd+j] = complex(hi[0]*real(v0)+hi[1]*real(v1)+hi[2]*real(v2)+
				hi[3]*real(v3), hi[0]*imag(v0)+hi[1]*imag(v1)+hi[2]*imag(v2)+hi[3]*imag(v3))
		}
		if odd == 1 {
			out[h] = in[n-1]
		}
		return
	}

	clear(out[:e])
	for j := range h {
		a, d := in[j], in[h+odd+j]
		for k := range 4 {
			i := (2*j + k) % e
			out[i] += complex(lo[k]*real(a)+hi[k]*real(d), lo[k]*imag(a)+hi[k]*imag(d))
		}
	}
	if odd == 1 {
		out[n-1] = in[h]
	}
}
