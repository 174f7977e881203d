package recon

import (
	"errors"
	"math/cmplx"
	"strings"
	"testing"
)

// TestCSNewSolvers runs CS through Reconstruct with POGM, the primal-dual solver and L+S
// (alone with every solver that takes it, and with spatial TV under ADMM and PrimalDual)
// on the noisy 6-frame cine of noisyCine with a kt-2d mask, and checks every frame against
// its truth: the NRMSE must be below 0.8 of SENSE's, the bound TestReconstructCS sets for
// the other solvers.
func TestCSNewSolvers(t *testing.T) {
	const nx, ny, nc, nz, nt = 40, 32, 4, 1, 6
	sims, k := noisyCine(nx, ny, nc, nz, nt, 0.01)
	m := pointMask(nx, ny, nt, 12, 0.12, 5)
	se, err := Reconstruct(k, m, Options{Method: MethodSENSE, Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	wav := []Regularizer{{Kind: RegWavelet, Lambda: 0.001}}
	multi := []Regularizer{{Kind: RegWavelet, Lambda: 0.001}, {Kind: RegTV, Lambda: 0.001},
		{Kind: RegTTV, Lambda: 0.01}}
	ls := []Regularizer{{Kind: RegLPlus, Lambda: 0.3}, {Kind: RegSPlus, Lambda: 0.003}}
	lstv := append([]Regularizer{{Kind: RegTV, Lambda: 0.001}}, ls...)
	for _, c := range []struct {
		name   string
		solver CSSolver
		regs   []Regularizer
	}{
		{"POGM wavelet", CSPOGM, wav},
		{"PD wavelet+tv+ttv", CSPrimalDual, multi},
		{"FISTA L+S", CSFISTA, ls},
		{"POGM L+S", CSPOGM, ls},
		{"ADMM L+S", CSADMM, ls},
		{"PD L+S", CSPrimalDual, ls},
		{"auto L+S", CSAuto, ls},
		{"ADMM L+S+tv", CSADMM, lstv},
		{"PD L+S+tv", CSPrimalDual, lstv},
	} {
		co := CSOptions{Regularizers: c.regs, Solver: c.solver, NoiseFloor: NoiseFloorOff}
		cs, err := Reconstruct(k, m, Options{Method: MethodCS, Threads: 2, CS: co})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var worst float64
		for it := range nt {
			s := sims[0][it]
			in := make([]bool, nx*ny)
			for i, v := range s.obj {
				in[i] = cmplx.Abs(v) > 0
			}
			truth := s.truth()
			ese := nrmse(toFloat64(se.Plane(0, it)), truth, in)
			ecs := nrmse(toFloat64(cs.Plane(0, it)), truth, in)
			worst = max(worst, ecs/ese)
		}
		t.Logf("%s: worst CS/SENSE NRMSE ratio %.3f", c.name, worst)
		if worst > 0.8 {
			t.Errorf("%s: CS/SENSE NRMSE ratio %.3f, want at most 0.8", c.name, worst)
		}
	}
}

// TestCSSolverErrors: settings that cannot work are refused with a message that says why.
func TestCSSolverErrors(t *testing.T) {
	const nx, ny, nc, nz, nt = 40, 32, 4, 1, 3
	_, k := noisyCine(nx, ny, nc, nz, nt, 0.01)
	m := pointMask(nx, ny, nt, 12, 0.2, 5)
	for _, c := range []struct {
		co   CSOptions
		want string
	}{
		{CSOptions{Regularizers: []Regularizer{{Kind: RegLPlus, Lambda: 1}}},
			"needs both lplus and splus"},
		{CSOptions{Regularizers: []Regularizer{{Kind: RegSPlus, Lambda: 1},
			{Kind: RegTV, Lambda: 1}}},
			"needs both lplus and splus"},
		{CSOptions{Regularizers: []Regularizer{{Kind: RegWavelet, Lambda: 1}}, Solver: "magic"},
			"want fista, pogm, admm, pd"},
		{CSOptions{Regularizers: []Regularizer{{Kind: RegWavelet, Lambda: 1},
			{Kind: RegTV, Lambda: 1}}, Solver: CSPOGM},
			"pogm takes one regulariser"},
		{CSOptions{Regularizers: []Regularizer{{Kind: RegLPlus, Lambda: 1},
			{Kind: RegSPlus, Lambda: 1}, {Kind: RegTV, Lambda: 1}},
			Solver: CSFISTA}, "fista takes one regulariser"},
		{CSOptions{Regularizers: []Regularizer{{Kind: RegTV, Lambda: 1}}, Solver: CSPrimalDual,
			Solve: SolverOptions{DualStep: -1}}, "primal-dual step"},
	} {
		_, err := Reconstruct(k, m, Options{Method: MethodCS, CS: c.co})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v with %q: error %v, want one containing %q", c.co.Regularizers,
				c.co.Solver, err, c.want)
		}
	}
	if err := CheckRegularizers([]Regularizer{{Kind: RegLPlus, Lambda: 1}}); err == nil {
		t.Error("CheckRegularizers accepts lplus without splus")
	}
	for _, s := range []string{"", "fista", "POGM", "admm", " pd"} {
		if _, err := ParseCSSolver(s); err != nil {
			t.Errorf("ParseCSSolver(%q): %v", s, err)
		}
	}
	if _, err := ParseCSSolver("cg"); err == nil {
		t.Error("ParseCSSolver accepts cg")
	}
	_, err := ParseCSTable(strings.NewReader("Cine\tkt-2d\tinf\tlplus=1,tv=0.01\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a table row with lplus alone: error %v", err)
	}
	g, err := ParseRegularizerGrid("lplus=0:1,splus=0:0.01,tv=0:0.001")
	if err != nil || len(g) != 3 {
		t.Errorf("grid with L+S: %d combinations (%v), want 3: tv; lplus,splus; all three",
			len(g), err)
	}
	for _, c := range g {
		if err := CheckRegularizers(c); err != nil {
			t.Errorf("grid combination %s: %v", FormatRegularizers(c), err)
		}
	}
	row := "Cine\tkt-2d\tinf\tlplus=1,splus=0.01\n"
	if _, err := ParseCSTable(strings.NewReader(row)); err != nil {
		t.Errorf("a table row with L+S: %v", err)
	}
}

