package challenge

import (
	"fmt"
	"math"
	"testing"

	"github.com/cmrecon/cmrecon/recon"
)

func TestClassifyName(t *testing.T) {
	cases := map[string]RankClass{
		"cine_sax_kus_Uniform8.mat":         ClassOther,
		"cine_lax_3ch.mat":                  ClassOther,
		"lge_sax_kus_ktRadial16.mat":        ClassOther,
		"perfusion_kus_ktGaussian8.mat":     ClassOther,
		"flow2d_kus_Uniform24.mat":          ClassOther,
		"blackblood_kus_Uniform8.mat":       ClassBlackBlood,
		"T1w_kus_Uniform8.mat":              ClassBlackBlood,
		"T2w.mat":                           ClassBlackBlood,
		"T1map_kus_ktRadial8.mat":           ClassMapping,
		"T1mappost_kus_Uniform16.mat":       ClassMapping,
		"T2map.mat":                         ClassMapping,
		"T2smap_kus_ktGaussian24.mat":       ClassMapping,
		"T1rho_kus_Uniform8.mat":            ClassT1rho,
		"t1w_kus_Uniform8.mat":              ClassOther, // the tests are case-sensitive
		"BlackBlood.mat":                    ClassOther,
		"/data/Mapping/T1map/cine_sax.mat":  ClassOther, // only the file name counts
		"/data/cine/T1map_kus_Uniform8.mat": ClassMapping,
	}
	for name, want := range cases {
		if got := ClassifyName(name); got != want {
			t.Errorf("ClassifyName(%q) = %v, want %v", name, got, want)
		}
	}
}

// TestCropExamples checks every crop example of cmrxrecon-data.md §4.2, worked out from
// crop.m: the 0-based start is floor(m/2) − floor(s/2), not (m − s)/2.
func TestCropExamples(t *testing.T) {
	cases := []struct{ nx, ny, cx, cy, x0, y0 int }{
		{448, 162, 149, 81, 150, 41}, // rows 150..298; (448-149)/2 would give 149
		{512, 246, 171, 123, 171, 62},
		{442, 198, 147, 99, 148, 50},
		{384, 116, 128, 58, 128, 29},
		{416, 165, 139, 83, 139, 41}, // round(82.5) = 83 (Python's round gives 82)
		{3, 1, 1, 1, 1, 0},
		{2, 3, 1, 2, 1, 0},
	}
	for _, c := range cases {
		s, err := RankingSelection("cine_sax.mat", c.nx, c.ny, 4, 12)
		if err != nil {
			t.Fatalf("%dx%d: %v", c.nx, c.ny, err)
		}
		if s.CX != c.cx || s.CY != c.cy || s.X0 != c.x0 || s.Y0 != c.y0 {
			t.Errorf("%dx%d: crop %dx%d at (%d,%d), want %dx%d at (%d,%d)", c.nx, c.ny,
				s.CX, s.CY, s.X0, s.Y0, c.cx, c.cy, c.x0, c.y0)
		}
	}

	// Every size against crop.m's own 1-based expression for the first kept index,
	// floor(m/2) + 1 + ceil(−s/2).
	first := func(m, s int) int {
		return int(math.Floor(float64(m)/2)) + 1 + int(math.Ceil(-float64(s)/2))
	}
	for n := 2; n <= 600; n++ {
		s, err := RankingSelection("cine_sax.mat", n, n, 1, 1)
		if err != nil {
			t.Fatal(err)
		}
		if s.X0 != first(n, s.CX)-1 || s.Y0 != first(n, s.CY)-1 {
			t.Errorf("n=%d: starts (%d,%d), crop.m gives (%d,%d)", n, s.X0, s.Y0,
				first(n, s.CX)-1, first(n, s.CY)-1)
		}
	}
}

// TestSliceExamples checks the slice rule, including the cases where MATLAB's round (half
// away from zero) and Python's round (half to even) disagree: nz = 5 (2.5), 9 (4.5), 13.
func TestSliceExamples(t *testing.T) {
	cases := map[int][]int{
		1: {0}, 2: {0, 1}, 3: {0, 1}, 4: {0, 1}, 5: {1, 2}, 6: {1, 2}, 9: {3, 4}, 10: {3, 4},
		11: {4, 5}, 13: {5, 6}, 14: {5, 6},
	}
	for nz, want := range cases {
		s, err := RankingSelection("cine_sax_kus_Uniform8.mat", 448, 162, nz, 12)
		if err != nil {
			t.Fatal(err)
		}
		if !equalInts(s.Slices, want) {
			t.Errorf("nz=%d: slices %v, want %v", nz, s.Slices, want)
		}
	}
}

