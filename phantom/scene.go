package phantom

import "math"

// Tissue labels the structure that covers a pixel.
type Tissue uint8

// The tissues of the scene, with their magnitude in the true cine image (balanced-SSFP-like
// contrast; left-ventricular blood is 1). The other contrasts scale these magnitudes by
// factors of the tissue's relaxation times at 3 T (see Contrasts in the package
// documentation), typical of the literature, with MOLLI-like T1 for myocardium and blood;
// Tissue.Relaxation returns T1 and T2, Tissue.T1rho the T1rho, which lies a little above T2
// at the spin-lock amplitudes of cardiac protocols (about 1.15 T2 here, 52 ms in
// myocardium):
//
//	tissue         T1 ms   T2 ms  T1rho ms
//	soft tissue     1100      50      58   a generic value for the mediastinum and body
//	fat              380      70      80   subcutaneous and epicardial
//	muscle          1400      35      40   skeletal
//	lung            1300      40      46   parenchyma
//	vessel          1900     250     290   blood, as in the aorta
//	liver            800      35      40
//	stomach         3000    1000    1150   fluid contents
//	bone             380      70      80   fat-like yellow marrow; the cortex shares it
//	CSF             4000    2000    2300
//	blood           1900     250     290   arterial
//	myocardium      1200      45      52
//	LV blood        1900     250     290   arterial
//	RV blood        1900     200     230   venous: less oxygen shortens T2
const (
	Air        Tissue = iota // outside the body: 0
	SoftTissue               // mediastinum and other body interior: 0.25
	Fat                      // subcutaneous and epicardial fat: 0.75 to 0.85
	Muscle                   // chest-wall and paraspinal muscle: 0.22
	Lung                     // 0.04, brighter toward the back
	Vessel                   // pulmonary and hepatic vessels: 0.5 to 0.7
	Liver                    // 0.38
	Stomach                  // 0.55, only in apical slices
	Bone                     // cortex 0.08 to 0.1, marrow 0.4 to 0.45
	CSF                      // spinal canal: 0.9
	Blood                    // descending aorta: 0.85
	Myocardium               // left and right ventricular walls, papillary muscles: 0.22
	LVBlood                  // left-ventricular blood pool: 1
	RVBlood                  // right-ventricular blood pool: 0.95
)

// relaxation holds the T1, T2 and T1rho in milliseconds of each tissue: the table above.
var relaxation = [...][3]float64{
	Air: {0, 0, 0}, SoftTissue: {1100, 50, 58}, Fat: {380, 70, 80}, Muscle: {1400, 35, 40},
	Lung: {1300, 40, 46}, Vessel: {1900, 250, 290}, Liver: {800, 35, 40},
	Stomach: {3000, 1000, 1150}, Bone: {380, 70, 80}, CSF: {4000, 2000, 2300},
	Blood: {1900, 250, 290}, Myocardium: {1200, 45, 52}, LVBlood: {1900, 250, 290},
	RVBlood: {1900, 200, 230},
}

var tissueNames = [...]string{
	"air", "soft tissue", "fat", "muscle", "lung", "vessel", "liver", "stomach", "bone",
	"CSF", "blood", "myocardium", "LV blood", "RV blood",
}

// String returns the tissue's name.
func (t Tissue) String() string {
	if int(t) < len(tissueNames) {
		return tissueNames[t]
	}
	return "unknown"
}

// edgeHalfWidth is half the width, in pixels, of the smooth step that every shape's outline
// is drawn with. The step keeps the outlines free of staircase aliasing at any matrix size,
// so that little signal reaches the k-space corners.
const edgeHalfWidth = 0.75

// shape is an ellipse, possibly with an elliptical hole, of one tissue. Positions are in
// millimetres: x along the readout (patient's left toward +x), y along the phase encoding
// (anterior toward -y).
type shape struct {
	cx, cy float64 // centre
	a, b   float64 // semi-axes along the rotated x and y axes
	c, s   float64 // cosine and sine of the rotation of the a axis from +x
	hole   *shape  // nil, or a region cut out of this one

	val    float64 // magnitude at the centre
	gx, gy float64 // relative change of the magnitude per 100 mm along x and y
	gr     float64 // relative change of the magnitude at the outline, quadratic in radius
	flow   float64 // phase 2*atan(flow): a tissue-specific phase, e.g. of moving blood
	tissue Tissue
	defect bool // part of the perfusion defect: myocardium that enhances less
}

