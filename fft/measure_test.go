package fft

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/asm/asmtest"
)

// quickMeasure makes the measuring planner time each candidate briefly, for tests: their
// subject is what the planner builds and records, not which candidate wins.
func quickMeasure(t *testing.T) {
	t.Helper()
	target, trials := measureTarget, measureTrials
	measureTarget, measureTrials = 20*time.Microsecond, 2
	t.Cleanup(func() { measureTarget, measureTrials = target, trials })
}

// TestCandidates checks every decomposition the measuring planner may choose: its radices
// multiply to n and read back from their text form, and a plan built from it, in the row and
// the column layout, matches the direct DFT to the tolerance of the accuracy tests, on every
// asm path (8 lanes reach the SIMD kernels).
func TestCandidates(t *testing.T) {
	ns := []int{1, 2, 12, 41, 64, 97 * 2, 101, 162, 198, 204, 216, 246, 255, 256, 442, 512, 1024}
	if testing.Short() {
		ns = []int{1, 12, 101, 216, 246, 256}
	}
	asmtest.Run(t, func(t *testing.T, _ asm.Path) {
		for _, n := range ns {
			r := refFor(n)
			cs := candidateFactors(n)
			if formatFactors(cs[0]) != formatFactors(defaultFactors(n)) {
				t.Errorf("n %d: first candidate %s is not the default %s", n,
					formatFactors(cs[0]), formatFactors(defaultFactors(n)))
			}
			for _, fs := range cs {
				s := formatFactors(fs)
				back, err := parseFactors(s, n)
				if n > 1 && (err != nil || formatFactors(back) != s) {
					t.Errorf("n %d: candidate %s reads back as %v, %v", n, s, back, err)
				}
				lanes := []int{8, 3}
				if testing.Short() {
					lanes = lanes[:1]
				}
				for _, v := range lanes {
					c := choice{fs: fs, lanes: v}
					checkChoice[complex64](t, c, laneBatch(r.x, v, false), laneBatch(r.X, v, false),
						[]int{n, v}, 0)
					checkChoice[complex64](t, c, laneBatch(r.x, v, true), laneBatch(r.X, v, true),
						[]int{v, n}, 1)
					checkChoice[complex128](t, c, laneBatch(r.x, v, true),
						laneBatch(r.X, v, true), []int{v, n}, 1)
				}
			}
		}
	})
}

// checkChoice transforms x (shape, one axis) forward with decomposition c and compares with X.
func checkChoice[T Complex](t *testing.T, c choice, x, X []complex128, shape []int, axis int) {
	t.Helper()
	p := newPlan[T](shape, []int{axis}, func(passGeom) choice { return c })
	got := make([]T, len(x))
	p.Forward(got, toT[T](x))
	if e := relRMS(got, X); e > tolFor[T]() {
		t.Errorf("%s %v axis %d: %s: error %.3g", typeName[T](), shape, axis, p.Decomposition(), e)
	}
}

// TestMeasurePlan checks that measured plans compute what the default plans compute, that
// the wisdom records one choice per pass, and that a plan made from that wisdom (measured
// again, or NewPlanWisdom) reuses the choices without timing anything.
func TestMeasurePlan(t *testing.T) {
	quickMeasure(t)
	cases := []struct{ shape, axes []int }{
		{[]int{48, 30, 2}, []int{0, 1}},
		{[]int{6, 246, 3}, []int{1}},
		{[]int{101, 12}, nil},
	}
	rng := rand.New(rand.NewPCG(7, 9))
	for _, c := range cases {
		w := &Wisdom{}
		p := MeasurePlan[complex64](w, c.shape, c.axes...)
		if w.Len() != len(p.passes) {
			t.Errorf("%v: wisdom has %d entries for %d passes", c.shape, w.Len(), len(p.passes))
		}
		x := toT[complex64](randomC128(rng, p.Len()))
		want := make([]complex64, len(x))
		NewPlan[complex64](c.shape, c.axes...).Transform(want, x, Centered|Ortho)
		got := make([]complex64, len(x))
		p.Transform(got, x, Centered|Ortho)
		if e := relRMS(got, fromT(want)); e > 2*tol64 {
			t.Errorf("%v: measured plan (%s) differs from the default one by %.3g", c.shape,
				p.Decomposition(), e)
		}

		before := passesMeasured.Load()
		again := MeasurePlan[complex64](w, c.shape, c.axes...)
		reused := NewPlanWisdom[complex64](w, c.shape, c.axes...)
		if n := passesMeasured.Load() - before; n != 0 {
			t.Errorf("%v: %d passes timed again despite the wisdom", c.shape, n)
		}
		if again.Decomposition() != p.Decomposition() ||
			reused.Decomposition() != p.Decomposition() {
			t.Errorf("%v: measured %s, again %s, from wisdom %s", c.shape, p.Decomposition(),
				again.Decomposition(), reused.Decomposition())
		}
	}

	p := MeasurePlan[complex128](nil, []int{30, 17})
	x := randomC128(rng, p.Len())
	got := make([]complex128, len(x))
	p.Forward(got, x)
	if e := relRMS(got, refTransform(x, []int{30, 17}, []int{0, 1}, 0)); e > tol128 {
		t.Errorf("complex128 measured plan (%s): error %.3g", p.Decomposition(), e)
	}
}

