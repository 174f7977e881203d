package fft

import (
	"math/rand/v2"
	"testing"
)

func TestQuick(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 1; n <= 300; n++ {
		for _, f := range []Flags{0, Inverse, Centered | Ortho, Centered | Inverse} {
			x := randomC128(rng, n)
			want := refTransform(x, []int{n}, []int{0}, f)
			p := NewPlan[complex128]([]int{n})
			got := make([]complex128, n)
			p.Transform(got, x, f)
			if e := relRMS(got, want); e > 1e-13 {
				t.Errorf("c128 n=%d f=%d err %g", n, f, e)
			}
			x64 := toT[complex64](x)
			want = refTransform(fromT(x64), []int{n}, []int{0}, f)
			q := NewPlan[complex64]([]int{n})
			q.Transform(x64, x64, f)
			if e := relRMS(x64, want); e > 1e-6 {
				t.Errorf("c64 n=%d f=%d err %g", n, f, e)
			}
		}
	}
}

func TestQuick2D(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 3))
	cases := []struct{ shape, axes []int }{
		{[]int{7, 9}, nil}, {[]int{1, 5}, nil}, {[]int{64, 54, 3}, []int{0, 1}},
		{[]int{6, 10, 4}, []int{1}}, {[]int{12, 5, 6}, []int{0, 2}}, {[]int{202, 34}, nil},
		{[]int{30, 40, 9}, []int{2}},
	}
	for _, c := range cases {
		axes := c.axes
		if axes == nil {
			axes = []int{0, 1}
		}
		n := 1
		for _, d := range c.shape {
			n *= d
		}
		for _, wk := range []int{1, 2, 3} {
			for _, f := range []Flags{0, Inverse | Ortho, Centered | Ortho, Centered | Inverse} {
				x := randomC128(rng, n)
				want := refTransform(x, c.shape, axes, f)
				p := NewPlan[complex128](c.shape, axes...).WithWorkers(wk)
				got := make([]complex128, n)
				p.Transform(got, x, f)
				if e := relRMS(got, want); e > 1e-13 {
					t.Errorf("%v %v w%d f=%d err %g", c.shape, axes, wk, f, e)
				}
			}
		}
	}
}