// TestSelectionDims walks the branches of run4Ranking_2025.m.
func TestSelectionDims(t *testing.T) {
	const nx, ny = 448, 162 // crop 149x81
	cases := []struct {
		name   string
		nz, nt int
		frames []int
		dims   []int
	}{
		{"cine_sax.mat", 14, 12, []int{0, 1, 2}, []int{149, 81, 2, 3}},
		{"cine_lax_4ch_kus_ktRadial16.mat", 1, 12, []int{0, 1, 2}, []int{149, 81, 1, 3}},
		{"cine_lvot.mat", 1, 2, []int{0, 1}, []int{149, 81, 1, 2}},
		{"cine_sax.mat", 2, 2, []int{0, 1}, []int{149, 81, 2, 2}},
		{"T1map_kus_Uniform8.mat", 6, 9, []int{0, 1, 2, 3, 4, 5, 6, 7, 8}, []int{149, 81, 2, 9}},
		{"T2map.mat", 1, 3, []int{0, 1, 2}, []int{149, 81, 1, 3}},
		{"T1rho.mat", 3, 5, []int{0, 1, 2, 3, 4}, []int{149, 81, 2, 5}},
		{"lge_sax.mat", 12, 1, []int{0}, []int{149, 81, 2}},
		{"blackblood_kus_Uniform8.mat", 10, 1, []int{0}, []int{149, 81, 2}},
		{"T1w.mat", 2, 1, []int{0}, []int{149, 81, 2}},
		{"T2w.mat", 1, 1, []int{0}, []int{149, 81}},
		// Not handled by run4Ranking_2025.m; (cx, cy) as runRecon_2025.m gives.
		{"cine_lvot.mat", 1, 1, []int{0}, []int{149, 81}},
		{"perfusion.mat", 3, 1, []int{0}, []int{149, 81, 2}},
	}
	for _, c := range cases {
		s, err := RankingSelection(c.name, nx, ny, c.nz, c.nt)
		if err != nil {
			t.Fatalf("%s %dx%d: %v", c.name, c.nz, c.nt, err)
		}
		if !equalInts(s.Frames, c.frames) || !equalInts(s.Dims, c.dims) {
			t.Errorf("%s nz=%d nt=%d: frames %v dims %v, want %v %v", c.name, c.nz, c.nt,
				s.Frames, s.Dims, c.frames, c.dims)
		}
	}
}

// indexImage returns an image whose value at (x, y, z, t) is −(1 + linear index), so a test
// can tell where a value came from and that absolute values were taken. The values stay
// exact in float32 (below 2^24).
func indexImage(nx, ny, nz, nt int) *recon.Image {
	im := &recon.Image{NX: nx, NY: ny, NZ: nz, NT: nt, Data: make([]float32, nx*ny*nz*nt)}
	for i := range im.Data {
		im.Data[i] = -float32(i + 1)
	}
	return im
}

func TestImg4Ranking(t *testing.T) {
	// 30x20x5x4 cine: crop 10x10 from (15-5, 10-5) = (10, 5); round(5/2) = 3 gives slices
	// 1 and 2; frames 0, 1, 2. Output (10, 10, 2, 3).
	const nx, ny, nz, nt = 30, 20, 5, 4
	a, err := Img4Ranking("cine_sax_kus_Uniform8.mat", indexImage(nx, ny, nz, nt))
	if err != nil {
		t.Fatal(err)
	}
	if !equalInts(a.Dims, []int{10, 10, 2, 3}) || len(a.Data) != 600 {
		t.Fatalf("dims %v with %d values, want [10 10 2 3] with 600", a.Dims, len(a.Data))
	}
	i := 0
	for _, f := range []int{0, 1, 2} {
		for _, z := range []int{1, 2} {
			for y := 5; y < 15; y++ {
				for x := 10; x < 20; x++ {
					want := float32(1 + x + nx*(y+ny*(z+nz*f)))
					if a.Data[i] != want {
						t.Fatalf("output %d = %v, want %v (x=%d y=%d z=%d t=%d)", i,
							a.Data[i], want, x, y, z, f)
					}
					i++
				}
			}
		}
	}
}

// TestImg4RankingBlackBloodFolds checks MATLAB's reading of a BlackBlood-class image with a
// frame axis: [sx,sy,scc,sz] = size(img) folds nt into sz, so nz = 2, nt = 3 gives sz = 6,
// round(6/2) = 3 and planes 1 and 2 of the folded axis, i.e. (z=1, t=0) and (z=0, t=1).
func TestImg4RankingBlackBloodFolds(t *testing.T) {
	const nx, ny, nz, nt = 6, 4, 2, 3 // crop 2x2 from (3-1, 2-1) = (2, 1)
	a, err := Img4Ranking("T2w_kus_Uniform8.mat", indexImage(nx, ny, nz, nt))
	if err != nil {
		t.Fatal(err)
	}
	if !equalInts(a.Dims, []int{2, 2, 2}) {
		t.Fatalf("dims %v, want [2 2 2]", a.Dims)
	}
	var want []float32
	for _, zt := range [][2]int{{1, 0}, {0, 1}} {
		for y := 1; y < 3; y++ {
			for x := 2; x < 4; x++ {
				want = append(want, float32(1+x+nx*(y+ny*(zt[0]+nz*zt[1]))))
			}
		}
	}
	if fmt.Sprint(a.Data) != fmt.Sprint(want) {
		t.Errorf("data %v, want %v", a.Data, want)
	}
}

