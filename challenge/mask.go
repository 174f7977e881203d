package challenge

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/cmrecon/cmrecon/recon"
)

// Pattern names an undersampling pattern as the challenge's file names spell it.
type Pattern string

// The patterns of the challenge. The 2025 masks use Uniform, KtGaussian and KtRadial;
// KtUniform appears only in 2024 file names: its names are parsed, but GenerateMask does not
// produce it.
const (
	Uniform    Pattern = "Uniform"
	KtGaussian Pattern = "ktGaussian"
	KtRadial   Pattern = "ktRadial"
	KtUniform  Pattern = "ktUniform"
)

// patterns lists every known pattern, longest spelling first so that a prefix match on a
// file name cannot take "Uniform" for "ktUniform".
var patterns = []Pattern{KtGaussian, KtUniform, KtRadial, Uniform}

// DefaultCalib is the size of the 2025 calibration region: 20 central ky lines for Uniform and
// ktGaussian, a central 20x20 square for ktRadial. The 2024 masks used 16, the 2023 masks 24.
const DefaultCalib = 20

// Scenario is one undersampling scenario: a pattern and its nominal acceleration R. R does
// not count the calibration lines, so the real acceleration of a mask is lower.
type Scenario struct {
	Pattern Pattern
	R       int
}

// String returns the scenario as file names spell it, e.g. "ktRadial16".
func (s Scenario) String() string { return string(s.Pattern) + strconv.Itoa(s.R) }

// Scenarios2025 returns the nine scenarios of the 2025 training masks, in the order of the
// official generator: Uniform, ktGaussian, ktRadial, each at R = 8, 16 and 24.
func Scenarios2025() []Scenario {
	var out []Scenario
	for _, p := range []Pattern{Uniform, KtGaussian, KtRadial} {
		for _, r := range []int{8, 16, 24} {
			out = append(out, Scenario{p, r})
		}
	}
	return out
}

// MaskSpec describes a mask for GenerateMask: the arguments of the 2025 generator
// ktMaskGenerator(nx, ny, nt, ncalib, R, pattern) plus a seed for the random patterns.
type MaskSpec struct {
	Pattern    Pattern
	NX, NY, NT int
	R          int    // nominal acceleration, at least 1
	NCalib     int    // calibration size; 0 means DefaultCalib
	Seed       uint64 // seeds ktGaussian; the other patterns are not random
}

// gaussianStream is the second PCG seed word of the ktGaussian draws ("cmrecon" in ASCII).
const gaussianStream = 0x636d7265636f6e

// maxElems bounds the element count of a mask or image, so that a bad size fails with an
// error instead of an allocation panic or an overflow.
const maxElems = 1 << 31

// GenerateMask builds a mask as the CMRxRecon 2025 generator does (ktMaskGenerator in the
// organisers' CMRxReconMaskGeneration/TaskAll). The result has dims (NX, NY, NT) and values 0
// or 1; the ky axis is the second one, and the centre of an axis of length n is n/2.
//
//   - Uniform: every R-th ky line from line 0, plus NCalib central lines, the same in every
//     frame.
//   - KtGaussian: per frame, round(NY/R) lines drawn independently with a density
//     proportional to 0.1 + α/(1−α)·exp(−k²/σ²), α = 0.2, σ = NY/5, k the line's
//     distance from the centre; a line drawn twice moves to the nearest free line of the
//     same frame (the lower one on a tie), then the NCalib central lines are added.
//   - KtRadial: floor(180/(0.6·R)) + 1 spokes at equal steps from 0° to 180° (the last one
//     repeats the first, turned by 180°), drawn as a one-pixel line turned about the centre of
//     a max(NX,NY) square with nearest-neighbour sampling, cut to NX×NY; frame t turns the
//     whole set by 137.5°·t. A central NCalib×NCalib square is added.
//
// A calibration block of n lines starts at NY/2 − n/2 (MATLAB's zpad centring).
//
// MATLAB's random generator cannot be reproduced, so KtGaussian masks share the statistics of
// the official ones, not their draws: they come from math/rand/v2's PCG seeded with Seed, and
// the same spec always gives the same mask. KtRadial and Uniform involve no randomness.
func GenerateMask(s MaskSpec) (*recon.Mask, error) {
	if s.NCalib == 0 {
		s.NCalib = DefaultCalib
	}
	if err := s.check(); err != nil {
		return nil, err
	}

	m := &recon.Mask{NX: s.NX, NY: s.NY, NT: s.NT, Data: make([]float32, s.NX*s.NY*s.NT)}
	switch s.Pattern {
	case Uniform:
		lines := uniformLines(s.NY, s.NCalib, s.R)
		for t := 0; t < s.NT; t++ {
			fillLines(m.Frame(t), s.NX, lines)
		}
	case KtGaussian:
		rng := rand.New(rand.NewPCG(s.Seed, gaussianStream))
		cum := gaussianCumulative(s.NY, 0.2)
		perFrame := int(math.Round(float64(s.NY) / float64(s.R)))
		draws := make([]int, perFrame)
		for t := 0; t < s.NT; t++ {
			for i := range draws {
				draws[i] = drawLine(cum, rng.Float64())
			}
			lines := spreadDuplicates(draws, s.NY)
			addCentral(lines, s.NCalib)
			fillLines(m.Frame(t), s.NX, lines)
		}
	case KtRadial:
		for t := 0; t < s.NT; t++ {
			drawRadialFrame(m.Frame(t), s.NX, s.NY, s.R, t)
			addSquare(m.Frame(t), s.NX, s.NY, s.NCalib)
		}
	}
	return m, nil
}

