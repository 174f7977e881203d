package main

import (
	"fmt"
	"io"
	"math"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/fft"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// oracleRow holds, for one phantom dataset and mask, the SSIM of two images no
// reconstruction from the undersampled data can beat by more than chance: the noiseless
// image (with the noise floor the challenge's reference carries), and the noiseless image
// with the measured noise of the sampled k-space put back.
type oracleRow struct {
	dataset, scenario string
	noiseless         float64
	measured          float64
}

// oracle scores the oracle images of every phantom dataset in names for every scenario and
// writes them as a table to w. The reference the challenge scores against is the RSS of the
// noisy coil images, so its noise at the unsampled k-space locations is unknowable from the
// data; the second image is the best any reconstruction can know, and its SSIM is the
// ceiling of what the metric can give on that mask.
func (c *config) oracle(w io.Writer, names []string, scenarios []challenge.Scenario) error {
	var rows []oracleRow
	for _, name := range names {
		d, err := loadDataset(name)
		if err != nil {
			return err
		}
		if d.cine == nil {
			return fmt.Errorf("-oracle: %s has no noiseless truth (phantom datasets only)", name)
		}

		floor := d.cine.Noiseless
		floor.Data = make([]float32, len(d.cine.Noiseless.Data))
		addFloor(floor.Data, d.cine.Noiseless.Data, float64(d.k.NC)*d.cine.Sigma*d.cine.Sigma)
		res, err := d.score(&floor)
		if err != nil {
			return err
		}

		for _, sc := range scenarios {
			m, err := d.mask(sc, c.seed)
			if err != nil {
				return err
			}
			img := measuredNoiseOracle(d.cine, m)
			got, err := d.score(img)
			if err != nil {
				return err
			}
			rows = append(rows, oracleRow{dataset: name, scenario: sc.String(),
				noiseless: res.SSIM, measured: got.SSIM})
		}
	}

	fmt.Fprintln(w, "| data | mask | noiseless + floor SSIM | noiseless + measured noise "+
		"+ floor SSIM |")
	fmt.Fprintln(w, "|---|---|---|---|")
	for _, r := range rows {
		fmt.Fprintf(w, "| %s | %s | %.4f | %.4f |\n", r.dataset, r.scenario, r.noiseless,
			r.measured)
	}
	return nil
}

// addFloor sets dst to sqrt(src² + v), the magnitude with a noise floor of mean square v.
func addFloor(dst, src []float32, v float64) {
	for i, x := range src {
		dst[i] = float32(math.Sqrt(float64(x)*float64(x) + v))
	}
}

// measuredNoiseOracle returns the RSS image of coil k-space that is the noiseless phantom's
// where m does not sample and the acquired (noisy) k-space where it does, with a floor for
// the expected energy of the noise it lacks: the reconstruction that knows everything but
// the noise that was never measured.
func measuredNoiseOracle(c *phantom.Cine, m *recon.Mask) *recon.Image {
	o := c.Options
	n := o.NX * o.NY
	plan := fft.NewPlan2D(o.NX, o.NY)
	img := &recon.Image{NX: o.NX, NY: o.NY, NZ: o.NZ, NT: o.NT,
		Data: make([]float32, len(c.Noiseless.Data))}
	coil := make([]complex64, n)
	acc := make([]float64, n)
	for iz := range o.NZ {
		for it := range o.NT {
			obj := c.Image.Plane(iz, it)
			sampled := m.Frame(it % m.NT)
			clear(acc)
			for ic := range o.NC {
				s := c.Maps.Plane(ic, iz)
				for i := range coil {
					coil[i] = s[i] * obj[i]
				}
				plan.CenteredForward(coil)
				k := c.KSpace.Plane(ic, iz, it)
				for i := range coil {
					if sampled[i] != 0 {
						coil[i] = k[i]
					}
				}
				plan.CenteredInverse(coil)
				for i, v := range coil {
					acc[i] += float64(real(v))*float64(real(v)) +
						float64(imag(v))*float64(imag(v))
				}
			}

			kept := 0
			for _, v := range sampled {
				if v != 0 {
					kept++
				}
			}
			missing := float64(n-kept) / float64(n)
			v := missing * float64(o.NC) * c.Sigma * c.Sigma
			out := img.Data[n*(iz+o.NZ*it):][:n]
			for i := range out {
				out[i] = float32(math.Sqrt(acc[i] + v))
			}
		}
	}
	return img
}
