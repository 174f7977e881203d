package challenge

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/internal/realdata"
	"github.com/cmrecon/cmrecon/recon"
)

// sampledLines returns the ky lines of frame t that hold any sample.
func sampledLines(m *recon.Mask, t int) []int {
	var out []int
	f := m.Frame(t)
	for y := 0; y < m.NY; y++ {
		for x := 0; x < m.NX; x++ {
			if f[x+m.NX*y] != 0 {
				out = append(out, y)
				break
			}
		}
	}
	return out
}

func countSampled(f []float32) int {
	n := 0
	for _, v := range f {
		if v != 0 {
			n++
		}
	}
	return n
}

func countDiff(a, b []float32) int {
	n := 0
	for i := range a {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

func mustMask(t *testing.T, s MaskSpec) *recon.Mask {
	t.Helper()
	m, err := GenerateMask(s)
	if err != nil {
		t.Fatalf("GenerateMask(%+v): %v", s, err)
	}
	if err := CheckMask(m); err != nil {
		t.Fatalf("GenerateMask(%+v) gave a malformed mask: %v", s, err)
	}
	return m
}

// TestUniformLineCounts checks the line counts and effective accelerations of the Uniform
// masks against the table of cmrxrecon-data.md §3.1, worked out by hand from the generator
// (every R-th line from 0 plus 20 central lines, minus the overlap).
func TestUniformLineCounts(t *testing.T) {
	cases := []struct {
		ny, r, lines int
		effR         string
	}{
		{162, 8, 38, "4.26"}, {162, 16, 30, "5.40"}, {162, 24, 26, "6.23"},
		{204, 8, 44, "4.64"}, {204, 16, 32, "6.38"}, {204, 24, 28, "7.29"},
		{246, 8, 49, "5.02"}, {246, 16, 35, "7.03"}, {246, 24, 30, "8.20"},
	}
	for _, c := range cases {
		m := mustMask(t, MaskSpec{Pattern: Uniform, NX: 64, NY: c.ny, NT: 3, R: c.r})
		if !IsLineMask(m) {
			t.Errorf("ny=%d R=%d: Uniform mask is not a line mask", c.ny, c.r)
		}
		for f := 0; f < m.NT; f++ {
			if got := len(sampledLines(m, f)); got != c.lines {
				t.Errorf("ny=%d R=%d frame %d: %d lines, want %d", c.ny, c.r, f, got, c.lines)
			}
			if d := countDiff(m.Frame(f), m.Frame(0)); d != 0 {
				t.Errorf("ny=%d R=%d: frame %d differs from frame 0 by %d samples", c.ny, c.r,
					f, d)
			}
		}
		if got := strconv.FormatFloat(EffectiveR(m), 'f', 2, 64); got != c.effR {
			t.Errorf("ny=%d R=%d: effective R %s, want %s", c.ny, c.r, got, c.effR)
		}

		acsLo := c.ny/2 - 10
		for _, y := range sampledLines(m, 0) {
			if y%c.r != 0 && (y < acsLo || y >= acsLo+20) {
				t.Errorf("ny=%d R=%d: line %d is neither a multiple of R nor ACS", c.ny, c.r, y)
			}
		}
	}
}

// TestACSPlacement checks that the calibration block of every pattern sits where MATLAB's
// zpad puts it (start n/2 − ncalib/2 along each padded axis), for even and odd sizes.
func TestACSPlacement(t *testing.T) {
	sizes := []struct{ nx, ny, nt, ncalib int }{
		{448, 162, 4, 0}, {101, 255, 3, 16}, {64, 63, 2, 15}, {40, 40, 1, 24},
	}
	for _, p := range []Pattern{Uniform, KtGaussian, KtRadial} {
		for _, sz := range sizes {
			m := mustMask(t, MaskSpec{Pattern: p, NX: sz.nx, NY: sz.ny, NT: sz.nt, R: 24,
				NCalib: sz.ncalib, Seed: 7})
			n := sz.ncalib
			if n == 0 {
				n = DefaultCalib
			}

			x0, x1 := 0, sz.nx
			if p == KtRadial {
				x0 = sz.nx/2 - n/2
				x1 = x0 + n
			}
			y0 := sz.ny/2 - n/2
			for f := 0; f < sz.nt; f++ {
				fr := m.Frame(f)
				for y := y0; y < y0+n; y++ {
					for x := x0; x < x1; x++ {
						if fr[x+sz.nx*y] != 1 {
							t.Fatalf("%s %+v: ACS sample (%d,%d) of frame %d not set", p, sz,
								x, y, f)
						}
					}
				}
			}
		}
	}
}

// TestKtGaussian checks the structure of ktGaussian masks: whole lines, round(ny/R) drawn
// lines per frame on top of the ACS, frames that differ, and determinism per seed.
func TestKtGaussian(t *testing.T) {
	const nx, ny, nt = 32, 162, 12
	for _, r := range []int{8, 16, 24} {
		spec := MaskSpec{Pattern: KtGaussian, NX: nx, NY: ny, NT: nt, R: r, Seed: 42}
		m := mustMask(t, spec)
		if !IsLineMask(m) {
			t.Fatalf("R=%d: ktGaussian mask is not a line mask", r)
		}

		drawn := int(math.Round(float64(ny) / float64(r)))
		for f := 0; f < nt; f++ {
			n := len(sampledLines(m, f))
			if n < max(drawn, DefaultCalib) || n > drawn+DefaultCalib {
				t.Errorf("R=%d frame %d: %d lines, want %d..%d", r, f, n,
					max(drawn, DefaultCalib), drawn+DefaultCalib)
			}
			if f > 0 && countDiff(m.Frame(f), m.Frame(f-1)) == 0 {
				t.Errorf("R=%d: frame %d equals frame %d", r, f, f-1)
			}
		}

		again := mustMask(t, spec)
		if countDiff(m.Data, again.Data) != 0 {
			t.Errorf("R=%d: the same seed gave different masks", r)
		}
		spec.Seed++
		if countDiff(m.Data, mustMask(t, spec).Data) == 0 {
			t.Errorf("R=%d: seeds 42 and 43 gave the same mask", r)
		}
	}
}

// TestKtGaussianDensity checks that lines near the centre (outside the ACS) are sampled more
// often than lines near the edge, as the Gaussian-weighted density wants: the density ratio
// between |k| = 15 and |k| = 70 is about 3 for ny = 162.
func TestKtGaussianDensity(t *testing.T) {
	const ny, nt = 162, 600
	m := mustMask(t, MaskSpec{Pattern: KtGaussian, NX: 1, NY: ny, NT: nt, R: 8, Seed: 1})
	freq := func(lo, hi int) float64 {
		n := 0
		for f := 0; f < nt; f++ {
			for _, y := range sampledLines(m, f) {
				if k := abs(y - ny/2); k >= lo && k < hi {
					n++
				}
			}
		}
		return float64(n) / float64(nt*2*(hi-lo))
	}

	near, far := freq(11, 21), freq(60, 80)
	if near < 2*far {
		t.Errorf("sampling frequency near the centre %.3f, near the edge %.3f: want a ratio "+
			"of at least 2", near, far)
	}
}

func newTestRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 1)) }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// TestDrawLineDensity compares many draws with the generator's density written out here from
// its formula, 0.1 + α/(1−α)·exp(−k²/σ²), α = 0.2, σ = ny/5. Each bin must be within 5
// binomial standard deviations of its expected count (the seed is fixed, so the test is
// deterministic; 5σ over 162 bins would fail by chance with probability about 1e-4).
func TestDrawLineDensity(t *testing.T) {
	const ny, draws = 162, 400000
	cum := gaussianCumulative(ny, 0.2)
	rng := newTestRand(3)
	hist := make([]int, ny)
	for i := 0; i < draws; i++ {
		hist[drawLine(cum, rng.Float64())]++
	}

	w := make([]float64, ny)
	total := 0.0
	for i := range w {
		k := float64(i - ny/2)
		w[i] = 0.1 + 0.2/0.8*math.Exp(-k*k/(ny*ny/25.0))
		total += w[i]
	}
	for i, h := range hist {
		p := w[i] / total
		want := p * draws
		sd := math.Sqrt(draws * p * (1 - p))
		if math.Abs(float64(h)-want) > 5*sd {
			t.Errorf("line %d: %d draws, want %.0f ± %.0f", i, h, want, 5*sd)
		}
	}

	if got := drawLine(cum, 0); got != 0 {
		t.Errorf("drawLine(0) = %d, want 0", got)
	}
	if got := drawLine(cum, math.Nextafter(1, 0)); got != ny-1 {
		t.Errorf("drawLine(1-) = %d, want %d", got, ny-1)
	}
	if got := drawLine(cum, cum[5]); got != 5 {
		t.Errorf("drawLine(edge 5) = %d, want 5 (a bin holds its lower edge)", got)
	}
}

