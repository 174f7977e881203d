package phantom

import "math"

// Deterministic arithmetic.
//
// Go lets the compiler fuse x*y+z into one fused multiply-add, and it does so on arm64,
// ppc64le, s390x, riscv64 and on amd64 with GOAMD64=v3. A fused result can differ in the last
// bit, so every product that feeds a sum in this package goes through mul, whose explicit
// conversion forbids the fusion. The math package's transcendental functions use assembly on
// some platforms and plain Go (fusible) on others, so the few this package needs are written
// here with +, -, *, / and sqrt only, all correctly rounded by IEEE 754. The test
// TestNoFusedMultiplyAdd checks the compiled code.

// mul returns a*b rounded to float64; the explicit conversion keeps the product from being
// fused into a following addition.
func mul(a, b float64) float64 { return float64(a * b) }

// smoothStep is the quintic 6u^5 - 15u^4 + 10u^3 clamped to [0, 1]: 0 for u <= 0, 1 for
// u >= 1, with zero first and second derivatives at both ends.
func smoothStep(u float64) float64 {
	if u <= 0 {
		return 0
	}
	if u >= 1 {
		return 1
	}
	p := mul(u, 6) - 15
	p = mul(p, u) + 10
	return mul(mul(mul(p, u), u), u)
}

// smoothStepSlope is the derivative of smoothStep: 30u^2(1-u)^2 inside [0, 1], 0 outside.
func smoothStepSlope(u float64) float64 {
	if u <= 0 || u >= 1 {
		return 0
	}
	v := mul(u, 1-u)
	return mul(30, mul(v, v))
}

// unitPhase returns the unit complex number ((1 - t^2) + 2it) / (1 + t^2), whose phase is
// 2*atan(t), using only rational arithmetic.
func unitPhase(t float64) (re, im float64) {
	t2 := mul(t, t)
	d := 1 + t2
	return (1 - t2) / d, mul(2, t) / d
}

const (
	// pio2Hi + pio2Lo = pi/2; pio2Hi has 33 significant bits so that k*pio2Hi is exact for
	// the small k used here.
	pio2Hi = 1.57079632673412561417e+00
	pio2Lo = 6.07710050650619224932e-11

	// ln2Hi + ln2Lo = ln 2; ln2Hi has its low bits clear so that e*ln2Hi is exact.
	ln2Hi = 6.93147180369123816490e-01
	ln2Lo = 1.90821492927058770002e-10
)

// sinCos returns sin(x) and cos(x) to within a few units in the last place for |x| < 1e6,
// bit-identically on every platform.
func sinCos(x float64) (sin, cos float64) {
	k := math.Round(x / (math.Pi / 2))
	r := x - mul(k, pio2Hi)
	r -= mul(k, pio2Lo)

	r2 := mul(r, r)
	// Taylor series on |r| <= pi/4; the first omitted terms are below 1e-19.
	s := 1.0 / 355687428096000 // 1/17!
	s = mul(s, r2) - 1.0/1307674368000
	s = mul(s, r2) + 1.0/6227020800
	s = mul(s, r2) - 1.0/39916800
	s = mul(s, r2) + 1.0/362880
	s = mul(s, r2) - 1.0/5040
	s = mul(s, r2) + 1.0/120
	s = mul(s, r2) - 1.0/6
	s = mul(mul(s, r2), r) + r

	c := -1.0 / 20922789888000 // -1/16!
	c = mul(c, r2) + 1.0/87178291200
	c = mul(c, r2) - 1.0/479001600
	c = mul(c, r2) + 1.0/3628800
	c = mul(c, r2) - 1.0/40320
	c = mul(c, r2) + 1.0/720
	c = mul(c, r2) - 1.0/24
	c = mul(c, r2) + 0.5
	c = 1 - mul(c, r2)

	switch int64(k) & 3 {
	case 0:
		return s, c
	case 1:
		return c, -s
	case 2:
		return -s, -c
	default:
		return -c, s
	}
}

// logPos returns the natural logarithm of a positive, finite x to within a few units in the
// last place, bit-identically on every platform. It returns NaN for other x.
func logPos(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 1) {
		return math.NaN()
	}

	m, e := math.Frexp(x) // x = m * 2^e, m in [0.5, 1): exact
	if m < math.Sqrt2/2 {
		m *= 2 // exact
		e--
	}

	// log m = 2 atanh(s) = 2(s + s^3/3 + s^5/5 + ...), s = (m-1)/(m+1), |s| < 0.1716; the
	// first omitted term (s^23/23) is below 1e-19 relative.
	s := (m - 1) / (m + 1)
	s2 := mul(s, s)
	p := 1.0 / 21
	for _, d := range [...]float64{19, 17, 15, 13, 11, 9, 7, 5, 3} {
		p = mul(p, s2) + 1/d
	}
	p = mul(p, s2) + 1
	lm := mul(mul(2, s), p)

	fe := float64(e)
	return mul(fe, ln2Hi) + (mul(fe, ln2Lo) + lm)
}

// exp returns e^x to within a few units in the last place, bit-identically on every
// platform: 0 for x < -708 (where e^x leaves the normal range) and +Inf for x > 709.
func exp(x float64) float64 {
	switch {
	case x < -708:
		return 0
	case x > 709:
		return math.Inf(1)
	}

	// e^x = 2^k e^r with |r| <= ln2/2 = 0.347; the Taylor series to r^15/15! leaves a
	// relative error below 1e-19 (0.347^16/16! = 2e-20).
	k := math.Round(x / math.Ln2)
	r := x - mul(k, ln2Hi)
	r -= mul(k, ln2Lo)

	p := 1.0 / 1307674368000 // 1/15!
	for _, f := range [...]float64{87178291200, 6227020800, 479001600, 39916800, 3628800,
		362880, 40320, 5040, 720, 120, 24, 6, 2, 1} {
		p = mul(p, r) + 1/f
	}
	p = mul(p, r) + 1
	return mul(p, math.Float64frombits(uint64(int64(k)+1023)<<52)) // times 2^k: exact
}

// rng is SplitMix64 (Steele, Lea and Flood, 2014): a 64-bit counter passed through an
// invertible mixing function. Integer arithmetic only, so every platform draws the same
// stream.
type rng struct {
	state uint64
}

// mix64 is the SplitMix64 output function.
func mix64(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// newStream returns a generator for stream number id of seed. Different (seed, id) pairs
// start at unrelated points of the 2^64-long sequence.
func newStream(seed, id uint64) *rng {
	return &rng{state: mix64(seed^0x6a09e667f3bcc909) ^ mix64(id+0x3c6ef372fe94f82b)}
}

// next returns the next 64 random bits.
func (r *rng) next() uint64 {
	r.state += 0x9e3779b97f4a7c15
	return mix64(r.state)
}

// symmetric returns a uniform value in [-1, 1) on a grid of 2^-52.
func (r *rng) symmetric() float64 {
	return float64(int64(r.next()>>11)-1<<52) / (1 << 52)
}

// normalPair returns two independent standard normal values (Marsaglia's polar method).
func (r *rng) normalPair() (float64, float64) {
	for {
		u := r.symmetric()
		v := r.symmetric()
		s := mul(u, u) + mul(v, v)
		if s >= 1 || s == 0 {
			continue
		}

		f := math.Sqrt(mul(-2, logPos(s)) / s)
		return mul(u, f), mul(v, f)
	}
}

// sinCosDeg returns the sine and cosine of an angle in degrees.
func sinCosDeg(deg float64) (sin, cos float64) {
	return sinCos(mul(deg, math.Pi/180))
}
