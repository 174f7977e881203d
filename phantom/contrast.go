package phantom

import "slices"

// Contrast selects the kind of series New makes: what changes from frame to frame.
type Contrast string

// The contrasts. Their values follow the names of CMRxRecon's files (cine_sax.mat,
// T1map.mat, T2map.mat, T1rho.mat, perfusion.mat, flow2d.mat).
const (
	// ContrastCine is a balanced-SSFP cine: the frames are cardiac phases. The zero value
	// "" means the same.
	ContrastCine Contrast = "cine"

	// ContrastT1Map is a MOLLI-like T1-mapping series: frame t is the image at inversion
	// time Options.FrameTimes()[t].
	ContrastT1Map Contrast = "T1map"

	// ContrastT2Map is a T2-prepared T2-mapping series: frame t is the image after a
	// T2 preparation of duration Options.FrameTimes()[t].
	ContrastT2Map Contrast = "T2map"

	// ContrastT1rho is a spin-lock-prepared T1rho-mapping series: frame t is the image
	// after a spin lock of duration Options.FrameTimes()[t].
	ContrastT1rho Contrast = "T1rho"

	// ContrastPerfusion is a first-pass perfusion series: one saturation-recovery image a
	// heartbeat while a contrast bolus passes through the heart.
	ContrastPerfusion Contrast = "perfusion"

	// ContrastFlow is a two-dimensional phase-contrast series: the frames are cardiac
	// phases, as in a cine, and the flowing blood carries a velocity-encoding phase.
	ContrastFlow Contrast = "flow2d"
)

// isCine reports whether c means a cine.
func (c Contrast) isCine() bool { return c == "" || c == ContrastCine }

// moves reports whether c's frames are cardiac phases (cine and flow) rather than frames of
// one phase.
func (c Contrast) moves() bool { return c.isCine() || c == ContrastFlow }

// mapping reports whether c is a mapping contrast, whose frames have an entry in Times.
func (c Contrast) mapping() bool {
	return c == ContrastT1Map || c == ContrastT2Map || c == ContrastT1rho
}

// fixedPhase is the cardiac phase of every frame of a contrast other than cine: diastasis in
// mid-diastole, where the heart is slowest (contraction 0.175, the left-ventricular cavity
// radius 22.4 mm).
const fixedPhase = 0.75

// Default frame times in milliseconds.
var (
	// defaultInversionTimes are those of MOLLI 4(1)3(1)2 at a heart rate of 60 per minute:
	// three inversions 100, 180 and 260 ms before the first image of their series,
	// followed by 4, 3 and 2 images one RR interval (1000 ms) apart, sorted.
	defaultInversionTimes = []float64{100, 180, 260, 1100, 1180, 1260, 2100, 2180, 3100}

	// defaultPrepTimes are the usual T2-preparation durations of T2 mapping.
	defaultPrepTimes = []float64{0, 35, 55}

	// defaultSpinLockTimes are five spin-lock durations from 0 to about one myocardial
	// T1rho, a common choice of cardiac T1rho mapping.
	defaultSpinLockTimes = []float64{0, 12, 24, 36, 48}
)

// FrameTimes returns the time in milliseconds that sets the contrast of each frame: the
// inversion times of ContrastT1Map, the T2-preparation durations of ContrastT2Map and the
// spin-lock durations of ContrastT1rho, a new slice holding o.Times or, when it is nil, the
// contrast's default. It returns nil for the other contrasts.
func (o Options) FrameTimes() []float64 {
	switch {
	case !o.Contrast.mapping():
		return nil
	case o.Times != nil:
		return slices.Clone(o.Times)
	case o.Contrast == ContrastT1Map:
		return slices.Clone(defaultInversionTimes)
	case o.Contrast == ContrastT1rho:
		return slices.Clone(defaultSpinLockTimes)
	default:
		return slices.Clone(defaultPrepTimes)
	}
}

// Relaxation returns the tissue's T1 and T2 in milliseconds at 3 T (the table with the
// Tissue constants); 0, 0 for Air and unknown tissues.
func (t Tissue) Relaxation() (t1, t2 float64) {
	if int(t) < len(relaxation) {
		return relaxation[t][0], relaxation[t][1]
	}
	return 0, 0
}

// T1rho returns the tissue's T1rho in milliseconds at 3 T (the table with the Tissue
// constants); 0 for Air and unknown tissues.
func (t Tissue) T1rho() float64 {
	if int(t) < len(relaxation) {
		return relaxation[t][2]
	}
	return 0
}

// flowGain multiplies the flow term of every shape in ContrastFlow: the cine's small
// flow-related phase 2 atan(f) becomes the velocity-encoding phase 2 atan(flowGain f), which
// peaks at 1.97 rad in the aorta at peak ejection (a peak velocity of 0.63 venc).
const flowGain = 5

