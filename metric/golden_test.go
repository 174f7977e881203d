package metric

import (
	"encoding/binary"
	"encoding/json"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The golden tests compare the package with scikit-image. testdata/gen_expected.py built the
// same inputs as the functions below, scored them with scikit-image 0.19.3 / numpy 1.24.2 /
// scipy 1.10.1 exactly as the 2025 scorer does, and wrote testdata/expected.json. Every input
// is checked against the CRC-32 the script recorded, so the Go inputs are bit-identical.

// jf is a JSON float that also accepts "nan", "inf" and "-inf".
type jf float64

func (f *jf) UnmarshalJSON(b []byte) error {
	switch strings.Trim(string(b), `"`) {
	case "nan":
		*f = jf(math.NaN())
	case "inf":
		*f = jf(math.Inf(1))
	case "-inf":
		*f = jf(math.Inf(-1))
	default:
		var v float64
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*f = jf(v)
	}
	return nil
}

type goldenImage struct {
	Index            []int
	PSNR, SSIM, NMSE jf
	PGT              jf `json:"p_gt"`
	PRec             jf `json:"p_rec"`
	SSIM64           jf `json:"ssim64"`
	NMSE64           jf `json:"nmse64"`
}

type goldenCase struct {
	Name             string
	Order            string
	Squeeze          bool
	GTDims           []int  `json:"gt_dims"`
	RecDims          []int  `json:"rec_dims"`
	GTCRC            uint32 `json:"gt_crc"`
	RecCRC           uint32 `json:"rec_crc"`
	Dims             []int
	SubIsRef         bool `json:"sub_is_ref"`
	PSNR, SSIM, NMSE jf
	Images           []goldenImage
}

type goldenPercentile struct {
	SeedIndex int    `json:"seed_index"`
	N         int    `json:"n"`
	InputCRC  uint32 `json:"input_crc"`
	P         jf     `json:"p"`
	OutCRC    uint32 `json:"out_crc"`
	OutDtype  string `json:"out_dtype"`
}

type golden struct {
	Versions   map[string]string
	Evaluate   []goldenCase
	Percentile []goldenPercentile
}

func loadGolden(t *testing.T) golden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("testdata/expected.json: %v", err)
	}
	if len(g.Evaluate) == 0 || len(g.Percentile) == 0 {
		t.Fatal("testdata/expected.json holds no cases")
	}
	return g
}

// splitMix64 is the generator of gen_expected.py.
type splitMix64 struct{ state uint64 }

