package recon

import "math"

// ApplyMask multiplies k by the sampling mask m in place: every coil and slice of frame it is
// multiplied by m.Frame(it), so k becomes the zero-filled undersampled k-space the challenge
// ships (kus = kspace .* mask). m must be nx x ny with NT equal to 1 or to k's frame count.
func ApplyMask(k *KSpace, m *Mask) error {
	if err := checkKSpace(k); err != nil {
		return err
	}
	if err := checkMask(m, k.NX, k.NY, k.NT); err != nil {
		return err
	}

	for it := range k.NT {
		w := m.Frame(it)
		for iz := range k.NZ {
			for ic := range k.NC {
				p := k.Plane(ic, iz, it)
				for i, v := range p {
					p[i] = v * complex(w[i], 0)
				}
			}
		}
	}
	return nil
}

// ZeroFilled reconstructs the challenge's zero-filled baseline: for every slice and frame it
// takes each coil's orthonormal centred inverse FFT (the challenge's ifft2c) and combines the
// coils by root sum of squares, sqrt(sum over coils of |image|^2). Unsampled entries of k must
// already be zero (see ApplyMask). The result is an nx x ny x nz x nt image; with fully
// sampled k it is the challenge's ground truth. Planes are processed in parallel on up to
// threads goroutines (threads < 1: one per CPU).
func ZeroFilled(k *KSpace, threads int) (*Image, error) {
	if err := checkKSpace(k); err != nil {
		return nil, err
	}
	return zeroFilled(k, nil, threads), nil
}

// zeroFilled is ZeroFilled with an optional mask m (already checked against k) that is
// applied on the fly, so k itself is left unchanged.
func zeroFilled(k *KSpace, m *Mask, threads int) *Image {
	return zeroFilledSubset(k, m, threads, Subset{})
}

// zeroFilledSubset is zeroFilled for the slices and frames sub keeps (the others are zero).
func zeroFilledSubset(k *KSpace, m *Mask, threads int, sub Subset) *Image {
	nx, ny := k.NX, k.NY
	n := nx * ny
	out := &Image{NX: nx, NY: ny, NZ: k.NZ, NT: k.NT, Data: make([]float32, n*k.NZ*k.NT)}
	plan := plan2D(nx, ny)

	workers := min(threadCount(threads), k.NZ*k.NT)
	bufs := make([][]complex64, workers)
	sums := make([][]float64, workers)
	for w := range workers {
		bufs[w] = make([]complex64, n)
		sums[w] = make([]float64, n)
	}

	parallelFor(k.NZ*k.NT, workers, func(w, p int) {
		iz, it := p%k.NZ, p/k.NZ
		if !sub.keep(iz, it) {
			return
		}
		buf, sum := bufs[w], sums[w]
		clear(sum)

		for ic := range k.NC {
			copy(buf, k.Plane(ic, iz, it))
			if m != nil {
				for i, v := range m.Frame(it) {
					buf[i] *= complex(v, 0)
				}
			}
			plan.CenteredInverse(buf)
			for i, v := range buf {
				re, im := float64(real(v)), float64(imag(v))
				sum[i] += re*re + im*im
			}
		}

		dst := out.Plane(iz, it)
		for i, s := range sum {
			dst[i] = float32(math.Sqrt(s))
		}
	})
	return out
}
