package phantom

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/cmrecon/cmrecon/fft"
	"github.com/cmrecon/cmrecon/recon"
)

// Cine is a generated, fully sampled multi-coil acquisition with its references: a cine, or
// a series of another contrast (Options.Contrast).
type Cine struct {
	// Options are the options the data were made with; Times is a copy of the caller's.
	Options Options

	// KSpace holds the noisy, fully sampled k-space (nx, ny, nc, nz, nt): the centred
	// forward FFT of each noisy coil image.
	KSpace recon.KSpace

	// GroundTruth is the challenge's reference: the root-sum-of-squares over coils of the
	// noisy coil images, i.e. of the inverse centred FFT of KSpace (up to FFT rounding).
	GroundTruth recon.Image

	// Noiseless is the root-sum-of-squares of the noiseless coil images: |Image| times the
	// root-sum-of-squares of Maps.
	Noiseless recon.Image

	// Image is the true complex image (nx, ny, nz, nt).
	Image recon.ComplexImage

	// Maps are the true coil sensitivities.
	Maps Maps

	// Labels name the tissue of every pixel of Image.
	Labels Labels

	// Sigma is the noise standard deviation per complex sample (E|n|^2 = Sigma^2), the same
	// in the coil images and in k-space.
	Sigma float64
}

// Labels hold the tissue of every pixel (nx, ny, nz, nt), column-major, x fastest: the
// tissue drawn last with at least half coverage.
type Labels struct {
	NX, NY, NZ, NT int
	Data           []Tissue
}

// Plane returns the nx*ny labels of slice iz and frame it, sharing Data.
func (l *Labels) Plane(iz, it int) []Tissue {
	n := l.NX * l.NY
	off := n * (iz + l.NZ*it)
	return l.Data[off : off+n : off+n]
}

// Render draws the true complex image of o and its tissue labels, without coils, noise or
// FFTs. New returns the same image in Cine.Image.
func Render(o Options) (recon.ComplexImage, Labels, error) {
	if err := o.Validate(); err != nil {
		return recon.ComplexImage{}, Labels{}, err
	}

	img := recon.ComplexImage{NX: o.NX, NY: o.NY, NZ: o.NZ, NT: o.NT,
		Data: make([]complex64, o.NX*o.NY*o.NZ*o.NT)}
	lab := Labels{NX: o.NX, NY: o.NY, NZ: o.NZ, NT: o.NT,
		Data: make([]Tissue, len(img.Data))}
	parallel(o.NZ*o.NT, func(job int) {
		iz, it := job%o.NZ, job/o.NZ
		renderPlane(o, iz, it, img.Plane(iz, it), lab.Plane(iz, it))
	})
	return img, lab, nil
}

// CoilMaps returns the coil sensitivity maps of o. Their root-sum-of-squares is 1 at the
// centre of the left ventricle at end-diastole in the mid-ventricular plane and ranges from
// about 0.7 to 2 over the body. New returns the same maps in Cine.Maps.
func CoilMaps(o Options) (Maps, error) {
	if err := o.Validate(); err != nil {
		return Maps{}, err
	}
	return coilMaps(o), nil
}

// New generates the phantom described by o. Each coil image is map x image plus complex
// white Gaussian noise of standard deviation o.Sigma(), drawn from a stream of its own
// (o.Seed, coil, slice, frame), whatever the contrast; its centred forward FFT
// (fft.Plan2D.CenteredForward) is the k-space plane. The transform is unitary, so the
// k-space noise is white Gaussian with the same standard deviation. Everything except KSpace
// is bit-identical on every platform; KSpace is as reproducible as the fft package. New uses
// all GOMAXPROCS threads.
func New(o Options) (*Cine, error) {
	img, lab, err := Render(o)
	if err != nil {
		return nil, err
	}
	o.Times = slices.Clone(o.Times)

	c := &Cine{
		Options:     o,
		KSpace:      recon.KSpace{Dims: o.Dims(), Data: make([]complex64, o.Dims().Len())},
		GroundTruth: recon.Image{NX: o.NX, NY: o.NY, NZ: o.NZ, NT: o.NT},
		Noiseless:   recon.Image{NX: o.NX, NY: o.NY, NZ: o.NZ, NT: o.NT},
		Image:       img,
		Maps:        coilMaps(o),
		Labels:      lab,
		Sigma:       o.Sigma(),
	}
	c.GroundTruth.Data = make([]float32, len(img.Data))
	c.Noiseless.Data = make([]float32, len(img.Data))

	var plans sync.Pool
	parallel(o.NZ*o.NT, func(job int) {
		plan, _ := plans.Get().(*fft.Plan2D)
		if plan == nil {
			plan = fft.NewPlan2D(o.NX, o.NY)
		}
		c.acquire(plan, job%o.NZ, job/o.NZ)
		plans.Put(plan)
	})
	return c, nil
}

// acquire fills the k-space planes of slice iz and frame it and their reference images.
func (c *Cine) acquire(plan *fft.Plan2D, iz, it int) {
	o := c.Options
	obj := c.Image.Plane(iz, it)
	clean := make([]float64, len(obj))
	noisy := make([]float64, len(obj))
	scale := c.Sigma / math.Sqrt2

	for ic := 0; ic < o.NC; ic++ {
		sens := c.Maps.Plane(ic, iz)
		out := c.KSpace.Plane(ic, iz, it)
		noise := newStream(o.Seed, uint64(ic+o.NC*(iz+o.NZ*it)))
		for i, v := range obj {
			vr, vi := float64(real(v)), float64(imag(v))
			sr, si := float64(real(sens[i])), float64(imag(sens[i]))
			re := mul(sr, vr) - mul(si, vi)
			im := mul(sr, vi) + mul(si, vr)
			clean[i] += mul(re, re) + mul(im, im)

			if scale > 0 {
				nr, ni := noise.normalPair()
				re += mul(scale, nr)
				im += mul(scale, ni)
			}
			x := complex(float32(re), float32(im))
			xr, xi := float64(real(x)), float64(imag(x))
			noisy[i] += mul(xr, xr) + mul(xi, xi)
			out[i] = x
		}
		plan.CenteredForward(out)
	}

	gt := c.GroundTruth.Plane(iz, it)
	nl := c.Noiseless.Plane(iz, it)
	for i := range gt {
		gt[i] = float32(math.Sqrt(noisy[i]))
		nl[i] = float32(math.Sqrt(clean[i]))
	}
}

// parallel calls fn(job) for every job in [0, n) on up to GOMAXPROCS goroutines and returns
// when all are done. Results must not depend on which goroutine runs a job.
func parallel(n int, fn func(job int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				j := int(next.Add(1) - 1)
				if j >= n {
					return
				}
				fn(j)
			}
		}()
	}
	wg.Wait()
}
