package metric

import (
	"math"
	"slices"
	"testing"
)

func TestAggregate(t *testing.T) {
	nan := math.NaN()
	files := []FileScore{
		{Groups: []string{"B"}, PSNR: 40, SSIM: 0.90, NMSE: 0.010, Valid: true},
		{Groups: []string{"A"}, PSNR: 30, SSIM: 0.80, NMSE: 0.020, Valid: true},
		{Groups: []string{"A"}, PSNR: 34, SSIM: 0.84, NMSE: 0.040, Valid: true},
		{Groups: []string{"A"}, PSNR: 99, SSIM: 0.99, NMSE: 0.001, Valid: false},
		{Groups: []string{"B", "C"}, PSNR: 44, SSIM: nan, NMSE: nan, Valid: true},
		{Groups: []string{"D"}, PSNR: 50, SSIM: 0.95, NMSE: 0.005, Valid: true},
	}
	expected := map[string]int{"A": 4, "B": 2, "C": 1, "E": 3, "F": 0}
	s := Aggregate(files, expected)

	// A: 2 valid of 4: PSNR (30+34)/4, SSIM (0.80+0.84)/4, NMSE mean(0.02,0.04)·(2-2/4).
	// B: 2 valid of 2, one with NaN SSIM/NMSE: NaN counts as 0 in sums and is skipped in the
	// mean, but the file still counts as valid: SSIM 0.90/2, NMSE 0.010·(2-2/2).
	// C: 1 of 1: SSIM 0/1 and NMSE NaN (no non-NaN value).
	// D has no expected count and E no valid file: both skipped.
	want := []GroupScore{
		{Group: "A", Expected: 4, Valid: 2, PSNR: 64.0 / 4, SSIM: (0.80 + 0.84) / 4,
			NMSE: (0.020 + 0.040) / 2 * 1.5},
		{Group: "B", Expected: 2, Valid: 2, PSNR: 84.0 / 2, SSIM: 0.90 / 2, NMSE: 0.010},
		{Group: "C", Expected: 1, Valid: 1, PSNR: 44, SSIM: 0, NMSE: nan},
	}
	if len(s.Groups) != len(want) {
		t.Fatalf("groups %+v", s.Groups)
	}
	for i, g := range s.Groups {
		w := want[i]
		if g.Group != w.Group || g.Expected != w.Expected || g.Valid != w.Valid ||
			!same(g.PSNR, w.PSNR, 1e-15, w.PSNR) || !same(g.SSIM, w.SSIM, 1e-15, 1) ||
			!same(g.NMSE, w.NMSE, 1e-15, 1) {
			t.Errorf("group %+v, want %+v", g, w)
		}
	}
	if !slices.Equal(s.Skipped, []string{"D", "E"}) {
		t.Errorf("skipped %v, want [D E]", s.Skipped)
	}
	if s.Files != 6 || s.ValidFiles != 5 {
		t.Errorf("files %d valid %d, want 6 and 5", s.Files, s.ValidFiles)
	}

	wantPSNR := (16.0 + 42 + 44) / 3
	wantSSIM := ((0.80+0.84)/4 + 0.45 + 0) / 3
	if !same(s.PSNR, wantPSNR, 1e-15, wantPSNR) || !same(s.SSIM, wantSSIM, 1e-15, 1) ||
		!math.IsNaN(s.NMSE) {
		t.Errorf("final %v %v %v, want %v %v NaN", s.PSNR, s.SSIM, s.NMSE, wantPSNR, wantSSIM)
	}
}

func TestAggregatePenalty(t *testing.T) {
	// One group, N = 4: submitting 3 perfect files scores SSIM 0.75, and NMSE grows by 25 %.
	files := []FileScore{
		{Groups: []string{"G"}, SSIM: 1, PSNR: 40, NMSE: 0.01, Valid: true},
		{Groups: []string{"G"}, SSIM: 1, PSNR: 40, NMSE: 0.01, Valid: true},
		{Groups: []string{"G"}, SSIM: 1, PSNR: 40, NMSE: 0.01, Valid: true},
		{Groups: []string{"G"}, Valid: false},
	}
	s := Aggregate(files, map[string]int{"G": 4})
	if s.SSIM != 0.75 || s.PSNR != 30 || math.Abs(s.NMSE-0.0125) > 1e-17 {
		t.Errorf("%v %v %v, want 0.75 30 0.0125", s.SSIM, s.PSNR, s.NMSE)
	}

	empty := Aggregate(nil, map[string]int{"G": 2})
	if !math.IsNaN(empty.SSIM) || len(empty.Groups) != 0 || !slices.Equal(empty.Skipped,
		[]string{"G"}) {
		t.Errorf("no valid file: %+v", empty)
	}
}

func TestRound4(t *testing.T) {
	// Expected values from Python 3.11's round(x, 4).
	cases := [][2]float64{
		{1.03125, 1.0312}, // an exact binary tie: to even
		{-5e-05, -0.0001},
		{0.9964845036258217, 0.9965},
		{45.65380210707887, 45.6538},
		{1.00005, 1.0001},
		{2.00015, 2.0002},
		{0.00011935517151783859, 0.0001},
		{12.34565, 12.3456},
		{-3.14159265, -3.1416},
		{1e-05, 0},
		{0.99995, 1},
	}
	for _, c := range cases {
		if got := Round4(c[0]); got != c[1] {
			t.Errorf("Round4(%v) = %v, want %v", c[0], got, c[1])
		}
	}
	if !math.IsNaN(Round4(math.NaN())) || !math.IsInf(Round4(math.Inf(-1)), -1) {
		t.Error("Round4 changed a non-finite value")
	}
}
