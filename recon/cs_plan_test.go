package recon

import (
	"runtime"
	"strings"
	"testing"
)

// liveHeap returns the bytes of the heap that are reachable, after collecting the rest.
func liveHeap() int64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestPlanCSMemory checks PlanCS against the live heap of CS during its iterations, where the
// solver and the regularisers hold all their buffers: for every regulariser, the lifted problems
// (L+S, TGV) and every solver, on a cine with a line mask and one set of maps, a cine with a 2-D
// mask and two sets, and a single frame (whose temporal terms CS drops). The live heap above the
// inputs must not exceed the plan of that phase (the slice's solve and the sets' images; their
// combination comes after the solve; less the operator's pooled scratch, which a collection
// empties), and the plan must not exceed it by more than 2% plus csPlanSlack, which is there for
// the small buffers the plan does not itemise. A first run fills the process-wide FFT plan caches
// beforehand. The phases before the solve (warm start, noise estimate) are not measured here; on a
// cine the solve is the largest.
func TestPlanCSMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("collects the heap at every iteration of many reconstructions")
	}
	const nx, ny, nc = 96, 64, 8
	type dataSet struct {
		name string
		k    *KSpace
		m    *Mask
		maps *CoilMaps
	}
	var data []dataSet
	for _, c := range []struct {
		name   string
		nz, nt int
		twoD   bool
	}{{"cine lines", 2, 8, false}, {"cine 2-D, two sets", 1, 6, true},
		{"one frame", 2, 1, false}} {
		_, k := noisyCine(nx, ny, nc, c.nz, c.nt, 0.01)
		m := lineMask(nx, ny, c.nt, 6, 12, true)
		if c.twoD {
			m = pointMask(nx, ny, c.nt, 12, 0.15, 3)
		}
		maps, err := EstimateMaps(k, m, ESPIRiTOptions{Maps: 1})
		if err != nil {
			t.Fatal(err)
		}
		if c.twoD {
			// A second set, the first scaled: CS solves for both whatever they hold.
			two := &CoilMaps{NX: nx, NY: ny, NC: nc, NZ: c.nz, NM: 2,
				Data: append(append([]complex64(nil), maps.Data...), maps.Data...)}
			for i := len(maps.Data); i < len(two.Data); i++ {
				two.Data[i] *= 0.3
			}
			maps = two
		}
		data = append(data, dataSet{c.name, k, m, maps})
	}

	run := func(d dataSet, regs string, sv CSSolver) (live int64, p CSPlan, solve int64) {
		t.Helper()
		rs, err := ParseRegularizers(regs)
		if err != nil {
			t.Fatal(err)
		}
		opts := CSOptions{Regularizers: rs, Solver: sv, Threads: 2}
		opts.Solve.Iterations = 3
		if p, solve, err = planCS(d.k.Dims, d.m, d.maps.Sets(), opts); err != nil {
			t.Fatalf("%s, %s, %s: %v", d.name, regs, sv, err)
		}
		base := liveHeap()
		opts.Progress = func(pr Progress) {
			if !pr.Finished {
				live = max(live, liveHeap()-base)
			}
		}
		if _, err := CS(d.k, d.m, d.maps, opts); err != nil {
			t.Fatalf("%s, %s, %s: %v", d.name, regs, sv, err)
		}
		return live, p, solve
	}
	run(data[0], "wavelet=0.001", CSAuto)

	for _, d := range data {
		for _, c := range []struct {
			regs    string
			solvers []CSSolver
		}{
			{"wavelet=0.001", []CSSolver{CSAuto, CSPOGM, CSPrimalDual}},
			{"wavelet=0.001,ttv=0.01", []CSSolver{CSAuto, CSPrimalDual}},
			{"wavelet=0.001,tv=0.001,ttv=0.01", []CSSolver{CSAuto, CSPrimalDual}},
			{"tfft=0.01", []CSSolver{CSAuto, CSPOGM}},
			{"wavelet=0.001,llr=0.01", []CSSolver{CSAuto, CSPrimalDual}},
			{"lplus=0.01,splus=0.01", []CSSolver{CSAuto, CSPrimalDual}},
			{"lplus=0.01,splus=0.01,wavelet=0.001,tv=0.001", []CSSolver{CSAuto,
				CSPrimalDual}},
			{"tgv=0.001", []CSSolver{CSAuto, CSPrimalDual}},
			{"tgv=0.001,wavelet=0.001,ttv=0.01", []CSSolver{CSAuto, CSPrimalDual}},
		} {
			if d.k.NT == 1 && strings.Contains(c.regs, "lplus") {
				continue // one frame ignores L+S, which leaves the other terms
			}
			for _, sv := range c.solvers {
				live, p, solve := run(d, c.regs, sv)
				if p.Solver == "" {
					continue // no term is left on one frame: nothing iterates
				}
				sets := int64(d.maps.Sets()) * 8 * int64(nx*ny*d.k.NZ*d.k.NT)
				pool := csNormalScratch(d.k.Dims, LineWeights(d.m) != nil, d.maps.Sets(), 2)
				want := solve + sets - pool
				t.Logf("%s, %s, %s: live %s, plan %s (%s)", d.name, c.regs, sv,
					Bytes(live), Bytes(want), p)
				if live > want || float64(want) > 1.02*float64(live)+csPlanSlack {
					t.Errorf("%s, %s, %s: live heap %s in the solve, planned %s",
						d.name, c.regs, sv, Bytes(live), Bytes(want))
				}
			}
		}
	}
}
