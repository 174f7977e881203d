package fft

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFilter checks Filter against the float64 direct DFT: forward along the axis, a
// multiplication by random real weights (one per element), the unnormalised inverse. Shapes
// cover rows (axis 0) and columns (axis 1, lanes neighbouring inner positions), a batch axis
// after the transformed one, lane blocks that are not a multiple of four and a Bluestein
// length (101). The blocks are filtered in two calls, and after the first one the lines of
// the other blocks must be unchanged. Two transforms, each within tolFor of the reference,
// and one rounding of the product give twice that bound.
func TestFilter(t *testing.T) {
	for _, c := range []struct {
		shape []int
		axis  int
	}{{[]int{37, 21}, 0}, {[]int{37, 21}, 1}, {[]int{16, 8, 3}, 1}, {[]int{5, 64}, 1},
		{[]int{101, 6}, 0}, {[]int{6, 101}, 1}, {[]int{512, 9}, 0}, {[]int{40, 216}, 1}} {
		t.Run(fmt.Sprintf("%v/axis%d", c.shape, c.axis), func(t *testing.T) {
			testFilter[complex64](t, c.shape, c.axis)
			testFilter[complex128](t, c.shape, c.axis)
		})
	}
}

func testFilter[T Complex](t *testing.T, shape []int, axis int) {
	rng := rand.New(rand.NewPCG(uint64(len(shape)), uint64(shape[0]*shape[1])))
	p := NewPlan[T](shape, axis)
	x := randomC128(rng, p.Len())
	w := make([]float64, p.Len())
	for i := range w {
		w[i] = rng.Float64()
	}

	inner, n := 1, shape[axis]
	for _, d := range shape[:axis] {
		inner *= d
	}
	index := func(line, k int) int { return line%inner + inner*(k+n*(line/inner)) }

	want := refAxis(x, shape, axis, -1)
	for i := range want {
		want[i] *= complex(w[i], 0)
	}
	want = refAxis(want, shape, axis, 1)

	got := toT[T](x)
	orig := slices.Clone(got)
	nb := p.LineBlocks()
	seen := make([]bool, p.Len()/n)
	filter := func(spec []T, line, lanes int) {
		for b := range lanes {
			seen[line+b] = true
			for k := range n {
				spec[k*lanes+b] *= T(complex(w[index(line+b, k)], 0))
			}
		}
	}
	h := nb / 2
	p.Filter(got, 0, h, filter)
	lines := p.Len() / n
	l1 := lines
	if h < nb {
		l1, _ = p.LineBlock(h)
	}
	for line := l1; line < lines; line++ {
		for k := range n {
			if i := index(line, k); got[i] != orig[i] {
				t.Fatalf("%s: line %d changed by the blocks before it", typeName[T](), line)
			}
		}
	}
	p.Filter(got, h, nb, filter)
	for line, s := range seen {
		if !s {
			t.Fatalf("%s: line %d not filtered", typeName[T](), line)
		}
	}
	if e := relRMS(got, want); e > 2*tolFor[T]() {
		t.Errorf("%s: error %.3g > %.3g", typeName[T](), e, 2*tolFor[T]())
	}
}

// TestFilterPanics checks the argument checks of Filter and LineBlock.
func TestFilterPanics(t *testing.T) {
	p := NewPlan[complex64]([]int{8, 4}, 1)
	x := make([]complex64, 32)
	nop := func([]complex64, int, int) {}
	for name, f := range map[string]func(){
		"two axes":     func() { NewPlan2D(8, 4).Filter(x, 0, 1, nop) },
		"length":       func() { p.Filter(x[:31], 0, 1, nop) },
		"blocks":       func() { p.Filter(x, 0, p.LineBlocks()+1, nop) },
		"reversed":     func() { p.Filter(x, 1, 0, nop) },
		"block range":  func() { p.LineBlock(p.LineBlocks()) },
		"2-D LineBlks": func() { NewPlan2D(8, 4).LineBlocks() },
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
}

// TestTransformPitched checks TransformPitched against the float64 direct DFT on lines
// padded to a longer pitch, in both directions, centred and orthonormal, and that the
// padding between the lines is left alone.
func TestTransformPitched(t *testing.T) {
	for _, c := range []struct{ n, lines, pitch int }{{512, 8, 520}, {37, 5, 37}, {37, 5, 41},
		{101, 3, 110}, {16, 13, 24}} {
		t.Run(fmt.Sprintf("%dx%d/pitch%d", c.n, c.lines, c.pitch), func(t *testing.T) {
			testPitched[complex64](t, c.n, c.lines, c.pitch)
			testPitched[complex128](t, c.n, c.lines, c.pitch)
		})
	}
}

func testPitched[T Complex](t *testing.T, n, lines, pitch int) {
	rng := rand.New(rand.NewPCG(uint64(n), uint64(pitch)))
	shape := []int{n, lines}
	p := NewPlan[T](shape, 0)
	x := randomC128(rng, n*lines)
	for _, f := range []Flags{0, Inverse, Centered | Ortho, Centered | Ortho | Inverse} {
		want := make([]T, n*lines)
		p.Transform(want, toT[T](x), f)
		ref := refAxis(x, shape, 0, -1)
		if f&Inverse != 0 {
			ref = refAxis(x, shape, 0, 1)
		}
		if f == 0 {
			if e := relRMS(want, ref); e > tolFor[T]() {
				t.Fatalf("%s: Transform error %.3g", typeName[T](), e)
			}
		}

		buf := make([]T, (lines-1)*pitch+n+3)
		for i := range buf {
			buf[i] = T(complex(-7, 7))
		}
		for l := range lines {
			for j := range n {
				buf[l*pitch+j] = T(x[l*n+j])
			}
		}
		p.TransformPitched(buf, pitch, f)
		got := make([]T, n*lines)
		for i := range buf {
			l, j := i/pitch, i%pitch
			if l < lines && j < n {
				got[l*n+j] = buf[i]
			} else if buf[i] != T(complex(-7, 7)) {
				t.Fatalf("%s flags %d: padding at %d changed", typeName[T](), f, i)
			}
		}
		if e := relRMS(got, fromT(want)); e > tolFor[T]() {
			t.Errorf("%s flags %d: error %.3g against Transform", typeName[T](), f, e)
		}
	}
}