// TestWisdomRoundTrip writes wisdom, reads it back, saves and loads it through a file, and
// checks that the text and the plans made from it stay the same.
func TestWisdomRoundTrip(t *testing.T) {
	quickMeasure(t)
	w := &Wisdom{}
	p := MeasurePlan[complex64](w, []int{216, 40, 2}, 0, 1)
	MeasurePlan[complex128](w, []int{12})
	var text bytes.Buffer
	if _, err := w.WriteTo(&text); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(text.String(), wisdomHeader+"\n") || w.Len() != 3 {
		t.Fatalf("%d entries, text:\n%s", w.Len(), text.String())
	}

	r := &Wisdom{}
	n, err := r.ReadFrom(bytes.NewReader(text.Bytes()))
	if err != nil || n != int64(text.Len()) {
		t.Fatalf("ReadFrom: %d bytes, %v", n, err)
	}
	var again bytes.Buffer
	r.WriteTo(&again)
	if again.String() != text.String() {
		t.Errorf("text changed on the round trip:\n%s\nthen\n%s", text.String(), again.String())
	}

	dir := t.TempDir()
	name := filepath.Join(dir, "wisdom.txt")
	if err := os.WriteFile(name, []byte("old content"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.Save(name); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("Save left %d files in its directory", len(ents))
	}
	l, err := LoadWisdom(name)
	if err != nil {
		t.Fatal(err)
	}
	q := NewPlanWisdom[complex64](l, []int{216, 40, 2}, 0, 1)
	if q.Decomposition() != p.Decomposition() {
		t.Errorf("plan from the loaded wisdom: %s, measured: %s", q.Decomposition(),
			p.Decomposition())
	}
	if err := r.Save(filepath.Join(dir, "no", "such", "dir")); err == nil {
		t.Error("Save into a missing directory: no error")
	}
}

// TestWisdomOtherPath checks that a choice recorded for another asm path or element type is
// kept but not used.
func TestWisdomOtherPath(t *testing.T) {
	other := "neon"
	if asm.Active() == asm.NEON {
		other = "avx2"
	}
	in := wisdomHeader + "\n" +
		"complex64 " + other + " 256 1 8 2,4,4,8 4\n" +
		"complex128 " + other + " 256 1 8 2,4,4,8 4\n"
	w := &Wisdom{}
	if _, err := w.ReadFrom(strings.NewReader(in)); err != nil {
		t.Fatal(err)
	}
	got := NewPlanWisdom[complex64](w, []int{256, 8}, 0).Decomposition()
	if def := NewPlan[complex64]([]int{256, 8}, 0).Decomposition(); got != def {
		t.Errorf("a choice for %s was used on %v: %s, default %s", other, asm.Active(), got, def)
	}
	if w.Len() != 2 {
		t.Errorf("%d entries kept, want 2", w.Len())
	}
}

// TestWisdomBadInput checks that malformed wisdom is rejected with an error naming the line
// and the problem, and that nothing of it is added.
func TestWisdomBadInput(t *testing.T) {
	good := "complex64 go 12 1 4 4,3 4\n"
	for _, c := range []struct{ in, want string }{
		{"", "line 1: empty input"},
		{"fftw_wisdom\n" + good, `line 1: "fftw_wisdom" is not the header`},
		{wisdomHeader + "\n" + good + "complex64 go 12 1 4 4,3\n", "line 3: " +
			`"complex64 go 12 1 4 4,3" has 6 fields, want 7`},
		{wisdomHeader + "\ncomplex32 go 12 1 4 4,3 4\n", `element type "complex32"`},
		{wisdomHeader + "\ncomplex64 sse 12 1 4 4,3 4\n", `asm path "sse" is not`},
		{wisdomHeader + "\ncomplex64 go 0 1 4 4,3 4\n", `length "0" is not a positive`},
		{wisdomHeader + "\ncomplex64 go 12 x 4 4,3 4\n", `inner "x" is not a positive`},
		{wisdomHeader + "\ncomplex64 go 12 1 4 4,3 -2\n", `lanes "-2" is not a positive`},
		{wisdomHeader + "\ncomplex64 go 12 1 4 4,3 1000\n", "lanes 1000 is more than 256"},
		{wisdomHeader + "\ncomplex64 go 12 1 4 4,2 4\n", "radices 4,2 multiply to 8, not 12"},
		{wisdomHeader + "\ncomplex64 go 12 1 4 4,3,2 4\n", "multiply to more than 12"},
		{wisdomHeader + "\ncomplex64 go 12 1 4 6,2 4\n", `no kernel for radix "6"`},
		{wisdomHeader + "\ncomplex64 go 12 1 4 b3,4 4\n", `no kernel for radix "b3"`},
		{wisdomHeader + "\ncomplex64 go 24 1 4 12,2 4\n", "generic butterfly needs an odd"},
		{wisdomHeader + "\ncomplex64 go 2050 1 4 2,1025 4\n", "limited to 1023"},
		{wisdomHeader + "\ncomplex64 go 12 1 4 4,,3 4\n", `radix "" is not a number`},
		{wisdomHeader + "\ncomplex64 go 12 1 4 four 4\n", `radix "four" is not a number`},
		{wisdomHeader + "\n" + strings.Repeat("x", 70000) + "\n", "line 2: line too long"},
	} {
		w := &Wisdom{}
		w.ReadFrom(strings.NewReader(wisdomHeader + "\ncomplex128 go 6 1 1 3,2 1\n"))
		_, err := w.ReadFrom(strings.NewReader(c.in))
		var we *WisdomError
		if !errors.As(err, &we) || !strings.Contains(err.Error(), c.want) ||
			!strings.HasPrefix(err.Error(), "fft: wisdom line ") {
			t.Errorf("input %.60q: error %v, want one containing %q", c.in, err, c.want)
		}
		if w.Len() != 1 {
			t.Errorf("input %.60q: %d entries after the error, want the 1 from before", c.in,
				w.Len())
		}
	}

	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte(wisdomHeader+"\n\n# comment\ncomplex64 go 12 1 4 4,2 4\n"), 0o644)
	_, err := LoadWisdom(bad)
	if err == nil || err.Error() != "fft: wisdom file "+bad+", line 4: radices 4,2 multiply "+
		"to 8, not 12" {
		t.Errorf("LoadWisdom of a bad file: %v", err)
	}
	missing := filepath.Join(dir, "missing.txt")
	if _, err := LoadWisdom(missing); err == nil || !strings.Contains(err.Error(), missing) {
		t.Errorf("LoadWisdom of a missing file: %v", err)
	}
}

// TestOrders checks the radix orders: distinct, each a permutation of the factors, the
// sorted one first, and at most the limit.
func TestOrders(t *testing.T) {
	fs := []factor{{2, false}, {8, false}, {4, false}, {4, false}, {3, false}}
	all := orders(fs, 1000)
	if len(all) != 60 { // 5!/2!
		t.Errorf("%d orders, want 60", len(all))
	}
	seen := map[string]bool{}
	for _, o := range all {
		s := formatFactors(o)
		if seen[s] {
			t.Errorf("order %s twice", s)
		}
		seen[s] = true
		a, b := slices.Clone(o), slices.Clone(fs)
		cmpP := func(x, y factor) int { return x.p - y.p }
		slices.SortFunc(a, cmpP)
		slices.SortFunc(b, cmpP)
		if !slices.Equal(a, b) {
			t.Errorf("order %s is not a permutation", s)
		}
	}
	if formatFactors(all[0]) != "8,4,4,3,2" {
		t.Errorf("first order %s", formatFactors(all[0]))
	}
	if n := len(orders(fs, 7)); n != 7 {
		t.Errorf("limit 7: %d orders", n)
	}
}
