package recon

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestSliceNormalMatchesSenseOp checks the fast normal operator of CS against SenseOp.Normal
// frame by frame, for line masks (shared and per frame, with a weight other than 0 and 1)
// and a 2-D mask, on even, odd and non-multiple-of-16 sizes, with one and two sets of maps
// (for two, A^H A (x1, x2) = (S1^H F^H M F (S1 x1 + S2 x2), S2^H ...), built from
// SenseOp.Forward and Adjoint). Both compute the same sums in
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
		maps2 := randomVec(rng, c.nc*n)
		for name, m := range masks {
			for _, nm := range []int{1, 2} {
				t.Run(fmt.Sprintf("%dx%dx%dx%d/%s/sets=%d", c.nx, c.ny, c.nc, c.nt, name, nm),
					func(t *testing.T) {
						sets := [][]complex64{maps, maps2}[:nm]
						checkSliceNormal(t, rng, c.nx, c.ny, c.nc, c.nt, sets, m, name != "2-D")
					})
			}
		}
	}
}

func checkSliceNormal(t *testing.T, rng *rand.Rand, nx, ny, nc, nt int, sets [][]complex64,
	m *Mask, lines bool) {
	n := nx * ny
	nm := len(sets)
	s := newSliceNormal(nx, ny, nc, nt, sets, m, 2)
	if (s.lines != nil) != lines {
		t.Fatalf("line path %v, want %v", s.lines != nil, lines)
	}
	x := randomVec(rng, nm*n*nt)
	got := make([]complex64, nm*n*nt)
	s.apply(got, x)

	want := make([]complex64, nm*n*nt)
	for it := range nt {
		sum := make([]complex64, nc*n)
		k := make([]complex64, nc*n)
		var ops []*SenseOp
		for im := range nm {
			op, err := NewSenseOp(nx, ny, nc, sets[im], m.Frame(it))
			if err != nil {
				t.Fatal(err)
			}
			ops = append(ops, op)
			op.Forward(k, x[(it*nm+im)*n:][:n])
			for i, v := range k {
				sum[i] += v
			}
		}
		for im, op := range ops {
			op.Adjoint(want[(it*nm+im)*n:][:n], sum, nil)
		}
	}
	diff := make([]complex64, len(got))
	for i := range got {
		diff[i] = got[i] - want[i]
	}
	if e := csNorm(diff) / csNorm(want); e > 2e-5 {
		t.Errorf("relative difference %.2e", e)
	}
}
