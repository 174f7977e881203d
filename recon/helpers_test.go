package recon

import (
	"math"
	"math/cmplx"
	"math/rand/v2"
)

// The helpers below build small simulated multi-coil data sets for the tests: an object made
// of ellipses, smooth coil sensitivities, and k-space computed with a float64 direct DFT that
// does not use package fft.

// sim is a simulated single-slice, single-frame acquisition.
type sim struct {
	nx, ny, nc int
	obj        []complex128 // object, nx*ny
	maps       []complex128 // true sensitivities, nc planes of nx*ny (not normalised)
}

// newSim builds an nx x ny object of a few ellipses with a smooth phase, seen by nc coils
// placed around it. shift moves two of the ellipses (as a fraction of the field of view), so
// that frames differ; coilAngle turns the ring of coils, so that slices see different maps.
func newSim(nx, ny, nc int, shift, coilAngle float64) *sim {
	s := &sim{nx: nx, ny: ny, nc: nc}
	s.obj = make([]complex128, nx*ny)
	type ellipse struct{ x0, y0, a, b, v float64 }
	shapes := []ellipse{
		{0, 0, 0.38, 0.42, 1.0},
		{-0.12 + shift, 0.05, 0.12, 0.18, 0.6},
		{0.15, -0.1 - shift, 0.08, 0.09, -0.5},
		{0.05, 0.2, 0.05, 0.06, 0.8},
	}
	for y := range ny {
		for x := range nx {
			u := (float64(x) - float64(nx/2)) / float64(nx)
			w := (float64(y) - float64(ny/2)) / float64(ny)
			var v float64
			for _, e := range shapes {
				dx, dy := (u-e.x0)/e.a, (w-e.y0)/e.b
				if dx*dx+dy*dy <= 1 {
					v += e.v
				}
			}
			s.obj[x+nx*y] = complex(v, 0) * cmplx.Rect(1, 0.6*u-0.4*w)
		}
	}

	s.maps = make([]complex128, nc*nx*ny)
	for c := range nc {
		th := 2*math.Pi*float64(c)/float64(nc) + coilAngle
		cx, cy := 0.55*math.Cos(th), 0.55*math.Sin(th)
		for y := range ny {
			for x := range nx {
				u := (float64(x) - float64(nx/2)) / float64(nx)
				w := (float64(y) - float64(ny/2)) / float64(ny)
				d2 := (u-cx)*(u-cx) + (w-cy)*(w-cy)
				amp := math.Exp(-d2 / (2 * 0.35 * 0.35))
				ph := th + 1.5*(u*math.Cos(th)+w*math.Sin(th))
				s.maps[c*nx*ny+x+nx*y] = cmplx.Rect(amp, ph)
			}
		}
	}
	return s
}

// rss returns the root sum of squares of the true maps at each pixel.
func (s *sim) rss() []float64 {
	n := s.nx * s.ny
	out := make([]float64, n)
	for c := range s.nc {
		for i := range n {
			v := s.maps[c*n+i]
			out[i] += real(v)*real(v) + imag(v)*imag(v)
		}
	}
	for i := range out {
		out[i] = math.Sqrt(out[i])
	}
	return out
}

// truth returns the magnitude the challenge's ground truth shows: the RSS of the fully
// sampled coil images, |object| times the RSS of the maps.
func (s *sim) truth() []float64 {
	r := s.rss()
	out := make([]float64, len(r))
	for i, v := range r {
		out[i] = cmplx.Abs(s.obj[i]) * v
	}
	return out
}

// kspace returns the fully sampled k-space of every coil (nc planes), computed with the
// float64 direct centred DFT.
func (s *sim) kspace() []complex128 {
	n := s.nx * s.ny
	out := make([]complex128, s.nc*n)
	img := make([]complex128, n)
	for c := range s.nc {
		for i := range n {
			img[i] = s.obj[i] * s.maps[c*n+i]
		}
		copy(out[c*n:], dft2(img, s.nx, s.ny, -1))
	}
	return out
}

