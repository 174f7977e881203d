package fft

import (
	"fmt"
	"math"
	"math/cmplx"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"testing"
)

// Tolerances, as relative RMS error ‖y - y_ref‖₂/‖y_ref‖₂ against the float64
// reference.
//
// Each radix stage rounds every value a bounded number of times, so a transform of length n
// with about log₂ n stages has a worst-case relative error of order c·ε·log₂ n and, because
// the rounding errors are uncorrelated, a typical RMS error of order c·ε·√(log₂ n) (the
// classical Cooley–Tukey analysis; twiddles are exact to within one rounding since they are
// computed in float64 and rounded once). With ε = 2⁻²⁴ ≈ 6e-8 for float32 and log₂ n ≤
// 11 for the lengths tested here (Bluestein convolutions reach 2048), even the worst-case
// growth with c ≈ 1.5 stays below 1e-6, which is the complex64 bound; the largest error
// measured by TestLengths1D, TestSizes2D and their every-path twins is 2.3e-7 (complex128:
// 6.9e-16, on the SIMD paths too). For float64, ε = 2⁻⁵³ ≈ 1.1e-16 gives the same margin
// below 1e-14; the reference's own error is at most 2.5e-16 (TestReferenceAccuracy). An error
// in the algorithm (a wrong twiddle, a misplaced element) gives errors of order 1.
const (
	tol64  = 1e-6
	tol128 = 1e-14
)

// maxErr records the largest relative error seen by checkAll per element type, for the
// figures logged by the accuracy tests (go test -v -run 'Lengths1D|Sizes2D').
var maxErr = struct {
	sync.Mutex
	m map[string]float64
}{m: map[string]float64{}}

func noteErr[T Complex](e float64) float64 {
	maxErr.Lock()
	defer maxErr.Unlock()
	maxErr.m[typeName[T]()] = max(maxErr.m[typeName[T]()], e)
	return e
}

func logMaxErr(t *testing.T) {
	maxErr.Lock()
	defer maxErr.Unlock()
	t.Logf("largest relative RMS error so far: complex64 %.3g, complex128 %.3g",
		maxErr.m["complex64"], maxErr.m["complex128"])
}

func tolFor[T Complex]() float64 {
	var z T
	if _, ok := any(z).(complex64); ok {
		return tol64
	}
	return tol128
}

// scaled returns x multiplied by s.
func scaled(x []complex128, s float64) []complex128 {
	y := make([]complex128, len(x))
	for i, v := range x {
		y[i] = v * complex(s, 0)
	}
	return y
}

// checkAll transforms x (shape, axes) with every direction against the reference
// X = refTransform(x, shape, axes, 0): Forward(x) = X, Inverse(X) = N·x, and the centred
// orthonormal pair, using CenteredForward(fftshift(x)) = fftshift(X)/√N and
// CenteredInverse(fftshift(X)/√N) = fftshift(x), where fftshift is the reference one over the
// transformed axes. Both in place and out of place.
func checkAll[T Complex](t *testing.T, shape, axes []int, workers int, x, X []complex128) {
	t.Helper()
	tol := tolFor[T]()
	p := NewPlan[T](shape, axes...).WithWorkers(workers)
	nt := 1
	for _, a := range axes {
		nt *= shape[a]
	}
	shift := func(z []complex128) []complex128 {
		for _, a := range axes {
			z = refFFTShift(z, shape, a)
		}
		return z
	}
	name := fmt.Sprintf("%s %v axes %v workers %d", typeName[T](), shape, axes, workers)

	got := make([]T, len(x))
	p.Forward(got, toT[T](x))
	if e := noteErr[T](relRMS(got, X)); e > tol {
		t.Errorf("%s Forward: error %.3g > %.3g", name, e, tol)
	}

	in := toT[T](X)
	p.Inverse(in, in)
	if e := noteErr[T](relRMS(in, scaled(x, float64(nt)))); e > tol {
		t.Errorf("%s Inverse (in place): error %.3g > %.3g", name, e, tol)
	}

	xs, Xs := toT[T](shift(slices.Clone(x))), shift(scaled(X, 1/math.Sqrt(float64(nt))))
	p.CenteredForward(xs)
	if e := noteErr[T](relRMS(xs, Xs)); e > tol {
		t.Errorf("%s CenteredForward: error %.3g > %.3g", name, e, tol)
	}

	Xt := toT[T](Xs)
	p.Transform(got, Xt, Centered|Ortho|Inverse)
	if e := noteErr[T](relRMS(got, shift(slices.Clone(x)))); e > tol {
		t.Errorf("%s CenteredInverse (out of place): error %.3g > %.3g", name, e, tol)
	}
}