// ellipse returns a shape of tissue with centre (cx, cy), semi-axes a and b, rotated by deg
// degrees, with magnitude val.
func ellipse(t Tissue, cx, cy, a, b, deg, val float64) shape {
	s, c := sinCosDeg(deg)
	return shape{cx: cx, cy: cy, a: a, b: b, c: c, s: s, val: val, tissue: t}
}

// ring returns outer with inner cut out.
func ring(outer, inner shape) shape {
	outer.hole = &inner
	return outer
}

// coverage returns how much of the shape covers the point (x, y), from 0 to 1, given the
// pixel size (hx, hy), and the squared normalised radius of the point in the shape.
func (sh *shape) coverage(x, y, hx, hy float64) (w, q2 float64) {
	dx := x - sh.cx
	dy := y - sh.cy
	u := (mul(dx, sh.c) + mul(dy, sh.s)) / sh.a
	v := (mul(dy, sh.c) - mul(dx, sh.s)) / sh.b
	q2 = mul(u, u) + mul(v, v)
	q := math.Sqrt(q2)

	// The signed distance to the outline in pixels, to first order: (q-1)/|grad q| with the
	// gradient taken per pixel step. grad q = g/q with g below.
	gx := mul(hx, mul(u, sh.c)/sh.a-mul(v, sh.s)/sh.b)
	gy := mul(hy, mul(u, sh.s)/sh.a+mul(v, sh.c)/sh.b)
	g := math.Sqrt(mul(gx, gx) + mul(gy, gy))
	var d float64
	if g == 0 {
		d = -math.Min(sh.a/math.Max(hx, hy), sh.b/math.Max(hx, hy))
	} else {
		d = mul(q-1, q) / g
	}
	w = 1 - smoothStep((d+edgeHalfWidth)/(2*edgeHalfWidth))

	if sh.hole != nil && w > 0 {
		wh, _ := sh.hole.coverage(x, y, hx, hy)
		w = mul(w, 1-wh)
	}
	return w, q2
}

// reach returns a distance in millimetres from the centre beyond which the shape covers
// nothing, for pixel size (hx, hy).
func (sh *shape) reach(hx, hy float64) float64 {
	return math.Max(sh.a, sh.b) + mul(2*edgeHalfWidth+1, math.Max(hx, hy))
}

// contraction returns how far the ventricles have contracted at cardiac phase p in [0, 1):
// 0 at end-diastole, 1 at end-systole (p = 0.35), then rapid filling, diastasis and the
// atrial kick. It has continuous first and second derivatives, also across the cycle's end.
// The second result is the rate of change, scaled to 1 at peak ejection.
func contraction(p float64) (f, rate float64) {
	const peak = 1.875 / 0.35 // smoothStepSlope(0.5) / systolic duration

	switch {
	case p < 0.35:
		u := p / 0.35
		return smoothStep(u), smoothStepSlope(u) / 0.35 / peak
	case p < 0.65:
		u := (p - 0.35) / 0.30
		return 1 - mul(0.8, smoothStep(u)), -mul(0.8, smoothStepSlope(u)) / 0.30 / peak
	case p < 0.85:
		u := (p - 0.65) / 0.20
		return 0.2 - mul(0.05, smoothStep(u)), -mul(0.05, smoothStepSlope(u)) / 0.20 / peak
	default:
		u := (p - 0.85) / 0.15
		return mul(0.15, 1-smoothStep(u)), -mul(0.15, smoothStepSlope(u)) / 0.15 / peak
	}
}

// profile returns the radius factor of a half-ellipsoid whose equator is at z0 and whose
// apex is at z1 > z0: 1 for z <= z0, sqrt(1 - ((z-z0)/(z1-z0))^2) up to the apex, 0 beyond.
func profile(z, z0, z1 float64) float64 {
	if z <= z0 {
		return 1
	}
	if z >= z1 {
		return 0
	}
	r := (z - z0) / (z1 - z0)
	return math.Sqrt(1 - mul(r, r))
}

