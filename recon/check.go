package recon

import (
	"errors"
	"fmt"
	"math"
)

// ErrNoCalibration reports a mask without a fully sampled calibration region around the
// k-space centre, which SENSE needs to estimate coil sensitivities. Errors that wrap it are
// matched with errors.Is.
var ErrNoCalibration = errors.New("recon: no calibration region")

// checkKSpace reports a nil k-space, invalid dims or a data slice of the wrong length.
func checkKSpace(k *KSpace) error {
	if k == nil {
		return errors.New("recon: nil k-space")
	}
	if !k.Valid() {
		return fmt.Errorf("recon: invalid k-space dims %v", k.Dims)
	}
	if len(k.Data) != k.Len() {
		return fmt.Errorf("recon: k-space dims %v need %d values, data has %d",
			k.Dims, k.Len(), len(k.Data))
	}
	return nil
}

// checkMask reports a mask that cannot be applied to k-space of nx x ny samples and nt
// frames: nil, wrong in-plane size, a frame count other than 1 or nt, a data slice of the
// wrong length, or a weight that is negative, NaN or infinite.
func checkMask(m *Mask, nx, ny, nt int) error {
	if m == nil {
		return errors.New("recon: nil mask")
	}
	if m.NX != nx || m.NY != ny || (m.NT != 1 && m.NT != nt) {
		return fmt.Errorf("recon: mask is %dx%dx%d, k-space needs %dx%d with 1 or %d frames",
			m.NX, m.NY, m.NT, nx, ny, nt)
	}
	if len(m.Data) != m.NX*m.NY*m.NT {
		return fmt.Errorf("recon: mask dims %dx%dx%d need %d values, data has %d",
			m.NX, m.NY, m.NT, m.NX*m.NY*m.NT, len(m.Data))
	}
	for i, v := range m.Data {
		if !(v >= 0) || math.IsInf(float64(v), 0) {
			ix, iy, it := i%nx, i/nx%ny, i/(nx*ny)
			return fmt.Errorf("recon: mask value %v at (ix=%d, iy=%d, it=%d) is not a "+
				"finite non-negative weight", v, ix, iy, it)
		}
	}
	return nil
}

// CheckFinite returns an error when k holds NaN or infinite values. The error gives how many
// there are and the 0-based (ix, iy, ic, iz, it) index of the first.
func CheckFinite(k *KSpace) error {
	if err := checkKSpace(k); err != nil {
		return err
	}

	var nan, inf int
	first := -1
	for i, v := range k.Data {
		re, im := float64(real(v)), float64(imag(v))
		switch {
		case math.IsNaN(re) || math.IsNaN(im):
			nan++
		case math.IsInf(re, 0) || math.IsInf(im, 0):
			inf++
		default:
			continue
		}
		if first < 0 {
			first = i
		}
	}
	if first < 0 {
		return nil
	}

	d := k.Dims
	ix := first % d.NX
	iy := first / d.NX % d.NY
	ic := first / (d.NX * d.NY) % d.NC
	iz := first / (d.NX * d.NY * d.NC) % d.NZ
	it := first / (d.NX * d.NY * d.NC * d.NZ)
	return fmt.Errorf("recon: k-space has %d non-finite values (%d NaN, %d Inf); first at "+
		"(ix=%d, iy=%d, ic=%d, iz=%d, it=%d)", nan+inf, nan, inf, ix, iy, ic, iz, it)
}