// encodeVelocity turns the flow terms of shapes into those of a velocity-encoded image.
func encodeVelocity(shapes []shape) {
	for i := range shapes {
		shapes[i].flow = mul(flowGain, shapes[i].flow)
	}
}

// Perfusion model: every tissue has a baseline factor, that of saturation recovery with
// delay perfusionDelay relative to myocardium's, scaled so that myocardium is
// perfusionBaseMyo of its cine magnitude. The blood pools, the vessels and the myocardium
// add a bolus on top. Time runs in units of the series, tau = t/(NT-1) for frame t.
const (
	perfusionDelay   = 100.0 // saturation delay in ms
	perfusionBaseMyo = 0.15  // myocardium's baseline factor
)

// bolus is a first-pass enhancement curve: amp x (gamma variate + recirculation). The gamma
// variate (s exp(1-s))^alpha of s = (tau-t0)/(tp-t0) starts at tau = t0 and peaks at 1 at
// tau = tp; the recirculation adds recirc x smoothStep((s-1)/2), which rises from the peak
// on to reach recirc two peak delays later.
type bolus struct {
	amp, t0, tp, recirc float64
	alpha               int
}

// The boluses, in units of the series. The right ventricle peaks first, the pulmonary
// vessels and the left ventricle follow, then the aorta; myocardium enhances later, less and
// longer, the defect less again.
var (
	bolusRV     = bolus{amp: 0.75, t0: 0.15, tp: 0.30, recirc: 0.2, alpha: 3}
	bolusVessel = bolus{amp: 0.4, t0: 0.20, tp: 0.37, recirc: 0.2, alpha: 3}
	bolusLV     = bolus{amp: 0.7, t0: 0.25, tp: 0.45, recirc: 0.2, alpha: 3}
	bolusAorta  = bolus{amp: 0.65, t0: 0.27, tp: 0.48, recirc: 0.2, alpha: 3}
	bolusMyo    = bolus{amp: 0.5, t0: 0.30, tp: 0.65, alpha: 2}
	bolusDefect = bolus{amp: 0.2, t0: 0.30, tp: 0.65, alpha: 2}
)

// at returns the curve at time tau (without amp).
func (b bolus) at(tau float64) float64 {
	s := (tau - b.t0) / (b.tp - b.t0)
	if s <= 0 {
		return 0
	}
	g := mul(s, exp(1-s))
	c := g
	for range b.alpha - 1 {
		c = mul(c, g)
	}
	return c + mul(b.recirc, smoothStep((s-1)/2))
}

// tissueBolus returns the bolus of tissue t, of the defect when defect is set, and whether
// t enhances at all.
func tissueBolus(t Tissue, defect bool) (bolus, bool) {
	switch {
	case defect:
		return bolusDefect, true
	case t == RVBlood:
		return bolusRV, true
	case t == Vessel:
		return bolusVessel, true
	case t == LVBlood:
		return bolusLV, true
	case t == Blood:
		return bolusAorta, true
	case t == Myocardium:
		return bolusMyo, true
	}
	return bolus{}, false
}

// seriesTime returns the time of frame it in units of the series: it/(NT-1), 0 for NT = 1.
func (o Options) seriesTime(it int) float64 {
	if o.NT < 2 {
		return 0
	}
	return float64(it) / float64(o.NT-1)
}

// weigh scales the magnitude of every shape by its tissue's factor in frame it of o's
// contrast, which must be one that holds the heart still (not cine or flow).
func weigh(o Options, it int, shapes []shape) {
	var ti float64
	if times := o.FrameTimes(); times != nil {
		ti = times[it]
	}
	t1Myo, _ := Myocardium.Relaxation()
	gain := perfusionBaseMyo / (1 - exp(-perfusionDelay/t1Myo))
	tau := o.seriesTime(it)

	for i := range shapes {
		sh := &shapes[i]
		t1, t2 := sh.tissue.Relaxation()
		if t1 == 0 {
			sh.val = 0
			continue
		}

		var f float64
		switch o.Contrast {
		case ContrastT1Map:
			f = 1 - mul(2, exp(-ti/t1))
		case ContrastT2Map:
			f = exp(-ti / t2)
		case ContrastT1rho:
			f = exp(-ti / sh.tissue.T1rho())
		case ContrastPerfusion:
			f = mul(gain, 1-exp(-perfusionDelay/t1))
			if b, ok := tissueBolus(sh.tissue, sh.defect); ok {
				f += mul(b.amp, b.at(tau))
			}
		}
		sh.val = mul(sh.val, f)
	}
}
