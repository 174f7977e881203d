package main

import (
	"math"
	"os/exec"
	"testing"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// TestBARTAlignment checks the harness's BART pipeline (k-space layout, maps, output
// reading, scoring) where the answer is known: on fully sampled data BART's pics with a
// tiny lambda must reproduce the reference, so any layout, orientation or shift mistake
// (such as BART's one-pixel shift on odd axes, anchors.md §3.6) shows as a low SSIM. The
// bound 0.97 is far above what a transposed, shifted or frame-swapped image scores
// (below 0.7) and leaves room for the one-map ESPIRiT crop at the object's edge.
func TestBARTAlignment(t *testing.T) {
	if _, err := exec.LookPath("bart"); err != nil {
		t.Skip("bart not installed")
	}
	o := phantom.DefaultOptions()
	o.NX, o.NY, o.NC, o.NT = 96, 64, 4, 3
	c, err := phantom.New(o)
	if err != nil {
		t.Fatal(err)
	}
	gt := c.GroundTruth
	d := &dataset{name: "tiny", k: &c.KSpace, gt: &gt, ranking: true}
	if d.gtArr, err = challenge.Img4Ranking(challenge.DemoName, d.gt); err != nil {
		t.Fatal(err)
	}
	b, err := newBART(d, fullMask(d.k), t.TempDir(), 2, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := b.pics(1e-5, 0)
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.score(img)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("BART on fully sampled data: SSIM %.4f", s.SSIM)
	if s.SSIM < 0.97 {
		t.Errorf("BART on fully sampled data: SSIM %.4f against the reference", s.SSIM)
	}

	// The same check for cmrecon's side of the harness.
	m := fullMask(d.k)
	cs, err := recon.Reconstruct(d.k, m, recon.Options{Method: recon.MethodCS, Threads: 2,
		CS: recon.CSOptions{Regularizers: []recon.Regularizer{{Kind: recon.RegWavelet,
			Lambda: 1e-5}}}})
	if err != nil {
		t.Fatal(err)
	}
	if s, err := d.score(cs); err != nil || s.SSIM < 0.97 {
		t.Errorf("cmrecon CS on fully sampled data: SSIM %.4f (%v)", s.SSIM, err)
	}
}

// TestOracleImage checks the oracle image of -oracle where it is known: with every sample
// measured it is the reference itself (the RSS of the noisy coil images, up to float32 FFT
// rounding: 1e-4 of the image's peak), and with none it is the phantom's noiseless RSS image
// with the full noise floor. A mask that samples a part lies in between.
func TestOracleImage(t *testing.T) {
	o := phantom.DefaultOptions()
	o.NX, o.NY, o.NC, o.NT = 64, 48, 4, 2
	o.SNR = 20
	c, err := phantom.New(o)
	if err != nil {
		t.Fatal(err)
	}
	clean := phantomClean(c)
	noise2 := float64(o.NC) / (o.SNR * o.SNR)
	peak := 0.0
	for _, v := range c.GroundTruth.Data {
		peak = max(peak, float64(v))
	}
	maxDiff := func(a, b []float32) float64 {
		d := 0.0
		for i := range a {
			d = max(d, math.Abs(float64(a[i])-float64(b[i])))
		}
		return d
	}

	full := fullMask(&c.KSpace)
	got := oracleImage(&c.KSpace, clean, full, noise2).Data
	if d := maxDiff(got, c.GroundTruth.Data); d > 1e-4*peak {
		t.Errorf("full mask: oracle differs from the reference by %.3g (peak %.3g)", d, peak)
	}

	want := make([]float32, len(c.Noiseless.Data))
	for i, v := range c.Noiseless.Data {
		want[i] = float32(math.Sqrt(float64(v)*float64(v) + noise2))
	}
	if d := maxDiff(oracleImage(&c.KSpace, clean, nil, noise2).Data, want); d > 1e-4*peak {
		t.Errorf("no mask: oracle differs from the floored noiseless image by %.3g", d)
	}

	half := fullMask(&c.KSpace)
	for i := range half.Data {
		if (i/o.NX)%2 == 1 {
			half.Data[i] = 0
		}
	}
	got = oracleImage(&c.KSpace, clean, half, noise2).Data
	if a, b := maxDiff(got, c.GroundTruth.Data), maxDiff(got, want); a < 1e-3*peak ||
		b < 1e-3*peak {
		t.Errorf("half mask: oracle within %.3g of the reference and %.3g of the noiseless "+
			"image; want it to differ from both", a, b)
	}
}
