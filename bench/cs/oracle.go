package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/fft"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// oracleRow holds, for one dataset with a known noiseless truth and one mask, the SSIM of
// two images no reconstruction from the undersampled data can be expected to beat: the
// noiseless image (with the noise floor the challenge's reference carries), and the
// noiseless image with the measured noise of the sampled k-space put back.
type oracleRow struct {
	dataset, scenario string
	noiseless         float64
	measured          float64
}

// oracle scores the oracle images of every dataset in names for every scenario and writes
// them as a table to w. The reference the challenge scores against is the RSS of the noisy
// coil images, so its noise at the unsampled k-space locations is unknowable from the data;
// the second image is the best any reconstruction can know, and its SSIM is the ceiling of
// what the metric can give on that mask.
func (c *config) oracle(w io.Writer, names []string, scenarios []challenge.Scenario) error {
	var rows []oracleRow
	for _, name := range names {
		d, err := loadDataset(name)
		if err != nil {
			return err
		}
		if d.clean == nil {
			return fmt.Errorf("-oracle: %s has no noiseless truth (phantom datasets and "+
				"brain-synth only)", name)
		}

		res, err := d.score(oracleImage(d.k, d.clean, nil, d.noise2))
		if err != nil {
			return err
		}
		for _, sc := range scenarios {
			m, err := d.mask(sc, c.seed)
			if err != nil {
				return err
			}
			got, err := d.score(oracleImage(d.k, d.clean, m, d.noise2))
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

// oracleImage returns the RSS image of the coil k-space that is clean (the noiseless
// k-space, laid out as k) where m does not sample and the acquired k where it does, with
// a floor for the expected energy of the noise it lacks: noise2 (the noise energy of one
// pixel summed over coils) times the unsampled fraction. It is the reconstruction that
// knows everything but the noise that was never measured; a nil m samples nothing, which
// gives the noiseless image with the whole floor.
func oracleImage(k *recon.KSpace, clean []complex64, m *recon.Mask, noise2 float64) *recon.Image {
	nx, ny := k.NX, k.NY
	n := nx * ny
	plan := fft.NewPlan2D(nx, ny)
	img := &recon.Image{NX: nx, NY: ny, NZ: k.NZ, NT: k.NT, Data: make([]float32, n*k.NZ*k.NT)}
	coil := make([]complex64, n)
	acc := make([]float64, n)
	none := make([]float32, n)
	for iz := range k.NZ {
		for it := range k.NT {
			sampled := none
			if m != nil {
				sampled = m.Frame(it)
			}
			clear(acc)
			for ic := range k.NC {
				off := n * (ic + k.NC*(iz+k.NZ*it))
				copy(coil, clean[off:off+n])
				meas := k.Plane(ic, iz, it)
				for i, v := range sampled {
					if v != 0 {
						coil[i] = meas[i]
					}
				}
				plan.CenteredInverse(coil)
				for i, v := range coil {
					acc[i] += float64(real(v))*float64(real(v)) +
						float64(imag(v))*float64(imag(v))
				}
			}

			missing := n
			for _, v := range sampled {
				if v != 0 {
					missing--
				}
			}
			floor := noise2 * float64(missing) / float64(n)
			out := img.Plane(iz, it)
			for i := range out {
				out[i] = float32(math.Sqrt(acc[i] + floor))
			}
		}
	}
	return img
}

// phantomClean returns the noiseless coil k-space of a phantom, laid out as its KSpace.
func phantomClean(c *phantom.Cine) []complex64 {
	o := c.Options
	n := o.NX * o.NY
	plan := fft.NewPlan2D(o.NX, o.NY)
	clean := make([]complex64, len(c.KSpace.Data))
	for iz := range o.NZ {
		for it := range o.NT {
			obj := c.Image.Plane(iz, it)
			for ic := range o.NC {
				s := c.Maps.Plane(ic, iz)
				coil := clean[n*(ic+o.NC*(iz+o.NZ*it)):][:n]
				for i := range coil {
					coil[i] = s[i] * obj[i]
				}
				plan.CenteredForward(coil)
			}
		}
	}
	return clean
}

// synthWindow is the width of the Gaussian k-space window that makes brain-synth's truth,
// in units of the half-width of k-space: high enough that the truth keeps the brain's
// folds, low enough that the file's own noise is mostly gone from it.
const synthWindow = 0.5

// synthOuter is the radius (in units of the half-width of k-space) beyond which the brain's
// k-space is taken as noise for brain-synth's noise level.
const synthOuter = 0.85

// synthBrainData is a noisy acquisition with a known truth, made from the aliased brain:
// the truth is its fully sampled k-space under a Gaussian window (synthWindow), and fresh
// complex white Gaussian noise of the file's own level is added to it. The level per coil
// is the median of |k|² beyond synthOuter over ln 2 (|n|² of such noise is exponential),
// which signal there biases up a little. The data keep the file's coils, its aliasing and
// its noise level; the truth is smoother than the real anatomy. QUALITY.md checks that zero
// filling and CS score on it as on the real file.
func synthBrainData() (*dataset, error) {
	b, err := brainData()
	if err != nil {
		return nil, err
	}
	k := b.k
	nx, ny, nc := k.NX, k.NY, k.NC
	var outer []float64
	win := make([]float32, nx*ny)
	for y := range ny {
		fy := 2 * float64(y-ny/2) / float64(ny)
		for x := range nx {
			fx := 2 * float64(x-nx/2) / float64(nx)
			r2 := fx*fx + fy*fy
			win[x+nx*y] = float32(math.Exp(-r2 / (2 * synthWindow * synthWindow)))
			if r2 <= synthOuter*synthOuter {
				continue
			}
			for c := range nc {
				v := k.Plane(c, 0, 0)[x+nx*y]
				outer = append(outer, float64(real(v))*float64(real(v))+
					float64(imag(v))*float64(imag(v)))
			}
		}
	}
	slices.Sort(outer)
	sigma2 := outer[len(outer)/2] / math.Ln2

	rng := rand.New(rand.NewPCG(1, 1))
	sd := math.Sqrt(sigma2 / 2)
	clean := make([]complex64, len(k.Data))
	noisy := &recon.KSpace{Dims: k.Dims, Data: make([]complex64, len(k.Data))}
	for c := range nc {
		src := k.Plane(c, 0, 0)
		for i, w := range win {
			v := src[i] * complex(w, 0)
			clean[c*nx*ny+i] = v
			noisy.Data[c*nx*ny+i] = v + complex(float32(sd*rng.NormFloat64()),
				float32(sd*rng.NormFloat64()))
		}
	}
	return &dataset{about: fmt.Sprintf("the aliased brain's k-space under a Gaussian window "+
		"(width %g), plus noise of its level (sigma² %.4g per coil)", synthWindow, sigma2),
		modality: b.modality, k: noisy, clean: clean, noise2: sigma2 * float64(nc)}, nil
}
