package phantom

import "math"

// Maps are complex coil sensitivity maps (nx, ny, nc, nz), column-major, x fastest: element
// (ix, iy, ic, iz) sits at ix + NX*(iy + NY*(ic + NC*iz)). They do not change over frames.
type Maps struct {
	NX, NY, NC, NZ int
	Data           []complex64
}

// Plane returns the nx*ny map of coil ic in slice iz, sharing Data.
func (m *Maps) Plane(ic, iz int) []complex64 {
	n := m.NX * m.NY
	off := n * (ic + m.NC*iz)
	return m.Data[off : off+n : off+n]
}

// coil is a receive coil: its centre (mm), the unit vectors pointing out of the body
// (radial) and along it (tangential), and its constant phase as a unit complex number.
type coil struct {
	x, y, z  float64
	rx, ry   float64
	pre, pim float64
}

// Coil geometry: the coils sit on an ellipse around the body, alternating between two rings
// 70 mm apart along the long axis; their sensitivity falls off as (1 + r^2/coilReach^2)^-1.5
// with the distance r from the coil centre.
const (
	coilA, coilB, coilY = 190.0, 145.0, 5.0
	coilRing            = 35.0
	coilReach           = 110.0
)

// coilLayout returns nc coils spread evenly around the body.
func coilLayout(nc int) []coil {
	cs := make([]coil, nc)
	for k := range cs {
		deg := 7 + 360*(float64(k)+0.5)/float64(nc)
		s, c := sinCosDeg(deg)
		pim, pre := sinCosDeg(mul(133.3, float64(k)))

		z := 0.0
		if nc > 1 {
			z = coilRing
			if k%2 == 0 {
				z = -coilRing
			}
		}
		cs[k] = coil{x: mul(coilA, c), y: coilY + mul(coilB, s), z: z, rx: c, ry: s,
			pre: pre, pim: pim}
	}
	return cs
}

// sensitivity returns the unnormalised sensitivity of coil c at (x, y, z) mm: a smooth
// falloff with distance times a constant phase and a smooth phase ramp that varies by
// about 1 rad across the body.
func (c *coil) sensitivity(x, y, z float64) (re, im float64) {
	dx, dy, dz := x-c.x, y-c.y, z-c.z
	r2 := mul(dx, dx) + mul(dy, dy) + mul(dz, dz)
	ratio := (coilReach * coilReach) / (coilReach*coilReach + r2)
	m := mul(ratio, math.Sqrt(ratio))

	along := mul(dy, c.rx) - mul(dx, c.ry)
	out := mul(dx, c.rx) + mul(dy, c.ry)
	ur, ui := unitPhase(mul(0.0015, along) - mul(0.0006, out))
	pr := mul(c.pre, ur) - mul(c.pim, ui)
	pi := mul(c.pre, ui) + mul(c.pim, ur)
	return mul(m, pr), mul(m, pi)
}

// lvCentre is the centre of the left ventricle at end-diastole (mm, in plane): the point
// where the coil-combined sensitivity is normalised to 1.
const lvCentreX, lvCentreY = 22.0, -5.0

// coilMaps computes the maps of o, scaled so that their root-sum-of-squares is 1 at the
// centre of the left ventricle at end-diastole in the mid-ventricular plane.
func coilMaps(o Options) Maps {
	cs := coilLayout(o.NC)
	sum := 0.0
	for k := range cs {
		re, im := cs[k].sensitivity(lvCentreX, lvCentreY, 0)
		sum += mul(re, re) + mul(im, im)
	}
	scale := 1 / math.Sqrt(sum)

	m := Maps{NX: o.NX, NY: o.NY, NC: o.NC, NZ: o.NZ,
		Data: make([]complex64, o.NX*o.NY*o.NC*o.NZ)}
	for iz := 0; iz < o.NZ; iz++ {
		z := o.SlicePosition(iz)
		for k := range cs {
			plane := m.Plane(k, iz)
			for iy := 0; iy < o.NY; iy++ {
				y := o.pixelY(iy)
				for ix := 0; ix < o.NX; ix++ {
					re, im := cs[k].sensitivity(o.pixelX(ix), y, z)
					plane[ix+o.NX*iy] = complex(float32(mul(re, scale)), float32(mul(im, scale)))
				}
			}
		}
	}
	return m
}
