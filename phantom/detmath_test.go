package phantom

import (
	"math"
	"testing"
)

func TestSinCos(t *testing.T) {
	// The Taylor series leave < 1e-19 on |r| <= pi/4 and each of the ~10 roundings adds at
	// most half an ulp of a value below 1; 1e-15 absolute leaves a margin of ~5x.
	const tol = 1e-15
	for i := -20000; i <= 20000; i++ {
		x := float64(i) * 0.0031
		s, c := sinCos(x)
		if math.Abs(s-math.Sin(x)) > tol || math.Abs(c-math.Cos(x)) > tol {
			t.Fatalf("sinCos(%g) = %g, %g; math gives %g, %g", x, s, c, math.Sin(x),
				math.Cos(x))
		}
	}
	s, c := sinCosDeg(90)
	if math.Abs(s-1) > tol || math.Abs(c) > tol {
		t.Errorf("sinCosDeg(90) = %g, %g, want 1, 0", s, c)
	}
}

func TestLogPos(t *testing.T) {
	// The atanh series leaves < 1e-19 relative; the reconstruction e*ln2 + log m rounds a
	// few times: 4e-16 relative (about 2 ulp) is ample, and absolute 1e-16 near x = 1.
	for _, x := range []float64{1e-300, 1e-20, 1e-5, 0.1, 0.5, 0.7, 0.7071, 0.99999, 1,
		1.00001, 1.5, 2, 10, 1e10, 1e300, 5e-324, 1e-310} {
		want := math.Log(x)
		if x < 0x1p-1022 {
			// math.Log on amd64 (go1.26.8) returns about -709 for every subnormal x, so
			// the reference is taken on x scaled into the normal range.
			want = math.Log(x*0x1p100) - 100*math.Ln2
		}
		got := logPos(x)
		if math.Abs(got-want) > 4e-16*math.Abs(want)+1e-16 {
			t.Errorf("logPos(%g) = %.17g, math.Log gives %.17g", x, got, want)
		}
	}
	for i := 1; i < 100000; i++ {
		x := float64(i) / 100000
		if got, want := logPos(x), math.Log(x); math.Abs(got-want) > 4e-16*math.Abs(want)+1e-16 {
			t.Fatalf("logPos(%g) = %.17g, math.Log gives %.17g", x, got, want)
		}
	}
	for _, x := range []float64{0, -1, math.Inf(1), math.NaN()} {
		if v := logPos(x); !math.IsNaN(v) {
			t.Errorf("logPos(%g) = %g, want NaN", x, v)
		}
	}
}

func TestNormalPair(t *testing.T) {
	// 2e5 samples: the standard errors of the mean, variance and fourth moment are
	// 0.0022, 0.0032 and 0.022; the bounds are about 5 standard errors.
	r := newStream(7, 3)
	const n = 200000
	var m1, m2, m4, cross float64
	for range n / 2 {
		a, b := r.normalPair()
		m1 += a + b
		m2 += a*a + b*b
		m4 += a*a*a*a + b*b*b*b
		cross += a * b
	}
	m1 /= n
	m2 /= n
	m4 /= n
	cross /= n / 2
	if math.Abs(m1) > 0.011 || math.Abs(m2-1) > 0.016 || math.Abs(m4-3) > 0.11 ||
		math.Abs(cross) > 0.016 {
		t.Errorf("normal moments: mean %g, var %g, 4th %g, pair correlation %g", m1, m2, m4,
			cross)
	}
}

func TestStreamsDiffer(t *testing.T) {
	a, b, c := newStream(1, 0), newStream(1, 1), newStream(2, 0)
	x, y, z := a.next(), b.next(), c.next()
	if x == y || x == z || y == z {
		t.Errorf("streams start alike: %x %x %x", x, y, z)
	}
	if u := newStream(1, 0).next(); u != x {
		t.Errorf("stream not reproducible: %x then %x", x, u)
	}
}

func TestSymmetricRange(t *testing.T) {
	r := newStream(0, 0)
	lo, hi := 1.0, -1.0
	for range 100000 {
		v := r.symmetric()
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo < -1 || hi >= 1 || lo > -0.99 || hi < 0.99 {
		t.Errorf("symmetric() spans [%g, %g], want about [-1, 1)", lo, hi)
	}
}

func TestSmoothStep(t *testing.T) {
	if smoothStep(-1) != 0 || smoothStep(0) != 0 || smoothStep(1) != 1 || smoothStep(2) != 1 {
		t.Error("smoothStep does not clamp to [0, 1]")
	}
	if v := smoothStep(0.5); v != 0.5 {
		t.Errorf("smoothStep(0.5) = %g, want 0.5", v)
	}

	// Central differences with h = 1e-6 have truncation error ~h^2 and rounding ~1e-10.
	const h = 1e-6
	for u := 0.01; u < 1; u += 0.01 {
		num := (smoothStep(u+h) - smoothStep(u-h)) / (2 * h)
		if math.Abs(num-smoothStepSlope(u)) > 1e-8 {
			t.Fatalf("smoothStepSlope(%g) = %g, numeric %g", u, smoothStepSlope(u), num)
		}
	}
}

func TestUnitPhase(t *testing.T) {
	for _, tt := range []float64{-3, -0.5, 0, 0.2, 1, 7} {
		re, im := unitPhase(tt)
		if math.Abs(math.Hypot(re, im)-1) > 1e-15 {
			t.Errorf("|unitPhase(%g)| = %g", tt, math.Hypot(re, im))
		}
		if a := math.Atan2(im, re); math.Abs(a-2*math.Atan(tt)) > 1e-14 {
			t.Errorf("phase of unitPhase(%g) = %g, want %g", tt, a, 2*math.Atan(tt))
		}
	}
}

func TestExp(t *testing.T) {
	// The Taylor series leaves < 1e-19 relative; Horner's ~16 roundings of terms below 1
	// and the scaling by 2^k (exact) add a few ulp: 4e-16 relative (2 ulp) is ample.
	for i := -7080; i <= 7090; i++ {
		x := float64(i) * 0.1003
		if x < -708 || x > 709 {
			continue
		}
		if got, want := exp(x), math.Exp(x); math.Abs(got-want) > 4e-16*want {
			t.Fatalf("exp(%g) = %.17g, math.Exp gives %.17g", x, got, want)
		}
	}
	for i := -20000; i <= 20000; i++ {
		x := float64(i) / 1000
		if got, want := exp(x), math.Exp(x); math.Abs(got-want) > 4e-16*want {
			t.Fatalf("exp(%g) = %.17g, math.Exp gives %.17g", x, got, want)
		}
	}
	for _, c := range []struct{ x, want float64 }{
		{0, 1}, {math.Copysign(0, -1), 1}, {-709, 0}, {-1e300, 0}, {710, math.Inf(1)},
	} {
		if got := exp(c.x); got != c.want {
			t.Errorf("exp(%g) = %g, want %g", c.x, got, c.want)
		}
	}
}
