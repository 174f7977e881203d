package fft

import (
	"math"
	"slices"
)

// oddMax is the largest prime factor transformed by the generic odd-radix butterfly; larger
// primes go through Bluestein's algorithm. The generic butterfly costs about 2p real
// multiply-adds per point, Bluestein two sub-transforms of length M >= 2p-1 per p points.
// Crossover measured with BenchmarkPrimeRadix (see bench_test.go).
const oddMax = 97

// view locates v lanes of one transform inside a slice: element e of lane b is at
// off + e*es + b*bs.
type view struct {
	off, es, bs int
}

// stage is one Stockham pass: radix-p butterflies over m groups of l positions, where l is the
// product of the radices before it and n = l*p*m.
type stage[T Complex] struct {
	p, l, m int
	tw      []T // twiddles: row j-1 (j = 1..p-1) holds exp(-2πi·j·k/(p·l)), k < l; nil if l == 1
	twk     []T // the same twiddles k-major, at k*(p-1) + j-1, for the SIMD kernels
	kern    kernel[T]

	cs   []T      // generic odd radix: cos(2πjq/p) + i·sin(2πjq/p) at (q-1)*h + j-1, h = (p-1)/2
	blue *blue[T] // Bluestein data for large primes
}

// blue holds Bluestein's chirp-z data for one prime radix p.
type blue[T Complex] struct {
	m     int      // convolution length, >= 2p-1
	chirp []T      // conj(b_j) = exp(-πi·j²/p), j < p
	fb    []T      // DFT_m of the chirp filter b, divided by m
	sub   *core[T] // transforms of length m
}

// kernel computes one stage (see stageArgs).
type kernel[T Complex] func(a *stageArgs[T])

// stageArgs is the flat description of one kernel call. Buffers hold v lanes in the
// lane-interleaved layout: for group s < m, position k < l and lane b < v, butterfly input j is
// x[((j*m + s)*l + k)*v + b], multiplied by the twiddle w[(j-1)*l + k] when j >= 1 and l > 1,
// and output q of the radix-p forward DFT of the inputs goes to y[((s*p + q)*l + k)*v + b].
// x and y are distinct. This is the Stockham autosort ordering, so no bit reversal is needed.
type stageArgs[T Complex] struct {
	y, x, w []T
	tk      []T // the twiddles k-major (stage.twk)
	l, m, v int

	st *stage[T] // tables of the generic kernels
	wk *work[T]  // scratch of the generic kernels
}

// moveArgs describes a gather (from s into buf) or a scatter (from buf into s): element e of
// lane b sits at buf[e*v + b] and at s[view.off + ((e+rot) mod n)*view.es + b*view.bs]. With
// swap the real and imaginary parts are exchanged on the way, which turns a forward transform
// into an inverse one: IDFT(x) = swap(DFT(swap(x))). A scatter also multiplies by scale.
type moveArgs[T Complex] struct {
	buf, s []T
	view   view
	n, v   int
	rot    int
	swap   bool
	scale  float64
}

// core computes transforms of one length n over any number of lanes.
type core[T Complex] struct {
	n      int
	stages []stage[T]
	ks     *kernelSet[T]
	need   workSize
}

// workSize is the scratch a core needs for up to maxLanes lanes.
type workSize struct {
	buf, tmp int
	sub      *workSize
}

func (s *workSize) merge(o workSize) {
	s.buf = max(s.buf, o.buf)
	s.tmp = max(s.tmp, o.tmp)
	if o.sub != nil {
		if s.sub == nil {
			s.sub = &workSize{}
		}
		s.sub.merge(*o.sub)
	}
}

// work is per-goroutine scratch, sized by a workSize.
type work[T Complex] struct {
	a, b []T
	tmp  []T
	sub  *work[T]
	args stageArgs[T]
	move moveArgs[T]
}

func newWork[T Complex](s workSize) *work[T] {
	w := &work[T]{a: make([]T, s.buf), b: make([]T, s.buf), tmp: make([]T, s.tmp)}
	if s.sub != nil {
		w.sub = newWork[T](*s.sub)
	}
	return w
}

