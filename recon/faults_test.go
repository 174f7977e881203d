package recon

import (
	"errors"
	"math"
	"math/cmplx"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/asm"
)

// The tests below inject numerical faults into otherwise good problems: a coil that records
// nothing, a mask without calibration lines, coil maps that are NaN or zero, k-space without
// signal. Each must end in a clear error or a finite image, never in NaN pixels.

// faultData returns a 32x28 two-frame, one-slice simulation with 4 coils and a line mask
// with 12 calibration lines.
func faultData() ([][]*sim, *KSpace, *Mask) {
	const nx, ny, nc = 32, 28, 4
	sims := [][]*sim{{newSim(nx, ny, nc, 0, 0.2), newSim(nx, ny, nc, 0.04, 0.2)}}
	return sims, kspaceOf(sims), lineMask(nx, ny, 1, 3, 12, false)
}

// finiteImage fails the test if im has a NaN or infinite pixel.
func finiteImage(t *testing.T, what string, im *Image) {
	t.Helper()
	for i, v := range im.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("%s: pixel %d is %v", what, i, v)
		}
	}
}

// TestZeroCoil silences one coil. SENSE must still reconstruct from the other three, to the
// bound TestReconstructMaskKinds sets for four coils: three smooth coils at R = 3 with 12
// calibration lines are still well determined.
func TestZeroCoil(t *testing.T) {
	sims, k, m := faultData()
	for iz := range k.NZ {
		for it := range k.NT {
			clear(k.Plane(2, iz, it))
		}
	}

	for _, method := range []Method{MethodZeroFilled, MethodSENSE} {
		im, err := Reconstruct(k, m, Options{Method: method, Threads: 2})
		if err != nil {
			t.Fatalf("%s: %v", method, err)
		}
		finiteImage(t, string(method), im)
		if method != MethodSENSE {
			continue
		}

		s := sims[0][1]
		n := s.nx * s.ny
		clear(s.maps[2*n : 3*n]) // the truth is the RSS of the coils that recorded
		in := make([]bool, len(s.obj))
		for i, v := range s.obj {
			in[i] = cmplx.Abs(v) > 0
		}
		if e := nrmse(toFloat64(im.Plane(0, 1)), s.truth(), in); e > 0.05 {
			t.Errorf("SENSE with a silent coil: NRMSE %.4f, want at most 0.05", e)
		}
	}
}

// TestNoCalibration gives SENSE and CS a mask without a fully sampled centre: the coil maps
// cannot be estimated, which must be an error that says so; zero-filling still works.
func TestNoCalibration(t *testing.T) {
	_, k, _ := faultData()
	m := lineMask(k.NX, k.NY, 1, 4, 0, false)

	for _, method := range []Method{MethodSENSE, MethodCS} {
		_, err := Reconstruct(k, m, Options{Method: method})
		if !errors.Is(err, ErrNoCalibration) {
			t.Errorf("%s without calibration lines: error %v, want ErrNoCalibration", method,
				err)
		}
	}
	im, err := Reconstruct(k, m, Options{Method: MethodZeroFilled})
	if err != nil {
		t.Fatal(err)
	}
	finiteImage(t, "zero-filled", im)
}

// TestBadMaps hands SENSE coil maps with a NaN value, and maps that are zero everywhere (what
// ESPIRiT's crop leaves of noise-only data): both are errors, not NaN or empty images.
func TestBadMaps(t *testing.T) {
	_, k, m := faultData()
	maps, err := EstimateMaps(k, m, ESPIRiTOptions{})
	if err != nil {
		t.Fatal(err)
	}

	nan := *maps
	nan.Data = append([]complex64(nil), maps.Data...)
	nan.Data[len(nan.Data)/2] = complex(float32(math.NaN()), 0)
	if _, err := SENSE(k, m, &nan, SENSEOptions{}); err == nil ||
		!strings.Contains(err.Error(), "NaN") {
		t.Errorf("SENSE with a NaN map value: error %v, want one naming NaN", err)
	}

	zero := *maps
	zero.Data = make([]complex64, len(maps.Data))
	if _, err := SENSE(k, m, &zero, SENSEOptions{}); err == nil ||
		!strings.Contains(err.Error(), "zero") {
		t.Errorf("SENSE with all-zero maps: error %v, want one saying they are zero", err)
	}
}