// clamp returns v limited to [lo, hi].
func clamp(v, lo, hi float64) float64 {
	return math.Max(lo, math.Min(hi, v))
}

// lungVessels are pulmonary vessel cross-sections: offset from the lung's centre in units
// of the lung's semi-axes, and radius in millimetres.
var lungVessels = [...][3]float64{
	{-0.45, -0.35, 2.5}, {0.10, -0.55, 2.0}, {0.35, 0.05, 3.5}, {-0.30, 0.30, 3.0},
	{0.05, 0.55, 2.5}, {-0.55, 0.05, 2.0}, {0.40, -0.30, 2.0},
}

// anatomy returns the shapes of the scene at long-axis position z (mm, from the
// mid-ventricle toward the apex) and cardiac phase p, in painting order, with the perfusion
// defect if defect is set.
func anatomy(z, p float64, defect bool) []shape {
	sh := make([]shape, 0, 64)

	// Body: soft-tissue interior, then the organs, then the wall rings, which clip them.
	const bodyY, bodyA, bodyB = 5.0, 165.0, 120.0
	body := ellipse(SoftTissue, 0, bodyY, bodyA, bodyB, 0, 0.25)
	body.gx, body.gy = 0.02, 0.03
	sh = append(sh, body)

	lungScale := clamp(1-mul(0.004, z), 0.5, 1.2)
	for _, l := range []struct{ cx, cy, a, b, deg float64 }{
		{-88, -8, 52, 78, 8}, // patient's right lung
		{98, -2, 48, 72, -10},
	} {
		a, b := mul(l.a, lungScale), mul(l.b, lungScale)
		lung := ellipse(Lung, l.cx, l.cy, a, b, l.deg, 0.04)
		lung.gy = 0.4
		sh = append(sh, lung)
		for _, v := range lungVessels {
			x := l.cx + mul(v[0], a)
			y := l.cy + mul(v[1], b)
			sh = append(sh, ellipse(Vessel, x, y, v[2], v[2], 0, 0.5))
		}
	}

	liverScale := clamp(1+mul(0.006, z), 0.6, 1.4)
	liver := ellipse(Liver, -62, 78, mul(78, liverScale), mul(42, liverScale), 12, 0.38)
	liver.gx, liver.gr = 0.05, -0.05
	sh = append(sh, liver,
		ellipse(Vessel, -80, 70, mul(4, liverScale), mul(4, liverScale), 0, 0.7),
		ellipse(Vessel, -45, 88, mul(3, liverScale), mul(3, liverScale), 0, 0.7))

	if st := smoothStep((z + 20) / 60); st > 0.05 {
		stomach := ellipse(Stomach, 88, 72, mul(34, st), mul(22, st), -15, 0.55)
		stomach.gy = -0.1
		sh = append(sh, stomach)
	}

	f, rate := contraction(p)
	aorta := ellipse(Blood, 30, 60, 11, 11, 0, 0.85)
	aorta.flow = mul(0.3, math.Max(rate, 0))
	sh = append(sh, aorta)

	fat := ring(ellipse(Fat, 0, bodyY, bodyA, bodyB, 0, 0.85),
		ellipse(Fat, 0, bodyY+2, bodyA-12, bodyB-14, 0, 0))
	fat.gy = 0.05
	muscle := ring(ellipse(Muscle, 0, bodyY+2, bodyA-12, bodyB-14, 0, 0.22),
		ellipse(Muscle, 0, bodyY+3, bodyA-24, bodyB-25, 0, 0))
	// Air around the body clips any organ that reaches past the skin.
	outside := ring(ellipse(Air, 0, bodyY, 4*bodyA, 4*bodyB, 0, 0),
		ellipse(Air, 0, bodyY, bodyA, bodyB, 0, 0))
	sh = append(sh, fat, muscle, outside,
		ellipse(Muscle, -30, 98, 22, 14, 10, 0.22),
		ellipse(Muscle, 30, 98, 22, 14, -10, 0.22))

	// Bones: cortex drawn first, marrow or canal inside.
	sh = append(sh,
		ellipse(Bone, 0, 84, 19, 16, 0, 0.08),
		ellipse(Bone, 0, 84, 16.5, 13.5, 0, 0.45),
		ellipse(Bone, 0, 106, 11, 10, 0, 0.1),
		ellipse(CSF, 0, 106, 7, 6, 0, 0.9),
		ellipse(Bone, 0, -103, 14, 6, 0, 0.08),
		ellipse(Bone, 0, -103, 11, 4, 0, 0.45))
	for _, deg := range []float64{30, 60, 120, 150, 210, 240, 300, 330} {
		s, c := sinCosDeg(deg)
		x, y := mul(139, c), bodyY+mul(95, s)
		sh = append(sh,
			ellipse(Bone, x, y, 7, 4, deg+90, 0.1),
			ellipse(Bone, x, y, 5, 2.5, deg+90, 0.4))
	}

	return append(sh, heart(z, f, rate, defect)...)
}