func TestFullSize(t *testing.T) {
	cases := []struct {
		nz, nt int
		dims   []int
	}{
		{1, 1, []int{4, 3}},
		{3, 1, []int{4, 3, 3}},
		{1, 5, []int{4, 3, 1, 5}},
		{2, 5, []int{4, 3, 2, 5}},
	}
	for _, c := range cases {
		im := indexImage(4, 3, c.nz, c.nt)
		a, err := FullSize(im)
		if err != nil {
			t.Fatal(err)
		}
		if !equalInts(a.Dims, c.dims) || len(a.Data) != len(im.Data) {
			t.Errorf("nz=%d nt=%d: dims %v, want %v", c.nz, c.nt, a.Dims, c.dims)
		}
		for i, v := range a.Data {
			if v != float32(i+1) {
				t.Fatalf("value %d = %v, want %v", i, v, i+1)
			}
		}
		if im.Data[0] != -1 {
			t.Error("FullSize changed its input")
		}
	}
}

func TestRankingErrors(t *testing.T) {
	if _, err := RankingSelection("cine_sax.mat", 1, 10, 1, 1); err == nil {
		t.Error("nx = 1 (crop of 0 rows) accepted")
	}
	if _, err := RankingSelection("cine_sax.mat", 10, 10, 0, 1); err == nil {
		t.Error("nz = 0 accepted")
	}
	bad := []*recon.Image{
		nil,
		{NX: 4, NY: 4, NZ: 1, NT: 1, Data: make([]float32, 15)},
		{NX: 4, NY: -4, NZ: 1, NT: 1},
	}
	for _, im := range bad {
		if _, err := Img4Ranking("cine_sax.mat", im); err == nil {
			t.Errorf("Img4Ranking(%v) accepted", im)
		}
		if _, err := FullSize(im); err == nil {
			t.Errorf("FullSize(%v) accepted", im)
		}
	}
}

// TestRankingSubset checks that RankingSubset covers exactly what Img4Ranking reads: the
// submission of an image whose values outside the subset are replaced by NaN equals that of
// the intact image (so nothing outside is read), and the subset keeps no more than that: as
// many plane columns as the submission reads. Every class, with folding of frames into
// slices for black-blood files, odd sizes and single slices or frames.
func TestRankingSubset(t *testing.T) {
	for _, c := range []struct {
		name           string
		nx, ny, nz, nt int
	}{
		{"cine_sax.mat", 25, 12, 7, 5}, {"cine_lax.mat", 24, 10, 1, 12},
		{"T1map.mat", 21, 9, 4, 9}, {"blackblood.mat", 30, 14, 2, 3},
		{"T1rho.mat", 18, 8, 11, 3}, {"lge.mat", 19, 9, 3, 1},
	} {
		img := &recon.Image{NX: c.nx, NY: c.ny, NZ: c.nz, NT: c.nt,
			Data: make([]float32, c.nx*c.ny*c.nz*c.nt)}
		for i := range img.Data {
			img.Data[i] = float32(i%97) + 1
		}
		want, err := Img4Ranking(c.name, img)
		if err != nil {
			t.Fatal(err)
		}
		sub, err := RankingSubset(c.name, c.nx, c.ny, c.nz, c.nt)
		if err != nil {
			t.Fatal(err)
		}

		masked := &recon.Image{NX: c.nx, NY: c.ny, NZ: c.nz, NT: c.nt,
			Data: append([]float32(nil), img.Data...)}
		kept := 0
		for iz := range c.nz {
			for it := range c.nt {
				p := masked.Plane(iz, it)
				for i := range p {
					x := i % c.nx
					if !sub.Keep(iz, it) || x < sub.X0 || x >= sub.X1 {
						p[i] = float32(math.NaN())
					} else if i < c.nx {
						kept++
					}
				}
			}
		}
		got, err := Img4Ranking(c.name, masked)
		if err != nil {
			t.Fatal(err)
		}
		for i := range want.Data {
			if got.Data[i] != want.Data[i] {
				t.Fatalf("%s: submission value %d reads outside the subset", c.name, i)
			}
		}

		sel, _ := RankingSelection(c.name, c.nx, c.ny, c.nz, c.nt)
		if need := len(sel.Slices) * len(sel.Frames) * sel.CX; kept != need {
			t.Errorf("%s: subset keeps %d columns of planes, the submission reads %d",
				c.name, kept, need)
		}
	}
}
