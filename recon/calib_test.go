package recon

import (
	"errors"
	"testing"

	"github.com/cmrecon/cmrecon/internal/realdata"
	"github.com/cmrecon/cmrecon/mat"
)

// TestFindCalibration checks the calibration region of the three kinds of masks.
func TestFindCalibration(t *testing.T) {
	for _, c := range []struct {
		name string
		m    *Mask
		want Region
	}{
		// 20 ACS lines around ny/2 = 81 (lines 71..90), every 8th line elsewhere: 72 and
		// 88 are sampled anyway and inside; 70 and 91 are not, so the region stays 20.
		{"uniform", lineMask(64, 162, 1, 8, 20, false), Region{0, 71, 64, 20}},
		// The same lines in 3 identical frames.
		{"uniform frames", lineMask(64, 162, 3, 8, 20, false), Region{0, 71, 64, 20}},
		// Random lines per frame: only the ACS is common to all frames.
		{"lines per frame", lineMask(48, 60, 6, 4, 16, true), Region{0, 22, 48, 16}},
		// 2-D random points plus a 20x20 square around (24, 30): square 14..33 x 20..39.
		{"points", pointMask(48, 60, 4, 20, 0.3, 3), Region{14, 20, 20, 20}},
		// Odd sizes: centre (12, 7); 5 ACS lines 5..9.
		{"odd", lineMask(25, 15, 6, 4, 5, true), Region{0, 5, 25, 5}},
	} {
		got, err := FindCalibration(c.m)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s: region %v, want %v", c.name, got, c.want)
		}
	}

	m := pointMask(32, 32, 2, 0, 0.2, 5)
	m.Data[16+32*16] = 0
	if _, err := FindCalibration(m); !errors.Is(err, ErrNoCalibration) {
		t.Errorf("unsampled centre: error %v", err)
	}
}

// TestFindCalibrationRealMask checks the region of the real CMRxRecon 2024 Uniform8 mask
// (512x246; ACS lines 115..130 per the data description), read with package mat.
func TestFindCalibrationRealMask(t *testing.T) {
	path := realdata.Path(t, "cmrxrecon2024/cine_sax_mask_Uniform8.mat")
	f, err := mat.Open(path)
	if err != nil {
		t.Skipf("mat cannot read %s yet: %v", path, err)
	}
	defer f.Close()
	data, dims, err := f.ReadFloat32("mask", nil)
	if err != nil {
		t.Skipf("mat cannot read %s yet: %v", path, err)
	}
	if len(dims) != 2 || dims[0] != 512 || dims[1] != 246 {
		t.Fatalf("mask dims %v", dims)
	}

	got, err := FindCalibration(&Mask{NX: 512, NY: 246, NT: 1, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if want := (Region{0, 115, 512, 16}); got != want {
		t.Errorf("region %v, want %v", got, want)
	}
}

// TestLimitRegion checks that regions are cut to the calibration size around the k-space
// centre without leaving the region.
func TestLimitRegion(t *testing.T) {
	for _, c := range []struct {
		in, want   Region
		maxX, maxY int
		nx, ny     int
	}{
		{Region{0, 71, 448, 20}, Region{212, 71, 24, 20}, 24, 24, 448, 162},
		{Region{214, 71, 20, 20}, Region{214, 71, 20, 20}, 24, 24, 448, 162},
		{Region{0, 0, 96, 96}, Region{36, 36, 24, 24}, 24, 24, 96, 96},
		// Off-centre region: the window slides back inside it.
		{Region{50, 0, 30, 10}, Region{50, 0, 24, 10}, 24, 24, 96, 10},
		{Region{0, 0, 30, 10}, Region{6, 0, 24, 10}, 24, 24, 96, 10},
		{Region{0, 0, 25, 9}, Region{0, 0, 24, 9}, 24, 24, 25, 9},
	} {
		if got := limitRegion(c.in, c.maxX, c.maxY, c.nx, c.ny); got != c.want {
			t.Errorf("limitRegion(%v, %d, %d) = %v, want %v", c.in, c.maxX, c.maxY, got,
				c.want)
		}
	}
}

// TestCalibrationData checks the frame average: samples count only in the frames that
// sample them.
func TestCalibrationData(t *testing.T) {
	d := Dims{NX: 4, NY: 3, NC: 2, NZ: 2, NT: 3}
	k := &KSpace{Dims: d, Data: make([]complex64, d.Len())}
	for i := range k.Data {
		k.Data[i] = complex(float32(i), -float32(i%7))
	}
	m := &Mask{NX: 4, NY: 3, NT: 3, Data: make([]float32, 36)}
	for i := range m.Data {
		m.Data[i] = 1
	}
	m.Frame(1)[1+4*1] = 0 // (1,1) missing in frame 1

	r := Region{X0: 1, Y0: 1, NX: 2, NY: 2}
	cal, err := CalibrationData(k, m, r)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Dims != (Dims{NX: 2, NY: 2, NC: 2, NZ: 2, NT: 1}) {
		t.Fatalf("dims %v", cal.Dims)
	}
	for iz := range 2 {
		for ic := range 2 {
			for y := range 2 {
				for x := range 2 {
					src := (1 + x) + 4*(1+y)
					var sum complex128
					n := 0
					for it := range 3 {
						if m.Frame(it)[src] > 0 {
							sum += complex128(k.Plane(ic, iz, it)[src])
							n++
						}
					}
					want := complex64(sum / complex(float64(n), 0))
					if got := cal.Plane(ic, iz, 0)[x+2*y]; got != want {
						t.Errorf("(%d,%d) coil %d slice %d: %v, want %v", x, y, ic, iz,
							got, want)
					}
				}
			}
		}
	}

	if _, err := CalibrationData(k, m, Region{X0: 3, Y0: 0, NX: 2, NY: 1}); err == nil {
		t.Error("region outside k-space: no error")
	}
}
