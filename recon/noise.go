package recon

import (
	"fmt"
	"math"
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
	for _, xi := range x {
		if xi.NX != k.NX || xi.NY != k.NY || xi.NZ != k.NZ || xi.NT != k.NT ||
			len(xi.Data) != k.NX*k.NY*k.NZ*k.NT {
			return 0, fmt.Errorf("recon: noise estimate: image is %dx%dx%dx%d, k-space %v",
				xi.NX, xi.NY, xi.NZ, xi.NT, k.Dims)
		}
	}
	plane := func(iz, it, im int) []complex64 { return x[im].Plane(iz, it) }
	return residualNoise(k, m, maps, 0, k.NZ, plane, 1)
}

// residualNoise is ResidualNoise over the slices z0 to z1-1, with the image of set im at
// (iz, it) given by plane(iz, it, im) times scale.
func residualNoise(k *KSpace, m *Mask, maps *CoilMaps, z0, z1 int,
	plane func(iz, it, im int) []complex64, scale float32) (float64, error) {
	v, err := residuals(k, m, maps, z0, z1, plane, scale, noiseRadius)
	if err != nil {
		return 0, err
	}
	if len(v) == 0 {
		if v, err = residuals(k, m, maps, z0, z1, plane, scale, 0); err != nil {
			return 0, err
		}
	}
	if len(v) == 0 {
		return 0, nil
	}
	dof := 2 * float64(k.NC)
	f := 1 - 2/(9*dof) + noiseZ*math.Sqrt(2/(9*dof))
	return quantile(v, noiseQuantile) / (f * f * f), nil
}

// residuals returns the coil sums of |y - A x|^2 at the sampled positions of radius at
// least radius, over the slices z0 to z1-1.
func residuals(k *KSpace, m *Mask, maps *CoilMaps, z0, z1 int,
	plane func(iz, it, im int) []complex64, scale float32, radius float64) ([]float32, error) {
	nx, ny, nc := k.NX, k.NY, k.NC
	n := nx * ny
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
	s := complex(scale, 0)
	for iz := z0; iz < z1; iz++ {
		for it := range k.NT {
			clear(pred)
			for im := range maps.Sets() {
				op, err := NewSenseOp(nx, ny, nc, maps.Set(im).Slice(iz), m.Frame(it))
				if err != nil {
					return nil, err
				}
				op.Forward(part, plane(iz, it, im))
				for i, p := range part {
					pred[i] += p * s
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