// TestLengths1D checks every length 1..1024 (a sample in short mode) in both precisions and
// all directions against the direct DFT.
func TestLengths1D(t *testing.T) {
	var ns []int
	for n := 1; n <= 1024; n++ {
		if !testing.Short() || n <= 64 || n%37 == 0 || isPrime(n) && n > 90 && n < 140 ||
			slices.Contains([]int{128, 162, 198, 204, 216, 246, 255, 256, 442, 448, 512}, n) {
			ns = append(ns, n)
		}
	}
	for _, n := range ns {
		r := refFor(n)
		checkAll[complex64](t, []int{n}, []int{0}, 1, r.x, r.X)
		checkAll[complex128](t, []int{n}, []int{0}, 1, r.x, r.X)
	}
	logMaxErr(t)
}

func isPrime(n int) bool {
	if n < 2 {
		return false
	}
	for f := 2; f*f <= n; f++ {
		if n%f == 0 {
			return false
		}
	}
	return true
}

// TestSizes2D checks the challenge's 2-D sizes and two small odd ones in both precisions.
func TestSizes2D(t *testing.T) {
	sizes := [][2]int{{7, 9}, {1, 5}, {256, 256}, {512, 216}, {448, 162}, {448, 204}, {442, 198},
		{512, 246}}
	if testing.Short() {
		sizes = sizes[:4]
	}
	for _, sz := range sizes {
		shape := []int{sz[0], sz[1]}
		r := refFor2D(sz[0], sz[1])
		checkAll[complex64](t, shape, []int{0, 1}, 1, r.x, r.X)
		checkAll[complex128](t, shape, []int{0, 1}, 2, r.x, r.X)
	}
	logMaxErr(t)
}

// refs2D caches the 2-D test signals and their float64 DFTs, which are shared by the 2-D tests
// (the direct DFT of a 512x216 array is the slowest part of the tests, under qemu above all).
var refs2D = struct {
	sync.Mutex
	m map[[2]int]laneRef
}{m: map[[2]int]laneRef{}}

// refFor2D returns the test signal of an nx×ny array and its 2-D DFT.
func refFor2D(nx, ny int) laneRef {
	refs2D.Lock()
	defer refs2D.Unlock()
	k := [2]int{nx, ny}
	r, ok := refs2D.m[k]
	if !ok {
		x := randomC128(rand.New(rand.NewPCG(7, uint64(nx*4096+ny))), nx*ny)
		r = laneRef{x, refTransform(x, []int{nx, ny}, []int{0, 1}, 0)}
		refs2D.m[k] = r
	}
	return r
}

// TestBatchedAxes checks transforms along subsets of the axes of 3-D and 4-D arrays (the
// other axes are batches), with 1 to 3 workers.
func TestBatchedAxes(t *testing.T) {
	cases := []struct{ shape, axes []int }{
		{[]int{64, 54, 3}, []int{0, 1}},
		{[]int{6, 10, 4}, []int{1}},
		{[]int{12, 5, 6}, []int{0, 2}},
		{[]int{30, 41, 9}, []int{2}},
		{[]int{9, 8, 7, 3}, []int{1, 2}},
		{[]int{33, 34, 2, 5}, []int{0, 1}},
		{[]int{3, 130, 20}, []int{1}},
		{[]int{5, 2, 3}, []int{0, 1, 2}},
	}
	rng := rand.New(rand.NewPCG(7, 3))
	for _, c := range cases {
		n := 1
		for _, d := range c.shape {
			n *= d
		}
		x := randomC128(rng, n)
		X := refTransform(x, c.shape, c.axes, 0)
		for wk := 1; wk <= 3; wk++ {
			checkAll[complex64](t, c.shape, c.axes, wk, x, X)
			checkAll[complex128](t, c.shape, c.axes, wk, x, X)
		}
	}
}

// TestCentered compares every flag combination with the explicit reference
// fftshift(DFT(ifftshift(x))) for even and odd sizes (n ≡ 0, 1, 2, 3 mod 4).
func TestCentered(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 4))
	for _, shape := range [][]int{{8}, {9}, {10}, {11}, {12, 7}, {13, 6}, {5, 14, 2}, {202, 3}} {
		axes := []int{0}
		if len(shape) > 1 {
			axes = []int{0, 1}
		}
		n := 1
		for _, d := range shape {
			n *= d
		}
		for f := range Flags(8) {
			x := randomC128(rng, n)
			want := refTransform(x, shape, axes, f)
			p := NewPlan[complex128](shape, axes...)
			got := make([]complex128, n)
			p.Transform(got, x, f)
			if e := relRMS(got, want); e > tol128 {
				t.Errorf("%v flags %03b: error %.3g", shape, f, e)
			}
			q := NewPlan[complex64](shape, axes...)
			x64 := toT[complex64](x)
			q.Transform(x64, x64, f)
			if e := relRMS(x64, want); e > tol64 {
				t.Errorf("complex64 %v flags %03b: error %.3g", shape, f, e)
			}
		}
	}
}