// TestCSLPlusSZeroOrRepeated: through the Go API an L+S pair with a zero weight, or with a
// weight given twice, is refused like half of the pair, instead of solving nothing (the L+S
// term is not built, so CS returned its CG-SENSE start) or silently using the last weight.
func TestCSLPlusSZeroOrRepeated(t *testing.T) {
	const nx, ny, nc, nz, nt = 40, 32, 4, 1, 3
	_, k := noisyCine(nx, ny, nc, nz, nt, 0.01)
	m := pointMask(nx, ny, nt, 12, 0.2, 5)
	for _, regs := range [][]Regularizer{
		{{Kind: RegLPlus, Lambda: 1}, {Kind: RegSPlus, Lambda: 0}},
		{{Kind: RegLPlus, Lambda: 0}, {Kind: RegSPlus, Lambda: 0.01}},
		{{Kind: RegLPlus, Lambda: 0}, {Kind: RegSPlus, Lambda: 0}},
		{{Kind: RegLPlus, Lambda: 1}, {Kind: RegSPlus, Lambda: 0.01}, {Kind: RegLPlus, Lambda: 2}},
	} {
		if err := CheckRegularizers(regs); err == nil {
			t.Errorf("CheckRegularizers(%v) accepts it", regs)
		}
		_, err := Reconstruct(k, m, Options{Method: MethodCS, CS: CSOptions{Regularizers: regs}})
		if err == nil || !strings.Contains(err.Error(), "lplus") {
			t.Errorf("CS with %v: error %v, want one naming lplus", regs, err)
		}
	}
}

// TestCSSolverMismatchBeforeMaps: FISTA or POGM asked for terms they cannot take is refused
// before any work, ESPIRiT included (it used to fail only when the first slice was solved,
// after the maps: minutes into a large file, and again for every file of a tree). The mask
// here has no calibration region, so reaching EstimateMaps would fail with
// ErrNoCalibration instead. Temporal terms are dropped for one frame, so there FISTA takes
// a wavelet with ttv.
func TestCSSolverMismatchBeforeMaps(t *testing.T) {
	const nx, ny, nc, nz, nt = 40, 32, 4, 1, 3
	_, k := noisyCine(nx, ny, nc, nz, nt, 0.01)
	m := pointMask(nx, ny, nt, 0, 0.05, 5)
	for _, c := range []struct {
		solver CSSolver
		regs   []Regularizer
	}{
		{CSFISTA, []Regularizer{{Kind: RegTV, Lambda: 0.001}}},
		{CSPOGM, []Regularizer{{Kind: RegWavelet, Lambda: 0.001}, {Kind: RegTTV, Lambda: 0.01}}},
		{CSPOGM, []Regularizer{{Kind: RegLPlus, Lambda: 1}, {Kind: RegSPlus, Lambda: 0.01},
			{Kind: RegWavelet, Lambda: 0.001}}},
	} {
		co := CSOptions{Regularizers: c.regs, Solver: c.solver}
		_, err := Reconstruct(k, m, Options{Method: MethodCS, CS: co})
		if err == nil || errors.Is(err, ErrNoCalibration) ||
			!strings.Contains(err.Error(), string(c.solver)+" takes one regulariser") {
			t.Errorf("%s with %v: error %v, want the solver's before the maps'", c.solver,
				c.regs, err)
		}
	}

	one := &KSpace{Dims: Dims{NX: nx, NY: ny, NC: nc, NZ: 1, NT: 1},
		Data: k.Data[:nx*ny*nc]}
	m1 := pointMask(nx, ny, 1, 12, 0.3, 5)
	co := CSOptions{Regularizers: []Regularizer{{Kind: RegWavelet, Lambda: 0.001},
		{Kind: RegTTV, Lambda: 0.01}},
		Solver: CSFISTA}
	if _, err := Reconstruct(one, m1, Options{Method: MethodCS, CS: co}); err != nil {
		t.Errorf("FISTA with wavelet and ttv on one frame: %v", err)
	}
}