// factor is one stage of a decomposition: radix p, computed with Bluestein's algorithm when
// blue is set (p > 8 only), and otherwise with the radix-p kernel (p <= 8) or the generic odd
// butterfly.
type factor struct {
	p    int
	blue bool
}

// defaultFactors is the cheap default decomposition of n: the radices of factorize, with the
// primes above oddMax done by Bluestein's algorithm.
func defaultFactors(n int) []factor {
	var fs []factor
	for _, p := range factorize(n) {
		fs = append(fs, factor{p, p > oddMax})
	}
	return fs
}

// newCore builds the stages of a length-n transform for up to lanes lanes at once, with the
// default decomposition.
func newCore[T Complex](n, lanes int) *core[T] {
	return newCoreOf[T](n, lanes, defaultFactors(n))
}

// newCoreOf builds the stages of a length-n transform for up to lanes lanes at once from the
// decomposition fs, whose radices multiply to n (see parseFactors).
func newCoreOf[T Complex](n, lanes int, fs []factor) *core[T] {
	c := &core[T]{n: n, ks: kernelsFor[T]()}
	l := 1
	for _, f := range fs {
		c.stages = append(c.stages, newStage(c.ks, f, l, n/(l*f.p), lanes))
		l *= f.p
	}

	c.need = workSize{buf: n * lanes}
	for i := range c.stages {
		st := &c.stages[i]
		if st.cs != nil {
			c.need.tmp = max(c.need.tmp, 2*st.p*lanes)
		}
		if st.blue != nil {
			sub := st.blue.sub.need
			c.need.merge(workSize{sub: &sub})
		}
	}
	return c
}

// newStage builds the stage for factor f after l points, with m groups, for up to lanes
// lanes, running the kernels of ks.
func newStage[T Complex](ks *kernelSet[T], f factor, l, m, lanes int) stage[T] {
	p := f.p
	st := stage[T]{p: p, l: l, m: m}
	if l > 1 {
		st.tw = twiddles[T](p, l)
		st.twk = make([]T, len(st.tw))
		for j := 1; j < p; j++ {
			for k := range l {
				st.twk[k*(p-1)+j-1] = st.tw[(j-1)*l+k]
			}
		}
	}
	switch {
	case p <= 8:
		st.kern = ks.radix[p]
	case !f.blue:
		st.kern = ks.odd
		h := (p - 1) / 2
		st.cs = make([]T, h*h)
		for q := 1; q <= h; q++ {
			for j := 1; j <= h; j++ {
				co, si := unitRoot(j*q, p)
				st.cs[(q-1)*h+j-1] = T(complex(co, si))
			}
		}
	default:
		st.kern = ks.blue
		st.blue = newBlue[T](p, lanes)
	}
	return st
}

// newBlue prepares Bluestein's algorithm for prime p: with b_j = exp(πi j²/p), the DFT is
// y_k = conj(b_k) · Σ_j (x_j·conj(b_j)) · b_(k-j), a convolution done with transforms of a
// smooth length m >= 2p-1.
func newBlue[T Complex](p, lanes int) *blue[T] {
	m := smoothAbove(2*p - 1)
	bl := &blue[T]{m: m, chirp: make([]T, p), fb: make([]T, m), sub: newCore[T](m, lanes)}

	filt := make([]complex128, m)
	for j := range p {
		co, si := unitRoot(j*j%(2*p), 2*p)
		bl.chirp[j] = T(complex(co, -si))
		filt[j] = complex(co, si)
		if j > 0 {
			filt[m-j] = complex(co, si)
		}
	}

	// The filter's transform is computed in float64 (an exact-twiddle complex128 core) and
	// rounded once, like the twiddles.
	c128 := newCore[complex128](m, 1)
	out := make([]complex128, m)
	w := newWork[complex128](c128.need)
	c128.exec(w, out, view{0, 1, 1}, filt, view{0, 1, 1}, 1, false, false, 1)
	for i, f := range out {
		bl.fb[i] = T(f / complex(float64(m), 0))
	}
	return bl
}

// smoothAbove returns the smallest n' >= n whose prime factors are all 2, 3, 5 or 7.
func smoothAbove(n int) int {
	for m := n; ; m++ {
		r := m
		for _, f := range [...]int{2, 3, 5, 7} {
			for r%f == 0 {
				r /= f
			}
		}
		if r == 1 {
			return m
		}
	}
}

