package fft

import (
	"math"
	"math/cmplx"
)

// Plan2D transforms nx*ny complex64 arrays stored column-major (x fastest).
//
// PLACEHOLDER: a direct O(n^2) DFT per axis, to be replaced by the mixed-radix engine.
type Plan2D struct {
	nx, ny int
}

// NewPlan2D returns a plan for nx*ny arrays. It panics if nx or ny is less than 1.
func NewPlan2D(nx, ny int) *Plan2D {
	if nx < 1 || ny < 1 {
		panic("fft: non-positive size")
	}
	return &Plan2D{nx: nx, ny: ny}
}

// CenteredForward computes fftshift(fft2(ifftshift(x)))/sqrt(nx*ny) in place.
func (p *Plan2D) CenteredForward(x []complex64) { p.centered(x, -1) }

// CenteredInverse computes fftshift(ifft2(ifftshift(x)))*sqrt(nx*ny)/(nx*ny) in place: the
// challenge's ifft2c.
func (p *Plan2D) CenteredInverse(x []complex64) { p.centered(x, +1) }

func (p *Plan2D) centered(x []complex64, sign float64) {
	nx, ny := p.nx, p.ny
	row := make([]complex128, max(nx, ny))
	out := make([]complex128, max(nx, ny))
	for iy := 0; iy < ny; iy++ {
		for ix := 0; ix < nx; ix++ {
			row[ix] = complex128(x[ix+nx*iy])
		}
		dftCentered(out[:nx], row[:nx], sign)
		for ix := 0; ix < nx; ix++ {
			x[ix+nx*iy] = complex64(out[ix])
		}
	}
	for ix := 0; ix < nx; ix++ {
		for iy := 0; iy < ny; iy++ {
			row[iy] = complex128(x[ix+nx*iy])
		}
		dftCentered(out[:ny], row[:ny], sign)
		for iy := 0; iy < ny; iy++ {
			x[ix+nx*iy] = complex64(out[iy])
		}
	}
}

func dftCentered(dst, src []complex128, sign float64) {
	n := len(src)
	c := n / 2
	scale := 1 / math.Sqrt(float64(n))
	for k := range n {
		var s complex128
		for j := range n {
			s += src[j] * cmplx.Rect(1, sign*2*math.Pi*float64((k-c)*(j-c)%n)/float64(n))
		}
		dst[k] = s * complex(scale, 0)
	}
}
