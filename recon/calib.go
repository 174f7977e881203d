package recon

import "fmt"

// Region is a rectangle of k-space samples: kx indices X0 .. X0+NX-1 and ky indices
// Y0 .. Y0+NY-1 (0-based).
type Region struct {
	X0, Y0, NX, NY int
}

// String formats the region as "NXxNY at (X0,Y0)".
func (r Region) String() string {
	return fmt.Sprintf("%dx%d at (%d,%d)", r.NX, r.NY, r.X0, r.Y0)
}

// FindCalibration returns the calibration (autocalibration, ACS) region of a mask: the
// largest rectangle around the k-space centre (nx/2, ny/2) that every frame samples fully.
//
// The rectangle starts at the centre sample and grows one row or column at a time, taking the
// four sides in turn and extending a side only while the new row or column is sampled in every
// frame. For the challenge's line masks (Uniform, ktGaussian) this gives the central block of
// ky lines over the full kx range (20 lines in 2025, 16 in 2024); for ktRadial it gives the
// central square (20x20 in 2025). When the centre itself is not sampled in every frame the
// error wraps ErrNoCalibration.
func FindCalibration(m *Mask) (Region, error) {
	if m == nil {
		return Region{}, fmt.Errorf("recon: nil mask")
	}
	if err := checkMask(m, m.NX, m.NY, m.NT); err != nil {
		return Region{}, err
	}

	nx, ny := m.NX, m.NY
	common := make([]bool, nx*ny)
	for i := range common {
		common[i] = true
		for it := range m.NT {
			if m.Data[it*nx*ny+i] <= 0 {
				common[i] = false
				break
			}
		}
	}

	cx, cy := nx/2, ny/2
	if !common[cx+nx*cy] {
		return Region{}, fmt.Errorf("%w: the k-space centre (%d,%d) is not sampled in every "+
			"frame", ErrNoCalibration, cx, cy)
	}

	x0, x1, y0, y1 := cx, cx, cy, cy
	column := func(x int) bool {
		for y := y0; y <= y1; y++ {
			if !common[x+nx*y] {
				return false
			}
		}
		return true
	}
	row := func(y int) bool {
		for x := x0; x <= x1; x++ {
			if !common[x+nx*y] {
				return false
			}
		}
		return true
	}
	for grew := true; grew; {
		grew = false
		if x0 > 0 && column(x0-1) {
			x0--
			grew = true
		}
		if x1 < nx-1 && column(x1+1) {
			x1++
			grew = true
		}
		if y0 > 0 && row(y0-1) {
			y0--
			grew = true
		}
		if y1 < ny-1 && row(y1+1) {
			y1++
			grew = true
		}
	}
	return Region{X0: x0, Y0: y0, NX: x1 - x0 + 1, NY: y1 - y0 + 1}, nil
}

// limitRegion shrinks r to at most maxX x maxY samples, keeping the part closest to being
// centred on the k-space centre (nx/2, ny/2).
func limitRegion(r Region, maxX, maxY, nx, ny int) Region {
	fit := func(start, n, limit, centre int) (int, int) {
		if n <= limit {
			return start, n
		}
		s := centre - limit/2
		s = max(s, start)
		s = min(s, start+n-limit)
		return s, limit
	}

	r.X0, r.NX = fit(r.X0, r.NX, maxX, nx/2)
	r.Y0, r.NY = fit(r.Y0, r.NY, maxY, ny/2)
	return r
}

// CalibrationData extracts the samples of region r from every coil and slice of k, averaged
// over the frames whose mask samples them (for a region found by FindCalibration that is
// every frame). The result is an r.NX x r.NY x nc x nz k-space with one frame: the
// time-averaged calibration data from which ESPIRiT estimates coil sensitivities, as is common
// practice for cine, whose coil sensitivities change little over the cardiac cycle.
func CalibrationData(k *KSpace, m *Mask, r Region) (*KSpace, error) {
	if err := checkKSpace(k); err != nil {
		return nil, err
	}
	if err := checkMask(m, k.NX, k.NY, k.NT); err != nil {
		return nil, err
	}
	if r.NX < 1 || r.NY < 1 || r.X0 < 0 || r.Y0 < 0 || r.X0+r.NX > k.NX || r.Y0+r.NY > k.NY {
		return nil, fmt.Errorf("recon: calibration region %v outside %dx%d k-space",
			r, k.NX, k.NY)
	}

	d := Dims{NX: r.NX, NY: r.NY, NC: k.NC, NZ: k.NZ, NT: 1}
	cal := &KSpace{Dims: d, Data: make([]complex64, d.Len())}
	for y := range r.NY {
		for x := range r.NX {
			src := (r.X0 + x) + k.NX*(r.Y0+y)
			var frames []int
			for it := range k.NT {
				if m.Frame(it)[src] > 0 {
					frames = append(frames, it)
				}
			}
			if len(frames) == 0 {
				return nil, fmt.Errorf("%w: sample (%d,%d) of region %v is never sampled",
					ErrNoCalibration, r.X0+x, r.Y0+y, r)
			}

			for iz := range k.NZ {
				for ic := range k.NC {
					var sr, si float64
					for _, it := range frames {
						v := k.Plane(ic, iz, it)[src]
						sr += float64(real(v))
						si += float64(imag(v))
					}
					n := float64(len(frames))
					cal.Plane(ic, iz, 0)[x+r.NX*y] = complex(float32(sr/n), float32(si/n))
				}
			}
		}
	}
	return cal, nil
}
