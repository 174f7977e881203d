package recon

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
	"testing"
)

// noisyCine simulates nz slices of nt frames of a moving object seen by nc coils and adds
// complex Gaussian noise of standard deviation sigma to every k-space sample.
func noisyCine(nx, ny, nc, nz, nt int, sigma float64) ([][]*sim, *KSpace) {
	sims := make([][]*sim, nz)
	for iz := range nz {
		for it := range nt {
			sims[iz] = append(sims[iz], newSim(nx, ny, nc, 0.03*float64(it), 0.8*float64(iz)))
		}
	}
	k := kspaceOf(sims)
	rng := rand.New(rand.NewPCG(11, 11))
	for i := range k.Data {
		k.Data[i] += complex(float32(sigma*rng.NormFloat64()/math.Sqrt2),
			float32(sigma*rng.NormFloat64()/math.Sqrt2))
	}
	return sims, k
}

// TestReconstructCS runs CS through Reconstruct on noisy 5-D data (2 slices with different
// coils, 4 frames of a moving object) with each kind of mask at an acceleration where SENSE
// amplifies noise, and checks every slice and frame against its own truth: the NRMSE of CS
// (noise floor off) must be below 0.8 of SENSE's and below a third of zero filling's
// (measured 0.27-0.33 of SENSE's). The noise floor must add one positive constant to the
// squared output (TestResidualNoise checks the estimate itself).
func TestReconstructCS(t *testing.T) {
	const nx, ny, nc, nz, nt = 40, 32, 4, 2, 4
	const sigma = 0.01
	sims, k := noisyCine(nx, ny, nc, nz, nt, sigma)
	regs := []Regularizer{{Kind: RegWavelet, Lambda: 0.001}, {Kind: RegTV, Lambda: 0.001},
		{Kind: RegTTV, Lambda: 0.01}}

	for _, c := range []struct {
		name string
		mask *Mask
	}{
		{"lines", lineMask(nx, ny, 1, 4, 12, false)},
		{"kt-lines", lineMask(nx, ny, nt, 6, 12, true)},
		{"kt-2d", pointMask(nx, ny, nt, 12, 0.12, 5)},
	} {
		zf, err := Reconstruct(k, c.mask, Options{})
		if err != nil {
			t.Fatal(err)
		}
		se, err := Reconstruct(k, c.mask, Options{Method: MethodSENSE, Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		co := CSOptions{Regularizers: regs, NoiseFloor: NoiseFloorOff}
		cs, err := Reconstruct(k, c.mask, Options{Method: MethodCS, Threads: 2, CS: co})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var worst float64
		for iz := range nz {
			for it := range nt {
				s := sims[iz][it]
				in := make([]bool, nx*ny)
				for i, v := range s.obj {
					in[i] = cmplx.Abs(v) > 0
				}
				truth := s.truth()
				ezf := nrmse(toFloat64(zf.Plane(iz, it)), truth, in)
				ese := nrmse(toFloat64(se.Plane(iz, it)), truth, in)
				ecs := nrmse(toFloat64(cs.Plane(iz, it)), truth, in)
				worst = max(worst, ecs/ese)
				if ecs > 0.8*ese || 3*ecs > ezf {
					t.Errorf("%s, slice %d frame %d: NRMSE CS %.4f, SENSE %.4f, zero-filled "+
						"%.4f", c.name, iz, it, ecs, ese, ezf)
				}
			}
		}
		t.Logf("%s: worst CS/SENSE NRMSE ratio %.3f", c.name, worst)
	}

	m := pointMask(nx, ny, nt, 12, 0.2, 5)
	var out [2]*Image
	for i, f := range []NoiseFloor{NoiseFloorOff, NoiseFloorAuto} {
		var err error
		out[i], err = Reconstruct(k, m, Options{Method: MethodCS, Threads: 2,
			CS: CSOptions{Regularizers: regs, NoiseFloor: f}})
		if err != nil {
			t.Fatal(err)
		}
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, v := range out[1].Data {
		u := out[0].Data[i]
		d := float64(v)*float64(v) - float64(u)*float64(u)
		lo, hi = min(lo, d), max(hi, d)
	}
	if !(lo > 0) || hi-lo > 1e-6+1e-3*lo {
		t.Errorf("noise floor: squared output minus squared denoised output ranges over "+
			"[%.4g, %.4g], want one positive constant", lo, hi)
	}
}

// TestCSTwoSets reconstructs an object folded into half its field of view (see
// TestESPIRiTTwoMaps), where one set of maps cannot explain the overlap: with two sets the
// error against the folded truth (the RSS of the folded coil images) must be below 0.75 of
// that with one set (measured 0.58).
func TestCSTwoSets(t *testing.T) {
	k, _ := foldedKSpace()
	all := lineMask(48, 40, 1, 1, 0, false)
	truth, err := Reconstruct(k, all, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := lineMask(48, 40, 1, 2, 12, false)
	errs := map[int]float64{}
	for _, sets := range []int{1, 2} {
		img, err := Reconstruct(k, m, Options{Method: MethodCS, Threads: 2,
			ESPIRiT: ESPIRiTOptions{Maps: sets},
			CS: CSOptions{Regularizers: []Regularizer{{Kind: RegWavelet, Lambda: 0.001}},
				NoiseFloor: NoiseFloorOff}})
		if err != nil {
			t.Fatal(err)
		}
		errs[sets] = nrmse(toFloat64(img.Data), toFloat64(truth.Data), nil)
	}
	if errs[2] > 0.75*errs[1] {
		t.Errorf("NRMSE with two sets %.4f, with one %.4f", errs[2], errs[1])
	}
	t.Logf("NRMSE: one set %.4f, two sets %.4f", errs[1], errs[2])
}