// factorize returns the radices of n in stage order: large primes first (their first stage
// needs no twiddles, which saves the most), then 7, 5, 3, then the power of two as radix-8
// stages with a radix-4 or radix-2 remainder.
func factorize(n int) []int {
	var big, small, two []int
	r := n
	k := 0
	for r%2 == 0 {
		r /= 2
		k++
	}
	for _, f := range [...]int{7, 5, 3} {
		for r%f == 0 {
			small = append(small, f)
			r /= f
		}
	}
	for f := 11; f*f <= r; f += 2 {
		for r%f == 0 {
			big = append(big, f)
			r /= f
		}
	}
	if r > 1 {
		big = append(big, r)
	}
	for i, j := 0, len(big)-1; i < j; i, j = i+1, j-1 {
		big[i], big[j] = big[j], big[i]
	}
	switch k % 3 {
	case 1:
		if k >= 4 {
			two = append(two, 4, 4)
			k -= 4
		} else {
			two = append(two, 2)
			k--
		}
	case 2:
		two = append(two, 4)
		k -= 2
	}
	for ; k > 0; k -= 3 {
		two = append(two, 8)
	}
	rs := append(append(big, small...), two...)
	slices.SortFunc(rs, func(a, b int) int { return b - a })
	return rs
}

// twiddles returns the twiddles of a radix-p stage after l points: row j-1, column k holds
// exp(-2πi·j·k/(p·l)), computed in float64 and rounded once to T.
func twiddles[T Complex](p, l int) []T {
	tw := make([]T, (p-1)*l)
	for j := 1; j < p; j++ {
		for k := range l {
			co, si := unitRoot(j*k, p*l)
			tw[(j-1)*l+k] = T(complex(co, -si))
		}
	}
	return tw
}

// unitRoot returns cos(2πr/n) and sin(2πr/n) in float64. The angle is reduced exactly, in
// integers, to [0, π/4] before math.Sincos, so the result is accurate to about one ulp for any r.
func unitRoot(r, n int) (c, s float64) {
	r %= n
	if r < 0 {
		r += n
	}
	u := 8 * r
	oct := u / n
	rem := u - oct*n
	if oct&1 == 1 {
		rem = n - rem
	}
	s0, c0 := math.Sincos(math.Pi / 4 * float64(rem) / float64(n))
	switch oct {
	case 0:
		return c0, s0
	case 1:
		return s0, c0
	case 2:
		return -s0, c0
	case 3:
		return -c0, s0
	case 4:
		return -c0, -s0
	case 5:
		return -s0, -c0
	case 6:
		return s0, -c0
	default:
		return c0, -s0
	}
}

// exec transforms v lanes of length n from x (laid out by xv) into y (laid out by yv) and
// multiplies the result by scale. With inv it computes the unnormalised inverse; with center
// the input is read rotated by n/2 and the output written rotated by n/2 (ifftshift before and
// fftshift after the transform). x and y may be the same memory with the same view; any other
// overlap is not allowed.
func (c *core[T]) exec(w *work[T], y []T, yv view, x []T, xv view, v int, inv, center bool,
	scale float64) {
	rot := 0
	if center {
		rot = c.n / 2
	}
	m := &w.move
	*m = moveArgs[T]{buf: w.a[:c.n*v], s: x, view: xv, n: c.n, v: v, rot: rot, swap: inv, scale: 1}
	c.ks.gather(m)

	m.buf = c.run(w, v)
	m.s, m.view, m.scale = y, yv, scale
	c.ks.scatter(m)
}

// run transforms the v lanes held in w.a in the lane-interleaved layout (element e of lane b
// at e*v + b) and returns the buffer holding the result: w.a or w.b.
func (c *core[T]) run(w *work[T], v int) []T {
	nv := c.n * v
	in, out := w.a[:nv], w.b[:nv]
	a := &w.args
	for i := range c.stages {
		st := &c.stages[i]
		*a = stageArgs[T]{y: out, x: in, w: st.tw, tk: st.twk, l: st.l, m: st.m, v: v,
			st: st, wk: w}
		st.kern(a)
		in, out = out, in
	}
	return in
}
