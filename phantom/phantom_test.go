package phantom

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"math/cmplx"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/fft"
)

// testOptions returns a case small enough for a direct-DFT FFT to transform in well under a
// second: 64x40 pixels of 5.6 x 7.5 mm (no readout oversampling), 4 coils, 2 slices 30 mm
// apart, 6 frames.
func testOptions() Options {
	o := DefaultOptions()
	o.NX, o.NY, o.NC, o.NZ, o.NT = 64, 40, 4, 2, 6
	o.FOVX = 360
	o.SliceGap = 30
	return o
}

func mustNew(t *testing.T, o Options) *Cine {
	t.Helper()
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustRender(t *testing.T, o Options) (img []complex64, lab Labels) {
	t.Helper()
	im, lab, err := Render(o)
	if err != nil {
		t.Fatal(err)
	}
	return im.Data, lab
}

func sameBits32(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool {
		return math.Float32bits(x) == math.Float32bits(y)
	})
}

func sameBits64(a, b []complex64) bool {
	return slices.EqualFunc(a, b, func(x, y complex64) bool {
		return math.Float32bits(real(x)) == math.Float32bits(real(y)) &&
			math.Float32bits(imag(x)) == math.Float32bits(imag(y))
	})
}

func abs2(v complex64) float64 {
	return float64(real(v))*float64(real(v)) + float64(imag(v))*float64(imag(v))
}

func TestShapes(t *testing.T) {
	o := testOptions()
	c := mustNew(t, o)

	if c.KSpace.Dims != o.Dims() || len(c.KSpace.Data) != o.Dims().Len() {
		t.Errorf("k-space %v with %d values, want %v", c.KSpace.Dims, len(c.KSpace.Data),
			o.Dims())
	}
	n := o.NX * o.NY * o.NZ * o.NT
	for name, got := range map[string][5]int{
		"GroundTruth": {c.GroundTruth.NX, c.GroundTruth.NY, c.GroundTruth.NZ, c.GroundTruth.NT,
			len(c.GroundTruth.Data)},
		"Noiseless": {c.Noiseless.NX, c.Noiseless.NY, c.Noiseless.NZ, c.Noiseless.NT,
			len(c.Noiseless.Data)},
		"Image":  {c.Image.NX, c.Image.NY, c.Image.NZ, c.Image.NT, len(c.Image.Data)},
		"Labels": {c.Labels.NX, c.Labels.NY, c.Labels.NZ, c.Labels.NT, len(c.Labels.Data)},
	} {
		if want := [5]int{o.NX, o.NY, o.NZ, o.NT, n}; got != want {
			t.Errorf("%s shape %v, want %v", name, got, want)
		}
	}
	m := c.Maps
	if m.NX != o.NX || m.NY != o.NY || m.NC != o.NC || m.NZ != o.NZ ||
		len(m.Data) != o.NX*o.NY*o.NC*o.NZ {
		t.Errorf("maps %dx%dx%dx%d with %d values", m.NX, m.NY, m.NC, m.NZ, len(m.Data))
	}
	if !reflect.DeepEqual(c.Options, o) || c.Sigma != 1/o.SNR {
		t.Errorf("Options %+v, Sigma %g; want %+v, %g", c.Options, c.Sigma, o, 1/o.SNR)
	}
}

func TestDeterministic(t *testing.T) {
	o := testOptions()
	a := mustNew(t, o)
	prev := runtime.GOMAXPROCS(1)
	b := mustNew(t, o)
	runtime.GOMAXPROCS(prev)

	if !sameBits64(a.KSpace.Data, b.KSpace.Data) || !sameBits64(a.Image.Data, b.Image.Data) ||
		!sameBits64(a.Maps.Data, b.Maps.Data) ||
		!sameBits32(a.GroundTruth.Data, b.GroundTruth.Data) ||
		!sameBits32(a.Noiseless.Data, b.Noiseless.Data) ||
		!slices.Equal(a.Labels.Data, b.Labels.Data) {
		t.Fatal("two runs with the same options differ")
	}

	o.Seed++
	c := mustNew(t, o)
	if sameBits64(a.KSpace.Data, c.KSpace.Data) ||
		sameBits32(a.GroundTruth.Data, c.GroundTruth.Data) {
		t.Error("another seed gives the same noise")
	}
	if !sameBits64(a.Image.Data, c.Image.Data) || !sameBits64(a.Maps.Data, c.Maps.Data) ||
		!sameBits32(a.Noiseless.Data, c.Noiseless.Data) {
		t.Error("the seed changes the anatomy or the coils")
	}
}