// TestCSTableBlankInRegularisers: a row whose regularisers are split by a blank ("lplus=1
// splus=0.01") used to fail as lplus without splus, the rest being taken for the note; the
// error now says that the regularisers are one field.
func TestCSTableBlankInRegularisers(t *testing.T) {
	_, err := ParseCSTable(strings.NewReader("Cine\tkt-2d\tinf\tlplus=1, splus=0.01\n"))
	if err == nil || !strings.Contains(err.Error(), "line 1") ||
		!strings.Contains(err.Error(), "no blanks") {
		t.Errorf("a row with a blank in its regularisers: error %v", err)
	}
	_, err = ParseCSTable(strings.NewReader("Cine\tkt-2d\tinf\twavelet=x tv=0.01\n"))
	if err == nil || !strings.Contains(err.Error(), `lambda "x"`) {
		t.Errorf("a bad lambda followed by a note: error %v, want the lambda's", err)
	}
	row := "Cine\tkt-2d\tinf\tlplus=1,splus=0.01\tssim=0.91 tv=0.002 was second\n"
	if _, err := ParseCSTable(strings.NewReader(row)); err != nil {
		t.Errorf("a valid row whose note holds kind=value text: %v", err)
	}

	// The first half of these parses alone; the exponent after the blank must not be
	// taken for the note and silently lost.
	for _, row := range []string{"Cine\tkt-2d\tinf\ttv=0.003,wavelet=0.002 p=0.5\n",
		"Cine\tkt-2d\tinf\ttv=0.003\tWavelet=0.002\n"} {
		_, err := ParseCSTable(strings.NewReader(row))
		if err == nil || !strings.Contains(err.Error(), "no blanks") {
			t.Errorf("row %q: error %v, want the one about blanks", row, err)
		}
	}
	_, err = ParseCSTable(strings.NewReader("Cine\tkt-2d\tinf\ttv=0.003,p=0\n"))
	if err == nil || strings.Count(err.Error(), "recon:") != 1 {
		t.Errorf("a bad exponent in a row: error %v, want one prefixed once", err)
	}
}

// TestCheckCSOptions checks the data-free check of CS options: a list the solver cannot
// take on any number of frames is refused, one that serves a single frame (where CS drops
// the temporal terms) passes, as do options without regularisers, and bad settings fail.
func TestCheckCSOptions(t *testing.T) {
	regs := func(s string) []Regularizer {
		r, err := ParseRegularizers(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		name string
		opts CSOptions
		ok   bool
	}{
		{"fista tv", CSOptions{Solver: CSFISTA, Regularizers: regs("tv=0.01")}, false},
		{"pogm wavelet and tfft", CSOptions{Solver: CSPOGM,
			Regularizers: regs("wavelet=0.01,tfft=0.01")}, true},
		{"fista wavelet and ttv", CSOptions{Solver: CSFISTA,
			Regularizers: regs("wavelet=0.01,ttv=0.01")}, true},
		{"fista wavelet and tv", CSOptions{Solver: CSFISTA,
			Regularizers: regs("wavelet=0.01,tv=0.01")}, false},
		{"pd tv", CSOptions{Solver: CSPrimalDual, Regularizers: regs("tv=0.01")}, true},
		{"tgv with L+S", CSOptions{Regularizers: regs("tgv=0.01,lplus=0.1,splus=0.01")},
			true},
		{"table rows, fista", CSOptions{Solver: CSFISTA}, true},
		{"negative rho", CSOptions{Solve: SolverOptions{Rho: -1}}, false},
		{"unknown solver", CSOptions{Solver: "newton"}, false},
	} {
		if err := CheckCSOptions(c.opts); (err == nil) != c.ok {
			t.Errorf("%s: %v, want ok %v", c.name, err, c.ok)
		}
	}
}
