package recon

import (
	"math"
	"strings"
	"testing"
)

func TestCSTableLookup(t *testing.T) {
	const text = `# a comment
Cine	kt-2d	6	wavelet=0.001	ssim=0.9
Cine	kt-2d	inf	wavelet=0.003
Cine	kt-2d	12	wavelet=0.002
*	kt-2d	inf	tv=0.01
*	lines	inf	llr=0.02
`
	tab, err := ParseCSTable(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}

	var sb strings.Builder
	if _, err := tab.WriteTo(&sb); err != nil {
		t.Fatal(err)
	}
	back, err := ParseCSTable(strings.NewReader(sb.String()))
	if err != nil {
		t.Fatalf("%v\n%s", err, sb.String())
	}
	if len(back.Rows) != 5 || back.Rows[0].Note != "ssim=0.9" ||
		!math.IsInf(back.Rows[1].MaxR, 1) {
		t.Errorf("round trip: %+v", back.Rows)
	}

	// A 2-D mask sampling one point in r (plus one line so that it is not a line mask).
	pointMaskR := func(r int) *Mask {
		m := &Mask{NX: 24, NY: 24, NT: 2, Data: make([]float32, 24*24*2)}
		for i := 0; i < len(m.Data); i += r {
			m.Data[i] = 1
		}
		m.Data[1] = 1
		return m
	}
	lineMaskAll := lineMask(24, 24, 2, 1, 0, false)
	cases := []struct {
		mod  string
		m    *Mask
		want string
	}{
		{"Cine", pointMaskR(4), "wavelet=0.001"},
		{"Cine", pointMaskR(8), "wavelet=0.002"},
		{"Cine", pointMaskR(20), "wavelet=0.003"},
		{"Mapping", pointMaskR(4), "tv=0.01"},
		{"Cine", lineMaskAll, "llr=0.02"},
		{"Cine", lineMask(24, 24, 2, 4, 4, true), "llr=0.02"}, // no kt-lines row: lines rows
		{"cine", pointMaskR(4), "wavelet=0.001"},              // modalities match in any case
	}
	for _, c := range cases {
		kind, r := ClassifyMask(c.m)
		if got := FormatRegularizers(tab.Lookup(c.mod, c.m)); got != c.want {
			t.Errorf("%s, %s mask R %.2f: got %q, want %q", c.mod, kind, r, got, c.want)
		}
	}

	for _, bad := range []string{"", "# only\n", "Cine kt-2d 6\n", "Cine blobs 6 tv=1\n",
		"Cine lines -1 tv=1\n", "Cine lines 4 tv=x\n", "Cine lines 4 tv=0\n",
		"Cine lines 4 tv=1\ncine lines 4.0 tv=2\n"} { // the last: the same row twice
		if _, err := ParseCSTable(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseCSTable(%q) accepted", bad)
		}
	}
	if bom, err := ParseCSTable(strings.NewReader("\ufeffCine lines 4 tv=1\n")); err != nil ||
		bom.Rows[0].Modality != "Cine" {
		t.Errorf("a table after a byte-order mark: %v, %+v", err, bom)
	}
	if DefaultCSTable().Lookup("Cine", lineMaskAll) == nil {
		t.Error("the built-in table has no row for a line mask")
	}

	// The built-in table must serve every modality with every kind of mask, whatever the
	// rows it happens to have (a Mapping file with a ktGaussian mask once found none).
	ktLines := lineMask(24, 24, 12, 4, 4, true)
	for _, mod := range []string{"Cine", "Mapping", "T1rho", "LGE", AnyModality} {
		for _, m := range []*Mask{lineMaskAll, ktLines, pointMaskR(6)} {
			if kind, _ := ClassifyMask(m); DefaultCSTable().Lookup(mod, m) == nil {
				t.Errorf("built-in table: nothing for %s with a %s mask", mod, kind)
			}
		}
	}
}

func TestParseRegularizerGrid(t *testing.T) {
	g, err := ParseRegularizerGrid("wavelet=0.001:0.01, ttv=0:0.02:0.03")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range g {
		got = append(got, FormatRegularizers(r))
	}
	want := []string{"wavelet=0.001", "wavelet=0.001,ttv=0.02", "wavelet=0.001,ttv=0.03",
		"wavelet=0.01", "wavelet=0.01,ttv=0.02", "wavelet=0.01,ttv=0.03"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("grid %q, want %q", got, want)
	}
	for _, bad := range []string{"wavelet", "wavelet=x", "glitter=1", "tv=1,tv=2"} {
		if _, err := ParseRegularizerGrid(bad); err == nil {
			t.Errorf("ParseRegularizerGrid(%q) accepted", bad)
		}
	}
	if g, err := ParseRegularizerGrid(""); g != nil || err != nil {
		t.Errorf("empty grid: %v, %v", g, err)
	}

	// The combination of zeros has no term and is dropped; zeros alone are an error.
	if g, err := ParseRegularizerGrid("wavelet=0:0.0001,tv=0:0.0001"); err != nil ||
		len(g) != 3 {
		t.Errorf("grid with a combination of zeros: %v, %v; want 3 combinations", g, err)
	}
	if _, err := ParseRegularizerGrid("tv=0,wavelet=0"); err == nil {
		t.Error("a grid of zeros only was accepted")
	}

	// An exponent sweep over terms that never shrink is refused, not cut down silently to
	// its p=1 points; one whose shrinking terms are 0 in some combinations is not.
	for _, g := range []string{"llr=0.01,p=1:0.5", "lplus=1,splus=0.01,p=1:0.5"} {
		if _, err := ParseRegularizerGrid(g); err == nil ||
			!strings.Contains(err.Error(), "none above 0") {
			t.Errorf("grid %q: error %v, want one saying no term takes p", g, err)
		}
	}
	if g, err := ParseRegularizerGrid("llr=0.01,wavelet=0:0.001,p=1:0.5"); err != nil ||
		len(g) != 3 {
		t.Errorf("grid with a shrinking term of lambda 0 and p: %v, %v; want 3 "+
			"combinations", g, err)
	}

	// A grid whose every combination holds half of the L+S pair is refused with a message
	// that says so (it used to claim that all lambdas were 0).
	for _, half := range []string{"lplus=1:2", "lplus=0:1,splus=0"} {
		_, err := ParseRegularizerGrid(half)
		if err == nil || !strings.Contains(err.Error(), "lplus") ||
			strings.Contains(err.Error(), "lambdas 0") {
			t.Errorf("grid %q: error %v, want one naming lplus", half, err)
		}
	}
}