func (s MaskSpec) check() error {
	switch {
	case s.Pattern == KtUniform:
		// TODO: generate the 2024 ktUniform pattern (a sheared lattice through ktdup).
		return fmt.Errorf("challenge: mask pattern %s (2024) is not generated", s.Pattern)
	case s.Pattern != Uniform && s.Pattern != KtGaussian && s.Pattern != KtRadial:
		return fmt.Errorf("challenge: unknown mask pattern %q", s.Pattern)
	case s.NX < 1 || s.NY < 1 || s.NT < 1:
		return fmt.Errorf("challenge: mask size %dx%dx%d: every size must be at least 1",
			s.NX, s.NY, s.NT)
	case s.NX > maxElems/s.NY/s.NT:
		return fmt.Errorf("challenge: mask size %dx%dx%d is too large", s.NX, s.NY, s.NT)
	case s.R < 1:
		return fmt.Errorf("challenge: acceleration R = %d: must be at least 1", s.R)
	case s.NCalib < 0 || s.NCalib > s.NY:
		return fmt.Errorf("challenge: calibration size %d does not fit ny = %d", s.NCalib, s.NY)
	case s.Pattern == KtRadial && s.NCalib > s.NX:
		return fmt.Errorf("challenge: calibration size %d does not fit nx = %d", s.NCalib, s.NX)
	}
	return nil
}

// EffectiveR returns the real acceleration of a mask: its number of elements divided by the
// number of sampled (non-zero) elements. It returns +Inf for an empty mask.
func EffectiveR(m *recon.Mask) float64 {
	n := 0
	for _, v := range m.Data {
		if v != 0 {
			n++
		}
	}
	return float64(len(m.Data)) / float64(n)
}

// uniformLines marks ky lines 0, r, 2r, ... and the ncalib central lines.
func uniformLines(ny, ncalib, r int) []bool {
	lines := make([]bool, ny)
	for y := 0; y < ny; y += r {
		lines[y] = true
	}
	addCentral(lines, ncalib)
	return lines
}

// addCentral marks the n central lines, starting at len/2 - n/2.
func addCentral(lines []bool, n int) {
	lo := len(lines)/2 - n/2
	for y := lo; y < lo+n; y++ {
		lines[y] = true
	}
}

// fillLines sets every kx of the marked ky lines of one frame.
func fillLines(frame []float32, nx int, lines []bool) {
	for y, on := range lines {
		if !on {
			continue
		}
		col := frame[y*nx : (y+1)*nx]
		for x := range col {
			col[x] = 1
		}
	}
}

// addSquare sets the n×n central square of one frame.
func addSquare(frame []float32, nx, ny, n int) {
	x0, y0 := nx/2-n/2, ny/2-n/2
	for y := y0; y < y0+n; y++ {
		for x := x0; x < x0+n; x++ {
			frame[x+nx*y] = 1
		}
	}
}

