package recon

import (
	"errors"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
)

// TestZeroFilledMatchesDFT compares the zero-filled reconstruction with the RSS of per-coil
// inverse DFTs computed by direct summation in float64, on random k-space of odd and even
// sizes with a per-frame mask. The float32 FFT's error is a few float32 epsilons (1.2e-7)
// times the transform's norm growth; 1e-5 of the image maximum leaves ample room while a
// wrong centring (a one-pixel shift or a phase ramp) or scale fails by O(1).
func TestZeroFilledMatchesDFT(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, d := range []Dims{{15, 9, 3, 2, 2}, {16, 12, 2, 1, 3}, {7, 10, 1, 1, 1}} {
		k := &KSpace{Dims: d, Data: randomVec(rng, d.Len())}
		m := lineMask(d.NX, d.NY, d.NT, 3, 2, true)

		got, err := Reconstruct(k, m, Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		masked := &KSpace{Dims: d, Data: slices.Clone(k.Data)}
		if err := ApplyMask(masked, m); err != nil {
			t.Fatal(err)
		}
		got2, err := ZeroFilled(masked, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Data, got2.Data) {
			t.Errorf("%v: Reconstruct(zf) and ApplyMask+ZeroFilled differ", d)
		}

		n := d.NX * d.NY
		var worst, peak float64
		for it := range d.NT {
			for iz := range d.NZ {
				sum := make([]float64, n)
				for ic := range d.NC {
					plane := make([]complex128, n)
					for i, v := range masked.Plane(ic, iz, it) {
						plane[i] = complex128(v)
					}
					for i, v := range dft2(plane, d.NX, d.NY, +1) {
						sum[i] += real(v)*real(v) + imag(v)*imag(v)
					}
				}
				for i, s := range sum {
					want := math.Sqrt(s)
					peak = max(peak, want)
					worst = max(worst, math.Abs(float64(got.Plane(iz, it)[i])-want))
				}
			}
		}
		if worst > 1e-5*peak {
			t.Errorf("%v: largest difference from the float64 DFT %.3g (image max %.3g)", d,
				worst, peak)
		}
	}
}

// TestReconstructMaskKinds runs both methods on 5-D data (2 slices with different coil
// maps, 2 frames with a moving object) and 4-D data, with every kind of mask: lines fixed
// over time (one frame or repeated), lines per frame and 2-D points per frame. Each
// slice/frame is compared with its own truth, so mixing up planes fails. Bounds: SENSE NRMSE
// below 0.05 and below a third of ZF's (measured 0.005-0.020 against 0.065-0.12).
func TestReconstructMaskKinds(t *testing.T) {
	const nx, ny, nc = 32, 28, 4
	build := func(nz, nt int) [][]*sim {
		sims := make([][]*sim, nz)
		for iz := range nz {
			for it := range nt {
				sims[iz] = append(sims[iz], newSim(nx, ny, nc, 0.04*float64(it), 0.8*float64(iz)))
			}
		}
		return sims
	}

	for _, c := range []struct {
		name   string
		nz, nt int
		mask   *Mask
	}{
		{"5-D lines, one mask", 2, 2, lineMask(nx, ny, 1, 3, 12, false)},
		{"5-D lines, repeated", 2, 2, lineMask(nx, ny, 2, 3, 12, false)},
		{"5-D lines per frame", 2, 2, lineMask(nx, ny, 2, 2, 12, true)},
		{"5-D points per frame", 2, 2, pointMask(nx, ny, 2, 12, 0.3, 3)},
		{"4-D lines", 3, 1, lineMask(nx, ny, 1, 3, 12, false)},
	} {
		sims := build(c.nz, c.nt)
		k := kspaceOf(sims)
		zf, err := Reconstruct(k, c.mask, Options{Method: MethodZeroFilled})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		se, err := Reconstruct(k, c.mask, Options{Method: MethodSENSE, Threads: 2})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if se.NX != nx || se.NY != ny || se.NZ != c.nz || se.NT != c.nt {
			t.Fatalf("%s: image is %dx%dx%dx%d", c.name, se.NX, se.NY, se.NZ, se.NT)
		}

		for iz := range c.nz {
			for it := range c.nt {
				s := sims[iz][it]
				in := make([]bool, nx*ny)
				for i, v := range s.obj {
					in[i] = cmplx.Abs(v) > 0
				}
				truth := s.truth()
				ezf := nrmse(toFloat64(zf.Plane(iz, it)), truth, in)
				ese := nrmse(toFloat64(se.Plane(iz, it)), truth, in)
				if ese > 0.05 || 3*ese > ezf {
					t.Errorf("%s, slice %d frame %d: NRMSE SENSE %.4f, zero-filled %.4f",
						c.name, iz, it, ese, ezf)
				}
			}
		}
	}
}

// TestReconstructErrors checks the input validation and its messages.
func TestReconstructErrors(t *testing.T) {
	d := Dims{NX: 16, NY: 12, NC: 2, NZ: 2, NT: 3}
	k := &KSpace{Dims: d, Data: make([]complex64, d.Len())}
	for i := range k.Data {
		k.Data[i] = complex(float32(i%13), 1)
	}
	m := lineMask(16, 12, 3, 2, 4, false)

	expect := func(name string, err error, parts ...string) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error", name)
			return
		}
		for _, p := range parts {
			if !strings.Contains(err.Error(), p) {
				t.Errorf("%s: error %q does not mention %q", name, err, p)
			}
		}
	}

	_, err := Reconstruct(k, lineMask(16, 10, 3, 2, 4, false), Options{})
	expect("mask size", err, "16x10x3", "16x12")
	_, err = Reconstruct(k, lineMask(16, 12, 2, 2, 4, false), Options{})
	expect("mask frames", err, "16x12x2", "1 or 3 frames")
	_, err = Reconstruct(&KSpace{Dims: d, Data: k.Data[:10]}, m, Options{})
	expect("short data", err, "10")
	_, err = Reconstruct(k, m, Options{Method: "grappa"})
	expect("method", err, "grappa")
	_, err = Reconstruct(k, m, Options{Method: MethodSENSE, Lambda: -1})
	expect("lambda", err, "lambda")

	bad := &KSpace{Dims: d, Data: slices.Clone(k.Data)}
	bad.Plane(1, 1, 2)[3+16*4] = complex(float32(math.NaN()), 0)
	bad.Plane(0, 0, 2)[0] = complex(0, float32(math.Inf(-1)))
	bad.Data[len(bad.Data)-1] = complex(float32(math.Inf(1)), 0)
	_, err = Reconstruct(bad, m, Options{})
	expect("non-finite", err, "3 non-finite", "1 NaN", "2 Inf",
		"(ix=0, iy=0, ic=0, iz=0, it=2)")

	nocal := lineMask(16, 12, 3, 2, 0, false)
	for i := range nocal.Data {
		if (i/16)%12 == 6 {
			nocal.Data[i] = 0
		}
	}
	_, err = Reconstruct(k, nocal, Options{Method: MethodSENSE})
	if !errors.Is(err, ErrNoCalibration) {
		t.Errorf("no calibration region: SENSE error %v", err)
	}
	if _, err := Reconstruct(k, nocal, Options{}); err != nil {
		t.Errorf("no calibration region: zero filling failed: %v", err)
	}

	_, err = SENSE(k, m, &CoilMaps{NX: 16, NY: 12, NC: 3, NZ: 2}, SENSEOptions{})
	expect("maps", err, "16x12x3x2")
	maps := &CoilMaps{NX: 16, NY: 12, NC: 2, NZ: 2, Data: make([]complex64, 16*12*4)}
	for i := range maps.Data {
		maps.Data[i] = 0.5
	}
	_, err = SENSE(k, m, maps, SENSEOptions{Init: &ComplexImage{NX: 16, NY: 12, NZ: 2, NT: 1}})
	expect("init", err, "initial image")
}

