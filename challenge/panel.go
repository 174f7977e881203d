package challenge

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"

	"github.com/cmrecon/cmrecon/metric"
	"github.com/cmrecon/cmrecon/recon"
)

// PanelImage is one tile of a panel: a magnitude image series and the label drawn above it.
type PanelImage struct {
	Label string
	Image *recon.Image
}

// PanelOptions configures WritePanel. The zero value shows slice 0, frame 0, uncropped, with
// error maps amplified 5 times.
type PanelOptions struct {
	// Slice and Frame pick the plane shown of every image.
	Slice, Frame int

	// Crop shows only the centred region the ranking scores, round(nx/3) x round(ny/2)
	// (see RankingSelection), which for cine data is the heart without the 2x readout
	// oversampling.
	Crop bool

	// ErrorGain multiplies the error maps (0: 5).
	ErrorGain float64

	// Zoom repeats every pixel Zoom x Zoom times (0: 1).
	Zoom int
}

// panelLabel is the height in pixels of the label band above each tile.
const panelLabel = 16

// WritePanel writes a PNG panel for a person to look at: the reference and then each image
// along the top row, and below every image its error map |x - ref|. Each plane (cropped
// first when asked) is divided by its 99.5th percentile, as the challenge's metric does, so
// the error map shows what the metric sees; it is drawn in grey with 1 as white, and error
// maps are multiplied by ErrorGain. Images are drawn with x across and y down. ref may have
// a nil Image, in which case only the top row of images is drawn. The file appears
// complete or not at all.
func WritePanel(path string, ref PanelImage, imgs []PanelImage, o PanelOptions) error {
	if o.ErrorGain == 0 {
		o.ErrorGain = 5
	}
	if o.Zoom < 1 {
		o.Zoom = 1
	}
	all := imgs
	if ref.Image != nil {
		all = append([]PanelImage{ref}, imgs...)
	}
	if len(all) == 0 {
		return fmt.Errorf("challenge: panel %s: no images", path)
	}

	nx, ny := all[0].Image.NX, all[0].Image.NY
	x0, y0, cx, cy := 0, 0, nx, ny
	if o.Crop {
		s, err := RankingSelection("cine", nx, ny, 1, 1)
		if err != nil {
			return err
		}
		x0, y0, cx, cy = s.X0, s.Y0, s.CX, s.CY
	}

	planes := make([][]float32, len(all))
	for i, p := range all {
		im := p.Image
		if im.NX != nx || im.NY != ny || o.Slice < 0 || o.Slice >= im.NZ || o.Frame < 0 ||
			o.Frame >= im.NT || len(im.Data) != im.NX*im.NY*im.NZ*im.NT {
			return fmt.Errorf("challenge: panel %s: image %q (%dx%dx%dx%d) has no slice %d, "+
				"frame %d of a %dx%d image", path, p.Label, im.NX, im.NY, im.NZ, im.NT, o.Slice,
				o.Frame, nx, ny)
		}
		plane := im.Plane(o.Slice, o.Frame)
		c := make([]float32, 0, cx*cy)
		for y := y0; y < y0+cy; y++ {
			c = append(c, plane[x0+nx*y:x0+nx*y+cx]...)
		}
		metric.NormalizePercentile(c, c)
		planes[i] = c
	}

	rows := 1
	if ref.Image != nil {
		rows = 2
	}
	tw, th := cx*o.Zoom, cy*o.Zoom
	canvas := image.NewGray(image.Rect(0, 0, len(all)*tw, rows*(th+panelLabel)))
	draw.Draw(canvas, canvas.Bounds(), image.Black, image.Point{}, draw.Src)

	tile := func(col, row int, plane []float32, gain float64, label string) {
		ox, oy := col*tw, row*(th+panelLabel)+panelLabel
		for y := range cy {
			for x := range cx {
				v := plane[x+cx*y]
				if gain != 1 {
					v = float32(math.Abs(float64(v-planes[0][x+cx*y])) * gain)
				}
				g := color.Gray{Y: uint8(math.Round(255 * min(max(float64(v), 0), 1)))}
				for dy := range o.Zoom {
					for dx := range o.Zoom {
						canvas.SetGray(ox+x*o.Zoom+dx, oy+y*o.Zoom+dy, g)
					}
				}
			}
		}
		d := font.Drawer{Dst: canvas, Src: image.White, Face: basicfont.Face7x13,
			Dot: fixed.P(ox+2, oy-4)}
		d.DrawString(label)
	}
	for i, p := range all {
		tile(i, 0, planes[i], 1, p.Label)
		if ref.Image != nil && i > 0 {
			tile(i, 1, planes[i], o.ErrorGain, fmt.Sprintf("error x%g", o.ErrorGain))
		}
	}
	return writePNG(path, canvas)
}