// gaussianCumulative returns the ny+1 bin edges of the ktGaussian line density: edge i is
// the probability of drawing a line below i. Line i lies i - ny/2 lines from the centre.
func gaussianCumulative(ny int, alpha float64) []float64 {
	sigma := float64(ny) / 5
	scale := alpha / (1 - alpha + 1e-10)
	cum := make([]float64, ny+1)
	for i := 0; i < ny; i++ {
		k := float64(i - ny/2)
		cum[i+1] = cum[i] + 0.1 + scale*math.Exp(-k*k/(sigma*sigma))
	}

	total := cum[ny]
	for i := range cum {
		cum[i] /= total
	}
	return cum
}

// drawLine maps a uniform number u in [0, 1) to the line whose bin [cum[i], cum[i+1])
// holds it.
func drawLine(cum []float64, u float64) int {
	i := sort.SearchFloat64s(cum, u)
	if i < len(cum) && cum[i] == u {
		i++
	}
	return min(max(i-1, 0), len(cum)-2)
}

// spreadDuplicates turns the lines drawn for one frame into a set of distinct lines: every
// extra copy of a line, taken in increasing line order, moves to the nearest line not yet
// taken, the lower one when two are equally near. This is what the generator's ktdup does
// within a frame.
func spreadDuplicates(draws []int, ny int) []bool {
	count := make([]int, ny)
	for _, y := range draws {
		count[y]++
	}

	taken := make([]bool, ny)
	for y, c := range count {
		taken[y] = c > 0
	}

	for y, c := range count {
		for ; c > 1; c-- {
			if free := nearestFree(taken, y); free >= 0 {
				taken[free] = true
			}
		}
	}
	return taken
}

// nearestFree returns the free line nearest to y, the lower one on a tie, or -1 if none.
func nearestFree(taken []bool, y int) int {
	for d := 1; d < len(taken); d++ {
		if lo := y - d; lo >= 0 && !taken[lo] {
			return lo
		}
		if hi := y + d; hi < len(taken) && !taken[hi] {
			return hi
		}
	}
	return -1
}

// The ktRadial constants of the 2025 generator: the nominal R is scaled by radialRScale
// before the spoke count is taken, and frame t turns the spoke set by t·radialFrameTurn
// degrees (the golden angle).
const (
	radialRScale    = 0.6
	radialFrameTurn = 137.5
)

// RadialSpokes returns the number of spoke steps of the 2025 ktRadial pattern at nominal
// acceleration r: floor(180/(0.6·r)), i.e. 37, 18 and 12 for r = 8, 16 and 24. Each frame
// draws one spoke more than this, since its angles run from 0° to 180° inclusive.
func RadialSpokes(r int) int {
	reff := float64(r) * radialRScale
	rate := 1 / reff
	return int(math.Floor(rate * 180))
}

// radialAngles returns the spoke angles of frame t in degrees, spaced as MATLAB's colon
// operator spaces off:180/beams:180+off.
func radialAngles(r, t int) []float64 {
	off := radialFrameTurn * float64(t)
	beams := RadialSpokes(r)
	if beams < 1 {
		return []float64{off}
	}
	return colon(off, 180/float64(beams), 180+off)
}

// colon returns a, a+d, ..., up to b as MATLAB's colon operator does for d > 0: the count
// tolerates rounding of (b−a)/d, the end point snaps to b when within rounding, and the
// elements are filled from both ends towards the middle so the sequence is symmetric.
func colon(a, d, b float64) []float64 {
	tol := 2 * 0x1p-52 * max(math.Abs(a), math.Abs(b))
	n := int(math.Round((b - a) / d))
	if a+float64(n)*d-b > tol {
		n--
	}
	if n < 0 {
		return nil
	}

	c := a + float64(n)*d
	if c-b > -tol {
		c = b
	}

	v := make([]float64, n+1)
	for k := 0; k <= n/2; k++ {
		v[k] = a + float64(k)*d
		v[n-k] = c - float64(k)*d
	}
	if n%2 == 0 {
		v[n/2] = (a + c) / 2
	}
	return v
}