// TestIfft2c checks CenteredInverse against the challenge's definition written out literally:
// img = sqrt(nx·ny)·fftshift(ifft2(ifftshift(k))), with ifft2 the 1/(nx·ny)-scaled inverse, on
// a k-space with a single sample, whose image is known in closed form.
func TestIfft2c(t *testing.T) {
	for _, sz := range [][2]int{{6, 4}, {7, 5}, {448, 162}} {
		nx, ny := sz[0], sz[1]
		kx, ky := nx/2+1, ny/2-1 // one sample next to the centre
		k := make([]complex64, nx*ny)
		k[kx+nx*ky] = 1
		NewPlan2D(nx, ny).CenteredInverse(k)
		// ifftshift moves the sample to (kx-nx/2, ky-ny/2) mod n; ifft2 of that impulse is
		// exp(2πi(ux·(kx-cx)/nx + uy·(ky-cy)/ny))/N at pixel u; fftshift reads pixel
		// (ix-cx, iy-cy) mod n.
		var worst float64
		for iy := range ny {
			for ix := range nx {
				ux, uy := ix-nx/2, iy-ny/2
				ph := 2 * math.Pi * (float64(ux*(kx-nx/2))/float64(nx) +
					float64(uy*(ky-ny/2))/float64(ny))
				want := cmplx.Exp(complex(0, ph)) / complex(math.Sqrt(float64(nx*ny)), 0)
				worst = max(worst, cmplx.Abs(complex128(k[ix+nx*iy])-want))
			}
		}
		if worst > 1e-7 {
			t.Errorf("%dx%d: max error %.3g", nx, ny, worst)
		}
	}
}

// propertySizes are lengths for the property tests: small, powers of two, 3·2^k, 5·2^k,
// primes, and the challenge's axes.
var propertySizes = []int{1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 16, 17, 24, 40, 41, 64, 96, 97, 101,
	160, 162, 198, 204, 246, 255, 256, 442, 448, 512, 1021}

// TestProperties checks round trip, Parseval, linearity and the shift theorem in both
// precisions. They hold without any reference transform.
func TestProperties(t *testing.T) {
	for _, n := range propertySizes {
		testProperties[complex64](t, n, 1, false)
		testProperties[complex128](t, n, 1, false)
	}
}

// testProperties checks the properties on v lanes of length n, in the column layout (element
// e of lane b at e·v + b, transformed along axis 1) when col is set and in the row layout
// (lane b at b·n, axis 0) otherwise. Parseval's identity is checked lane by lane, so that
// lanes swapped with one another show.
func testProperties[T Complex](t *testing.T, n, v int, col bool) {
	tol := tolFor[T]()
	rng := rand.New(rand.NewPCG(7, uint64(5+n)))
	shape, axis := []int{n, v}, 0
	idx := func(e, b int) int { return b*n + e }
	if col {
		shape, axis = []int{v, n}, 1
		idx = func(e, b int) int { return e*v + b }
	}
	name := fmt.Sprintf("%s n=%d lanes %d col %v", typeName[T](), n, v, col)
	p := NewPlan[T](shape, axis)
	x, y := randomC128(rng, n*v), randomC128(rng, n*v)
	X, Y := make([]T, n*v), make([]T, n*v)
	p.Forward(X, toT[T](x))
	p.Forward(Y, toT[T](y))

	// Round trip: the orthonormal inverse undoes the orthonormal forward transform.
	r := toT[T](x)
	p.Transform(r, r, Ortho)
	p.Transform(r, r, Ortho|Inverse)
	if e := relRMS(r, x); e > 2*tol {
		t.Errorf("%s round trip: error %.3g", name, e)
	}

	// Parseval: Σ|X|² = n·Σ|x|², in every lane.
	for b := range v {
		var ex, eX float64
		for i := range n {
			ex += sq(x[idx(i, b)])
			eX += sq(complex128(X[idx(i, b)]))
		}
		if e := math.Abs(eX/(float64(n)*ex) - 1); e > 2*tol {
			t.Errorf("%s lane %d Parseval: relative error %.3g", name, b, e)
		}
	}

	// Linearity: F(a·x + b·y) = a·X + b·Y.
	a, c := complex(0.75, -1.25), complex(-2.0, 0.5)
	z := make([]complex128, n*v)
	want := make([]complex128, n*v)
	for i := range z {
		z[i] = a*x[i] + c*y[i]
		want[i] = a*complex128(X[i]) + c*complex128(Y[i])
	}
	Z := make([]T, n*v)
	p.Forward(Z, toT[T](z))
	if e := relRMS(Z, want); e > 2*tol {
		t.Errorf("%s linearity: error %.3g", name, e)
	}

	// Shift theorem: F(x rolled by s)[k] = exp(-2πi·k·s/n)·X[k].
	s := n/3 + 1
	xr := refRoll(x, shape, axis, s)
	Xr := make([]T, n*v)
	p.Forward(Xr, toT[T](xr))
	for b := range v {
		for k := range n {
			want[idx(k, b)] = refTwiddle(k*s, n, -1) * complex128(X[idx(k, b)])
		}
	}
	if e := relRMS(Xr, want); e > 2*tol {
		t.Errorf("%s shift theorem: error %.3g", name, e)
	}
}