// TestSENSEProgress checks the progress reports of a parallel solve: every iteration and
// every finished problem is reported, calls never overlap, and the count of solved
// problems reaches the total. It also checks the warm start: starting from a converged
// solution, the tolerance is met at once.
func TestSENSEProgress(t *testing.T) {
	sims := [][]*sim{{newSim(16, 16, 2, 0, 0), newSim(16, 16, 2, 0.05, 0)},
		{newSim(16, 16, 2, 0, 1), newSim(16, 16, 2, 0.05, 1)}}
	k := kspaceOf(sims)
	m := lineMask(16, 16, 1, 2, 8, false)
	maps, err := EstimateMaps(k, m, ESPIRiTOptions{Kernel: 4, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}

	var inside atomic.Int32
	var iterations, finished, lastSolved int
	opts := SENSEOptions{Iterations: 7, Threads: 3, Progress: func(p Progress) {
		if inside.Add(1) != 1 {
			t.Error("overlapping progress calls")
		}
		defer inside.Add(-1)
		if p.Total != 4 {
			t.Errorf("total %d", p.Total)
		}
		if p.Finished {
			finished++
			lastSolved = p.Solved
		} else {
			iterations++
		}
	}}
	x, err := SENSE(k, m, maps, opts)
	if err != nil {
		t.Fatal(err)
	}
	if iterations != 4*7 || finished != 4 || lastSolved != 4 {
		t.Errorf("%d iteration reports, %d finished, last solved count %d", iterations,
			finished, lastSolved)
	}

	opts = SENSEOptions{Iterations: 200, Tolerance: 1e-4, Init: x}
	x, err = SENSE(k, m, maps, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Init = x
	opts.Progress = func(p Progress) {
		if p.Iteration > 0 {
			t.Errorf("warm start from a converged solution iterated (%+v)", p)
		}
	}
	if _, err := SENSE(k, m, maps, opts); err != nil {
		t.Fatal(err)
	}
}
