package challenge

import (
	"fmt"

	"github.com/cmrecon/cmrecon/recon"
)

// CheckMask reports whether m is a well-formed challenge mask: every size at least 1, Data of
// length NX*NY*NT, and every value exactly 0 or 1. The error names the first problem found.
func CheckMask(m *recon.Mask) error {
	if !maskShapeOK(m) {
		if m == nil {
			return fmt.Errorf("challenge: mask is nil")
		}
		return fmt.Errorf("challenge: mask %dx%dx%d with %d values: want %d", m.NX, m.NY, m.NT,
			len(m.Data), max(m.NX, 0)*max(m.NY, 0)*max(m.NT, 0))
	}

	for i, v := range m.Data {
		if v != 0 && v != 1 {
			x, y, t := i%m.NX, i/m.NX%m.NY, i/(m.NX*m.NY)
			return fmt.Errorf("challenge: mask value %g at (x=%d, y=%d, t=%d): want 0 or 1",
				v, x, y, t)
		}
	}
	return nil
}

func maskShapeOK(m *recon.Mask) bool {
	return m != nil && m.NX >= 1 && m.NY >= 1 && m.NT >= 1 &&
		m.NX <= maxElems/m.NY/m.NT && len(m.Data) == m.NX*m.NY*m.NT
}

// IsLineMask reports whether every ky line of every frame of m is either fully sampled or
// empty along kx, as in Uniform and ktGaussian masks. A ktRadial mask is not: it samples a
// 2-D pattern per frame. Any non-zero value counts as sampled. It returns false for a mask
// whose Data does not match its sizes.
func IsLineMask(m *recon.Mask) bool {
	if !maskShapeOK(m) {
		return false
	}

	for t := 0; t < m.NT; t++ {
		f := m.Frame(t)
		for y := 0; y < m.NY; y++ {
			col := f[y*m.NX : (y+1)*m.NX]
			on := col[0] != 0
			for _, v := range col[1:] {
				if (v != 0) != on {
					return false
				}
			}
		}
	}
	return true
}

// CalibrationRegion finds the fully sampled calibration (ACS) region of a mask and returns it
// as half-open index ranges [kxLo, kxHi) × [kyLo, kyHi), valid in every frame. The centre of
// an axis of length n is n/2.
//
// For a line mask (IsLineMask), the region spans all of kx and the longest run of ky lines
// that contains the centre line and is sampled in every frame. Such a run may be one line
// longer on one side than on the other (a regular line next to the ACS block joins it). For a
// 2-D mask, the region is the largest square of side n placed as the generator places its
// ACS, starting at NX/2 − n/2 and NY/2 − n/2, that is sampled in every frame.
//
// ok is false when the centre sample is not sampled in every frame, or when m is malformed
// (see CheckMask); the ranges are then zero. Any non-zero value counts as sampled.
func CalibrationRegion(m *recon.Mask) (kxLo, kxHi, kyLo, kyHi int, ok bool) {
	if !maskShapeOK(m) {
		return 0, 0, 0, 0, false
	}

	common := make([]bool, m.NX*m.NY)
	for i := range common {
		common[i] = true
	}
	for t := 0; t < m.NT; t++ {
		for i, v := range m.Frame(t) {
			if v == 0 {
				common[i] = false
			}
		}
	}

	if IsLineMask(m) {
		c := m.NY / 2
		if !common[m.NX*c] {
			return 0, 0, 0, 0, false
		}
		lo, hi := c, c+1
		for lo > 0 && common[m.NX*(lo-1)] {
			lo--
		}
		for hi < m.NY && common[m.NX*hi] {
			hi++
		}
		return 0, m.NX, lo, hi, true
	}

	best := 0
	for n := 1; n <= min(m.NX, m.NY); n++ {
		if !squareSampled(common, m.NX, m.NY, n) {
			break
		}
		best = n
	}
	if best == 0 {
		return 0, 0, 0, 0, false
	}
	x0, y0 := m.NX/2-best/2, m.NY/2-best/2
	return x0, x0 + best, y0, y0 + best, true
}

// squareSampled reports whether the centred n×n square is sampled everywhere in common. The
// squares of successive n are nested, so the caller can stop at the first failure.
func squareSampled(common []bool, nx, ny, n int) bool {
	x0, y0 := nx/2-n/2, ny/2-n/2
	for y := y0; y < y0+n; y++ {
		for x := x0; x < x0+n; x++ {
			if !common[x+nx*y] {
				return false
			}
		}
	}
	return true
}