// goldenDigest is the SHA-256 of everything New makes except the k-space (which depends on
// the FFT engine) for goldenOptions. The phantom's arithmetic avoids fused multiply-adds and
// platform-dependent math functions, so the digest is the same on every platform; check
// with
//
//	GOAMD64=v3 go test ./phantom -run Golden
//	GOARCH=arm64 go test -exec qemu-aarch64 ./phantom -run Golden
//
// Update it only when the scene, the coils or the noise are changed on purpose.
const goldenDigest = "4bf3122656ea405388e4305f043a628d40bff28aab9468f4ba7826a84c950397"

func goldenOptions() Options {
	o := DefaultOptions()
	o.NX, o.NY, o.NC, o.NZ, o.NT = 40, 24, 3, 2, 3
	o.SNR = 60
	o.Seed = 12345
	return o
}

func digest(c *Cine) string {
	var b []byte
	for _, v := range c.Image.Data {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(real(v)))
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(imag(v)))
	}
	for _, v := range c.Maps.Data {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(real(v)))
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(imag(v)))
	}
	for _, d := range [][]float32{c.GroundTruth.Data, c.Noiseless.Data} {
		for _, v := range d {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	for _, v := range c.Labels.Data {
		b = append(b, byte(v))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func TestGolden(t *testing.T) {
	if got := digest(mustNew(t, goldenOptions())); got != goldenDigest {
		t.Errorf("digest %s, want %s (%s/%s)", got, goldenDigest, runtime.GOOS, runtime.GOARCH)
	}
}

// coilImage returns map x image of coil ic, slice iz and frame it in complex128.
func coilImage(c *Cine, ic, iz, it int) []complex128 {
	m := c.Maps.Plane(ic, iz)
	img := c.Image.Plane(iz, it)
	out := make([]complex128, len(img))
	for i := range img {
		out[i] = complex128(m[i]) * complex128(img[i])
	}
	return out
}

// dft2Centred is the reference centred 2D DFT in float64: for each axis of length n with
// centre c = n/2, X[k] = n^-1/2 sum_j x[j] exp(sign 2 pi i (k-c)(j-c)/n).
func dft2Centred(x []complex128, nx, ny int, sign float64) []complex128 {
	axis := func(n int) [][]complex128 {
		w := make([][]complex128, n)
		for k := range n {
			w[k] = make([]complex128, n)
			for j := range n {
				ph := sign * 2 * math.Pi * float64(((k-n/2)*(j-n/2))%n) / float64(n)
				w[k][j] = cmplx.Rect(1/math.Sqrt(float64(n)), ph)
			}
		}
		return w
	}
	wx, wy := axis(nx), axis(ny)

	tmp := make([]complex128, len(x))
	for iy := range ny {
		for k := range nx {
			var s complex128
			for j := range nx {
				s += wx[k][j] * x[j+nx*iy]
			}
			tmp[k+nx*iy] = s
		}
	}
	out := make([]complex128, len(x))
	for ix := range nx {
		for k := range ny {
			var s complex128
			for j := range ny {
				s += wy[k][j] * tmp[ix+nx*j]
			}
			out[ix+nx*k] = s
		}
	}
	return out
}

func TestKSpaceIsFFTOfCoilImages(t *testing.T) {
	o := testOptions()
	o.SNR = math.Inf(1)
	c := mustNew(t, o)

	// Against the float64 direct DFT, independent of package fft. The coil image is rounded
	// to complex64 before its FFT (relative error 6e-8) and a float32 FFT adds about
	// eps*log2(N) = 7e-7 of the RMS value; 1e-5 of the largest sample leaves a wide margin.
	for _, p := range [][3]int{{0, 0, 0}, {3, 1, 2}} {
		want := dft2Centred(coilImage(c, p[0], p[1], p[2]), o.NX, o.NY, -1)
		got := c.KSpace.Plane(p[0], p[1], p[2])
		peak, worst := 0.0, 0.0
		for i := range want {
			peak = math.Max(peak, cmplx.Abs(want[i]))
			worst = math.Max(worst, cmplx.Abs(complex128(got[i])-want[i]))
		}
		if worst > 1e-5*peak {
			t.Errorf("plane %v: k-space differs from the direct DFT by %g (peak %g)", p,
				worst, peak)
		}
	}

	// Every plane: the inverse centred FFT gives map x image back, with the same error
	// budget applied twice.
	plan := fft.NewPlan2D(o.NX, o.NY)
	x := make([]complex64, o.NX*o.NY)
	for it := range o.NT {
		for iz := range o.NZ {
			for ic := range o.NC {
				copy(x, c.KSpace.Plane(ic, iz, it))
				plan.CenteredInverse(x)
				want := coilImage(c, ic, iz, it)
				peak, worst := 0.0, 0.0
				for i := range want {
					peak = math.Max(peak, cmplx.Abs(want[i]))
					worst = math.Max(worst, cmplx.Abs(complex128(x[i])-want[i]))
				}
				if worst > 2e-5*peak {
					t.Fatalf("coil %d slice %d frame %d: ifft2c(k) - map*image = %g (peak %g)",
						ic, iz, it, worst, peak)
				}
			}
		}
	}
}

func TestGroundTruthIsRSSOfKSpace(t *testing.T) {
	o := testOptions()
	c := mustNew(t, o)
	plan := fft.NewPlan2D(o.NX, o.NY)
	x := make([]complex64, o.NX*o.NY)

	// Same FFT error budget as TestKSpaceIsFFTOfCoilImages.
	for it := range o.NT {
		for iz := range o.NZ {
			sum := make([]float64, o.NX*o.NY)
			for ic := range o.NC {
				copy(x, c.KSpace.Plane(ic, iz, it))
				plan.CenteredInverse(x)
				for i, v := range x {
					sum[i] += abs2(v)
				}
			}
			gt := c.GroundTruth.Plane(iz, it)
			peak := float64(slices.Max(gt))
			for i := range gt {
				if d := math.Abs(math.Sqrt(sum[i]) - float64(gt[i])); d > 2e-5*peak {
					t.Fatalf("slice %d frame %d pixel %d: RSS(ifft2c(k)) %g, GroundTruth %g",
						iz, it, i, math.Sqrt(sum[i]), gt[i])
				}
			}
		}
	}
}

func TestNoise(t *testing.T) {
	o := testOptions()
	o.SNR = 40
	noisy := mustNew(t, o)
	o.SNR = math.Inf(1)
	clean := mustNew(t, o)
	sigma2 := 1 / (40.0 * 40.0)

	// The noise is the difference of the two k-spaces. Corners: outside the central half
	// of both axes, 640 samples a plane, 30720 in all. Their |n|^2 are sigma^2 times
	// Exp(1) variables, so the mean has a relative standard error of 0.6 %; the bounds
	// below are about 5 standard errors.
	d := o.Dims()
	var corner, centre, re2, im2 float64
	var mean complex128
	var nCorner, nCentre int
	var cross complex128
	for it := range d.NT {
		for iz := range d.NZ {
			for ic := range d.NC {
				a := noisy.KSpace.Plane(ic, iz, it)
				b := clean.KSpace.Plane(ic, iz, it)
				var nb []complex64
				if ic > 0 {
					nb = noisy.KSpace.Plane(ic-1, iz, it)
				}
				for iy := range d.NY {
					for ix := range d.NX {
						i := ix + d.NX*iy
						n := complex128(a[i] - b[i])
						if abs(ix-d.NX/2) >= d.NX/4 && abs(iy-d.NY/2) >= d.NY/4 {
							corner += real(n)*real(n) + imag(n)*imag(n)
							re2 += real(n) * real(n)
							im2 += imag(n) * imag(n)
							mean += n
							nCorner++
							if nb != nil {
								m := complex128(nb[i] - clean.KSpace.Plane(ic-1, iz, it)[i])
								cross += n * cmplx.Conj(m)
							}
						} else {
							centre += real(n)*real(n) + imag(n)*imag(n)
							nCentre++
						}
					}
				}
			}
		}
	}
	fc := float64(nCorner)
	if r := corner / fc / sigma2; math.Abs(r-1) > 0.03 {
		t.Errorf("corner noise power %g sigma^2, want 1", r)
	}
	if r := centre / float64(nCentre) / sigma2; math.Abs(r-1) > 0.03 {
		t.Errorf("centre noise power %g sigma^2, want 1 (white noise)", r)
	}
	if r1, r2 := re2/fc/sigma2, im2/fc/sigma2; math.Abs(r1-0.5) > 0.02 ||
		math.Abs(r2-0.5) > 0.02 {
		t.Errorf("real and imaginary noise power %g and %g sigma^2, want 0.5 each", r1, r2)
	}
	if m := cmplx.Abs(mean) / fc / math.Sqrt(sigma2); m > 0.03 {
		t.Errorf("noise mean %g sigma, want 0", m)
	}
	// Adjacent coils: (d.NC-1)/d.NC of the corner samples, standard error 0.0066.
	if r := cmplx.Abs(cross) / (fc * float64(d.NC-1) / float64(d.NC)) / sigma2; r > 0.035 {
		t.Errorf("noise correlation between adjacent coils %g, want 0", r)
	}
}

func abs(i int) int {
	if i < 0 {
		return -i
	}
	return i
}

// TestSignalScale checks the signal side of the SNR definition: the noiseless
// coil-combined image is 1 at the centre of the left ventricle at end-diastole in the
// mid-ventricular plane. The grid is chosen so that a pixel centre falls exactly there.
func TestSignalScale(t *testing.T) {
	o := DefaultOptions()
	o.NX, o.NY, o.FOVX, o.FOVY = 256, 60, 704, 300 // 2.75 x 5 mm pixels
	o.NC, o.NT = 6, 1
	ix, iy := o.NX/2+8, o.NY/2-1
	if o.pixelX(ix) != lvCentreX || o.pixelY(iy) != lvCentreY {
		t.Fatalf("pixel (%d, %d) at (%g, %g) mm", ix, iy, o.pixelX(ix), o.pixelY(iy))
	}
	m, err := CoilMaps(o)
	if err != nil {
		t.Fatal(err)
	}
	img, lab := mustRender(t, o)
	i := ix + o.NX*iy

	// The maps and the image are rounded to complex64 (relative 6e-8 each).
	var rss float64
	for ic := range o.NC {
		rss += abs2(m.Plane(ic, 0)[i])
	}
	if math.Abs(math.Sqrt(rss)-1) > 1e-6 {
		t.Errorf("RSS of the maps at the LV centre %g, want 1", math.Sqrt(rss))
	}
	if lab.Data[i] != LVBlood || math.Abs(math.Sqrt(abs2(img[i]))-1) > 1e-6 {
		t.Errorf("image at the LV centre: %v, |%v|, want LV blood of magnitude 1",
			lab.Data[i], img[i])
	}
}

func TestFinite(t *testing.T) {
	for _, contrast := range []Contrast{"", ContrastT1Map, ContrastT2Map, ContrastT1rho,
		ContrastPerfusion, ContrastFlow} {
		o := testOptions()
		o.Contrast = contrast
		if n := len(o.FrameTimes()); n > 0 {
			o.NT = n
		}
		t.Run(string(o.Contrast), func(t *testing.T) { checkFinite(t, o) })
	}
}

func checkFinite(t *testing.T, o Options) {
	c := mustNew(t, o)
	for i, v := range c.KSpace.Data {
		if !finite(real(v)) || !finite(imag(v)) {
			t.Fatalf("k-space value %d is %v", i, v)
		}
	}
	for i, v := range c.Image.Data {
		if a := math.Sqrt(abs2(v)); !finite(real(v)) || !finite(imag(v)) || a > 1.1 {
			t.Fatalf("image value %d is %v", i, v)
		}
	}
	for i, v := range c.Maps.Data {
		if !finite(real(v)) || !finite(imag(v)) || abs2(v) == 0 {
			t.Fatalf("map value %d is %v", i, v)
		}
	}
	for i := range c.GroundTruth.Data {
		g, n := c.GroundTruth.Data[i], c.Noiseless.Data[i]
		if !finite(g) || !finite(n) || g < 0 || n < 0 {
			t.Fatalf("reference values %d: %g, %g", i, g, n)
		}
	}
}

func finite(v float32) bool {
	return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0)
}

// hfFraction returns the share of the energy of a Hann-windowed plane that lies outside
// the central quarter of k-space along either axis.
func hfFraction(p []complex128, nx, ny int) float64 {
	w := make([]complex128, len(p))
	for iy := range ny {
		for ix := range nx {
			h := (1 - math.Cos(2*math.Pi*float64(ix)/float64(nx))) *
				(1 - math.Cos(2*math.Pi*float64(iy)/float64(ny))) / 4
			w[ix+nx*iy] = p[ix+nx*iy] * complex(h, 0)
		}
	}
	k := dft2Centred(w, nx, ny, -1)

	var hi, all float64
	for iy := range ny {
		for ix := range nx {
			e := real(k[ix+nx*iy])*real(k[ix+nx*iy]) + imag(k[ix+nx*iy])*imag(k[ix+nx*iy])
			all += e
			if abs(ix-nx/2) > nx/8 || abs(iy-ny/2) > ny/8 {
				hi += e
			}
		}
	}
	return hi / all
}

func TestMapsSmooth(t *testing.T) {
	o := DefaultOptions()
	o.NX, o.NY, o.NT = 128, 54, 1
	m, err := CoilMaps(o)
	if err != nil {
		t.Fatal(err)
	}

	// The window removes the jump at the FOV edge of the periodic extension; what remains
	// outside the central quarter of k-space is the maps' own detail, below 1e-5 for
	// every coil. The image itself has about 0.1 there: the bound of 1e-4 separates the
	// two by three orders of magnitude.
	for ic := range o.NC {
		p := m.Plane(ic, 0)
		x := make([]complex128, len(p))
		for i, v := range p {
			x[i] = complex128(v)
		}
		f := hfFraction(x, o.NX, o.NY)
		t.Logf("coil %d: %.2g of the energy at high spatial frequencies", ic, f)
		if f > 1e-4 {
			t.Errorf("coil %d: %g of the energy at high spatial frequencies", ic, f)
		}
	}

	img, _ := mustRender(t, o)
	x := make([]complex128, len(img))
	for i, v := range img {
		x[i] = complex128(v)
	}
	f := hfFraction(x, o.NX, o.NY)
	t.Logf("image: %.2g of the energy at high spatial frequencies", f)
	if f < 1e-2 {
		t.Errorf("image: only %g of the energy at high spatial frequencies", f)
	}
}

// heartTissue reports whether t moves or flows over the cycle.
func heartTissue(t Tissue) bool {
	return t == Myocardium || t == LVBlood || t == RVBlood || t == Blood
}

func count(lab []Tissue, t Tissue) int {
	n := 0
	for _, v := range lab {
		if v == t {
			n++
		}
	}
	return n
}

func TestMotion(t *testing.T) {
	o := testOptions()
	img, lab := mustRender(t, o)
	n := o.NX * o.NY

	for iz := range o.NZ {
		// Pixels within 2 pixels of moving or flowing tissue in any frame; the shapes'
		// outlines are 1.5 pixels wide.
		near := make([]bool, n)
		for it := range o.NT {
			for i, v := range lab.Plane(iz, it) {
				if !heartTissue(v) {
					continue
				}
				ix, iy := i%o.NX, i/o.NX
				for dy := -2; dy <= 2; dy++ {
					for dx := -2; dx <= 2; dx++ {
						if x, y := ix+dx, iy+dy; x >= 0 && x < o.NX && y >= 0 && y < o.NY {
							near[x+o.NX*y] = true
						}
					}
				}
			}
		}

		ed := img[n*(iz+o.NZ*0):][:n]
		static := 0
		for it := 1; it < o.NT; it++ {
			fr := img[n*(iz+o.NZ*it):][:n]
			for i := range n {
				if near[i] {
					continue
				}
				static++
				if math.Float32bits(real(fr[i])) != math.Float32bits(real(ed[i])) ||
					math.Float32bits(imag(fr[i])) != math.Float32bits(imag(ed[i])) {
					t.Fatalf("slice %d frame %d: pixel %d far from the heart changed", iz, it,
						i)
				}
			}
		}
		if static < n*(o.NT-1)/2 {
			t.Errorf("slice %d: only %d static pixel-frames checked", iz, static)
		}

		// End-systole (frame 2 of 6, phase 0.33) against end-diastole in the heart.
		es := img[n*(iz+o.NZ*2):][:n]
		var diff float64
		var m int
		for i, v := range lab.Plane(iz, 0) {
			if v == LVBlood || v == RVBlood || v == Myocardium {
				diff += cmplx.Abs(complex128(es[i] - ed[i]))
				m++
			}
		}
		if m == 0 || diff/float64(m) < 0.1 {
			t.Errorf("slice %d: mean change %g over %d heart pixels, want motion", iz,
				diff/float64(m), m)
		}
	}
}

func TestCycle(t *testing.T) {
	o := DefaultOptions()
	_, lab := mustRender(t, o)
	area := make([]float64, o.NT)
	for it := range o.NT {
		area[it] = float64(count(lab.Plane(0, it), LVBlood))
	}

	// The cavity radius goes from 24 to 15 mm while the papillary muscles in it grow from
	// 3 to 4 mm: (225 - 2*16) / (576 - 2*9) = 0.35 of the area is left at end-systole;
	// pixel counting on 2.8 mm pixels moves it by a few per cent.
	if r := area[4] / area[0]; r < 0.29 || r > 0.41 {
		t.Errorf("LV blood area at end-systole / end-diastole = %g, want about 0.35", r)
	}
	for it := 1; it <= 4; it++ {
		if area[it] > area[it-1] {
			t.Errorf("LV area grows during systole: %v", area)
		}
	}
	for it := 5; it < o.NT; it++ {
		if area[it] < area[it-1] {
			t.Errorf("LV area shrinks during diastole: %v", area)
		}
	}
	if r := area[o.NT-1] / area[0]; r < 0.9 {
		t.Errorf("the last frame's LV area is %g of the first's: the cycle does not close", r)
	}
}

func TestContraction(t *testing.T) {
	f0, r0 := contraction(0)
	f1, _ := contraction(0.35)
	if f0 != 0 || r0 != 0 || f1 != 1 {
		t.Errorf("contraction: f(0) = %g, rate(0) = %g, f(0.35) = %g", f0, r0, f1)
	}

	// Joints and wrap-around are continuous (to rounding); the rate is the derivative over
	// the peak ejection rate (central differences: error ~h^2).
	const h = 1e-7
	for _, p := range []float64{0.35, 0.65, 0.85} {
		a, ra := contraction(p - h)
		b, rb := contraction(p)
		if math.Abs(a-b) > 1e-6 || math.Abs(ra-rb) > 1e-6 {
			t.Errorf("contraction jumps at %g: %g, %g (rates %g, %g)", p, a, b, ra, rb)
		}
	}
	if a, _ := contraction(1 - 1e-12); math.Abs(a) > 1e-9 {
		t.Errorf("contraction(1-) = %g, want 0", a)
	}
	peak := 0.0
	for p := 0.001; p < 1; p += 0.001 {
		lo, _ := contraction(p - 1e-6)
		hi, _ := contraction(p + 1e-6)
		_, r := contraction(p)
		num := (hi - lo) / 2e-6
		peak = math.Max(peak, num)
		if math.Abs(num/(1.875/0.35)-r) > 1e-5 {
			t.Fatalf("rate(%g) = %g, numeric %g", p, r, num/(1.875/0.35))
		}
	}
	if math.Abs(peak/(1.875/0.35)-1) > 1e-4 {
		t.Errorf("peak ejection rate %g, want %g", peak, 1.875/0.35)
	}
}

func TestSlices(t *testing.T) {
	o := DefaultOptions()
	o.NZ, o.NT, o.SliceGap = 7, 1, 15 // -45 ... +45 mm
	_, lab := mustRender(t, o)

	lv := make([]int, o.NZ)
	rv := make([]int, o.NZ)
	for iz := range o.NZ {
		lv[iz] = count(lab.Plane(iz, 0), LVBlood)
		rv[iz] = count(lab.Plane(iz, 0), RVBlood)
	}
	for iz := 1; iz < o.NZ; iz++ {
		if lv[iz] > lv[iz-1] || rv[iz] > rv[iz-1] {
			t.Errorf("ventricles grow toward the apex: LV %v, RV %v", lv, rv)
		}
	}
	if lv[0] == 0 || rv[0] == 0 || lv[o.NZ-1] != 0 || rv[o.NZ-1] != 0 {
		t.Errorf("LV %v, RV %v pixels: want both at the base and none at +45 mm", lv, rv)
	}
	if count(lab.Plane(o.NZ-1, 0), Myocardium) == 0 {
		t.Error("no apical myocardium at +45 mm")
	}
}

// TestResolutionIndependent renders the same scene on two grids and compares tissue areas.
func TestResolutionIndependent(t *testing.T) {
	areas := func(nx, ny int) map[Tissue]float64 {
		o := DefaultOptions()
		o.NX, o.NY, o.NT = nx, ny, 1
		_, lab := mustRender(t, o)
		hx, hy := o.pixelSize()
		a := map[Tissue]float64{}
		for _, v := range lab.Data {
			a[v] += hx * hy
		}
		return a
	}
	lo, hi := areas(128, 54), areas(512, 216)

	// Label areas on 5.6 mm pixels differ from those on 1.4 mm pixels by the outline's
	// pixel quantisation: under 10 % for these tissues, whose smallest is ~1500 mm^2.
	for _, ti := range []Tissue{LVBlood, RVBlood, Myocardium, Lung, Liver, Fat} {
		if r := lo[ti] / hi[ti]; math.Abs(r-1) > 0.1 {
			t.Errorf("%v: %g mm^2 at 128x54, %g mm^2 at 512x216", ti, lo[ti], hi[ti])
		}
	}
}

// TestLayout checks that the body fills the central part of the oversampled readout and
// most of the phase-encoding FOV, and that the heart lies in the challenge's crop.
func TestLayout(t *testing.T) {
	for _, o := range []Options{DefaultOptions(), CMRxReconOptions()} {
		o.NT = 1
		_, lab := mustRender(t, o)
		x0, x1, y0, y1 := o.NX, -1, o.NY, -1
		cx := int(math.Round(float64(o.NX) / 3))
		cy := int(math.Round(float64(o.NY) / 2))
		sx, sy := o.NX/2-cx/2, o.NY/2-cy/2
		for i, v := range lab.Data {
			if v == Air {
				continue
			}
			ix, iy := i%o.NX, i/o.NX
			x0, x1, y0, y1 = min(x0, ix), max(x1, ix), min(y0, iy), max(y1, iy)
			if heartTissue(v) && v != Blood &&
				(ix < sx || ix >= sx+cx || iy < sy || iy >= sy+cy) {
				t.Fatalf("%dx%d: %v at (%d, %d) outside the crop", o.NX, o.NY, v, ix, iy)
			}
		}
		if float64(x0) < 0.25*float64(o.NX) || float64(x1) > 0.75*float64(o.NX) ||
			x1-x0 < 2*o.NX/5 {
			t.Errorf("%dx%d: body spans x %d..%d", o.NX, o.NY, x0, x1)
		}
		if y1-y0 < 3*o.NY/4 || y0 == 0 || y1 == o.NY-1 {
			t.Errorf("%dx%d: body spans y %d..%d", o.NX, o.NY, y0, y1)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		edit func(*Options)
		want string
	}{
		{func(o *Options) { o.NX = 0 }, "NX"},
		{func(o *Options) { o.NY = -3 }, "NY"},
		{func(o *Options) { o.NC = 0 }, "NC"},
		{func(o *Options) { o.NZ = 0 }, "NZ"},
		{func(o *Options) { o.NT = 0 }, "NT"},
		{func(o *Options) { o.NX, o.NY, o.NZ = 1<<20, 1<<20, 1<<20 }, "exceeds"},
		{func(o *Options) { o.FOVX = 0 }, "FOV"},
		{func(o *Options) { o.FOVY = math.NaN() }, "FOV"},
		{func(o *Options) { o.FOVX = math.Inf(1) }, "FOV"},
		{func(o *Options) { o.SliceGap = -1 }, "SliceGap"},
		{func(o *Options) { o.SNR = 0 }, "SNR"},
		{func(o *Options) { o.SNR = math.NaN() }, "SNR"},
		{func(o *Options) { o.Contrast = "T3map" }, `unknown Contrast "T3map"`},
		{func(o *Options) { o.Contrast = "Cine" }, "Contrast"},
		{func(o *Options) { o.Contrast = ContrastT1Map }, "default Times needs NT = 9, got 12"},
		{func(o *Options) { o.Contrast, o.NT = ContrastT2Map, 9 }, "needs NT = 3"},
		{func(o *Options) { o.Contrast, o.Times = ContrastT1Map, make([]float64, 9) },
			"Times has 9 values, want one per frame (NT = 12)"},
		{func(o *Options) { o.Contrast, o.NT, o.Times = ContrastT2Map, 3, []float64{} },
			"Times has 0 values"},
		{func(o *Options) { o.Contrast, o.NT, o.Times = ContrastT2Map, 2, []float64{0, -1} },
			"Times[1] must be non-negative"},
		{func(o *Options) {
			o.Contrast, o.NT, o.Times = ContrastT1Map, 2, []float64{math.NaN(), 100}
		}, "Times[0]"},
		{func(o *Options) {
			o.Contrast, o.NT, o.Times = ContrastT1Map, 2, []float64{100, math.Inf(1)}
		}, "Times[1]"},
	} {
		o := DefaultOptions()
		tc.edit(&o)
		err := o.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one naming %s", o, err, tc.want)
		}
		if _, err := New(o); err == nil {
			t.Errorf("New(%+v) accepted bad options", o)
		}
		if _, _, err := Render(o); err == nil {
			t.Errorf("Render(%+v) accepted bad options", o)
		}
		if _, err := CoilMaps(o); err == nil {
			t.Errorf("CoilMaps(%+v) accepted bad options", o)
		}
	}
	if err := (Options{}).Validate(); err == nil {
		t.Error("the zero Options validate")
	}
	cine := DefaultOptions()
	cine.Contrast = ContrastCine
	t1 := DefaultOptions()
	t1.Contrast, t1.NT, t1.Times = ContrastT1Map, 2, []float64{0, 5000}
	perfusion := PerfusionOptions()
	perfusion.NT, perfusion.Times = 3, []float64{-1} // ignored
	for _, o := range []Options{DefaultOptions(), CMRxReconOptions(), T1MapOptions(),
		T2MapOptions(), PerfusionOptions(), cine, t1, perfusion} {
		if err := o.Validate(); err != nil {
			t.Error(err)
		}
	}
	o := testOptions()
	o.SNR = math.Inf(1)
	if err := o.Validate(); err != nil || o.Sigma() != 0 {
		t.Errorf("noiseless options: %v, sigma %g", err, o.Sigma())
	}
}

func TestTissueString(t *testing.T) {
	if LVBlood.String() != "LV blood" || Air.String() != "air" || Tissue(200).String() !=
		"unknown" {
		t.Error("Tissue.String names")
	}
	for ti := Air; ti <= RVBlood; ti++ {
		if ti.String() == "unknown" {
			t.Errorf("tissue %d has no name", ti)
		}
	}
}

func BenchmarkRender(b *testing.B) {
	for _, o := range []Options{DefaultOptions(), CMRxReconOptions()} {
		b.Run(o.Dims().String(), func(b *testing.B) {
			for b.Loop() {
				if _, _, err := Render(o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkNew(b *testing.B) {
	for _, o := range []Options{DefaultOptions(), CMRxReconOptions()} {
		b.Run(o.Dims().String(), func(b *testing.B) {
			for b.Loop() {
				if _, err := New(o); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