func (r *splitMix64) next() uint64 {
	r.state += 0x9E3779B97F4A7C15
	z := r.state
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func (r *splitMix64) uniform() float64 {
	return float64(r.next()>>11) * (1.0 / 9007199254740992.0)
}

func (r *splitMix64) noise() float64 {
	u1 := r.uniform()
	u2 := r.uniform()
	u3 := r.uniform()
	u4 := r.uniform()
	return u1 + u2 + u3 + u4 - 2.0
}

// columnMajor builds a float32 array of dims, calling f in column-major order. Products in
// the builders are wrapped in float64() so that no platform fuses them into FMAs, which would
// change the last bit (the script's Python arithmetic rounds every operation).
func columnMajor(dims []int, f func(idx []int) float64) []float32 {
	n := 1
	for _, d := range dims {
		n *= d
	}
	out := make([]float32, n)
	idx := make([]int, len(dims))
	for i := range out {
		out[i] = float32(f(idx))
		for d := range dims {
			idx[d]++
			if idx[d] < dims[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

func phantom(x, y, nx, ny, k int) float64 {
	u := (float64(2.0*float64(x)) - float64(nx)) / float64(nx)
	v := (float64(2.0*float64(y)) - float64(ny)) / float64(ny)
	val := 0.2 + float64(0.1*u)
	if float64(u*u)/0.64+float64(v*v)/0.81 < 1.0 {
		val = val + 1.0
	}
	du := u - float64(0.1*float64(k))
	if float64(du*du)/0.09+float64(v*v)/0.16 < 1.0 {
		val = val + 0.5 + float64(0.05*float64(k))
	}
	return val
}

// s55Inputs is the test vector of cmrxrecon-data.md §5.5.
func s55Inputs() (gt, rec []float32, dims []int) {
	dims = []int{57, 41, 2, 3}
	gt = columnMajor(dims, func(i []int) float64 {
		x, y, s, t := float64(i[0]), float64(i[1]), i[2], i[3]
		return float64((math.Sin(x/7)+1.5)*(math.Cos(y/5)+1.2)) *
			(1 + float64(0.1*float64(s*3+t)))
	})

	pos := 0
	rec = columnMajor(dims, func(i []int) float64 {
		x, y, s, t := float64(i[0]), float64(i[1]), float64(i[2]), float64(i[3])
		arg := float64(float64(0.37*x)*y) + float64(1.3*s) + float64(0.7*t)
		v := math.Abs(float64(gt[pos]) + float64(0.05*math.Sin(arg)))
		pos++
		return v
	})
	return gt, rec, dims
}

func noisyInputs(dims []int, seed uint64, sigma float64, signed bool) (gt, rec []float32) {
	nx, ny := dims[0], dims[1]
	rng := &splitMix64{seed}
	gt = columnMajor(dims, func(i []int) float64 {
		k := 0
		for _, v := range i[2:] {
			k += v
		}
		return phantom(i[0], i[1], nx, ny, k)
	})

	pos := 0
	rec = columnMajor(dims, func([]int) float64 {
		v := float64(gt[pos]) + float64(sigma*rng.noise())
		pos++
		if signed {
			return v
		}
		return math.Abs(v)
	})
	return gt, rec
}

func specialInputs() (gt, rec []float32, dims []int) {
	dims = []int{20, 20, 4}
	rng := &splitMix64{77}
	noise := columnMajor(dims, func([]int) float64 { return 1.0 + float64(0.5*rng.uniform()) })
	gt = make([]float32, len(noise))
	rec = make([]float32, len(noise))
	n := 400
	gt[5+20*7] = 3.0
	copy(rec[:n], noise[:n])
	copy(gt[n:2*n], noise[n:2*n])
	rec[n+12+20*3] = 2.5
	copy(gt[2*n:3*n], noise[2*n:3*n])
	copy(rec[2*n:3*n], noise[2*n:3*n])
	return gt, rec, dims
}

func stressValue(rng *splitMix64, spread uint64) float32 {
	b := rng.next()
	e := b%(2*spread+1) - spread + 127
	mant := (b >> 16) & 0x7FFFFF
	sign := (b >> 40) & 1
	return math.Float32frombits(uint32(sign<<31 | e<<23 | mant))
}

func stressInputs(dims []int, seed uint64) (gt, rec []float32) {
	rng := &splitMix64{seed}
	f := func([]int) float64 {
		if rng.next()%5 == 0 {
			return 1.5
		}
		return float64(stressValue(rng, 20))
	}
	gt = columnMajor(dims, f)
	rec = columnMajor(dims, f)
	return gt, rec
}

func percentileInputs() [][]float32 {
	sizes := []int{1, 2, 3, 7, 49, 99, 100, 101, 199, 200, 201, 400, 401, 1000, 2337, 8193}
	rng := &splitMix64{2025}
	for range 14 {
		sizes = append(sizes, 1+int(rng.next()%3000))
	}

	var cases [][]float32
	for ci, n := range sizes {
		spread := []uint64{1, 5, 30, 126}[ci%4]
		vals := make([]float32, n)
		for i := range vals {
			kind := rng.next() % 10
			switch {
			case kind == 0:
				vals[i] = 0
			case kind == 1:
				vals[i] = 1
				if i > 0 {
					vals[i] = vals[i-1]
				}
			case kind == 2 && ci%3 == 0:
				vals[i] = math.Float32frombits(uint32((1 + rng.next()%7) * 0x1000))
			default:
				vals[i] = stressValue(rng, spread)
			}
		}
		switch ci {
		case 20:
			vals[n/2] = float32(math.Inf(1))
		case 21:
			vals[n/3] = float32(math.NaN())
		case 22:
			clear(vals)
			vals[0] = 2
		}
		cases = append(cases, vals)
	}
	return cases
}

// crc is the script's crc(): CRC-32 of the little-endian float32 bytes, NaNs canonicalised.
func crc(v []float32) uint32 {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		bits := math.Float32bits(x)
		if x != x {
			bits = 0x7FC00000
		}
		binary.LittleEndian.PutUint32(b[4*i:], bits)
	}
	return crc32.ChecksumIEEE(b)
}

// goldenInputs rebuilds the inputs of the named case.
func goldenInputs(t *testing.T, name string) (gt, rec []float32, dims []int) {
	t.Helper()
	base := strings.TrimSuffix(strings.TrimSuffix(name, "_textbook"), "_squeeze")
	switch base {
	case "s55":
		return s55Inputs()
	case "s55_frame0_3d":
		gt, rec, dims := s55Inputs()
		n := dims[0] * dims[1] * dims[2]
		return gt[:n], rec[:n], dims[:3]
	case "odd_4d_singleton":
		dims = []int{23, 17, 1, 3}
		gt, rec = noisyInputs(dims, 1, 0.05, false)
	case "signed_3d":
		dims = []int{31, 29, 2}
		gt, rec = noisyInputs(dims, 2, 0.1, true)
	case "tiny_2d":
		dims = []int{40, 7}
		gt, rec = noisyInputs(dims, 3, 0.02, false)
	case "special_3d":
		return specialInputs()
	case "noisy_5d":
		dims = []int{15, 13, 2, 2, 2}
		gt, rec = noisyInputs(dims, 4, 0.03, false)
	case "stress_4d_99px":
		dims = []int{11, 9, 1, 2}
		gt, rec = stressInputs(dims, 5)
	case "stress_3d_144px":
		dims = []int{12, 12, 2}
		gt, rec = stressInputs(dims, 6)
	case "large_4d":
		dims = []int{171, 123, 2, 3}
		gt, rec = noisyInputs(dims, 7, 0.04, false)
	default:
		t.Fatalf("no Go builder for golden case %q", name)
	}
	return gt, rec, dims
}

// same reports whether two scores agree: equal non-finite values, or |a-b| <= tol·scale.
func same(a, b, tol, scale float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b || (math.IsNaN(a) && math.IsNaN(b))
	}
	return math.Abs(a-b) <= tol*scale
}

// Tolerances against scikit-image.
//
// SSIM and PSNR: the package repeats every float32 rounding of the scorer, scipy's filter
// order and numpy's summation order, so only the last bits of float64 library functions
// (log10) can differ: measured 0 (SSIM) and 2e-16 relative (PSNR). The bound 1e-12 keeps that
// exactness under test: an SSIM computed in float64 instead would be off by up to 6.8e-7 on
// these cases and pass a 1e-6 bound unnoticed.
//
// NMSE: the scorer's BLAS sums float32 squares in a machine-dependent order (see NMSE);
// measured 3.1e-7 relative here, so the bound is the project's 1e-6.
const (
	tolSSIM = 1e-12 // absolute
	tolPSNR = 1e-12 // relative
	tolNMSE = 1e-6  // relative
)

func TestGoldenEvaluate(t *testing.T) {
	g := loadGolden(t)
	var maxSSIM, maxPSNR, maxNMSE, maxSSIM64 float64
	for _, c := range g.Evaluate {
		t.Run(c.Name, func(t *testing.T) {
			gt, rec, dims := goldenInputs(t, c.Name)
			if crc(gt) != c.GTCRC || crc(rec) != c.RecCRC || !slices.Equal(dims, c.GTDims) {
				t.Fatalf("Go inputs differ from the script's (crc %08x/%08x, want %08x/%08x)",
					crc(gt), crc(rec), c.GTCRC, c.RecCRC)
			}

			opt := Options{Squeeze: c.Squeeze}
			if c.Order == "textbook" {
				opt.Order = OrderTextbook
			}
			res, err := Evaluate(gt, rec, c.GTDims, c.RecDims, opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Dims, c.Dims) || res.SubmissionIsReference != c.SubIsRef {
				t.Fatalf("dims %v ref=submission %v, want %v %v",
					res.Dims, res.SubmissionIsReference, c.Dims, c.SubIsRef)
			}
			if len(res.Images) != len(c.Images) {
				t.Fatalf("%d images, want %d", len(res.Images), len(c.Images))
			}

			for i, want := range c.Images {
				got := res.Images[i]
				pg, pr := got.RefPercentile, got.OtherPercentile
				if res.SubmissionIsReference {
					pg, pr = pr, pg
				}
				if !slices.Equal(got.Index, want.Index) ||
					!same(pg, float64(want.PGT), 0, 0) || !same(pr, float64(want.PRec), 0, 0) {
					t.Errorf("image %d: index %v percentiles %v %v, want %v %v %v (exact)",
						i, got.Index, pg, pr, want.Index, want.PGT, want.PRec)
				}
				checkScores(t, got.Index, got.PSNR, got.SSIM, got.NMSE,
					float64(want.PSNR), float64(want.SSIM), float64(want.NMSE))

				maxSSIM = max(maxSSIM, finiteDiff(got.SSIM, float64(want.SSIM), 1))
				maxPSNR = max(maxPSNR, finiteDiff(got.PSNR, float64(want.PSNR), want.PSNR))
				maxNMSE = max(maxNMSE, finiteDiff(got.NMSE, float64(want.NMSE), want.NMSE))
				maxSSIM64 = max(maxSSIM64, finiteDiff(float64(want.SSIM64), float64(want.SSIM), 1))
			}
			checkScores(t, "file mean", res.PSNR, res.SSIM, res.NMSE,
				float64(c.PSNR), float64(c.SSIM), float64(c.NMSE))
		})
	}
	t.Logf("max differences to scikit-image: SSIM %.3g abs, PSNR %.3g rel, NMSE %.3g rel",
		maxSSIM, maxPSNR, maxNMSE)
	t.Logf("float64 SSIM vs the scorer's float32 SSIM: %.3g abs", maxSSIM64)
}

func checkScores(t *testing.T, what any, p, s, n, wp, ws, wn float64) {
	t.Helper()
	if !same(s, ws, tolSSIM, 1) {
		t.Errorf("%v: SSIM %.12g, want %.12g", what, s, ws)
	}
	if !same(p, wp, tolPSNR, math.Abs(wp)) {
		t.Errorf("%v: PSNR %.12g, want %.12g", what, p, wp)
	}
	if !same(n, wn, tolNMSE, math.Abs(wn)) {
		t.Errorf("%v: NMSE %.12g, want %.12g", what, n, wn)
	}
}

// finiteDiff is |a-b|/|scale| for finite values and 0 otherwise.
func finiteDiff(a, b float64, scale jf) float64 {
	d := math.Abs(a - b)
	if math.IsNaN(d) || math.IsInf(d, 0) || scale == 0 {
		return 0
	}
	return d / math.Abs(float64(scale))
}

func TestGoldenNormalizePercentile(t *testing.T) {
	g := loadGolden(t)
	inputs := percentileInputs()
	if len(inputs) != len(g.Percentile) {
		t.Fatalf("%d Go inputs, %d expected", len(inputs), len(g.Percentile))
	}
	for i, want := range g.Percentile {
		src := inputs[i]
		if len(src) != want.N || crc(src) != want.InputCRC {
			t.Fatalf("case %d: Go input differs from the script's", i)
		}
		if want.OutDtype != "float32" {
			t.Fatalf("case %d: numpy produced %s", i, want.OutDtype)
		}

		dst := make([]float32, len(src))
		p := NormalizePercentile(dst, src)
		if !same(p, float64(want.P), 0, 0) {
			t.Errorf("case %d (n=%d): percentile %v, want %v (exact)", i, want.N, p, want.P)
		}
		if crc(dst) != want.OutCRC {
			t.Errorf("case %d (n=%d): normalised values differ from numpy's", i, want.N)
		}
	}
}