// writePNG encodes img to a temporary file beside path and renames it into place.
func writePNG(path string, img image.Image) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".panel-*.png")
	if err != nil {
		return fmt.Errorf("challenge: %w", err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("challenge: %w", err)
	}
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(f, img); err != nil {
		f.Close()
		os.Remove(f.Name())
		return fmt.Errorf("challenge: %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("challenge: %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("challenge: %w", err)
	}
	return nil
}

// ComparePanel reconstructs k sampled with m by every method of methods (results already
// known can be passed in done, keyed by method), and writes their WritePanel panel to path:
// the reference, when k holds samples outside m (a fully sampled training file: the
// reference is then its zero-filled RSS, the challenge's ground truth), then each method
// labelled with its SSIM against the reference on the img4ranking selection of the file
// called name. The plane shown is the first ranking slice and frame; crop shows only the
// ranking crop. ro configures the reconstructions (its Method is replaced).
func ComparePanel(path, name string, k *recon.KSpace, m *recon.Mask, methods []recon.Method,
	done map[recon.Method]*recon.Image, ro recon.Options, crop bool) error {
	var ref *recon.Image
	if hasUnmasked(k, m) {
		full := &recon.Mask{NX: k.NX, NY: k.NY, NT: 1, Data: make([]float32, k.NX*k.NY)}
		for i := range full.Data {
			full.Data[i] = 1
		}
		r, err := recon.Reconstruct(k, full, recon.Options{Threads: ro.Threads})
		if err != nil {
			return err
		}
		ref = r
	}
	var gt Array
	if ref != nil {
		var err error
		if gt, err = Img4Ranking(name, ref); err != nil {
			return err
		}
	}

	var tiles []PanelImage
	for _, method := range methods {
		img := done[method]
		if img == nil {
			o := ro
			o.Method = method
			var err error
			if img, err = recon.Reconstruct(k, m, o); err != nil {
				return fmt.Errorf("panel %s: %w", method, err)
			}
		}
		label := string(method)
		if ref != nil {
			sub, err := Img4Ranking(name, img)
			if err != nil {
				return err
			}
			s, err := metric.Evaluate(gt.Data, sub.Data, gt.Dims, sub.Dims, metric.Options{})
			if err != nil {
				return err
			}
			label = fmt.Sprintf("%s SSIM %.3f", method, s.SSIM)
		}
		tiles = append(tiles, PanelImage{Label: label, Image: img})
	}

	sel, err := RankingSelection(name, k.NX, k.NY, k.NZ, k.NT)
	if err != nil {
		return err
	}
	o := PanelOptions{Slice: sel.Slices[0], Frame: sel.Frames[0], Crop: crop}
	if ClassifyName(name) == ClassBlackBlood {
		o.Slice, o.Frame = sel.Slices[0]%k.NZ, sel.Slices[0]/k.NZ
	}
	if cx := k.NX; crop && cx/3 < 96 || !crop && cx < 128 {
		o.Zoom = 2
	}
	return WritePanel(path, PanelImage{Label: "reference", Image: ref}, tiles, o)
}

// hasUnmasked reports whether k holds non-zero samples outside m in most frames, as a fully
// sampled file does.
func hasUnmasked(k *recon.KSpace, m *recon.Mask) bool {
	n := k.NX * k.NY
	outside, nonzero := 0, 0
	for it := range k.NT {
		w := m.Frame(it)
		p := k.Plane(0, 0, it)
		for i := range n {
			if w[i] == 0 {
				outside++
				if p[i] != 0 {
					nonzero++
				}
			}
		}
	}
	return outside > 0 && nonzero*2 > outside
}
