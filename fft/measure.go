package fft

import (
	"bufio"
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/cmrecon/cmrecon/asm"
)

// The measuring planner. NewPlan decomposes every axis with one fixed rule (factorize, the
// default lane count). MeasurePlan instead builds each axis pass from a set of candidate
// decompositions, times every candidate on this machine, in the layout of the plan, with the
// kernels of the active asm path, and keeps the fastest, as FFTW's MEASURE planner does. The
// candidates are:
//
//   - the splits of the power of two into radix-8, radix-4 and at most one radix-2 stage;
//   - every order of the radices (up to maxOrders per split), since the first stage needs no
//     twiddles and the stage order sets the strides every kernel walks;
//   - for each prime factor above 8, the generic odd butterfly (up to measureOddMax) and
//     Bluestein's algorithm;
//   - then, for the fastest few decompositions, other lane counts (neighbouring powers of two,
//     up to maxMeasuredLanes), which trade cache footprint against the SIMD kernels' loop
//     overhead.
//
// The choices are kept in a Wisdom, keyed by element type, asm path and pass geometry, which
// can be written to a file and read back by later runs (NewPlanWisdom, or MeasurePlan, which
// times nothing for a pass the wisdom already knows).

const (
	// maxOrders bounds the radix orders tried per power-of-two split.
	maxOrders = 24

	// measureOddMax is the largest prime the generic odd butterfly is tried for; above it
	// only Bluestein is. measureBlueMin is the smallest prime Bluestein is tried for: below it
	// the generic butterfly, about 2p real operations per point, costs less than a quarter of
	// Bluestein's two sub-transforms of length 2p or more.
	measureOddMax  = 257
	measureBlueMin = 37

	// maxMeasuredLanes bounds the lane counts tried.
	maxMeasuredLanes = 64

	// laneFinalists is the number of decompositions whose lane counts are varied.
	laneFinalists = 3

	// keepDefault is the fraction by which a candidate must beat the default decomposition to
	// replace it: differences smaller than this are within the timing noise of a shared
	// machine, and the default is the better-tested choice.
	keepDefault = 0.03

	// maxWisdomLanes, maxWisdomRadix and maxGenericRadix bound what a wisdom line may ask for,
	// so that a bad file cannot make a plan allocate without limit (the generic butterfly's
	// table has ((p-1)/2)² entries).
	maxWisdomLanes  = 256
	maxWisdomRadix  = 1 << 20
	maxGenericRadix = 1023
)

// measureTarget is how long one timing trial of a candidate runs (several transforms of one
// batch item); the candidate's time is the best of measureTrials trials, or of fewer (at
// least two) when the trials of all candidates would take longer than measureBudget, as for
// large transforms on a slow machine. Tests lower them.
var (
	measureTarget = 150 * time.Microsecond
	measureTrials = 7
	measureBudget = 100 * time.Millisecond
)

// passesMeasured counts the passes timed by MeasurePlan (read by tests).
var passesMeasured atomic.Int64