// drawRadialFrame adds the spokes of frame t to a frame of an nx×ny mask. Each spoke is row
// round(a/2) (1-based) of an a×a image, a = max(nx, ny), turned counter-clockwise (rows
// pointing down) by its angle about the image centre with nearest-neighbour sampling and no
// pixels from outside the image, then cut to the central nx×ny window, as MATLAB's
// crop(imrotate(aux, angle, 'crop'), nx, ny) does.
func drawRadialFrame(frame []float32, nx, ny, r, t int) {
	a := max(nx, ny)
	row := int(math.Round(float64(a)/2)) - 1
	ox, oy := a/2-nx/2, a/2-ny/2
	for _, ang := range radialAngles(r, t) {
		if math.Mod(ang, 90) == 0 {
			drawAxisSpoke(frame, nx, ny, a, row, ox, oy, int(math.Mod(math.Floor(ang/90), 4)))
			continue
		}
		drawTurnedSpoke(frame, nx, ny, a, row, ox, oy, ang)
	}
}

// drawAxisSpoke draws a spoke turned by q·90° exactly, as imrotate does with flips and a
// transpose: q = 0 keeps row `row`, 1 gives column `row`, 2 row a−1−row, 3 column a−1−row.
func drawAxisSpoke(frame []float32, nx, ny, a, row, ox, oy, q int) {
	idx := row
	if q >= 2 {
		idx = a - 1 - row
	}

	if q%2 == 0 {
		if x := idx - ox; x >= 0 && x < nx {
			for y := 0; y < ny; y++ {
				frame[x+nx*y] = 1
			}
		}
		return
	}
	if y := idx - oy; y >= 0 && y < ny {
		col := frame[nx*y : nx*(y+1)]
		for x := range col {
			col[x] = 1
		}
	}
}

// drawTurnedSpoke draws a spoke at a general angle. For each pixel of the nx×ny window it
// maps the pixel centre back through the rotation and keeps it when the nearest source pixel
// lies on the spoke and inside the a×a image. Image rows are the kx axis and image columns
// the ky axis, as in MATLAB. Along each column only the rows near the spoke are visited; the
// test is the same for every visited pixel.
//
// BUG: pixel-exact agreement with MATLAB's imrotate is not verified (no 2025 ktRadial mask
// file was at hand): a pixel centre that maps exactly onto a half-pixel boundary may round
// the other way, and pixels whose source lies in the outer half of the image's border pixel
// are kept here. The mask statistics match the real 442x198x12 ktRadial16 mask.
func drawTurnedSpoke(frame []float32, nx, ny, a, row, ox, oy int, ang float64) {
	s, c := sinCosDeg(ang)
	centre := float64(a+1) / 2
	want := float64(row + 1)
	for y := 0; y < ny; y++ {
		dCol := float64(y+oy+1) - centre
		base := centre + float64(dCol*s)

		x0, x1 := 0, nx
		if math.Abs(c) > 1e-9 {
			lo, hi := (want-0.5-base)/c, (want+0.5-base)/c
			if lo > hi {
				lo, hi = hi, lo
			}
			shift := centre - float64(ox+1)
			x0 = max(x0, int(math.Floor(lo+shift))-2)
			x1 = min(x1, int(math.Ceil(hi+shift))+3)
		}

		for x := x0; x < x1; x++ {
			dRow := float64(x+ox+1) - centre
			srcRow := base + float64(dRow*c)
			if math.Round(srcRow) != want {
				continue
			}

			srcCol := math.Round(centre + float64(dCol*c) - float64(dRow*s))
			if srcCol >= 1 && srcCol <= float64(a) {
				frame[x+nx*y] = 1
			}
		}
	}
}

// sinCosDeg returns the sine and cosine of an angle in degrees. The angle is first reduced
// exactly to [0°, 90°) plus a quadrant, and the part above 45° uses the complementary angle,
// so that symmetric angles give bit-identical values (sin 45° == cos 45°).
func sinCosDeg(deg float64) (s, c float64) {
	deg = math.Mod(deg, 360)
	if deg < 0 {
		deg += 360
	}
	q := int(deg / 90)
	x := deg - 90*float64(q)

	switch {
	case x < 45:
		s, c = math.Sincos(x * math.Pi / 180)
	case x == 45:
		s = math.Sqrt2 / 2
		c = s
	default:
		c, s = math.Sincos((90 - x) * math.Pi / 180)
	}

	switch q {
	case 1:
		s, c = c, -s
	case 2:
		s, c = -s, -c
	case 3:
		s, c = -c, s
	}
	return s, c
}
