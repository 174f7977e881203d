package challenge

import (
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/cmrecon/cmrecon/recon"
)

func TestWritePanel(t *testing.T) {
	nx, ny := 30, 20
	ramp := &recon.Image{NX: nx, NY: ny, NZ: 1, NT: 2, Data: make([]float32, nx*ny*2)}
	for i := range ramp.Data {
		ramp.Data[i] = float32(i % nx)
	}
	dark := &recon.Image{NX: nx, NY: ny, NZ: 1, NT: 2, Data: make([]float32, nx*ny*2)}
	for i := range dark.Data {
		dark.Data[i] = ramp.Data[i] * float32(1+i%2)
	}

	dir := t.TempDir()
	p := filepath.Join(dir, "panel.png")
	err := WritePanel(p, PanelImage{"reference", ramp}, []PanelImage{{"same", ramp},
		{"other", dark}}, PanelOptions{Frame: 1, Zoom: 2})
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	if b.Dx() != 3*2*nx || b.Dy() != 2*(2*ny+panelLabel) {
		t.Fatalf("panel is %dx%d, want %dx%d", b.Dx(), b.Dy(), 3*2*nx, 2*(2*ny+panelLabel))
	}

	// The error map of the copy (column 1, bottom row) is black; that of the other image is
	// not. The reference's column has no error map.
	grey := func(x, y int) uint32 { r, _, _, _ := img.At(x, y).RGBA(); return r }
	y0 := 2*panelLabel + 2*ny
	var same, other uint32
	for y := y0; y < b.Dy(); y++ {
		for x := 2 * nx; x < 4*nx; x++ {
			same = max(same, grey(x, y))
			other = max(other, grey(x+2*nx, y))
		}
	}
	if same != 0 || other == 0 {
		t.Errorf("error maps: copy max %d (want 0), other max %d (want > 0)", same, other)
	}

	cropped := filepath.Join(dir, "crop.png")
	if err := WritePanel(cropped, PanelImage{}, []PanelImage{{"a", ramp}},
		PanelOptions{Crop: true}); err != nil {
		t.Fatal(err)
	}

	bad := filepath.Join(dir, "bad.png")
	if err := WritePanel(bad, PanelImage{"reference", ramp}, []PanelImage{{"x", ramp}},
		PanelOptions{Frame: 2}); err == nil {
		t.Error("frame 2 of 2 accepted")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("folder holds %d files, want 2 (no temporary or partial file)", len(entries))
	}
}
