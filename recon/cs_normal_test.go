package recon

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSliceNormalMatchesSenseOp checks the fast normal operator of CS against SenseOp.Normal
// frame by frame, for line masks (shared and per frame, with a weight other than 0 and 1)
// and a 2-D mask, on even, odd and non-multiple-of-16 sizes. Both compute the same sums in
// float32 along different paths (folded phases, plain transforms, vector kernels), so they
// agree to rounding: the tolerance, 2e-5 of the output norm, is about 30 float32 epsilons,
// far below any modelling error.
func TestSliceNormalMatchesSenseOp(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, c := range []struct{ nx, ny, nc, nt int }{{32, 24, 3, 2}, {37, 21, 4, 3},
		{20, 17, 2, 2}} {
		n := c.nx * c.ny
		maps := randomVec(rng, c.nc*n)
		masks := map[string]*Mask{
			"lines":    lineMask(c.nx, c.ny, 1, 3, 4, false),
			"kt-lines": lineMask(c.nx, c.ny, c.nt, 3, 4, true),
			"2-D":      pointMask(c.nx, c.ny, c.nt, 4, 0.3, 7),
		}
		masks["lines"].Data[c.nx*(c.ny/2)] = 0.5
		for i := range c.nx {
			masks["lines"].Data[i+c.nx*(c.ny/2)] = 0.5
		}
		for name, m := range masks {
			t.Run(fmt.Sprintf("%dx%dx%dx%d/%s", c.nx, c.ny, c.nc, c.nt, name), func(t *testing.T) {
				s := newSliceNormal(c.nx, c.ny, c.nc, c.nt, maps, m, 2)
				if (s.lines != nil) != (name != "2-D") {
					t.Fatalf("line path %v for a %s mask", s.lines != nil, name)
				}
				x := randomVec(rng, n*c.nt)
				got := make([]complex64, n*c.nt)
				s.apply(got, x)

				want := make([]complex64, n*c.nt)
				for it := range c.nt {
					op, err := NewSenseOp(c.nx, c.ny, c.nc, maps, m.Frame(it))
					if err != nil {
						t.Fatal(err)
					}
					op.Normal(want[it*n:(it+1)*n], x[it*n:(it+1)*n], nil)
				}
				diff := make([]complex64, len(got))
				for i := range got {
					diff[i] = got[i] - want[i]
				}
				if e := csNorm(diff) / csNorm(want); e > 2e-5 {
					t.Errorf("relative difference %.2e", e)
				}
			})
		}
	}
}