// MeasurePlan returns a plan for the same transforms as NewPlan(shape, axes...) (it panics on
// the same bad arguments) whose decomposition of every transformed axis is the fastest of the
// candidates, timed on this machine; see the package documentation. Results agree with
// NewPlan's to within rounding. The timing takes from milliseconds for short axes to about a
// second for a 2-D plan with long, highly composite axes, and runs on the calling goroutine
// with the kernels of the active asm path.
//
// If w is not nil, an axis pass whose geometry w already knows (for this element type and asm
// path) uses w's choice without timing, and the choices timed are recorded in w for later
// plans and later runs (Wisdom.Save).
func MeasurePlan[T Complex](w *Wisdom, shape []int, axes ...int) *Plan[T] {
	// A plan with the known and the default choices gives the pass geometries.
	cur := map[passGeom]choice{}
	known := map[passGeom]bool{}
	base := newPlan[T](shape, axes, func(g passGeom) choice {
		c, ok := w.lookup(wisdomKey[T](g))
		known[g] = ok
		return c
	})
	for _, ps := range base.passes {
		cur[ps.geom()] = choice{fs: ps.fs, lanes: ps.lanes}
	}

	// Every candidate is timed as a whole transform of one batch item, with the passes not
	// yet measured at their default: a pass's speed depends on the caches the passes before
	// it leave behind. The transform is in place and orthonormal, so that the data keep
	// their size over repeated runs.
	item := base.shape
	for k, n := 0, 1; k < len(base.shape); k++ {
		if n *= base.shape[k]; n == base.itemLen {
			item = base.shape[:k+1]
			break
		}
	}
	x := make([]T, base.itemLen)
	for i := range x {
		x[i] = T(complex(math.Sin(float64(i)), math.Cos(float64(3*i))))
	}
	var z T
	elem := int(unsafe.Sizeof(z))
	for _, ps := range base.passes {
		g := ps.geom()
		if known[g] {
			continue
		}
		run := func(cs []choice) []time.Duration {
			plans := make([]*Plan[T], len(cs))
			for i, c := range cs {
				plans[i] = newPlan[T](item, base.axes, func(h passGeom) choice {
					if h == g {
						return c
					}
					return cur[h]
				})
			}
			return timePlans(plans, x)
		}
		c := measurePass(g, defaultChoice(g, elem).lanes, simdMinLanes[T](), run)
		cur[g] = c
		w.record(wisdomKey[T](g), c)
	}
	return newPlan[T](shape, axes, func(g passGeom) choice { return cur[g] })
}

// NewPlanWisdom returns a plan like NewPlan's that uses w's recorded choice for every pass
// whose geometry w knows (for this element type and the active asm path) and the default
// decomposition for the others. It times nothing, so it is as cheap as NewPlan. w may be nil.
func NewPlanWisdom[T Complex](w *Wisdom, shape []int, axes ...int) *Plan[T] {
	return newPlan[T](shape, axes, func(g passGeom) choice {
		c, _ := w.lookup(wisdomKey[T](g))
		return c
	})
}

// Decomposition describes the plan's choice for each transformed axis: the radices of its
// stages in order (a "b" marks a prime done by Bluestein's algorithm) and the lanes
// transformed together, e.g. "axis 0 (256): 8,8,4 x16; axis 1 (256): 4,8,8 x16".
func (p *Plan[T]) Decomposition() string {
	var parts []string
	for i, ps := range p.passes {
		parts = append(parts, fmt.Sprintf("axis %d (%d): %s x%d", p.axes[i], ps.n,
			formatFactors(ps.fs), ps.lanes))
	}
	return strings.Join(parts, "; ")
}

// measurePass returns the fastest decomposition of a pass of geometry g, with run timing
// lists of candidates. defLanes is the default lane count and minVec the lanes of the
// narrowest SIMD stage kernel of the element type (1 when it has none).
func measurePass(g passGeom, defLanes, minVec int,
	run func([]choice) []time.Duration) choice {
	passesMeasured.Add(1)
	var first []choice
	for _, fs := range candidateFactors(g.n) {
		first = append(first, choice{fs: fs, lanes: defLanes})
	}
	ts := run(first)
	order := make([]int, len(first))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(ts[a], ts[b]) })

	// The default first, then the finalists again, beside their lane variants, so that all
	// are timed in the same rounds.
	second := []choice{first[0]}
	for _, i := range order[:min(laneFinalists, len(order))] {
		fs := first[i].fs
		if i != 0 {
			second = append(second, first[i])
		}
		for _, lanes := range laneCandidates(g, defLanes, minVec) {
			if lanes != effectiveLanes(g, defLanes) {
				second = append(second, choice{fs: fs, lanes: lanes})
			}
		}
	}
	ts = run(second)
	best := slices.Index(ts, slices.Min(ts))
	if float64(ts[best]) > float64(ts[0])*(1-keepDefault) {
		return second[0]
	}
	return second[best]
}