// heart returns the shapes of the ventricles at long-axis position z, contraction f and
// contraction rate (see contraction), in painting order, with the perfusion defect if
// defect is set.
func heart(z, f, rate float64, defect bool) []shape {
	z = math.Max(z, -45) // above the base the ventricles keep their basal size
	cavity := profile(z, -20, 45)
	epi := profile(z, -20, 55)
	rvSize := profile(z, -20, 35)

	// The left ventricle keeps its myocardial area while the cavity shrinks, so the wall
	// thickens from 8 mm at end-diastole to 11 mm at end-systole.
	cx, cy := lvCentreX-mul(1.5, f), lvCentreY+mul(2.5, f)
	rEndo := mul(cavity, 24-mul(9, f))
	rEpiED := mul(epi, 32)
	rEndoED := mul(cavity, 24)
	area := mul(rEpiED, rEpiED) - mul(rEndoED, rEndoED)
	rEpi := math.Sqrt(mul(rEndo, rEndo) + area)
	if rEpi < 1 {
		return nil
	}

	var sh []shape

	// The right ventricle sits toward the patient's right and front; its ellipse is pushed
	// into the left ventricle, which is drawn over it, leaving a crescent.
	const rvDeg = 210.0
	rs, rc := sinCosDeg(rvDeg)
	for _, side := range []float64{-70, 70} {
		s, c := sinCosDeg(rvDeg + side)
		d := rEpi + 1.5
		sh = append(sh, ellipse(Fat, cx+mul(d, c), cy+mul(d, s), 6, 3.5, rvDeg+side+90, 0.75))
	}
	if rvSize > 0.05 {
		along := mul(rvSize, 25-mul(7, f))
		across := mul(rvSize, 50-mul(7, f))
		d := rEpi + along - mul(0.75, rEpi)
		x, y := cx+mul(d, rc), cy+mul(d, rs)
		sh = append(sh, ellipse(Myocardium, x, y, along, across, rvDeg, 0.22))
		if along > 5 && across > 5 {
			blood := ellipse(RVBlood, x, y, along-3.5, across-3.5, rvDeg, 0.95)
			blood.gr = -0.06
			blood.flow = mul(0.1, rate)
			sh = append(sh, blood)
		}
	}

	wall := ellipse(Myocardium, cx, cy, mul(1.04, rEpi), mul(0.96, rEpi), 20, 0.22)
	wall.gx = 0.1
	sh = append(sh, wall)
	if rEndo < 1 {
		return sh
	}
	if defect && rEndo > 6 {
		sh = append(sh, defectShape(wall, rEndo, rEpi))
	}
	blood := ellipse(LVBlood, cx, cy, mul(1.04, rEndo), mul(0.96, rEndo), 20, 1)
	blood.gr = -0.08
	blood.flow = mul(0.12, rate)
	sh = append(sh, blood)

	// Papillary muscles on the free wall, turned by the systolic twist.
	if rEndo > 6 {
		twist := mul(5, f)
		r := mul(cavity, 3+f)
		for _, deg := range []float64{335, 65} {
			s, c := sinCosDeg(deg + twist)
			d := mul(0.62, rEndo)
			sh = append(sh, ellipse(Myocardium, cx+mul(d, c), cy+mul(d, s), r, r, 0, 0.25))
		}
	}
	return sh
}