// TestSpreadDuplicates works through ktdup's rule by hand: the extra copies of a line, in
// increasing line order, move to the nearest free line of the frame, the lower one on a tie.
func TestSpreadDuplicates(t *testing.T) {
	cases := []struct {
		draws []int
		ny    int
		want  []int
	}{
		// 5 drawn three times: the first extra goes to 4 (tie 4/6, lower wins), the second to
		// 6; 3 stays.
		{[]int{5, 3, 5, 5}, 10, []int{3, 4, 5, 6}},
		// 0 twice: the only neighbour is 1. 9 twice: 8 is free.
		{[]int{0, 9, 0, 9}, 10, []int{0, 1, 8, 9}},
		// 2 twice then 3 twice: 2's extra takes 1 (tie 1/3? 3 is taken), 3's extra takes 4.
		{[]int{2, 2, 3, 3}, 6, []int{1, 2, 3, 4}},
		// Every line drawn, plus duplicates of 1: nothing is free, nothing moves.
		{[]int{0, 1, 2}, 3, []int{0, 1, 2}},
		// 1 three times in a 3-line frame: extras go to 0 then 2.
		{[]int{1, 1, 1}, 3, []int{0, 1, 2}},
	}
	for _, c := range cases {
		got := spreadDuplicates(c.draws, c.ny)
		var lines []int
		for y, on := range got {
			if on {
				lines = append(lines, y)
			}
		}
		if !equalInts(lines, c.want) {
			t.Errorf("spreadDuplicates(%v, %d) = %v, want %v", c.draws, c.ny, lines, c.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRadialSpokes checks floor(180/(0.6·R)) for the challenge's accelerations.
func TestRadialSpokes(t *testing.T) {
	for r, want := range map[int]int{8: 37, 16: 18, 24: 12, 4: 75, 12: 25, 20: 15, 1: 300} {
		if got := RadialSpokes(r); got != want {
			t.Errorf("RadialSpokes(%d) = %d, want %d", r, got, want)
		}
	}
	if got := len(radialAngles(16, 0)); got != 19 {
		t.Errorf("R=16 draws %d spokes per frame, want 18+1", got)
	}
}

// TestKtRadial checks the ktRadial masks against what the real 2025 validation mask
// cine_lax_4ch_mask_ktRadial16.mat (442x198x12) shows (cmrxrecon-data.md §3.1): a sampled
// fraction of 0.066-0.070 in every frame, frames that differ by about 10k samples, and
// frame 8 almost identical to frame 0 (137.5°·8 = 1100° is 20° modulo 180°, two spoke
// steps). The 2-D pattern is not a line mask, and the generator is deterministic.
func TestKtRadial(t *testing.T) {
	const nx, ny, nt = 442, 198, 12
	m := mustMask(t, MaskSpec{Pattern: KtRadial, NX: nx, NY: ny, NT: nt, R: 16})
	if IsLineMask(m) {
		t.Fatal("ktRadial mask is a line mask")
	}

	for f := 0; f < nt; f++ {
		frac := float64(countSampled(m.Frame(f))) / (nx * ny)
		if frac < 0.066 || frac > 0.070 {
			t.Errorf("frame %d: sampled fraction %.4f, want 0.066..0.070", f, frac)
		}

		d := countDiff(m.Frame(f), m.Frame(0))
		switch {
		case f == 8 && d > 1000:
			t.Errorf("frame 8 differs from frame 0 by %d samples, want under 1000", d)
		case f != 0 && f != 8 && (d < 8000 || d > 13000):
			t.Errorf("frame %d differs from frame 0 by %d samples, want 8000..13000", f, d)
		}
	}

	again := mustMask(t, MaskSpec{Pattern: KtRadial, NX: nx, NY: ny, NT: nt, R: 16, Seed: 9})
	if countDiff(m.Data, again.Data) != 0 {
		t.Error("ktRadial is not deterministic")
	}

	// Fewer spokes, fewer samples: the effective R grows with R and stays between R/2 and
	// R (the ACS and the crossing of the spokes at the centre keep it below R).
	prev := 0.0
	for _, r := range []int{8, 16, 24} {
		mr := mustMask(t, MaskSpec{Pattern: KtRadial, NX: nx, NY: ny, NT: 2, R: r})
		e := EffectiveR(mr)
		if e <= prev || e < float64(r)/2 || e > float64(r) {
			t.Errorf("R=%d: effective R %.2f, want R/2..R and above %.2f", r, e, prev)
		}
		prev = e
	}
}

// TestColon checks the MATLAB colon emulation on the spoke angle sequences.
func TestColon(t *testing.T) {
	v := colon(0, 180.0/37, 180)
	if len(v) != 38 || v[0] != 0 || v[37] != 180 {
		t.Errorf("0:180/37:180 has %d elements from %v to %v, want 38 from 0 to 180", len(v),
			v[0], v[len(v)-1])
	}
	v = colon(0, 10, 180)
	if len(v) != 19 || v[9] != 90 {
		t.Errorf("0:10:180 = %v, want 19 elements with 90 in the middle", v)
	}
	v = colon(137.5*11, 180.0/12, 180+137.5*11)
	if len(v) != 13 || v[12] != 180+137.5*11 {
		t.Errorf("frame 11 at R=24 has %d angles ending at %v", len(v), v[len(v)-1])
	}
	if v := colon(5, 1, 4); len(v) != 0 {
		t.Errorf("5:1:4 = %v, want empty", v)
	}
}

// TestSinCosDeg compares with math.Sincos (tolerance 2 ulp-scale, 4e-16) and checks the
// exact symmetric values.
func TestSinCosDeg(t *testing.T) {
	for deg := -720.0; deg <= 720; deg += 2.5 {
		s, c := sinCosDeg(deg)
		ws, wc := math.Sincos(deg * math.Pi / 180)
		if math.Abs(s-ws) > 4e-16*720/45+1e-15 || math.Abs(c-wc) > 4e-16*720/45+1e-15 {
			t.Errorf("sinCosDeg(%v) = %v, %v, want %v, %v", deg, s, c, ws, wc)
		}
	}
	for deg, want := range map[float64][2]float64{0: {0, 1}, 90: {1, 0}, 180: {0, -1},
		270: {-1, 0}, 450: {1, 0}} {
		if s, c := sinCosDeg(deg); s != want[0] || c != want[1] {
			t.Errorf("sinCosDeg(%v) = %v, %v, want %v exactly", deg, s, c, want)
		}
	}
	if s, c := sinCosDeg(45); s != c {
		t.Errorf("sin 45° = %v != cos 45° = %v", s, c)
	}
	if s, c := sinCosDeg(135); s != -c {
		t.Errorf("sin 135° = %v != -cos 135° = %v", s, c)
	}
}

// TestSpokeMatchesSkimage draws single spokes on an a×a image and compares them with
// scikit-image's rotate (order=0, i.e. nearest neighbour; rotation about the image centre,
// counter-clockwise; zero outside), an independent implementation of the imrotate(...,
// 'crop') step. Up to 2 pixels may differ per spoke: a pixel centre that maps exactly onto
// a half-pixel boundary (at 45° for even a, say) is rounded either way by the two codes.
func TestSpokeMatchesSkimage(t *testing.T) {
	probe := exec.Command("/usr/bin/python3", "-c", "import skimage")
	if err := probe.Run(); err != nil {
		t.Skip("/usr/bin/python3 with scikit-image not available")
	}
	angles := []float64{3, 10, 33.3, 45, 90, 100, 137.5, 180, 200, 270, 275.2, 1100, 1237.5}
	sizes := []int{100, 101, 64}
	script := `
import sys, numpy as np
from skimage.transform import rotate
sizes, angles = sys.argv[1].split(','), sys.argv[2].split(',')
for a in map(int, sizes):
    row = (a + 1) // 2 - 1  # MATLAB round(a/2), 1-based, half away from zero
    aux = np.zeros((a, a)); aux[row, :] = 1
    for ang in map(float, angles):
        r = rotate(aux, ang, order=0, preserve_range=True, mode='constant', cval=0)
        sys.stdout.buffer.write((r.T > 0.5).astype(np.uint8).tobytes())
`
	var sizeArg, angleArg []string
	total := 0
	for _, a := range sizes {
		sizeArg = append(sizeArg, strconv.Itoa(a))
		total += a * a * len(angles)
	}
	for _, ang := range angles {
		angleArg = append(angleArg, strconv.FormatFloat(ang, 'g', -1, 64))
	}
	out, err := exec.Command("/usr/bin/python3", "-c", script, strings.Join(sizeArg, ","),
		strings.Join(angleArg, ",")).Output()
	if err != nil || len(out) != total {
		t.Fatalf("skimage reference failed: %v (%d bytes, want %d)", err, len(out), total)
	}

	for _, a := range sizes {
		row := int(math.Round(float64(a)/2)) - 1
		for _, ang := range angles {
			got := make([]float32, a*a)
			if math.Mod(ang, 90) == 0 {
				drawAxisSpoke(got, a, a, a, row, 0, 0, int(math.Mod(math.Floor(ang/90), 4)))
			} else {
				drawTurnedSpoke(got, a, a, a, row, 0, 0, ang)
			}

			ref := out[:a*a]
			out = out[a*a:]
			diff, n := 0, 0
			for i, v := range got {
				if (v != 0) != (ref[i] != 0) {
					diff++
				}
				n += int(ref[i])
			}
			if diff > 2 || n < a/2 {
				t.Errorf("a=%d angle %v: %d of %d spoke pixels differ from skimage", a, ang,
					diff, n)
			}
		}
	}
}

// TestUniformMatchesReal2024Mask reads the real 2024 mask cine_sax_mask_Uniform8.mat (MATLAB
// v7.3) with h5py and checks that the Uniform generator with the 2024 ACS of 16 lines
// reproduces it exactly: ky lines 0, 8, ..., 240 plus 115..130, every kx.
func TestUniformMatchesReal2024Mask(t *testing.T) {
	path := realdata.Path(t, "cmrxrecon2024/cine_sax_mask_Uniform8.mat")
	script := `
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], 'r') as f:
    m = np.asarray(f['mask'], dtype='<f8')
sys.stdout.buffer.write(np.array(m.shape, dtype='<i8').tobytes() + m.tobytes())
`
	out, err := exec.Command("/usr/bin/python3", "-c", script, path).Output()
	if err != nil {
		t.Skipf("/usr/bin/python3 with h5py could not read %s: %v", path, err)
	}
	var shape [2]int64
	rd := bytes.NewReader(out)
	if err := binary.Read(rd, binary.LittleEndian, &shape); err != nil {
		t.Fatal(err)
	}
	ny, nx := int(shape[0]), int(shape[1])
	vals := make([]float64, nx*ny)
	if err := binary.Read(rd, binary.LittleEndian, vals); err != nil {
		t.Fatalf("reading %dx%d values: %v", nx, ny, err)
	}
	real := &recon.Mask{NX: nx, NY: ny, NT: 1, Data: make([]float32, nx*ny)}
	for i, v := range vals {
		real.Data[i] = float32(v)
	}

	if nx != 512 || ny != 246 {
		t.Fatalf("real mask is %dx%d, want 512x246", nx, ny)
	}
	gen := mustMask(t, MaskSpec{Pattern: Uniform, NX: nx, NY: ny, NT: 1, R: 8, NCalib: 16})
	if d := countDiff(gen.Data, real.Data); d != 0 {
		t.Errorf("generated mask differs from the real one in %d samples; real lines %v, "+
			"generated %v", d, sampledLines(real, 0), sampledLines(gen, 0))
	}

	x0, x1, y0, y1, ok := CalibrationRegion(real)
	if !ok || x0 != 0 || x1 != 512 || y0 != 115 || y1 != 131 {
		t.Errorf("CalibrationRegion(real mask) = [%d,%d)x[%d,%d) %v, want [0,512)x[115,131)",
			x0, x1, y0, y1, ok)
	}
}

func TestGenerateMaskErrors(t *testing.T) {
	bad := []MaskSpec{
		{Pattern: "Poisson", NX: 8, NY: 8, NT: 1, R: 4},
		{Pattern: KtUniform, NX: 8, NY: 8, NT: 1, R: 4},
		{Pattern: Uniform, NX: 0, NY: 8, NT: 1, R: 4},
		{Pattern: Uniform, NX: 8, NY: 8, NT: -1, R: 4},
		{Pattern: Uniform, NX: 1 << 20, NY: 1 << 12, NT: 1, R: 4},
		{Pattern: Uniform, NX: 8, NY: 30, NT: 1, R: 0},
		{Pattern: KtGaussian, NX: 8, NY: 10, NT: 1, R: 4},
		{Pattern: Uniform, NX: 8, NY: 30, NT: 1, R: 4, NCalib: -2},
		{Pattern: KtRadial, NX: 10, NY: 30, NT: 1, R: 4, NCalib: 12},
	}
	for _, s := range bad {
		if m, err := GenerateMask(s); err == nil {
			t.Errorf("GenerateMask(%+v) = %dx%dx%d, want an error", s, m.NX, m.NY, m.NT)
		}
	}

	// Uniform at R = 1 samples every line; ktRadial at a huge R keeps one spoke and the ACS.
	m := mustMask(t, MaskSpec{Pattern: Uniform, NX: 4, NY: 30, NT: 1, R: 1})
	if EffectiveR(m) != 1 {
		t.Errorf("Uniform R=1: effective R %v, want 1", EffectiveR(m))
	}
	m = mustMask(t, MaskSpec{Pattern: KtRadial, NX: 30, NY: 24, NT: 2, R: 400})
	if n := countSampled(m.Frame(0)); n < 400 {
		t.Errorf("ktRadial R=400: %d samples, want the 400 ACS samples and one spoke", n)
	}
}

// TestTurnedSpokeWindow checks that visiting only the rows near the spoke in each column
// gives exactly what testing every pixel gives.
func TestTurnedSpokeWindow(t *testing.T) {
	sizes := []struct{ nx, ny int }{{442, 198}, {101, 255}, {64, 64}, {7, 30}}
	for _, sz := range sizes {
		a := max(sz.nx, sz.ny)
		row := int(math.Round(float64(a)/2)) - 1
		ox, oy := a/2-sz.nx/2, a/2-sz.ny/2
		for ang := 0.25; ang < 360; ang += 1.75 {
			if math.Mod(ang, 90) == 0 {
				continue
			}
			got := make([]float32, sz.nx*sz.ny)
			drawTurnedSpoke(got, sz.nx, sz.ny, a, row, ox, oy, ang)

			want := make([]float32, sz.nx*sz.ny)
			s, c := sinCosDeg(ang)
			centre := float64(a+1) / 2
			for y := 0; y < sz.ny; y++ {
				dCol := float64(y+oy+1) - centre
				for x := 0; x < sz.nx; x++ {
					dRow := float64(x+ox+1) - centre
					srcRow := centre + float64(dCol*s) + float64(dRow*c)
					srcCol := math.Round(centre + float64(dCol*c) - float64(dRow*s))
					if math.Round(srcRow) == float64(row+1) && srcCol >= 1 &&
						srcCol <= float64(a) {
						want[x+sz.nx*y] = 1
					}
				}
			}
			if d := countDiff(got, want); d != 0 {
				t.Errorf("%dx%d angle %v: %d pixels differ from the full scan", sz.nx, sz.ny,
					ang, d)
			}
		}
	}
}

// TestMaskEmpty undersamples random k-space of 2 coils, 2 slices and 3 frames with a
// Uniform 4 mask: that mask leaves none of its samples empty, a ktGaussian 4 mask of the
// same calibration leaves empty exactly its samples off the Uniform lines (counted here
// directly), and a fully sampled input leaves none empty for any mask.
func TestMaskEmpty(t *testing.T) {
	const nx, ny, nc, nz, nt = 8, 32, 2, 2, 3
	uni, err := GenerateMask(MaskSpec{Pattern: Uniform, NX: nx, NY: ny, NT: nt, R: 4, NCalib: 4})
	if err != nil {
		t.Fatal(err)
	}
	gauss, err := GenerateMask(MaskSpec{Pattern: KtGaussian, NX: nx, NY: ny, NT: nt, R: 4,
		NCalib: 4, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	d := recon.Dims{NX: nx, NY: ny, NC: nc, NZ: nz, NT: nt}
	full := &recon.KSpace{Dims: d, Data: make([]complex64, d.Len())}
	for i := range full.Data {
		full.Data[i] = complex(float32(i%7)+1, 1)
	}
	k := &recon.KSpace{Dims: d, Data: slices.Clone(full.Data)}
	for it := range nt {
		w := uni.Frame(it)
		for iz := range nz {
			for ic := range nc {
				p := k.Plane(ic, iz, it)
				for i := range p {
					if w[i] == 0 {
						p[i] = 0
					}
				}
			}
		}
	}

	var taken, off int
	for it := range nt {
		g, u := gauss.Frame(it), uni.Frame(it)
		for i := range g {
			if g[i] > 0 {
				taken++
				if u[i] == 0 {
					off++
				}
			}
		}
	}
	if e := MaskEmpty(k, uni); e != 0 {
		t.Errorf("own mask: %.3f empty", e)
	}
	if e, want := MaskEmpty(k, gauss), float64(off)/float64(taken); e != want || off == 0 {
		t.Errorf("other mask: %.3f empty, want %.3f (%d of %d)", e, want, off, taken)
	}
	if e := MaskEmpty(full, gauss); e != 0 {
		t.Errorf("fully sampled input: %.3f empty", e)
	}
}