// effectiveLanes is the lane count a pass of geometry g really uses when asked for lanes.
func effectiveLanes(g passGeom, lanes int) int {
	if g.inner == 1 {
		return min(lanes, g.outer)
	}
	return min(lanes, g.inner)
}

// laneCandidates returns the distinct effective lane counts tried around def: the powers of
// two from def/4 to 4·def, at most maxMeasuredLanes, and at least the narrowest SIMD vector
// (minVec elements, 1 without SIMD stage kernels; fewer lanes would run the pure-Go kernels)
// unless def itself is smaller.
func laneCandidates(g passGeom, def, minVec int) []int {
	lo := min(def, minVec)
	var ls []int
	for l := max(lo, def/4); l <= min(4*def, maxMeasuredLanes); l *= 2 {
		if e := effectiveLanes(g, l); !slices.Contains(ls, e) {
			ls = append(ls, e)
		}
	}
	return ls
}

// simdMinLanes returns the lanes of the narrowest SIMD stage kernel for element type T on the
// active path (1 when it has none).
func simdMinLanes[T Complex]() int {
	tables := simdKernels
	var z T
	if _, ok := any(z).(complex128); ok {
		tables = simdKernelsC128
	}
	lo := 0
	for _, chain := range tables[asm.Active()] {
		for _, s := range chain {
			if lo == 0 || s.lanes < lo {
				lo = s.lanes
			}
		}
	}
	return max(lo, 1)
}

// timePlans returns the time of an in-place orthonormal transform of x by each plan, on the
// clock of startClock (thread CPU time on Linux). The plans are timed in rounds (see
// measureTrials), each timing every plan once over about measureTarget, and each keeps its
// best round: on a shared machine a burst of load then slows one round of every plan rather
// than all rounds of one.
func timePlans[T Complex](plans []*Plan[T], x []T) []time.Duration {
	now, stop := startClock()
	defer stop()
	reps := make([]int, len(plans))
	best := make([]time.Duration, len(plans))
	var round time.Duration
	for i, p := range plans {
		p.Transform(x, x, Ortho)
		t0 := now()
		p.Transform(x, x, Ortho)
		once := max(now()-t0, time.Nanosecond)
		reps[i] = int(min(1000, max(1, measureTarget/once)))
		best[i] = time.Duration(math.MaxInt64)
		round += once * time.Duration(reps[i])
	}
	trials := min(measureTrials, max(2, int(measureBudget/max(round, 1))))
	for range trials {
		for i, p := range plans {
			t0 := now()
			for range reps[i] {
				p.Transform(x, x, Ortho)
			}
			best[i] = min(best[i], (now()-t0)/time.Duration(reps[i]))
		}
	}
	return best
}

// wallClock returns a clock of elapsed wall time for startClock.
func wallClock() (now func() time.Duration, stop func()) {
	t0 := time.Now()
	return func() time.Duration { return time.Since(t0) }, func() {}
}