// dft2 is the orthonormal centred 2-D DFT by direct summation in float64, sign -1 forward
// (fft2c) and +1 inverse (ifft2c), separable along x then y.
func dft2(in []complex128, nx, ny int, sign float64) []complex128 {
	tmp := make([]complex128, nx*ny)
	for y := range ny {
		copy(tmp[y*nx:], dft1(in[y*nx:(y+1)*nx], sign))
	}
	out := make([]complex128, nx*ny)
	col := make([]complex128, ny)
	for x := range nx {
		for y := range ny {
			col[y] = tmp[x+nx*y]
		}
		r := dft1(col, sign)
		for y := range ny {
			out[x+nx*y] = r[y]
		}
	}
	return out
}

// dft1 is the orthonormal centred DFT of one vector, centre index n/2.
func dft1(in []complex128, sign float64) []complex128 {
	n := len(in)
	c := n / 2
	out := make([]complex128, n)
	for k := range n {
		var s complex128
		for j, v := range in {
			ph := sign * 2 * math.Pi * float64(((k-c)*(j-c))%n) / float64(n)
			s += v * cmplx.Rect(1, ph)
		}
		out[k] = s / complex(math.Sqrt(float64(n)), 0)
	}
	return out
}

// kspaceOf assembles a KSpace from per-(slice, frame) simulations, all of the same size.
func kspaceOf(sims [][]*sim) *KSpace {
	nz, nt := len(sims), len(sims[0])
	s0 := sims[0][0]
	d := Dims{NX: s0.nx, NY: s0.ny, NC: s0.nc, NZ: nz, NT: nt}
	k := &KSpace{Dims: d, Data: make([]complex64, d.Len())}
	n := s0.nx * s0.ny
	for iz := range nz {
		for it := range nt {
			ks := sims[iz][it].kspace()
			for c := range s0.nc {
				p := k.Plane(c, iz, it)
				for i := range n {
					p[i] = complex64(ks[c*n+i])
				}
			}
		}
	}
	return k
}

// lineMask samples every r-th ky line plus acs central lines, all kx. Without perFrame the
// lines are 0, r, 2r, ... in every frame (Uniform); with perFrame frame it samples the lines
// y with (y + it) mod r = 0, so the pattern moves from frame to frame (kt-interleaved).
func lineMask(nx, ny, nt, r, acs int, perFrame bool) *Mask {
	m := &Mask{NX: nx, NY: ny, NT: nt, Data: make([]float32, nx*ny*nt)}
	for it := range nt {
		shift := 0
		if perFrame {
			shift = it
		}
		f := m.Frame(it)
		for y := range ny {
			inACS := y >= ny/2-acs/2 && y < ny/2-acs/2+acs
			if !inACS && (y+shift)%r != 0 {
				continue
			}
			for x := range nx {
				f[x+nx*y] = 1
			}
		}
	}
	return m
}

// pointMask samples a fraction of k-space at random points per frame plus a central
// acs x acs square (a 2-D pattern like ktRadial).
func pointMask(nx, ny, nt, acs int, frac float64, seed uint64) *Mask {
	m := &Mask{NX: nx, NY: ny, NT: nt, Data: make([]float32, nx*ny*nt)}
	rng := rand.New(rand.NewPCG(seed, 2))
	for it := range nt {
		f := m.Frame(it)
		for i := range f {
			if rng.Float64() < frac {
				f[i] = 1
			}
		}
		for y := ny/2 - acs/2; y < ny/2-acs/2+acs; y++ {
			for x := nx/2 - acs/2; x < nx/2-acs/2+acs; x++ {
				f[x+nx*y] = 1
			}
		}
	}
	return m
}

// nrmse returns ||a - b|| / ||b|| over the pixels where in is true (all when in is nil).
func nrmse(a, b []float64, in []bool) float64 {
	var num, den float64
	for i := range a {
		if in != nil && !in[i] {
			continue
		}
		d := a[i] - b[i]
		num += d * d
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}
