package phantom

import (
	"flag"
	"image"
	"image/color"
	"image/png"
	"math/cmplx"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var pngDir = flag.String("pngdir", "",
	"write PNG views of the default phantom into this folder (TestWritePNG)")

// writePNG writes an nx*ny plane (x fastest) as a grey PNG with x across and y down, scaled
// so that the 99.5th percentile is white. It writes to a temporary name and renames.
func writePNG(path string, plane []float32, nx, ny int) error {
	sorted := slices.Clone(plane)
	slices.Sort(sorted)
	top := sorted[int(0.995*float64(len(sorted)-1))]
	if top <= 0 {
		top = 1
	}

	g := image.NewGray(image.Rect(0, 0, nx, ny))
	for iy := range ny {
		for ix := range nx {
			v := plane[ix+nx*iy] / top
			g.SetGray(ix, iy, color.Gray{Y: uint8(255 * min(max(v, 0), 1))})
		}
	}

	f, err := os.CreateTemp(filepath.Dir(path), ".phantom-*.png")
	if err != nil {
		return err
	}
	if err := png.Encode(f, g); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}

// montage places planes side by side (all nx*ny) into one nx*len x ny plane.
func montage(planes [][]float32, nx, ny int) []float32 {
	w := nx * len(planes)
	out := make([]float32, w*ny)
	for k, p := range planes {
		for iy := range ny {
			copy(out[k*nx+w*iy:k*nx+w*iy+nx], p[nx*iy:nx*iy+nx])
		}
	}
	return out
}

// TestWritePNG writes views of the phantom for a person to look at: go test ./phantom -run
// WritePNG -pngdir /tmp. Without -pngdir it is skipped.
func TestWritePNG(t *testing.T) {
	if *pngDir == "" {
		t.Skip("set -pngdir to write PNG views")
	}

	o := DefaultOptions()
	o.NZ = 3
	o.SliceGap = 30
	c, err := New(o)
	if err != nil {
		t.Fatal(err)
	}

	var frames, slicesED, maps, phases [][]float32
	for it := 0; it < o.NT; it += 2 {
		frames = append(frames, c.GroundTruth.Plane(1, it))
	}
	for iz := range o.NZ {
		slicesED = append(slicesED, c.GroundTruth.Plane(iz, 0))
	}
	for ic := range o.NC {
		m := c.Maps.Plane(ic, 1)
		a := make([]float32, len(m))
		for i, v := range m {
			a[i] = float32(cmplx.Abs(complex128(v)))
		}
		maps = append(maps, a)
	}
	img := c.Image.Plane(1, 0)
	ph := make([]float32, len(img))
	for i, v := range img {
		if real(v) != 0 || imag(v) != 0 {
			ph[i] = float32(1.5 + cmplx.Phase(complex128(v)))
		}
	}
	phases = append(phases, ph)

	for _, v := range []struct {
		name   string
		planes [][]float32
	}{{"frames", frames}, {"slices", slicesED}, {"maps", maps}, {"phase", phases}} {
		p := filepath.Join(*pngDir, "phantom_"+v.name+".png")
		planes := v.planes
		if err := writePNG(p, montage(planes, o.NX, o.NY), o.NX*len(planes), o.NY); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote", p)
	}

	// Every frame of each of the other contrasts, noisy root-sum-of-squares.
	for _, o := range []Options{T1MapOptions(), T2MapOptions(), PerfusionOptions()} {
		c, err := New(o)
		if err != nil {
			t.Fatal(err)
		}
		var planes [][]float32
		for it := range o.NT {
			planes = append(planes, c.GroundTruth.Plane(0, it))
		}
		p := filepath.Join(*pngDir, "phantom_"+string(o.Contrast)+".png")
		if err := writePNG(p, montage(planes, o.NX, o.NY), o.NX*o.NT, o.NY); err != nil {
			t.Fatal(err)
		}
		t.Log("wrote", p)
	}
}