// candidateFactors returns the candidate decompositions of n, the default one first.
func candidateFactors(n int) [][]factor {
	k, r := 0, n
	for r%2 == 0 {
		r /= 2
		k++
	}
	var small, big []int
	for _, f := range [...]int{7, 5, 3} {
		for r%f == 0 {
			small = append(small, f)
			r /= f
		}
	}
	for f := 11; f*f <= r; f += 2 {
		for r%f == 0 {
			big = append(big, f)
			r /= f
		}
	}
	if r > 1 {
		big = append(big, r)
	}

	// The ways of doing the big primes: every combination of generic and Bluestein.
	var bigWays [][]factor
	var rec func(i int, acc []factor)
	rec = func(i int, acc []factor) {
		if i == len(big) {
			bigWays = append(bigWays, slices.Clone(acc))
			return
		}
		p := big[i]
		if p <= measureOddMax {
			rec(i+1, append(acc, factor{p, false}))
		}
		if p >= measureBlueMin {
			rec(i+1, append(acc, factor{p, true}))
		}
	}
	rec(0, nil)

	var out [][]factor
	seen := map[string]bool{}
	add := func(fs []factor) {
		if s := formatFactors(fs); !seen[s] {
			seen[s] = true
			out = append(out, fs)
		}
	}
	add(defaultFactors(n))
	for a := k / 3; a >= 0; a-- {
		rest := k - 3*a
		var two []int
		for range a {
			two = append(two, 8)
		}
		for range rest / 2 {
			two = append(two, 4)
		}
		if rest%2 == 1 {
			two = append(two, 2)
		}
		for _, bw := range bigWays {
			var ms []factor
			ms = append(ms, bw...)
			for _, p := range slices.Concat(small, two) {
				ms = append(ms, factor{p, false})
			}
			for _, perm := range orders(ms, maxOrders) {
				add(perm)
			}
		}
	}
	return out
}

// orders returns up to limit distinct orders of the factors fs, starting with the one sorted
// by decreasing radix and going on in decreasing lexicographic order.
func orders(fs []factor, limit int) [][]factor {
	cur := slices.Clone(fs)
	less := func(a, b factor) bool { return a.p < b.p || a.p == b.p && !a.blue && b.blue }
	slices.SortFunc(cur, func(a, b factor) int {
		switch {
		case less(b, a):
			return -1
		case less(a, b):
			return 1
		}
		return 0
	})
	var out [][]factor
	for len(out) < limit {
		out = append(out, slices.Clone(cur))
		// The previous permutation in lexicographic order (cur is non-increasing at first).
		i := len(cur) - 2
		for i >= 0 && !less(cur[i+1], cur[i]) {
			i--
		}
		if i < 0 {
			break
		}
		j := len(cur) - 1
		for !less(cur[j], cur[i]) {
			j--
		}
		cur[i], cur[j] = cur[j], cur[i]
		slices.Reverse(cur[i+1:])
	}
	return out
}

// formatFactors writes a decomposition as in wisdom files: radices joined by commas, "b"
// before a prime done by Bluestein's algorithm.
func formatFactors(fs []factor) string {
	var b strings.Builder
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		if f.blue {
			b.WriteByte('b')
		}
		b.WriteString(strconv.Itoa(f.p))
	}
	return b.String()
}

// parseFactors reads a decomposition of n written by formatFactors and checks that the
// engine can run it: every radix 2, 3, 4, 5, 7 or 8, an odd number above 8 for the generic
// butterfly, or a number above 8 marked b for Bluestein, and their product n.
func parseFactors(s string, n int) ([]factor, error) {
	var fs []factor
	prod := 1
	for _, f := range strings.Split(s, ",") {
		blue := strings.HasPrefix(f, "b")
		v, err := strconv.Atoi(strings.TrimPrefix(f, "b"))
		if err != nil || v < 2 || v > maxWisdomRadix {
			return nil, fmt.Errorf("radix %q is not a number from 2 to %d", f, maxWisdomRadix)
		}
		switch {
		case v <= 8 && (blue || v == 6):
			return nil, fmt.Errorf("no kernel for radix %q", f)
		case v > 8 && !blue && v%2 == 0:
			return nil, fmt.Errorf("radix %d: the generic butterfly needs an odd radix", v)
		case v > maxGenericRadix && !blue:
			return nil, fmt.Errorf("radix %d: the generic butterfly is limited to %d (use b%d "+
				"for Bluestein)", v, maxGenericRadix, v)
		}
		if prod > n/v {
			return nil, fmt.Errorf("radices %s multiply to more than %d", s, n)
		}
		prod *= v
		fs = append(fs, factor{v, blue})
	}
	if prod != n {
		return nil, fmt.Errorf("radices %s multiply to %d, not %d", s, prod, n)
	}
	return fs, nil
}