func sq(z complex128) float64 { return real(z)*real(z) + imag(z)*imag(z) }

// TestImpulse checks exact small cases: the transform of a unit impulse at j is the pure
// phase exp(-2πi·j·k/n).
func TestImpulse(t *testing.T) {
	for _, n := range []int{1, 2, 3, 5, 8, 13, 127} {
		p := NewPlan[complex128]([]int{n})
		for j := range n {
			x := make([]complex128, n)
			x[j] = 1
			p.Forward(x, x)
			for k := range n {
				if d := cmplx.Abs(x[k] - refTwiddle(j*k, n, -1)); d > 1e-14 {
					t.Fatalf("n=%d impulse %d: X[%d] off by %.3g", n, j, k, d)
				}
			}
		}
	}
}

// TestNoAllocs checks that transforms do not allocate once the plan's scratch is warm, with one
// and with two workers, also after a garbage collection.
func TestNoAllocs(t *testing.T) {
	for _, wk := range []int{1, 2} {
		p := NewPlan[complex64]([]int{64, 54, 4}, 0, 1).WithWorkers(wk)
		q := NewPlan2D(101, 36).WithWorkers(wk) // Bluestein and odd radix
		x := make([]complex64, p.Len())
		y := make([]complex64, q.Len())
		run := func() {
			p.CenteredForward(x)
			p.Transform(x, x, Inverse)
			q.CenteredInverse(y)
		}
		run()
		if a := testing.AllocsPerRun(20, run); a != 0 {
			t.Errorf("workers %d: %v allocations per run", wk, a)
		}
		// The scratch must survive garbage collections (two empty a sync.Pool). AllocsPerRun
		// would warm up again first, so count the allocations of one run directly, the fewest
		// of three tries since other goroutines of the test binary may allocate meanwhile.
		// With helpers the runtime itself allocates a few small records (sudogs) for
		// goroutines that block on channels, since a collection empties its caches of them;
		// scratch allocated again would be kilobytes, in every try.
		var fewest, least uint64 = math.MaxUint64, math.MaxUint64
		for range 3 {
			var m0, m1 runtime.MemStats
			runtime.GC()
			runtime.GC()
			runtime.ReadMemStats(&m0)
			run()
			runtime.ReadMemStats(&m1)
			fewest = min(fewest, m1.Mallocs-m0.Mallocs)
			least = min(least, m1.TotalAlloc-m0.TotalAlloc)
		}
		if wk == 1 && fewest != 0 || least > 1024 {
			t.Errorf("workers %d: %d allocations (%d bytes) in a run after garbage collections",
				wk, fewest, least)
		}
	}
}

