package recon

import (
	"math/rand/v2"
	"runtime"
	"strings"
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

// senseCase is a small cine with ESPIRiT maps for the solver tests: two slices, three
// frames, a Uniform-like line mask (or a per-frame one) and a 2-D point mask.
func senseCase(t *testing.T, nx, ny int, perFrame bool) (*KSpace, *Mask, *Mask, *CoilMaps) {
	t.Helper()
	var sims [][]*sim
	for iz := range 2 {
		var row []*sim
		for it := range 3 {
			row = append(row, newSim(nx, ny, 4, 0.03*float64(it), 0.2+0.3*float64(iz)))
		}
		sims = append(sims, row)
	}
	k := kspaceOf(sims)
	lines := lineMask(nx, ny, 3, 3, 6, perFrame)
	maps, err := EstimateMaps(k, lines, ESPIRiTOptions{Kernel: 4})
	if err != nil {
		t.Fatal(err)
	}
	return k, lines, pointMask(nx, ny, 3, 6, 0.3, 5), maps
}

// relDiff returns |a - b| / |b|.
func relDiff(a, b []complex64) float64 {
	d := make([]complex64, len(a))
	for i := range a {
		d[i] = a[i] - b[i]
	}
	return cnorm(d) / cnorm(b)
}

// TestSENSELinesEqualsPlane checks that the column operator with joint step sizes runs the
// same iteration as the 2-D operator: 30 unconverged iterations with lambda 0 (where the
// iterates still depend on every step size) from the same start. The two differ only by
// float32 rounding in differently ordered FFTs and sums, which CG carries from step to step;
// measured 1e-6 to 3e-6, bounded at 5e-5. Per-column step sizes after 30 iterations differ
// by about 0.1, and a lambda of 1e-4 instead of 0 by more than 1e-3.
func TestSENSELinesEqualsPlane(t *testing.T) {
	for _, c := range []struct {
		nx, ny   int
		perFrame bool
	}{{32, 24, false}, {33, 27, true}} {
		k, m, _, maps := senseCase(t, c.nx, c.ny, c.perFrame)
		opts := SENSEOptions{Iterations: 30, Solver: SolverPlane}
		plane, err := SENSE(k, m, maps, opts)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []Solver{SolverLines, SolverAuto} {
			opts.Solver = s
			lines, err := SENSE(k, m, maps, opts)
			if err != nil {
				t.Fatal(err)
			}
			rel := relDiff(lines.Data, plane.Data)
			t.Logf("%dx%d per-frame=%v solver %q: %.3g from the 2-D iteration", c.nx, c.ny,
				c.perFrame, s, rel)
			if rel > 5e-5 {
				t.Errorf("%dx%d solver %q differs from the 2-D iteration by %.3g", c.nx, c.ny,
					s, rel)
			}
		}
	}
}

// TestSubsetKeepsValues checks that a Subset never changes the values it keeps: for every
// solver, the problems and columns a subset keeps equal those of the full solve, and the
// rest stays zero. The joint solvers solve whole problems either way, so they must agree
// exactly; per-column CG solves each column on its own, and a column's arithmetic does not
// depend on its position in a block (the kernels treat lanes alike), so it must agree
// exactly too.
func TestSubsetKeepsValues(t *testing.T) {
	k, lines, points, maps := senseCase(t, 40, 24, false)
	x0, x1 := 13, 27
	sub := Subset{X0: x0, X1: x1, Keep: func(iz, it int) bool { return iz == 1 && it != 1 }}
	for _, c := range []struct {
		solver Solver
		m      *Mask
		lambda float64
	}{{SolverPlane, points, 0}, {SolverLines, lines, 0}, {SolverColumns, lines, 0.01}} {
		opts := SENSEOptions{Solver: c.solver, Lambda: c.lambda, Iterations: 10, Threads: 2}
		full, err := SENSE(k, c.m, maps, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Subset = sub
		part, err := SENSE(k, c.m, maps, opts)
		if err != nil {
			t.Fatal(err)
		}
		for iz := range 2 {
			for it := range 3 {
				fp, pp := full.Plane(iz, it), part.Plane(iz, it)
				for i, v := range pp {
					x := i % 40
					keepCol := c.solver != SolverColumns || (x >= x0 && x < x1)
					switch {
					case sub.Keep(iz, it) && keepCol && v != fp[i]:
						t.Fatalf("solver %q: slice %d frame %d pixel %d: %v in the subset, "+
							"%v in the full solve", c.solver, iz, it, i, v, fp[i])
					case !(sub.Keep(iz, it) && keepCol) && v != 0:
						t.Fatalf("solver %q: slice %d frame %d pixel %d outside the subset "+
							"is %v", c.solver, iz, it, i, v)
					}
				}
			}
		}
	}
}

// TestPlanSENSE checks the memory plan: fewer problems at once under a tight budget, an
// error naming the need when one problem does not fit, the solver resolution, and that the
// memory SENSE allocates stays within the plan (cumulative allocations, since the column
// maps of each slice are built once and dropped when the slice is done; the FFT plans are
// built by a first run, as they are cached for the process).
func TestPlanSENSE(t *testing.T) {
	k, lines, points, maps := senseCase(t, 40, 24, false)
	for _, c := range []struct {
		m      *Mask
		solver Solver
		want   Solver
	}{{lines, SolverAuto, SolverLines}, {points, SolverAuto, SolverPlane},
		{points, SolverColumns, SolverPlane}, {lines, SolverColumns, SolverColumns}} {
		opts := SENSEOptions{Solver: c.solver, Threads: 2, Lambda: 0.01}
		p, err := PlanSENSE(k.Dims, c.m, opts)
		if err != nil {
			t.Fatal(err)
		}
		if p.Solver != c.want || p.Workers != 2 || p.Threads != 1 || p.Problems != 6 {
			t.Errorf("solver %q: plan %+v", c.solver, p)
		}

		if _, err := SENSE(k, c.m, maps, opts); err != nil { // builds the FFT plans
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		if _, err := SENSE(k, c.m, maps, opts); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		got := int64(after.TotalAlloc - before.TotalAlloc)
		limit := p.OutputBytes + int64(k.NZ)*p.SliceBytes + int64(p.Workers)*p.WorkerBytes
		t.Logf("solver %q: allocated %d bytes, plan %s", c.solver, got, p)
		if got > limit {
			t.Errorf("solver %q: allocated %d bytes, plan allows %d", c.solver, got, limit)
		}

		opts.MaxMemory = p.TotalBytes - 1
		p1, err := PlanSENSE(k.Dims, c.m, opts)
		if err != nil || p1.Workers != 1 || p1.Threads != 2 {
			t.Errorf("solver %q, budget %d: plan %+v, %v", c.solver, opts.MaxMemory, p1, err)
		}
		opts.MaxMemory = p1.TotalBytes - 1
		if _, err := SENSE(k, c.m, maps, opts); err == nil ||
			!strings.Contains(err.Error(), "memory budget") {
			t.Errorf("solver %q: budget %d below one problem: %v", c.solver, opts.MaxMemory,
				err)
		}
	}
	if _, err := PlanSENSE(k.Dims, lines, SENSEOptions{Solver: "fast"}); err == nil {
		t.Error("unknown solver accepted")
	}
}
