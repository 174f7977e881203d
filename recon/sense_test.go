package recon

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
)

// randomVec returns n complex values with independent standard normal parts.
func randomVec(rng *rand.Rand, n int) []complex64 {
	v := make([]complex64, n)
	for i := range v {
		v[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	return v
}

// cdot returns <a, b> = sum conj(a_i) b_i in complex128.
func cdot(a, b []complex64) complex128 {
	var s complex128
	for i := range a {
		s += cmplx.Conj(complex128(a[i])) * complex128(b[i])
	}
	return s
}

// cnorm returns the Euclidean norm of v.
func cnorm(v []complex64) float64 { return math.Sqrt(real(cdot(v, v))) }

// testOp builds a SenseOp with random maps and a random 0/1 mask (odd sizes included, where
// the centred FFT is not a plain sign alternation).
func testOp(t *testing.T, rng *rand.Rand, nx, ny, nc int, weights bool) *SenseOp {
	t.Helper()
	maps := randomVec(rng, nc*nx*ny)
	mask := make([]float32, nx*ny)
	for i := range mask {
		switch {
		case weights:
			mask[i] = float32(rng.Float64())
		case rng.IntN(3) == 0:
			mask[i] = 1
		}
	}
	op, err := NewSenseOp(nx, ny, nc, maps, mask)
	if err != nil {
		t.Fatal(err)
	}
	return op
}

// TestSenseOpAdjoint checks <A x, y> = <x, A^H y> for random x, y, maps and masks. Both
// sides are sums of about nc*nx*ny float32 products of unit-scale values; their relative
// difference must stay within 1e-5, a few hundred float32 epsilons (1.2e-7) as expected of
// float32 FFTs of this size. A wrong conjugation, scale or FFT direction gives O(1).
func TestSenseOpAdjoint(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		nx, ny, nc int
		weights    bool
	}{{16, 12, 3, false}, {15, 9, 2, false}, {14, 11, 4, true}, {1, 7, 1, false}} {
		op := testOp(t, rng, c.nx, c.ny, c.nc, c.weights)
		x := randomVec(rng, op.ImageLen())
		y := randomVec(rng, op.DataLen())

		ax := make([]complex64, op.DataLen())
		op.Forward(ax, x)
		ahy := make([]complex64, op.ImageLen())
		op.Adjoint(ahy, y, nil)

		lhs, rhs := cdot(ax, y), cdot(x, ahy)
		rel := cmplx.Abs(lhs-rhs) / (cnorm(ax)*cnorm(y) + cnorm(x)*cnorm(ahy))
		if rel > 1e-5 {
			t.Errorf("%dx%dx%d: <Ax,y> = %v, <x,A^H y> = %v (relative difference %.2g)",
				c.nx, c.ny, c.nc, lhs, rhs, rel)
		}
	}
}

// TestSenseOpNormal checks that Normal equals Adjoint(Forward(x)) elementwise and that
// <x, A^H A x> = |A x|^2, both to float32 precision (relative 1e-5, as above).
func TestSenseOpNormal(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, weights := range []bool{false, true} {
		op := testOp(t, rng, 13, 10, 3, weights)
		x := randomVec(rng, op.ImageLen())

		ax := make([]complex64, op.DataLen())
		op.Forward(ax, x)
		want := make([]complex64, op.ImageLen())
		op.Adjoint(want, ax, nil)
		got := make([]complex64, op.ImageLen())
		op.Normal(got, x, make([]complex64, op.ImageLen()))

		diff := make([]complex64, len(got))
		for i := range got {
			diff[i] = got[i] - want[i]
		}
		if rel := cnorm(diff) / cnorm(want); rel > 1e-5 {
			t.Errorf("weights=%v: |Normal x - A^H A x| / |A^H A x| = %.2g", weights, rel)
		}

		q := cdot(x, got)
		ax2 := real(cdot(ax, ax))
		if rel := cmplx.Abs(q-complex(ax2, 0)) / ax2; rel > 1e-5 {
			t.Errorf("weights=%v: <x, A^H A x> = %v, |Ax|^2 = %v", weights, q, ax2)
		}
	}
}

// TestConjugateGradientConverges solves a small Hermitian positive definite system with a
// known solution: a diagonal operator with condition number 100 applied through a unitary
// FFT pair, so the test does not depend on SenseOp.
func TestConjugateGradientConverges(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	nx, ny := 12, 10
	n := nx * ny
	plan := plan2D(nx, ny)
	diag := make([]float32, n)
	for i := range diag {
		diag[i] = float32(1 + 99*rng.Float64())
	}
	normal := func(dst, x []complex64) {
		copy(dst, x)
		plan.CenteredForward(dst)
		for i, d := range diag {
			dst[i] *= complex(d, 0)
		}
		plan.CenteredInverse(dst)
	}

	truth := randomVec(rng, n)
	b := make([]complex64, n)
	normal(b, truth)

	x := make([]complex64, n)
	var calls int
	res := ConjugateGradient(normal, b, x, CGOptions{Iterations: 200, Tolerance: 1e-6,
		Progress: func(int, float64) { calls++ }})
	if res.Residual > 1e-6 || res.Iterations == 200 {
		t.Fatalf("CG stopped after %d iterations at residual %.3g", res.Iterations,
			res.Residual)
	}
	if calls != res.Iterations {
		t.Errorf("progress called %d times for %d iterations", calls, res.Iterations)
	}

	// The error is at most cond(N) * residual = 1e-4 in exact arithmetic; float32 storage
	// adds about 1e-6.
	diff := make([]complex64, n)
	for i := range x {
		diff[i] = x[i] - truth[i]
	}
	if rel := cnorm(diff) / cnorm(truth); rel > 2e-4 {
		t.Errorf("relative error %.3g after %d iterations", rel, res.Iterations)
	}

	// Warm start from the solution: the first residual is already below tolerance.
	res = ConjugateGradient(normal, b, x, CGOptions{Iterations: 50, Tolerance: 1e-3})
	if res.Iterations != 0 {
		t.Errorf("warm start from the solution took %d iterations", res.Iterations)
	}

	// A zero right-hand side gives zero.
	zero := make([]complex64, n)
	ConjugateGradient(normal, zero, x, CGOptions{})
	if cnorm(x) != 0 {
		t.Errorf("b = 0 gave |x| = %v", cnorm(x))
	}
}

// TestSENSERecoversPhantom reconstructs the simulated phantom from regular line
// undersampling at R = 2, 3 and 4 (plus 12 calibration lines) with ESPIRiT maps and
// CG-SENSE, and compares magnitudes with the RSS ground truth inside the object. Noiseless
// SENSE with good maps should be nearly exact (measured NRMSE 0.006 at R = 2 and 3, 0.027
// at R = 4, where 30 iterations are not fully converged); zero filling leaves the aliasing
// (NRMSE 0.07-0.1). Bounds: SENSE below 0.05 and at least 3 times better than ZF.
func TestSENSERecoversPhantom(t *testing.T) {
	s := newSim(40, 32, 6, 0, 0)
	k := kspaceOf([][]*sim{{s}})
	truth := s.truth()
	in := make([]bool, len(truth))
	for i, v := range s.obj {
		in[i] = cmplx.Abs(v) > 0
	}

	for _, r := range []int{2, 3, 4} {
		m := lineMask(40, 32, 1, r, 12, false)
		zf, err := Reconstruct(k, m, Options{Method: MethodZeroFilled})
		if err != nil {
			t.Fatal(err)
		}
		se, err := Reconstruct(k, m, Options{Method: MethodSENSE})
		if err != nil {
			t.Fatal(err)
		}

		ezf := nrmse(toFloat64(zf.Data), truth, in)
		ese := nrmse(toFloat64(se.Data), truth, in)
		t.Logf("R=%d: NRMSE zero-filled %.4f, SENSE %.4f", r, ezf, ese)
		if ese > 0.05 || ese*3 > ezf {
			t.Errorf("R=%d: SENSE NRMSE %.4f, zero-filled %.4f", r, ese, ezf)
		}
	}
}

// TestSENSETrueMapsLambda runs CG-SENSE with the true (RSS-normalised) maps at R = 3.
// Without regularisation it must reach the truth to float32 precision (bound 1e-4 NRMSE;
// the problem is well conditioned, so the error follows the 1e-7 residual). With lambda =
// 0.1 the result must satisfy the regularised normal equations (A^H A + lambda I) x = A^H y,
// checked independently of the solver to 1e-5, and have a smaller norm than the
// unregularised one.
func TestSENSETrueMapsLambda(t *testing.T) {
	s := newSim(32, 24, 4, 0, 0)
	k := kspaceOf([][]*sim{{s}})
	m := lineMask(32, 24, 1, 3, 6, false)
	maps := trueMaps(s)
	truth := s.truth()

	x0, err := SENSE(k, m, maps, SENSEOptions{Iterations: 100, Tolerance: 1e-7})
	if err != nil {
		t.Fatal(err)
	}
	e := nrmse(toFloat64(x0.Abs().Data), truth, nil)
	t.Logf("true maps, lambda 0: NRMSE %.3g", e)
	if e > 1e-4 {
		t.Errorf("true maps, lambda 0: NRMSE %.3g", e)
	}

	var last Progress
	x1, err := SENSE(k, m, maps, SENSEOptions{Lambda: 0.1, Iterations: 100, Tolerance: 1e-6,
		Progress: func(p Progress) { last = p }})
	if err != nil {
		t.Fatal(err)
	}
	if !last.Finished || last.Residual > 1e-6 || last.Solved != 1 || last.Total != 1 {
		t.Errorf("last progress report %+v", last)
	}
	if cnorm(x1.Data) >= cnorm(x0.Data) {
		t.Errorf("lambda 0.1 did not shrink the solution: %v vs %v", cnorm(x1.Data),
			cnorm(x0.Data))
	}

	// Check (A^H A + lambda I) x = A^H y directly.
	op, err := NewSenseOp(32, 24, 4, maps.Slice(0), m.Frame(0))
	if err != nil {
		t.Fatal(err)
	}
	y := make([]complex64, op.DataLen())
	copy(y, k.Data)
	ApplyMask(&KSpace{Dims: k.Dims, Data: y}, m)
	b := make([]complex64, op.ImageLen())
	op.Adjoint(b, y, nil)
	lhs := make([]complex64, op.ImageLen())
	op.Normal(lhs, x1.Data, nil)
	for i := range lhs {
		lhs[i] += 0.1*x1.Data[i] - b[i]
	}
	if rel := cnorm(lhs) / cnorm(b); rel > 1e-5 {
		t.Errorf("normal equations residual %.3g", rel)
	}
}

// toFloat64 widens a float32 slice.
func toFloat64(v []float32) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// trueMaps returns the simulation's sensitivities normalised to unit RSS, as CoilMaps.
func trueMaps(s *sim) *CoilMaps {
	n := s.nx * s.ny
	r := s.rss()
	cm := &CoilMaps{NX: s.nx, NY: s.ny, NC: s.nc, NZ: 1, Data: make([]complex64, n*s.nc),
		Eigen: make([]float32, n)}
	for c := range s.nc {
		for i := range n {
			cm.Data[c*n+i] = complex64(s.maps[c*n+i] / complex(r[i], 0))
		}
	}
	for i := range cm.Eigen {
		cm.Eigen[i] = 1
	}
	return cm
}

// TestSENSEOddSize runs ZF and SENSE on odd image sizes, where the centred FFT carries a
// true linear phase and the k-space centre is at (n-1)/2: a centring mismatch between
// ESPIRiT, the SENSE operator and the challenge's ifft2c would misplace or blur the image.
// Bounds as in TestSENSERecoversPhantom (measured NRMSE: SENSE 0.006, ZF 0.078).
func TestSENSEOddSize(t *testing.T) {
	s := newSim(31, 27, 4, 0, 0.2)
	k := kspaceOf([][]*sim{{s}})
	m := lineMask(31, 27, 1, 2, 11, false)
	truth := s.truth()
	in := make([]bool, len(truth))
	for i, v := range s.obj {
		in[i] = cmplx.Abs(v) > 0
	}

	zf, err := Reconstruct(k, m, Options{})
	if err != nil {
		t.Fatal(err)
	}
	se, err := Reconstruct(k, m, Options{Method: MethodSENSE})
	if err != nil {
		t.Fatal(err)
	}
	ezf := nrmse(toFloat64(zf.Data), truth, in)
	ese := nrmse(toFloat64(se.Data), truth, in)
	t.Logf("31x27: NRMSE zero-filled %.4f, SENSE %.4f", ezf, ese)
	if ese > 0.05 || ese*3 > ezf {
		t.Errorf("31x27: SENSE NRMSE %.4f, zero-filled %.4f", ese, ezf)
	}
}

// TestSENSEvsBARTPics compares CG-SENSE with "bart pics -l2" on the real 16-coil brain,
// given the same ESPIRiT maps, lambda 0.01, 30 iterations and no data scaling (-w 1): once
// undersampled by 2 along ky with 24 calibration lines (a line mask, so the default solver is
// the column operator, SolverLines), once with a random 2-D point mask (SolverPlane). Both
// run plain CG from zero on the same normal equations, so they produce the same iterates up
// to float32 rounding: the bound 1e-5 allows about a hundred float32 epsilons (measured
// 2.3e-7); a lambda only 10% off already gives 1.1e-3.
func TestSENSEvsBARTPics(t *testing.T) {
	bartPath(t)
	for _, c := range []struct {
		name string
		mask *Mask
		want Solver
	}{{"lines", lineMask(96, 96, 1, 2, 24, false), SolverLines},
		{"points", pointMask(96, 96, 1, 16, 0.35, 3), SolverPlane}} {
		k := loadBrain(t)
		if err := ApplyMask(k, c.mask); err != nil {
			t.Fatal(err)
		}
		maps, err := EstimateMaps(k, c.mask, ESPIRiTOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := SENSE(k, c.mask, maps, SENSEOptions{Lambda: 0.01, Iterations: 30})
		if err != nil {
			t.Fatal(err)
		}
		if p, err := PlanSENSE(k.Dims, c.mask, SENSEOptions{}); err != nil ||
			p.Solver != c.want {
			t.Fatalf("%s: plan %+v, %v; want solver %q", c.name, p, err, c.want)
		}

		dir := t.TempDir()
		writeCFL(t, filepath.Join(dir, "ksp"), []int{96, 96, 1, 16}, k.Data)
		writeCFL(t, filepath.Join(dir, "sens"), []int{96, 96, 1, 16}, maps.Data)
		runBART(t, dir, "pics", "-d0", "-l2", "-r", "0.01", "-i", "30", "-w", "1", "ksp",
			"sens", "img")
		_, want := readCFL(t, filepath.Join(dir, "img"))

		diff := make([]complex64, len(want))
		for i := range want {
			diff[i] = got.Data[i] - want[i]
		}
		rel := cnorm(diff) / cnorm(want)
		t.Logf("%s: relative difference to bart pics: %.3g", c.name, rel)
		if rel > 1e-5 {
			t.Errorf("%s: CG-SENSE differs from bart pics by %.3g (relative)", c.name, rel)
		}
	}
}

// TestCGStopsAtRoundoff: with one coil of unit sensitivity the normal operator is a
// projection, which the first conjugate-gradient step solves exactly; the solution is then
// the zero-filled image. Steps after that used to divide rounding noise by rounding noise and
// sent the image to 1e8 within three iterations. Every solver, and CS's CG-SENSE warm start,
// must stay at the zero-filled image (to 1e-5 of its largest value: float32 rounding of
// FFTs of 48 points).
func TestCGStopsAtRoundoff(t *testing.T) {
	const nx, ny = 48, 40
	s := newSim(nx, ny, 1, 0, 0)
	clear(s.maps)
	for i := range nx * ny {
		s.maps[i] = 1
	}
	k := kspaceOf([][]*sim{{s}})
	maps := &CoilMaps{NX: nx, NY: ny, NC: 1, NZ: 1, Data: make([]complex64, nx*ny)}
	for i := range maps.Data {
		maps.Data[i] = 1
	}

	for _, c := range []struct {
		name   string
		mask   *Mask
		solver Solver
	}{
		{"plane", pointMask(nx, ny, 1, 8, 0.4, 9), SolverPlane},
		{"lines", lineMask(nx, ny, 1, 3, 8, false), SolverLines},
		{"columns", lineMask(nx, ny, 1, 3, 8, false), SolverColumns},
	} {
		masked := &KSpace{Dims: k.Dims, Data: slices.Clone(k.Data)}
		for i := range masked.Data {
			masked.Data[i] *= complex(c.mask.Data[i], 0)
		}
		in := make([]complex128, nx*ny)
		for i, v := range masked.Data {
			in[i] = complex128(v)
		}
		zf := dft2(in, nx, ny, 1)
		var peak float64
		for _, v := range zf {
			peak = max(peak, cmplx.Abs(v))
		}
		check := func(what string, img *ComplexImage) {
			t.Helper()
			for i, v := range img.Data {
				if d := cmplx.Abs(complex128(v) - zf[i]); d > 1e-5*peak {
					t.Fatalf("%s, %s: pixel %d is %v, the zero-filled image %v", c.name,
						what, i, v, zf[i])
				}
			}
		}
		for _, iters := range []int{1, 3, 30} {
			img, err := SENSE(k, c.mask, maps, SENSEOptions{Iterations: iters,
				Solver: c.solver})
			if err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("SENSE, %d iterations", iters), img)
		}
		img, err := CS(k, c.mask, maps, CSOptions{LambdaScaling: LambdaSignal,
			Regularizers: []Regularizer{{Kind: RegWavelet, Lambda: 1e-9}},
			Solve:        SolverOptions{Iterations: 10}})
		if err != nil {
			t.Fatal(err)
		}
		check("CS with a vanishing wavelet term", img)
	}
}
