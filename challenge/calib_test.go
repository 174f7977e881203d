package challenge

import (
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/recon"
)

// maskFrom builds a mask whose frames are given as strings, one string per kx row, one
// character per ky column ('#' sampled, '.' not): frame[t][x][y].
func maskFrom(frames ...[]string) *recon.Mask {
	nx, ny := len(frames[0]), len(frames[0][0])
	m := &recon.Mask{NX: nx, NY: ny, NT: len(frames), Data: make([]float32, nx*ny*len(frames))}
	for t, rows := range frames {
		for x, row := range rows {
			for y, ch := range row {
				if ch == '#' {
					m.Data[x+nx*(y+ny*t)] = 1
				}
			}
		}
	}
	return m
}

type region struct {
	x0, x1, y0, y1 int
	ok             bool
}

func calib(m *recon.Mask) region {
	x0, x1, y0, y1, ok := CalibrationRegion(m)
	return region{x0, x1, y0, y1, ok}
}

func TestCalibrationRegionLines(t *testing.T) {
	// ny = 12, centre line 6. Lines 4..8 are sampled in both frames; line 9 only in frame 0;
	// line 3 in neither; line 1 in both (not contiguous with the block).
	f0 := []string{".#..######..", ".#..######..", ".#..######.."}
	f1 := []string{".#..#####..#", ".#..#####..#", ".#..#####..#"}
	m := maskFrom(f0, f1)
	if !IsLineMask(m) {
		t.Fatal("line mask not recognised")
	}
	if got, want := calib(m), (region{0, 3, 4, 9, true}); got != want {
		t.Errorf("CalibrationRegion = %+v, want %+v", got, want)
	}

	// The block may reach the edges and be off-centre.
	m = maskFrom([]string{"#######.....", "#######....."})
	if got, want := calib(m), (region{0, 2, 0, 7, true}); got != want {
		t.Errorf("CalibrationRegion = %+v, want %+v", got, want)
	}

	// Centre line 6 missing in frame 1: no calibration region.
	m = maskFrom([]string{"..########.."}, []string{"..####.####."})
	if got := calib(m); got.ok {
		t.Errorf("CalibrationRegion = %+v, want ok = false", got)
	}
}

func TestCalibrationRegion2D(t *testing.T) {
	// nx = 8, ny = 9: centre (4, 4). A 4x4 square at x 2..5, y 2..5 (start 4-2 = 2) plus a
	// spoke along row 4. The 5x5 square (start 2, up to 6) is not full.
	rows := []string{
		".........",
		".........",
		"..####...",
		"..####...",
		"#########",
		"..####...",
		".........",
		".........",
	}
	m := maskFrom(rows, rows)
	if IsLineMask(m) {
		t.Fatal("2-D mask taken for a line mask")
	}
	if got, want := calib(m), (region{2, 6, 2, 6, true}); got != want {
		t.Errorf("CalibrationRegion = %+v, want %+v", got, want)
	}

	// An odd side: nx = 7, ny = 8, centre (3, 4); the 3x3 square starts at x 3-1 = 2 and
	// y 4-1 = 3. The 4x4 one (x 1..4, y 2..5) is not full.
	rows = []string{
		"........",
		"#.......",
		"...###..",
		"...###..",
		"...###..",
		"........",
		"........",
	}
	if got, want := calib(maskFrom(rows)), (region{2, 5, 3, 6, true}); got != want {
		t.Errorf("CalibrationRegion = %+v, want %+v", got, want)
	}

	// Nothing at the centre.
	rows = []string{"#...", "....", "....", "...."}
	if got := calib(maskFrom(rows)); got.ok {
		t.Errorf("CalibrationRegion = %+v, want ok = false", got)
	}
}

// TestCalibrationRegionGenerated checks the detection on the generator's own masks.
func TestCalibrationRegionGenerated(t *testing.T) {
	// Uniform, ny = 162, R = 8: ACS 71..90; lines 64 and 96 are not adjacent.
	m := mustMask(t, MaskSpec{Pattern: Uniform, NX: 40, NY: 162, NT: 2, R: 8})
	if got, want := calib(m), (region{0, 40, 71, 91, true}); got != want {
		t.Errorf("Uniform: CalibrationRegion = %+v, want %+v", got, want)
	}

	// Uniform, ny = 204, R = 8: ACS 92..111 and line 112 joins it.
	m = mustMask(t, MaskSpec{Pattern: Uniform, NX: 40, NY: 204, NT: 1, R: 8})
	if got, want := calib(m), (region{0, 40, 92, 113, true}); got != want {
		t.Errorf("Uniform: CalibrationRegion = %+v, want %+v", got, want)
	}

	// ktGaussian: the block common to all frames holds the 20 ACS lines.
	m = mustMask(t, MaskSpec{Pattern: KtGaussian, NX: 40, NY: 198, NT: 12, R: 8, Seed: 5})
	got := calib(m)
	if !got.ok || got.x0 != 0 || got.x1 != 40 || got.y0 > 89 || got.y1 < 109 ||
		got.y1-got.y0 > 26 {
		t.Errorf("ktGaussian: CalibrationRegion = %+v, want about [89,109) in ky", got)
	}

	// ktRadial: the 20x20 square at (221-10, 99-10); the spokes all cross the centre, but
	// no full ring around the square is common to all frames.
	m = mustMask(t, MaskSpec{Pattern: KtRadial, NX: 442, NY: 198, NT: 12, R: 16})
	if got, want := calib(m), (region{211, 231, 89, 109, true}); got != want {
		t.Errorf("ktRadial: CalibrationRegion = %+v, want %+v", got, want)
	}
}

func TestCheckMask(t *testing.T) {
	good := &recon.Mask{NX: 2, NY: 2, NT: 1, Data: []float32{0, 1, 1, 0}}
	if err := CheckMask(good); err != nil {
		t.Errorf("CheckMask(good) = %v", err)
	}

	bad := []struct {
		m    *recon.Mask
		want string
	}{
		{nil, "nil"},
		{&recon.Mask{NX: 2, NY: 2, NT: 1, Data: []float32{0, 1, 1}}, "with 3 values: want 4"},
		{&recon.Mask{NX: 0, NY: 2, NT: 1}, "0x2x1"},
		{&recon.Mask{NX: 2, NY: 2, NT: 1, Data: []float32{0, 1, 0.5, 0}}, "(x=0, y=1, t=0)"},
	}
	for _, c := range bad {
		err := CheckMask(c.m)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckMask = %v, want an error containing %q", err, c.want)
		}
		if c.m != nil && len(c.m.Data) != c.m.NX*c.m.NY*c.m.NT {
			if IsLineMask(c.m) {
				t.Errorf("IsLineMask(malformed) = true")
			}
			if got := calib(c.m); got.ok {
				t.Errorf("CalibrationRegion(malformed) = %+v, want ok = false", got)
			}
		}
	}
	if IsLineMask(nil) {
		t.Error("IsLineMask(nil) = true")
	}
	if got := calib(nil); got.ok {
		t.Error("CalibrationRegion(nil) ok")
	}
}
