package recon

import (
	"fmt"
	"math"
	"slices"
)

// Settings of ResidualNoise: the normalised k-space radius beyond which residuals are taken
// and the quantile of their coil sums that is used.
const (
	noiseRadius   = 0.5
	noiseQuantile = 0.25
	noiseZ        = -0.6744897501960817 // the standard normal's 0.25 quantile
)

// ResidualNoise estimates the total noise variance over coils, sum_c s_c^2, of k-space k
// sampled with m, from the data residual of a reconstruction with coil maps maps: x holds
// one nx x ny x nz x nt complex image series per set of maps, on the scale of the data, and
// the model is sum over sets of S_m x_m. At every sampled position of the
// outer k-space (normalised radius sqrt((2 kx/nx)^2 + (2 ky/ny)^2) of at least 0.5, k
// counted from the centre; every sampled position if none is that far out) it forms the
// sum over coils of |y_c - (F S_c x)|^2. For noise alone, with equal coil variances, that
// sum is sum_c s_c^2 / (2 nc) times a chi-squared variable with 2 nc degrees of freedom;
// ResidualNoise divides the 0.25 quantile of the sums by the chi-squared 0.25 quantile
// (Wilson-Hilferty approximation) over 2 nc. The lower quantile and the outer k-space keep
// out most of the misfit where one set of maps cannot explain the data; signal detail that
// a regularised x leaves out raises the estimate, noise that x fits lowers it.
func ResidualNoise(k *KSpace, m *Mask, maps *CoilMaps, x []*ComplexImage) (float64, error) {
	if err := checkMaps(maps, k.Dims); err != nil {
		return 0, err
	}
	if len(x) != maps.Sets() {
		return 0, fmt.Errorf("recon: noise estimate: %d image series for %d sets of maps",
			len(x), maps.Sets())
	}
	v, err := residuals(k, m, maps, x, noiseRadius)
	if err != nil {
		return 0, err
	}
	if len(v) == 0 {
		if v, err = residuals(k, m, maps, x, 0); err != nil {
			return 0, err
		}
	}
	if len(v) == 0 {
		return 0, nil
	}
	slices.Sort(v)
	dof := 2 * float64(k.NC)
	f := 1 - 2/(9*dof) + noiseZ*math.Sqrt(2/(9*dof))
	return float64(v[int(noiseQuantile*float64(len(v)))]) / (f * f * f), nil
}

// residuals returns the coil sums of |y - A x|^2 at the sampled positions of radius at
// least radius.
func residuals(k *KSpace, m *Mask, maps *CoilMaps, xs []*ComplexImage,
	radius float64) ([]float32, error) {
	nx, ny, nc := k.NX, k.NY, k.NC
	n := nx * ny
	for _, x := range xs {
		if x.NX != nx || x.NY != ny || x.NZ != k.NZ || x.NT != k.NT ||
			len(x.Data) != n*k.NZ*k.NT {
			return nil, fmt.Errorf("recon: noise estimate: image is %dx%dx%dx%d, k-space %v",
				x.NX, x.NY, x.NZ, x.NT, k.Dims)
		}
	}
	far := make([]bool, n)
	for y := range ny {
		fy := 2 * float64(y-ny/2) / float64(ny)
		for ix := range nx {
			fx := 2 * float64(ix-nx/2) / float64(nx)
			far[ix+nx*y] = fx*fx+fy*fy >= radius*radius
		}
	}

	var v []float32
	pred := make([]complex64, nc*n)
	part := make([]complex64, nc*n)
	for iz := range k.NZ {
		for it := range k.NT {
			clear(pred)
			for im, x := range xs {
				op, err := NewSenseOp(nx, ny, nc, maps.Set(im).Slice(iz), m.Frame(it))
				if err != nil {
					return nil, err
				}
				op.Forward(part, x.Plane(iz, it))
				for i, p := range part {
					pred[i] += p
				}
			}
			w := m.Frame(it)
			for i := range n {
				if w[i] == 0 || !far[i] {
					continue
				}
				var s float32
				for c := range nc {
					d := k.Plane(c, iz, it)[i]*complex(w[i], 0) - pred[c*n+i]
					s += real(d)*real(d) + imag(d)*imag(d)
				}
				v = append(v, s)
			}
		}
	}
	return v, nil
}