// defectDeg is the direction of the perfusion defect from the centre of the left ventricle:
// the inferior wall, toward the back.
const defectDeg = 100.0

// defectShape returns the perfusion defect in the left-ventricular wall, whose cavity
// radius is rEndo and epicardial radius rEpi: an ellipse centred on the endocardium in
// direction defectDeg, with a semi-axis of rEndo/2 along the wall and 0.6 of the wall
// thickness across it. The blood pool, drawn over it, hides its inner half, so that it
// covers about a sixth of the circumference and the inner 60 % of the wall at its middle,
// tapering toward its ends. Its magnitude matches the wall's, gradient included.
func defectShape(wall shape, rEndo, rEpi float64) shape {
	// The wall is 0.962 of its mean radius in this direction (80 degrees from its long
	// axis, semi-axes 1.04 and 0.96).
	s, c := sinCosDeg(defectDeg)
	d := mul(0.962, rEndo)
	thick := mul(0.962, rEpi-rEndo)
	x, y := wall.cx+mul(d, c), wall.cy+mul(d, s)
	g := 1 + mul(wall.gx, (x-wall.cx)/100)
	sh := ellipse(Myocardium, x, y, mul(0.5, rEndo), mul(0.6, thick), defectDeg+90,
		mul(wall.val, g))
	sh.gx = wall.gx / g
	sh.defect = true
	return sh
}

// imagePhase returns the smooth background phase of the true image at (x, y) mm as a unit
// complex number: 2*atan of a low-order polynomial, between about -0.9 and 1.1 rad over the
// body.
func imagePhase(x, y float64) (re, im float64) {
	u, v := x/100, y/100
	t := 0.1 + mul(0.25, u) - mul(0.15, v) + mul(0.05, mul(u, v))
	return unitPhase(t)
}

// renderPlane draws slice iz and frame it of o into img (nx*ny, x fastest) and its labels
// into lab. A cine takes the scene at the frame's cardiac phase as it is, a flow series
// with its flow phases velocity-encoded; the other contrasts take it at their fixed phase and
// weigh each shape by its tissue's factor.
func renderPlane(o Options, iz, it int, img []complex64, lab []Tissue) {
	hx, hy := o.pixelSize()
	shapes := anatomy(o.SlicePosition(iz), o.CyclePhase(it), o.Contrast == ContrastPerfusion)
	switch {
	case o.Contrast == ContrastFlow:
		encodeVelocity(shapes)
	case !o.Contrast.isCine():
		weigh(o, it, shapes)
	}
	reach := make([]float64, len(shapes))
	phr := make([]float64, len(shapes))
	phi := make([]float64, len(shapes))
	for i := range shapes {
		reach[i] = shapes[i].reach(hx, hy)
		phr[i], phi[i] = unitPhase(shapes[i].flow)
	}

	for iy := 0; iy < o.NY; iy++ {
		y := o.pixelY(iy)
		for ix := 0; ix < o.NX; ix++ {
			x := o.pixelX(ix)
			re, im, t := 0.0, 0.0, Air
			for i := range shapes {
				sh := &shapes[i]
				if math.Abs(x-sh.cx) > reach[i] || math.Abs(y-sh.cy) > reach[i] {
					continue
				}
				w, q2 := sh.coverage(x, y, hx, hy)
				if w == 0 {
					continue
				}

				g := 1 + mul(sh.gx, (x-sh.cx)/100) + mul(sh.gy, (y-sh.cy)/100)
				g += mul(sh.gr, q2)
				m := mul(mul(sh.val, g), w)
				re = mul(re, 1-w) + mul(m, phr[i])
				im = mul(im, 1-w) + mul(m, phi[i])
				if w >= 0.5 {
					t = sh.tissue
				}
			}

			gr, gi := imagePhase(x, y)
			k := ix + o.NX*iy
			img[k] = complex(float32(mul(re, gr)-mul(im, gi)), float32(mul(re, gi)+mul(im, gr)))
			lab[k] = t
		}
	}
}