// TestNoSignal reconstructs k-space that is zero at every sample of a valid mask: there is
// nothing to calibrate maps from, so SENSE must refuse, and zero-filling gives a zero image.
func TestNoSignal(t *testing.T) {
	_, k, m := faultData()
	clear(k.Data)

	if _, err := Reconstruct(k, m, Options{Method: MethodSENSE}); err == nil {
		t.Errorf("SENSE of k-space without signal: no error")
	}
	im, err := Reconstruct(k, m, Options{Method: MethodZeroFilled})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range im.Data {
		if v != 0 {
			t.Fatalf("zero-filled image of zero k-space: pixel %d is %v", i, v)
		}
	}
}

// TestDeterministic checks that SENSE gives bit-identical images when run twice with the
// same thread count, and the same image on one and two threads: each slice/frame problem
// is solved by one goroutine in a fixed order of operations, so the thread count only
// changes which goroutine solves it.
func TestDeterministic(t *testing.T) {
	_, k, m := faultData()
	run := func(threads int) *Image {
		im, err := Reconstruct(k, m, Options{Method: MethodSENSE, Threads: threads})
		if err != nil {
			t.Fatal(err)
		}
		return im
	}

	a, b, c := run(2), run(2), run(1)
	for i := range a.Data {
		if a.Data[i] != b.Data[i] {
			t.Fatalf("two runs on 2 threads differ at pixel %d: %v, %v", i, a.Data[i],
				b.Data[i])
		}
		if a.Data[i] != c.Data[i] {
			t.Fatalf("1 and 2 threads differ at pixel %d: %v, %v", i, c.Data[i], a.Data[i])
		}
	}
}

// TestAcrossPaths reconstructs the same data on every kernel path the machine has (pure Go,
// AVX2, AVX-512): the images may differ only by float32 rounding. The kernels round
// differently (fused multiply-adds, summation order in the dot products), and 30 CG
// iterations carry a relative change of about 1e-7 per operation into the result (measured:
// 7e-7 relative RMS on a Zen 4); 1e-5 leaves room for other CPUs and still catches a wrong
// kernel, which moves the image by 1e-2 or more.
func TestAcrossPaths(t *testing.T) {
	_, k, m := faultData()
	var ref *Image
	for _, p := range asm.Available() {
		restore, err := asm.Force(p)
		if err != nil {
			t.Fatal(err)
		}
		im, err := Reconstruct(k, m, Options{Method: MethodSENSE, Threads: 2})
		restore()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if ref == nil {
			ref = im
			continue
		}
		e := nrmse(toFloat64(im.Data), toFloat64(ref.Data), nil)
		t.Logf("path %s: %.3g relative RMS from %s", p, e, asm.Available()[0])
		if e > 1e-5 {
			t.Errorf("path %s differs from %s by %.3g relative RMS", p, asm.Available()[0], e)
		}
	}
}

// TestSingularNormal runs CG on normal equations that are singular: an operator that maps
// everything to zero, and one that annihilates half of the space while b has a component
// there. CG must stop or go on with finite iterates, never divide by a zero curvature.
func TestSingularNormal(t *testing.T) {
	const n = 64
	b := make([]complex64, n)
	for i := range b {
		b[i] = complex(float32(i%7)-3, float32(i%5))
	}

	zero := func(dst, _ []complex64) { clear(dst) }
	half := func(dst, x []complex64) {
		for i, v := range x {
			dst[i] = 0
			if i%2 == 0 {
				dst[i] = complex(float32(1+i), 0) * v
			}
		}
	}
	for name, normal := range map[string]func(dst, x []complex64){"zero": zero, "half": half} {
		x := make([]complex64, n)
		r := ConjugateGradient(normal, b, x, CGOptions{Iterations: 50})
		for i, v := range x {
			if cmplx.IsNaN(complex128(v)) || cmplx.IsInf(complex128(v)) {
				t.Fatalf("%s: x[%d] = %v after %d iterations", name, i, v, r.Iterations)
			}
		}
		if math.IsNaN(r.Residual) {
			t.Errorf("%s: residual NaN", name)
		}
	}
}
