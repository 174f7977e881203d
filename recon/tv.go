package recon

// LinearOp is a linear operator between complex vectors, with its adjoint: the transform a
// regulariser applies before its proximal step (see Term).
type LinearOp interface {
	// InLen and OutLen are the lengths of x and of A x.
	InLen() int
	OutLen() int

	// Apply sets dst = A x, Adjoint sets dst = A^H y. dst must not overlap the input.
	Apply(dst, x []complex64)
	Adjoint(dst, y []complex64)
}

// TemporalDiff is the temporal finite difference of nt frames of n pixels (frame after
// frame): (D x)_t = x_{t+1} - x_t, circularly (frame nt-1 is followed by frame 0, as in a
// cardiac cycle). With the l1 norm it gives temporal total variation. Its squared norm is at
// most 4.
type TemporalDiff struct{ N, NT int }

// InLen implements LinearOp.
func (d TemporalDiff) InLen() int { return d.N * d.NT }

// OutLen implements LinearOp.
func (d TemporalDiff) OutLen() int { return d.N * d.NT }

// Apply implements LinearOp.
func (d TemporalDiff) Apply(dst, x []complex64) {
	d.check(dst, x)
	n := d.N
	for t := range d.NT {
		next := x[((t+1)%d.NT)*n:][:n]
		cur := x[t*n:][:n]
		out := dst[t*n:][:n]
		for i, v := range cur {
			out[i] = next[i] - v
		}
	}
}

// Adjoint implements LinearOp: (D^H y)_t = y_{t-1} - y_t.
func (d TemporalDiff) Adjoint(dst, y []complex64) {
	d.check(dst, y)
	n := d.N
	for t := range d.NT {
		prev := y[((t+d.NT-1)%d.NT)*n:][:n]
		cur := y[t*n:][:n]
		out := dst[t*n:][:n]
		for i, v := range cur {
			out[i] = prev[i] - v
		}
	}
}

func (d TemporalDiff) check(a, b []complex64) {
	if len(a) != d.N*d.NT || len(b) != d.N*d.NT {
		panic("recon: TemporalDiff: wrong slice length")
	}
}

// SpatialGradient is the forward-difference gradient of nt images of nx x ny (column-major,
// frame after frame), circular at the edges: the output is all x differences
// x(ix+1, iy) - x(ix, iy), then all y differences x(ix, iy+1) - x(ix, iy), each nx*ny*nt
// values in the input's order. With JointL1 it gives isotropic spatial total variation. Its
// squared norm is at most 8.
type SpatialGradient struct{ NX, NY, NT int }

// InLen implements LinearOp.
func (g SpatialGradient) InLen() int { return g.NX * g.NY * g.NT }

// OutLen implements LinearOp.
func (g SpatialGradient) OutLen() int { return 2 * g.NX * g.NY * g.NT }

// Apply implements LinearOp.
func (g SpatialGradient) Apply(dst, x []complex64) {
	g.check(dst, x)
	nx, ny := g.NX, g.NY
	n := nx * ny
	gx, gy := dst[:len(x)], dst[len(x):]
	for t := range g.NT {
		f := x[t*n:][:n]
		for iy := range ny {
			ny1 := ((iy + 1) % ny) * nx
			for ix := range nx {
				i := iy*nx + ix
				gx[t*n+i] = f[iy*nx+(ix+1)%nx] - f[i]
				gy[t*n+i] = f[ny1+ix] - f[i]
			}
		}
	}
}

// Adjoint implements LinearOp: minus the backward-difference divergence.
func (g SpatialGradient) Adjoint(dst, y []complex64) {
	g.check(y, dst)
	nx, ny := g.NX, g.NY
	n := nx * ny
	gx, gy := y[:len(dst)], y[len(dst):]
	for t := range g.NT {
		ax, ay := gx[t*n:][:n], gy[t*n:][:n]
		out := dst[t*n:][:n]
		for iy := range ny {
			py := ((iy + ny - 1) % ny) * nx
			for ix := range nx {
				i := iy*nx + ix
				out[i] = ax[iy*nx+(ix+nx-1)%nx] - ax[i] + ay[py+ix] - ay[i]
			}
		}
	}
}

func (g SpatialGradient) check(out, in []complex64) {
	if len(in) != g.InLen() || len(out) != g.OutLen() {
		panic("recon: SpatialGradient: wrong slice length")
	}
}
