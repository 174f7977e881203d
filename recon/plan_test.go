package recon

import (
	"fmt"
	"strings"
	"testing"
)

// TestReconstructPlan checks the plan of Reconstruct: it is reported once before the work,
// adds up, follows the subset, and a budget below it either reduces the problems solved at
// once or refuses the job before any work, naming the budget; for CS too, whose plan counts
// both sets of maps (TestPlanCSMemory checks its solver's part) and which runs on one
// goroutine where that fits a budget its goroutines' scratch exceeds. A message comparing
// sizes that round alike gives them in bytes.
func TestReconstructPlan(t *testing.T) {
	k, lines, _, _ := senseCase(t, 40, 24, false)
	var plans []Plan
	opts := Options{Method: MethodSENSE, Threads: 2, Iterations: 5,
		Plan: func(p Plan) { plans = append(plans, p) }}
	if _, err := Reconstruct(k, lines, opts); err != nil {
		t.Fatal(err)
	}
	if len(plans) != 1 {
		t.Fatalf("plan reported %d times", len(plans))
	}
	p := plans[0]
	t.Logf("plan: %s", p)
	if p.TotalBytes != p.KSpaceBytes+p.MapsBytes+p.CalibBytes+p.ImageBytes+p.SENSE.TotalBytes ||
		p.KSpaceBytes != int64(8*k.Len()) || p.SENSE.Problems != 6 || p.SENSE.Workers != 2 {
		t.Errorf("plan %+v", p)
	}

	sub := Subset{Keep: func(iz, it int) bool { return iz == 0 && it == 2 }}
	ps, err := PlanReconstruction(k.Dims, lines, Options{Method: MethodSENSE, Subset: sub})
	if err != nil || ps.SENSE.Problems != 1 || ps.CalibBytes >= p.CalibBytes {
		t.Errorf("subset plan %+v, %v", ps, err)
	}

	opts.MaxMemory = p.TotalBytes - 1
	p1, err := PlanReconstruction(k.Dims, lines, opts)
	if err != nil || p1.SENSE.Workers != 1 || p1.TotalBytes > opts.MaxMemory {
		t.Errorf("budget %d: plan %+v, %v", opts.MaxMemory, p1, err)
	}
	plans = nil
	opts.MaxMemory = p.KSpaceBytes + p.MapsBytes
	if _, err := Reconstruct(k, lines, opts); err == nil ||
		!strings.Contains(err.Error(), "memory budget") || len(plans) != 0 {
		t.Errorf("budget %d below the inputs: %v (plans reported: %d)", opts.MaxMemory, err,
			len(plans))
	}

	regs, err := ParseRegularizers("wavelet=0.001,ttv=0.01")
	if err != nil {
		t.Fatal(err)
	}
	co := Options{Method: MethodCS, Threads: 2, CS: CSOptions{Regularizers: regs}}
	pc, err := PlanReconstruction(k.Dims, lines, co)
	if err != nil || pc.TotalBytes != pc.KSpaceBytes+pc.MapsBytes+pc.CalibBytes+
		pc.ImageBytes+pc.CS.TotalBytes || pc.CS.Solver != CSADMM || pc.CS.Sets != DefaultCSMaps ||
		pc.MapsBytes != 2*p.MapsBytes {
		t.Errorf("CS plan %+v, %v", pc, err)
	}
	one := co
	one.ESPIRiT.Maps = -1 // below 1: one set
	if p1, err := PlanReconstruction(k.Dims, lines, one); err != nil || p1.CS.Sets != 1 ||
		p1.MapsBytes != p.MapsBytes {
		t.Errorf("CS plan with ESPIRiT maps -1: %+v, %v", p1, err)
	}
	many := co
	many.Threads = 8
	p8, err8 := PlanReconstruction(k.Dims, lines, many)
	many.Threads = 1
	p1, err1 := PlanReconstruction(k.Dims, lines, many)
	if err8 != nil || err1 != nil || p8.TotalBytes <= p1.TotalBytes {
		t.Fatalf("CS plans on 8 and 1 goroutines: %s, %v; %s, %v", p8, err8, p1, err1)
	}
	many.Threads, many.MaxMemory = 8, p1.TotalBytes
	if pb, err := PlanReconstruction(k.Dims, lines, many); err != nil || pb.Threads != 1 ||
		pb.TotalBytes != p1.TotalBytes {
		t.Errorf("CS on 8 goroutines within the one-goroutine plan: %s, %v", pb, err)
	}

	plans = nil
	co.MaxMemory, co.Plan = p1.TotalBytes-1, opts.Plan
	if _, err := Reconstruct(k, lines, co); err == nil ||
		!strings.Contains(err.Error(), "memory budget") || len(plans) != 0 ||
		!strings.Contains(err.Error(), fmt.Sprintf("%d bytes", p1.TotalBytes)) {
		t.Errorf("CS with a budget 1 byte below its one-goroutine plan: %v (plans "+
			"reported: %d)", err, len(plans))
	}
}

// TestReconstructSubset checks that Reconstruct with a Subset gives the values of the full
// reconstruction where the subset keeps them and zero elsewhere, for the zero-filled
// baseline and for SENSE with per-column CG (the only solver that restricts columns; the
// others are covered by TestSubsetKeepsValues), and that maps are estimated only for the
// slices kept: a subset without slice 1 succeeds even when slice 1 has no signal at all.
func TestReconstructSubset(t *testing.T) {
	k, lines, _, _ := senseCase(t, 40, 24, false)
	for _, opts := range []Options{{Method: MethodZeroFilled},
		{Method: MethodSENSE, Solver: SolverColumns, Lambda: DefaultLambda, Iterations: 8}} {
		full, err := Reconstruct(k, lines, opts)
		if err != nil {
			t.Fatal(err)
		}
		opts.Subset = Subset{X0: 10, X1: 30, Keep: func(iz, it int) bool { return iz == 0 }}
		silent := &KSpace{Dims: k.Dims, Data: append([]complex64(nil), k.Data...)}
		for it := range k.NT {
			for c := range k.NC {
				clear(silent.Plane(c, 1, it))
			}
		}
		part, err := Reconstruct(silent, lines, opts)
		if err != nil {
			t.Fatalf("method %s: %v", opts.Method, err)
		}
		for iz := range k.NZ {
			for it := range k.NT {
				fp, pp := full.Plane(iz, it), part.Plane(iz, it)
				for i, v := range pp {
					x := i % k.NX
					in := iz == 0 && (opts.Method == MethodZeroFilled || (x >= 10 && x < 30))
					if in && v != fp[i] || !in && v != 0 {
						t.Fatalf("method %s: slice %d frame %d pixel %d: %v, full %v",
							opts.Method, iz, it, i, v, fp[i])
					}
				}
			}
		}
	}
}