// Wisdom holds decompositions chosen by MeasurePlan, for reuse by later plans and, through
// Save and LoadWisdom (or WriteTo and ReadFrom), by later runs. A choice is keyed by the
// element type, the asm path it was timed with, and the geometry of the axis pass (length,
// stride and line count), so one Wisdom can serve several machines and plans; entries for
// another path are kept but not used. The zero value is empty and ready to use; a Wisdom is
// safe for concurrent use.
//
// The text form is a header line, "cmrecon-fft-wisdom 1", then one line per choice with
// seven fields: element type, asm path, length, inner stride, outer count, radices (see
// Plan.Decomposition) and lanes, e.g. "complex64 avx512 256 1 256 8,8,4 16". Blank lines and
// lines starting with # are ignored.
type Wisdom struct {
	mu sync.Mutex
	m  map[wisdomEntryKey]choice
}

// wisdomHeader is the first line of the text form.
const wisdomHeader = "cmrecon-fft-wisdom 1"

// wisdomEntryKey identifies one pass problem.
type wisdomEntryKey struct {
	typ, path       string
	n, inner, outer int
}

// wisdomKey is the key of geometry g for element type T on the active path.
func wisdomKey[T Complex](g passGeom) wisdomEntryKey {
	path := "go"
	if kernelsFor[T]().simd {
		path = asm.Active().String()
	}
	return wisdomEntryKey{typeName[T](), path, g.n, g.inner, g.outer}
}

func typeName[T Complex]() string {
	var z T
	if _, ok := any(z).(complex64); ok {
		return "complex64"
	}
	return "complex128"
}

// Len returns the number of choices w holds.
func (w *Wisdom) Len() int {
	if w == nil {
		return 0
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.m)
}

func (w *Wisdom) lookup(k wisdomEntryKey) (choice, bool) {
	if w == nil {
		return choice{}, false
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	c, ok := w.m[k]
	return c, ok
}

func (w *Wisdom) record(k wisdomEntryKey, c choice) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[wisdomEntryKey]choice{}
	}
	w.m[k] = c
}

// WriteTo writes w in its text form (see Wisdom), one choice per line in a fixed order.
func (w *Wisdom) WriteTo(dst io.Writer) (int64, error) {
	var b bytes.Buffer
	b.WriteString(wisdomHeader + "\n")
	b.WriteString("# type path length inner outer radices lanes\n")
	w.mu.Lock()
	lines := make([]string, 0, len(w.m))
	for k, c := range w.m {
		lines = append(lines, fmt.Sprintf("%s %s %d %d %d %s %d", k.typ, k.path, k.n, k.inner,
			k.outer, formatFactors(c.fs), c.lanes))
	}
	w.mu.Unlock()
	slices.Sort(lines)
	for _, l := range lines {
		b.WriteString(l + "\n")
	}
	return b.WriteTo(dst)
}

// WisdomError reports wisdom input that ReadFrom or LoadWisdom rejected.
type WisdomError struct {
	File string // the file read, or "" for ReadFrom
	Line int    // the line, counting from 1
	Msg  string // what is wrong with it
}