// TestConcurrentUse runs one plan from many goroutines at once, each on its own data, with
// helper goroutines too, and compares with the serial result.
func TestConcurrentUse(t *testing.T) {
	shape := []int{48, 36, 3}
	p := NewPlan[complex64](shape, 0, 1)
	rng := rand.New(rand.NewPCG(7, 6))
	const g = 8
	inputs := make([][]complex64, g)
	wants := make([][]complex64, g)
	for i := range g {
		inputs[i] = toT[complex64](randomC128(rng, p.Len()))
		wants[i] = slices.Clone(inputs[i])
		p.CenteredForward(wants[i])
	}
	var wg sync.WaitGroup
	for i := range g {
		wg.Go(func() {
			q := p.WithWorkers(1 + i%3)
			for range 20 {
				x := slices.Clone(inputs[i])
				q.CenteredForward(x)
				if !slices.Equal(x, wants[i]) {
					t.Errorf("goroutine %d: result differs from the serial one", i)
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestPanics checks the documented panics.
func TestPanics(t *testing.T) {
	p := NewPlan[complex64]([]int{4, 4})
	x := make([]complex64, 40)
	for name, f := range map[string]func(){
		"zero size":   func() { NewPlan[complex64]([]int{4, 0}) },
		"empty shape": func() { NewPlan[complex64](nil) },
		"bad axis":    func() { NewPlan[complex64]([]int{4}, 1) },
		"repeat axis": func() { NewPlan[complex64]([]int{4, 4}, 1, 1) },
		"short":       func() { p.Forward(x[:15], x[:16]) },
		"overlap":     func() { p.Forward(x[1:17], x[:16]) },
		"2d zero":     func() { NewPlan2D(0, 3) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
	p.Forward(x[16:32], x[:16]) // adjacent, not overlapping: fine
}

// TestPlanInfo checks the accessors.
func TestPlanInfo(t *testing.T) {
	p := NewPlan[complex128]([]int{6, 5, 4}, 2, 0).WithWorkers(3)
	if p.Len() != 120 || !slices.Equal(p.Shape(), []int{6, 5, 4}) ||
		!slices.Equal(p.Axes(), []int{0, 2}) || p.Workers() != 3 ||
		p.Kernels() != NewPlan[complex64]([]int{4}).Kernels() {
		t.Errorf("Len %d Shape %v Axes %v Workers %d Kernels %q", p.Len(), p.Shape(), p.Axes(),
			p.Workers(), p.Kernels())
	}
	if q := NewPlan[complex64]([]int{3, 4}); !slices.Equal(q.Axes(), []int{0, 1}) {
		t.Errorf("default axes %v", q.Axes())
	}
}

// TestFactorize checks that the radices multiply back to n and that every factor has a
// kernel: 2, 3, 4, 5, 7, 8, or a prime of at least 11.
func TestFactorize(t *testing.T) {
	for n := 1; n <= 5000; n++ {
		prod := 1
		for _, r := range factorize(n) {
			prod *= r
			if r != 2 && r != 3 && r != 4 && r != 5 && r != 7 && r != 8 && (r < 11 || !isPrime(r)) {
				t.Fatalf("n=%d: radix %d", n, r)
			}
		}
		if prod != n {
			t.Fatalf("n=%d: radices %v", n, factorize(n))
		}
	}
}

// TestUnitRoot compares the octant-reduced roots of unity with math.Sincos of the plain angle.
func TestUnitRoot(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 8, 12, 17, 216, 1021, 4096, 100003} {
		for r := -n; r < 2*n; r += 1 + n/97 {
			c, s := unitRoot(r, n)
			ws, wc := math.Sincos(2 * math.Pi * float64(r) / float64(n))
			// The plain angle 2πr/n itself carries a rounding error of up to one ulp,
			// about 2.2e-16 times its size; unitRoot reduces r exactly first.
			tol := 4e-16 * (1 + 2*math.Pi*math.Abs(float64(r))/float64(n))
			if math.Abs(c-wc) > tol || math.Abs(s-ws) > tol {
				t.Fatalf("unitRoot(%d, %d) = (%g, %g), want (%g, %g)", r, n, c, s, wc, ws)
			}
		}
	}
}

// TestClaimRange has four goroutines claim from one range, two from the front and two from
// the back, and checks that every unit is claimed exactly once, the front ones in increasing
// and the back ones in decreasing order per goroutine.
func TestClaimRange(t *testing.T) {
	for _, n := range []int{0, 1, 2, 7, 1000} {
		r := &claimRange{lo: 5, n: n}
		got := make([][]int, 4)
		var wg sync.WaitGroup
		for g := range got {
			wg.Go(func() {
				for {
					u := r.claim(g%2 == 1)
					if u < 0 {
						return
					}
					got[g] = append(got[g], u)
				}
			})
		}
		wg.Wait()
		seen := make([]int, n)
		for g, us := range got {
			for i, u := range us {
				if u < 5 || u >= 5+n {
					t.Fatalf("n %d: unit %d out of range", n, u)
				}
				seen[u-5]++
				if i > 0 && (g%2 == 0) != (u > us[i-1]) {
					t.Errorf("n %d: goroutine %d claimed %d after %d", n, g, u, us[i-1])
				}
			}
		}
		for u, c := range seen {
			if c != 1 {
				t.Errorf("n %d: unit %d claimed %d times", n, u+5, c)
			}
		}
	}
}
