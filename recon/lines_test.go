package recon

import (
	"math/rand/v2"
	"testing"
)

// TestLineWeights checks the line-mask detection: line masks (shared or per frame) give
// their ky weights, a 2-D point mask gives nil.
func TestLineWeights(t *testing.T) {
	m := lineMask(12, 10, 3, 3, 2, true)
	w := LineWeights(m)
	if len(w) != 3 {
		t.Fatalf("line mask: %d frames of weights", len(w))
	}
	for it := range 3 {
		for y := range 10 {
			if w[it][y] != m.Frame(it)[5+12*y] {
				t.Errorf("frame %d line %d: weight %v, mask %v", it, y, w[it][y],
					m.Frame(it)[5+12*y])
			}
		}
	}
	if LineWeights(pointMask(12, 10, 1, 4, 0.3, 1)) != nil {
		t.Error("point mask taken for a line mask")
	}
	if LineWeights(nil) != nil {
		t.Error("nil mask taken for a line mask")
	}
}

// TestLineNormalMatchesSenseOp checks the column-decoupled normal operator (folded maps,
// batched 1-D FFTs along y) against the straightforward 2-D SenseOp.Normal, on random maps,
// random ky weights and random images, for even sizes (n = 0 and 2 mod 4, where the centring
// is a sign alternation) and odd ones (a true linear phase), and for column ranges that do
// not fill the last block. Both are float32 computations of unit-scale sums over nc coils
// and ny points; they must agree to 2e-5 relative (about 150 float32 epsilons). A missing
// centring phase, a wrong scale or a swapped FFT direction gives errors of order 1.
func TestLineNormalMatchesSenseOp(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, c := range []struct{ nx, ny, nc, x0, x1 int }{
		{20, 16, 3, 0, 20}, {21, 18, 4, 3, 20}, {17, 15, 2, 0, 17}, {40, 27, 3, 5, 38},
	} {
		maps := randomVec(rng, c.nc*c.nx*c.ny)
		w := make([]float32, c.ny)
		mask := make([]float32, c.nx*c.ny)
		for y := range w {
			w[y] = float32(rng.IntN(3)) / 2
			for x := range c.nx {
				mask[x+c.nx*y] = w[y]
			}
		}
		plane, err := NewSenseOp(c.nx, c.ny, c.nc, maps, mask)
		if err != nil {
			t.Fatal(err)
		}
		x := randomVec(rng, c.nx*c.ny)
		want := make([]complex64, c.nx*c.ny)
		plane.Normal(want, x, nil)

		cm := newColMaps(c.nx, c.ny, c.nc, maps, c.x0, c.x1)
		op := newColOp(cm, w, 0)
		xv := make([]complex64, cm.len())
		gv := make([]complex64, cm.len())
		cm.gather(xv, x, c.nx)
		t1 := make([]complex64, cm.blockSize)
		for k := range cm.blocks {
			op.applyBlock(gv, xv, t1, k)
		}
		got := make([]complex64, c.nx*c.ny)
		cm.scatter(got, gv, c.nx)

		diff := make([]complex64, len(got))
		ref := make([]complex64, len(got))
		for y := range c.ny {
			for xx := c.x0; xx < c.x1; xx++ {
				i := xx + c.nx*y
				diff[i] = got[i] - want[i]
				ref[i] = want[i]
			}
		}
		rel := cnorm(diff) / cnorm(ref)
		t.Logf("%dx%dx%d columns [%d,%d): relative difference %.3g", c.nx, c.ny, c.nc, c.x0,
			c.x1, rel)
		if rel > 2e-5 {
			t.Errorf("%dx%dx%d: column normal operator differs by %.3g", c.nx, c.ny, c.nc, rel)
		}
	}
}

// TestSENSEColumnsVsJoint solves the same line-mask problems (shared and per-frame masks,
// even and odd sizes) with the column-decoupled solver and with the joint 2-D CG-SENSE,
// both to a relative residual of 1e-6, and requires the same solution to 1e-4 relative: the
// two iterations differ but converge to the unique solution of the same regularised normal
// equations (condition number below 1e2 with lambda 0.01), so their difference is bounded
// by the residuals times the condition number, plus float32 rounding. It also checks that
// solving only a range of columns (the ranking crop) gives those columns as the full solve
// does, to 1e-6, and leaves the others zero.
func TestSENSEColumnsVsJoint(t *testing.T) {
	for _, c := range []struct {
		nx, ny   int
		perFrame bool
	}{{32, 24, false}, {33, 27, true}} {
		sims := [][]*sim{{newSim(c.nx, c.ny, 4, 0, 0.3), newSim(c.nx, c.ny, 4, 0.05, 0.3)}}
		k := kspaceOf(sims)
		m := lineMask(c.nx, c.ny, 2, 3, 6, c.perFrame)
		maps, err := EstimateMaps(k, m, ESPIRiTOptions{Kernel: 4})
		if err != nil {
			t.Fatal(err)
		}
		opts := SENSEOptions{Lambda: 0.01, Iterations: 500, Tolerance: 1e-6,
			Solver: SolverColumns}
		cols, err := SENSE(k, m, maps, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Solver = SolverPlane
		joint, err := SENSE(k, m, maps, opts)
		if err != nil {
			t.Fatal(err)
		}
		diff := make([]complex64, len(cols.Data))
		for i := range diff {
			diff[i] = cols.Data[i] - joint.Data[i]
		}
		rel := cnorm(diff) / cnorm(joint.Data)
		t.Logf("%dx%d per-frame=%v: columns vs joint %.3g", c.nx, c.ny, c.perFrame, rel)
		if rel > 1e-4 {
			t.Errorf("%dx%d: column-decoupled SENSE differs from joint by %.3g", c.nx, c.ny,
				rel)
		}

		x0, x1 := c.nx/3, c.nx/3+c.nx/3
		opts.Solver = SolverColumns
		opts.Subset = Subset{X0: x0, X1: x1, Keep: func(_, it int) bool { return it == 1 }}
		part, err := SENSE(k, m, maps, opts)
		if err != nil {
			t.Fatal(err)
		}
		var inDiff, inRef, outside float64
		for it := range 2 {
			for y := range c.ny {
				for x := range c.nx {
					v := part.Plane(0, it)[x+c.nx*y]
					if it == 1 && x >= x0 && x < x1 {
						d := v - cols.Plane(0, it)[x+c.nx*y]
						inDiff += real(cdot([]complex64{d}, []complex64{d}))
						inRef += real(cdot([]complex64{v}, []complex64{v}))
					} else {
						outside += real(cdot([]complex64{v}, []complex64{v}))
					}
				}
			}
		}
		if inDiff > 1e-12*inRef || outside != 0 {
			t.Errorf("%dx%d subset: squared difference %.3g of %.3g inside, %.3g outside",
				c.nx, c.ny, inDiff, inRef, outside)
		}
	}
}

// TestSubsetErrors checks that a column range outside the image is refused.
func TestSubsetErrors(t *testing.T) {
	s := newSim(16, 16, 2, 0, 0)
	k := kspaceOf([][]*sim{{s}})
	m := lineMask(16, 16, 1, 2, 6, false)
	maps := trueMaps(s)
	for _, sub := range []Subset{{X0: 4, X1: 17}, {X0: 5, X1: 5}, {X0: -1, X1: 3}} {
		if _, err := SENSE(k, m, maps, SENSEOptions{Subset: sub}); err == nil {
			t.Errorf("subset %+v accepted", sub)
		}
	}
}