// Error returns the problem in one line, e.g.
// "fft: wisdom file w.txt, line 3: radices 8,8,2 multiply to 128, not 256".
func (e *WisdomError) Error() string {
	if e.File != "" {
		return fmt.Sprintf("fft: wisdom file %s, line %d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("fft: wisdom line %d: %s", e.Line, e.Msg)
}

// ReadFrom reads wisdom in the text form written by WriteTo and adds its choices to w,
// replacing those w has for the same keys. On bad input (no header, a malformed line, a
// decomposition the engine cannot run) it adds nothing and returns a *WisdomError naming the
// line; a read error is returned as it is.
func (w *Wisdom) ReadFrom(src io.Reader) (int64, error) {
	cr := &countReader{r: src}
	sc := bufio.NewScanner(cr)
	sc.Buffer(nil, 1<<16)
	got := map[wisdomEntryKey]choice{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if line == 1 {
			if text != wisdomHeader {
				return cr.n, &WisdomError{Line: 1, Msg: fmt.Sprintf("%q is not the header %q",
					clip(text), wisdomHeader)}
			}
			continue
		}
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		k, c, err := parseWisdomLine(text)
		if err != nil {
			return cr.n, &WisdomError{Line: line, Msg: err.Error()}
		}
		got[k] = c
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return cr.n, &WisdomError{Line: line + 1, Msg: "line too long"}
		}
		return cr.n, err
	}
	if line == 0 {
		return cr.n, &WisdomError{Line: 1, Msg: "empty input (no header line)"}
	}
	for k, c := range got {
		w.record(k, c)
	}
	return cr.n, nil
}

// parseWisdomLine parses one choice line.
func parseWisdomLine(text string) (wisdomEntryKey, choice, error) {
	f := strings.Fields(text)
	if len(f) != 7 {
		return wisdomEntryKey{}, choice{}, fmt.Errorf("%q has %d fields, want 7 (type path "+
			"length inner outer radices lanes)", clip(text), len(f))
	}
	var k wisdomEntryKey
	k.typ, k.path = f[0], f[1]
	if k.typ != "complex64" && k.typ != "complex128" {
		return k, choice{}, fmt.Errorf("element type %q is not complex64 or complex128",
			clip(k.typ))
	}
	if !knownPath(k.path) {
		return k, choice{}, fmt.Errorf("asm path %q is not go, avx2, avx512 or neon",
			clip(k.path))
	}
	var nums [4]int
	for i, name := range []string{"length", "inner", "outer", "lanes"} {
		s := f[2+i]
		if i == 3 {
			s = f[6]
		}
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			return k, choice{}, fmt.Errorf("%s %q is not a positive integer", name, clip(s))
		}
		nums[i] = v
	}
	k.n, k.inner, k.outer = nums[0], nums[1], nums[2]
	if nums[3] > maxWisdomLanes {
		return k, choice{}, fmt.Errorf("lanes %d is more than %d", nums[3], maxWisdomLanes)
	}
	fs, err := parseFactors(f[5], k.n)
	if err != nil {
		return k, choice{}, err
	}
	return k, choice{fs: fs, lanes: nums[3]}, nil
}

func knownPath(s string) bool {
	for p := asm.Go; p <= asm.NEON; p++ {
		if p.String() == s {
			return true
		}
	}
	return false
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// Save writes w to the named file, atomically: to a temporary file in the same directory,
// which is then renamed over name, so that a reader never sees a partial file.
func (w *Wisdom) Save(name string) (err error) {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".tmp*")
	if err != nil {
		return fmt.Errorf("fft: saving wisdom: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = w.WriteTo(f); err != nil {
		return fmt.Errorf("fft: saving wisdom to %s: %w", name, err)
	}
	if err = f.Chmod(0o644); err != nil { // CreateTemp makes the file private
		return fmt.Errorf("fft: saving wisdom to %s: %w", name, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("fft: saving wisdom to %s: %w", name, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("fft: saving wisdom to %s: %w", name, err)
	}
	if err = os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("fft: saving wisdom to %s: %w", name, err)
	}
	return nil
}

// LoadWisdom reads the wisdom file written by Save. Bad content gives a *WisdomError naming
// the file and the line; every error names the file.
func LoadWisdom(name string) (*Wisdom, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("fft: loading wisdom: %w", err)
	}
	defer f.Close()
	w := &Wisdom{}
	if _, err := w.ReadFrom(f); err != nil {
		var we *WisdomError
		if errors.As(err, &we) {
			we.File = name
			return nil, we
		}
		return nil, fmt.Errorf("fft: loading wisdom from %s: %w", name, err)
	}
	return w, nil
}
