package main

import (
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
