package phantom

import (
	"math"
	"runtime"
	"slices"
	"testing"
)

// fineOptions returns a single-slice grid fine enough (1.9 x 1.85 mm pixels) for every
// tissue of interest, the myocardium included, to have pixels well inside it.
func fineOptions(c Contrast, nt int) Options {
	o := DefaultOptions()
	o.NX, o.NY, o.NC, o.NT = 384, 162, 4, nt
	o.Contrast = c
	return o
}

// cineAtFixedPhase returns the cine image and labels of o's grid at the cardiac phase of the
// other contrasts: frame 3 of 4 is at phase 0.75.
func cineAtFixedPhase(t *testing.T, o Options) ([]complex64, Labels) {
	t.Helper()
	o.Contrast, o.Times, o.NT = ContrastCine, nil, 4
	if p := o.CyclePhase(3); p != fixedPhase {
		t.Fatalf("cine frame 3 of 4 at phase %g, want %g", p, fixedPhase)
	}
	img, lab := mustRender(t, o)
	n := o.NX * o.NY * o.NZ
	return img[3*n : 4*n], Labels{NX: o.NX, NY: o.NY, NZ: o.NZ, NT: 1, Data: lab.Data[3*n:]}
}

// purePixels returns the pixels of the nx*ny plane lab whose 3x3 neighbourhood is all
// tissue ti. Outlines are drawn 1.5 pixels wide, so such a pixel is covered by ti alone.
func purePixels(lab []Tissue, nx, ny int, ti Tissue) []int {
	var px []int
	for iy := 1; iy < ny-1; iy++ {
		for ix := 1; ix < nx-1; ix++ {
			pure := true
			for dy := -1; dy <= 1 && pure; dy++ {
				for dx := -1; dx <= 1 && pure; dx++ {
					pure = lab[ix+dx+nx*(iy+dy)] == ti
				}
			}
			if pure {
				px = append(px, ix+nx*iy)
			}
		}
	}
	return px
}

func TestRelaxation(t *testing.T) {
	for _, c := range []struct {
		ti     Tissue
		t1, t2 float64
	}{
		{Air, 0, 0}, {Myocardium, 1200, 45}, {LVBlood, 1900, 250}, {Blood, 1900, 250},
		{Vessel, 1900, 250}, {Fat, 380, 70}, {Liver, 800, 35}, {Muscle, 1400, 35},
		{Tissue(200), 0, 0},
	} {
		if t1, t2 := c.ti.Relaxation(); t1 != c.t1 || t2 != c.t2 {
			t.Errorf("%v: T1 %g, T2 %g ms, want %g, %g", c.ti, t1, t2, c.t1, c.t2)
		}
	}
	for ti := SoftTissue; ti <= RVBlood; ti++ {
		if t1, t2 := ti.Relaxation(); !(t1 > t2 && t2 > 0) {
			t.Errorf("%v: T1 %g, T2 %g ms", ti, t1, t2)
		}
		// T1rho lies between T2 and T1, about 1.15 T2 in this table.
		t1, t2 := ti.Relaxation()
		if r := ti.T1rho(); !(r > t2 && r < t1) || math.Abs(r/t2-1.15) > 0.02 {
			t.Errorf("%v: T1rho %g ms against T1 %g, T2 %g", ti, r, t1, t2)
		}
	}
	if r := Myocardium.T1rho(); r != 52 {
		t.Errorf("myocardium: T1rho %g ms, want 52", r)
	}
	if Air.T1rho() != 0 || Tissue(200).T1rho() != 0 {
		t.Error("air or an unknown tissue has a T1rho")
	}
}

func TestFrameTimes(t *testing.T) {
	molli := []float64{100, 180, 260, 1100, 1180, 1260, 2100, 2180, 3100}
	for _, c := range []struct {
		o    Options
		want []float64
	}{
		{DefaultOptions(), nil},
		{PerfusionOptions(), nil},
		{T1MapOptions(), molli},
		{T2MapOptions(), []float64{0, 35, 55}},
		{T1rhoOptions(), []float64{0, 12, 24, 36, 48}},
		{FlowOptions(), nil},
		{Options{Contrast: ContrastFlow, Times: []float64{1}}, nil},
		{Options{Contrast: ContrastT2Map, Times: []float64{0, 50}}, []float64{0, 50}},
		{Options{Contrast: ContrastPerfusion, Times: []float64{1}}, nil},
	} {
		got := c.o.FrameTimes()
		if !slices.Equal(got, c.want) {
			t.Errorf("%s, Times %v: FrameTimes %v, want %v", c.o.Contrast, c.o.Times, got,
				c.want)
		}
		if len(got) > 0 {
			got[0] = -1
			if c.o.FrameTimes()[0] == -1 {
				t.Errorf("%s: FrameTimes shares its slice", c.o.Contrast)
			}
		}
	}
	for _, o := range []Options{T1MapOptions(), T2MapOptions(), T1rhoOptions(),
		PerfusionOptions(), FlowOptions()} {
		if err := o.Validate(); err != nil {
			t.Errorf("%s: %v", o.Contrast, err)
		}
	}
	if o := T1MapOptions(); o.NT != 9 {
		t.Errorf("T1MapOptions: NT %d", o.NT)
	}
	if o := T1rhoOptions(); o.NT != 5 {
		t.Errorf("T1rhoOptions: NT %d", o.NT)
	}
	o := T1rhoOptions()
	o.NT = 4
	if o.Validate() == nil {
		t.Error("T1rho with the default Times and NT 4 accepted")
	}
}

func TestFixedPhase(t *testing.T) {
	for _, o := range []Options{T1MapOptions(), T2MapOptions(), T1rhoOptions(),
		PerfusionOptions()} {
		for it := range o.NT {
			if p := o.CyclePhase(it); p != 0.75 {
				t.Fatalf("%s frame %d: cardiac phase %g, want 0.75", o.Contrast, it, p)
			}
		}
	}
	o := DefaultOptions()
	o.Contrast = ContrastCine
	if p := o.CyclePhase(3); p != 0.25 {
		t.Errorf("cine frame 3 of 12: cardiac phase %g, want 0.25", p)
	}
	if p := FlowOptions().CyclePhase(3); p != 0.25 {
		t.Errorf("flow frame 3 of 12: cardiac phase %g, want 0.25", p)
	}
}

// TestT2MapStartsAsCine checks that a T2 map's frame without preparation (TE 0, factor
// exp(0) = 1) is the cine image at the same cardiac phase, bit for bit, in every slice.
func TestT2MapStartsAsCine(t *testing.T) {
	o := testOptions()
	o.Contrast, o.NT = ContrastT2Map, 3
	img, lab := mustRender(t, o)
	cine, cineLab := cineAtFixedPhase(t, o)

	n := o.NX * o.NY * o.NZ
	if !sameBits64(img[:n], cine) || !slices.Equal(lab.Data[:n], cineLab.Data[:n]) {
		t.Fatal("the TE 0 frame of the T2 map differs from the cine at phase 0.75")
	}
	if sameBits64(img[n:2*n], cine) {
		t.Error("the TE 35 ms frame equals the cine")
	}
}

// TestT1MapRecovery checks the inversion-recovery factor 1 - 2exp(-TI/T1) on pixels well
// inside each tissue, against the cine image at the same phase, and the sign flip at the
// null TI = T1 ln 2 (between the default TIs for all of these tissues).
func TestT1MapRecovery(t *testing.T) {
	o := fineOptions(ContrastT1Map, 9)
	o.SNR = math.Inf(1)
	img, lab := mustRender(t, o)
	base, baseLab := cineAtFixedPhase(t, o)
	n := o.NX * o.NY
	tis := o.FrameTimes()

	for _, c := range []struct {
		ti Tissue
		t1 float64
	}{
		{Myocardium, 1200}, {LVBlood, 1900}, {RVBlood, 1900}, {Blood, 1900}, {Fat, 380},
		{Liver, 800}, {Muscle, 1400}, {Lung, 1300},
	} {
		px := purePixels(baseLab.Data, o.NX, o.NY, c.ti)
		if len(px) < 10 {
			t.Errorf("%v: only %d pure pixels", c.ti, len(px))
			continue
		}
		signs := make([]float64, len(tis))
		for it, ti := range tis {
			f := 1 - 2*math.Exp(-ti/c.t1)
			plane := img[it*n : (it+1)*n]
			for _, i := range px {
				// Each value is rounded to complex64 (2^-24 relative per part): 4e-7 of
				// |f x base| covers both roundings; 1e-14 the float64 arithmetic.
				b, v := complex128(base[i]), complex128(plane[i])
				tol := 4e-7*math.Abs(f)*cabs(b) + 1e-14*cabs(b)
				if d := math.Abs(cabs(v) - math.Abs(f)*cabs(b)); d > tol {
					t.Fatalf("%v, TI %g ms, pixel %d: |value| %g, want |%g| x %g", c.ti, ti,
						i, cabs(v), f, cabs(b))
				}
				if d := cabs(v - complex(f, 0)*b); d > tol {
					t.Fatalf("%v, TI %g ms, pixel %d: value %v, want %g x %v", c.ti, ti, i,
						v, f, b)
				}
				signs[it] += real(v * complex(real(b), -imag(b)))
			}
		}

		// The projection on the base image is negative before the null and positive after.
		null := c.t1 * math.Ln2
		for it, ti := range tis {
			if (signs[it] < 0) != (ti < null) {
				t.Errorf("%v: projections %v; want the sign to flip once, at %.0f ms", c.ti,
					signs, null)
				break
			}
		}
	}

	for it := range o.NT {
		if !slices.Equal(lab.Plane(0, it), baseLab.Data[:n]) {
			t.Errorf("frame %d: labels differ from the cine's at phase 0.75", it)
		}
	}
}

func cabs(v complex128) float64 { return math.Hypot(real(v), imag(v)) }

// TestT1rhoDecay checks the spin-lock factor exp(-TSL/T1rho) on pixels well inside each
// tissue against the cine image at the same phase, and that the frame without a spin lock
// is that cine image bit for bit.
func TestT1rhoDecay(t *testing.T) {
	o := fineOptions(ContrastT1rho, 5)
	o.SNR = math.Inf(1)
	img, lab := mustRender(t, o)
	base, baseLab := cineAtFixedPhase(t, o)
	n := o.NX * o.NY
	if !sameBits64(img[:n], base) || !slices.Equal(lab.Plane(0, 0), baseLab.Data[:n]) {
		t.Fatal("the TSL 0 frame of the T1rho series differs from the cine at phase 0.75")
	}

	for _, c := range []struct {
		ti    Tissue
		t1rho float64
	}{
		{Myocardium, 52}, {LVBlood, 290}, {RVBlood, 230}, {Fat, 80}, {Liver, 40},
		{Muscle, 40},
	} {
		px := purePixels(baseLab.Data, o.NX, o.NY, c.ti)
		if len(px) < 10 {
			t.Errorf("%v: only %d pure pixels", c.ti, len(px))
			continue
		}
		for it, tsl := range o.FrameTimes() {
			f := math.Exp(-tsl / c.t1rho)
			plane := img[it*n : (it+1)*n]
			for _, i := range px {
				// As in TestT1MapRecovery: two complex64 roundings and the float64
				// arithmetic; the phantom's own exp is within 1e-15 of math.Exp.
				b, v := complex128(base[i]), complex128(plane[i])
				tol := 4e-7*f*cabs(b) + 1e-14*cabs(b)
				if d := cabs(v - complex(f, 0)*b); d > tol {
					t.Fatalf("%v, TSL %g ms, pixel %d: value %v, want %g x %v", c.ti, tsl,
						i, v, f, b)
				}
			}
		}
	}
}

// TestFlowEncoding checks the flow series against the cine: the same labels in every
// frame, tissue without flow bit for bit, and in the descending aorta the same magnitude
// with the phase 2 atan(5 f) instead of 2 atan(f), f = 0.3 at peak ejection (phase 0.175,
// frame 7 of 40) and 0 in diastole.
func TestFlowEncoding(t *testing.T) {
	o := fineOptions(ContrastFlow, 40)
	o.SNR = math.Inf(1)
	img, lab := mustRender(t, o)
	o.Contrast = ContrastCine
	cine, cineLab := mustRender(t, o)
	if !slices.Equal(lab.Data, cineLab.Data) {
		t.Fatal("the flow series' labels differ from the cine's")
	}
	n := o.NX * o.NY

	for _, c := range []struct {
		it    int
		shift float64 // flow phase minus cine phase in the aorta
	}{{7, 2*math.Atan(1.5) - 2*math.Atan(0.3)}, {30, 0}} {
		if _, rate := contraction(o.CyclePhase(c.it)); c.shift != 0 && math.Abs(rate-1) > 1e-12 {
			t.Fatalf("frame %d: contraction rate %g, want the peak 1", c.it, rate)
		}
		px := purePixels(lab.Plane(0, c.it), o.NX, o.NY, Blood)
		if len(px) < 10 {
			t.Fatalf("aorta: only %d pure pixels", len(px))
		}
		plane, ref := img[c.it*n:(c.it+1)*n], cine[c.it*n:(c.it+1)*n]
		for _, i := range px {
			v, b := complex128(plane[i]), complex128(ref[i])
			if d := math.Abs(cabs(v) - cabs(b)); d > 4e-7*cabs(b) {
				t.Fatalf("frame %d pixel %d: |flow| %g, |cine| %g", c.it, i, cabs(v),
					cabs(b))
			}
			// The unit phases are built from correctly rounded operations; 1e-6 rad
			// covers them and the complex64 rounding of both values.
			got := math.Atan2(imag(v*complex(real(b), -imag(b))),
				real(v*complex(real(b), -imag(b))))
			if math.Abs(got-c.shift) > 1e-6 {
				t.Fatalf("frame %d pixel %d: phase shift %g rad, want %g", c.it, i, got,
					c.shift)
			}
		}
	}

	// Myocardium has no flow term, so its pixels are the cine's bit for bit.
	for it := range o.NT {
		for _, i := range purePixels(lab.Plane(0, it), o.NX, o.NY, Myocardium) {
			if img[it*n+i] != cine[it*n+i] {
				t.Fatalf("frame %d: myocardial pixel %d differs from the cine", it, i)
			}
		}
	}
}

// TestStill checks that the series other than cine have no motion: the labels of every frame
// are those of the cine at phase 0.75 (so the perfusion defect stays inside the wall), and
// tissue that does not change contrast is bit-identical in every frame.
func TestStill(t *testing.T) {
	for _, c := range []struct {
		contrast Contrast
		nt       int
	}{{ContrastT1Map, 9}, {ContrastT2Map, 3}, {ContrastT1rho, 5}, {ContrastPerfusion, 10}} {
		o := testOptions()
		o.Contrast, o.NT = c.contrast, c.nt
		_, lab := mustRender(t, o)
		_, want := cineAtFixedPhase(t, o)
		for it := range o.NT {
			for iz := range o.NZ {
				if !slices.Equal(lab.Plane(iz, it), want.Plane(iz, 0)) {
					t.Errorf("%s slice %d frame %d: labels differ from the cine's at 0.75",
						c.contrast, iz, it)
				}
			}
		}
	}
}

// meanMagnitude returns the mean |value| of plane at pixels px.
func meanMagnitude(plane []complex64, px []int) float64 {
	s := 0.0
	for _, i := range px {
		s += cabs(complex128(plane[i]))
	}
	return s / float64(len(px))
}

func argmax(v []float64) int {
	best := 0
	for i := range v {
		if v[i] > v[best] {
			best = i
		}
	}
	return best
}

// TestPerfusionTiming checks the order of the first pass on the rendered image (mean
// magnitude of pixels well inside each tissue): baseline frames identical, then the
// right-ventricular peak, the left-ventricular peak and myocardium's.
func TestPerfusionTiming(t *testing.T) {
	for _, c := range []struct{ nt, baseline, rv, lv, myo int }{
		{8, 2, 2, 3, 5},
		{16, 3, 5, 7, 10},
	} {
		o := fineOptions(ContrastPerfusion, c.nt)
		img, lab := mustRender(t, o)
		n := o.NX * o.NY

		for it := 1; it < o.NT; it++ {
			same := sameBits64(img[it*n:(it+1)*n], img[:n])
			if same != (it < c.baseline) {
				t.Errorf("NT %d: frame %d same as frame 0: %v; want %d baseline frames", c.nt,
					it, same, c.baseline)
			}
		}

		peak := map[Tissue]int{}
		for _, ti := range []Tissue{RVBlood, LVBlood, Myocardium} {
			px := purePixels(lab.Plane(0, 0), o.NX, o.NY, ti)
			if len(px) < 10 {
				t.Fatalf("%v: only %d pure pixels", ti, len(px))
			}
			curve := make([]float64, o.NT)
			for it := range o.NT {
				curve[it] = meanMagnitude(img[it*n:(it+1)*n], px)
			}
			peak[ti] = argmax(curve)
			t.Logf("NT %d %v: %.3f", c.nt, ti, curve)
			if curve[peak[ti]] < 2*curve[0] {
				t.Errorf("NT %d %v: peak %g, baseline %g: want at least double", c.nt, ti,
					curve[peak[ti]], curve[0])
			}
		}
		if got := [3]int{peak[RVBlood], peak[LVBlood], peak[Myocardium]}; got !=
			[3]int{c.rv, c.lv, c.myo} {
			t.Errorf("NT %d: peaks of RV, LV, myocardium in frames %v, want %d, %d, %d",
				c.nt, got, c.rv, c.lv, c.myo)
		}
	}
}

// TestPerfusionCurves checks the timing for every NT from 8 to 64 on the curves: at least
// two baseline frames, then the right ventricle's peak before the left ventricle's, the
// aorta's no earlier than the left ventricle's and myocardium's last.
func TestPerfusionCurves(t *testing.T) {
	for nt := 8; nt <= 64; nt++ {
		o := PerfusionOptions()
		o.NT = nt
		curve := func(b bolus) []float64 {
			v := make([]float64, nt)
			for it := range nt {
				v[it] = b.at(o.seriesTime(it))
			}
			return v
		}
		rv, lv, ao, myo := curve(bolusRV), curve(bolusLV), curve(bolusAorta), curve(bolusMyo)
		vessel, defect := curve(bolusVessel), curve(bolusDefect)
		for it := range 2 {
			if rv[it] != 0 || lv[it] != 0 || ao[it] != 0 || myo[it] != 0 || vessel[it] != 0 ||
				defect[it] != 0 {
				t.Errorf("NT %d: frame %d is not baseline", nt, it)
			}
		}
		r, l, a, m := argmax(rv), argmax(lv), argmax(ao), argmax(myo)
		if !(2 <= r && r < l && l <= a && l < m) || argmax(defect) != m {
			t.Errorf("NT %d: peaks RV %d, LV %d, aorta %d, myocardium %d, defect %d", nt, r,
				l, a, m, argmax(defect))
		}
	}
}

// TestPerfusionDefect checks that the inferior subendocardial defect enhances less than
// the rest of the left-ventricular wall.
func TestPerfusionDefect(t *testing.T) {
	o := fineOptions(ContrastPerfusion, 16)
	img, lab := mustRender(t, o)
	n := o.NX * o.NY
	hx, hy := o.pixelSize()

	var def shape
	for _, sh := range anatomy(0, fixedPhase, true) {
		if sh.defect {
			def = sh
		}
	}
	if def.a == 0 {
		t.Fatal("no defect in the mid-ventricular perfusion scene")
	}

	// Enhancement at myocardium's peak (frame 10) over the baseline (frame 0): 0.5/0.15 x
	// the curve (0.998) in healthy myocardium, 0.2/0.15 x that in the defect.
	var inDef, healthy []float64
	for _, i := range purePixels(lab.Plane(0, 0), o.NX, o.NY, Myocardium) {
		b, p := cabs(complex128(img[i])), cabs(complex128(img[10*n+i]))
		x, y := o.pixelX(i%o.NX), o.pixelY(i/o.NX)
		w, _ := def.coverage(x, y, hx, hy)
		switch {
		case w == 1:
			inDef = append(inDef, p/b-1)
		case w == 0 && y < lvCentreY: // the anterior half, away from the defect
			healthy = append(healthy, p/b-1)
		}
	}
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	if len(inDef) < 3 || len(healthy) < 10 {
		t.Fatalf("%d defect and %d healthy myocardial pixels", len(inDef), len(healthy))
	}
	d, h := mean(inDef), mean(healthy)
	t.Logf("enhancement: %d defect pixels %.3f, %d healthy ones %.3f", len(inDef), d,
		len(healthy), h)
	if math.Abs(h-0.5/0.15*0.998) > 0.05 || math.Abs(d-0.2/0.15*0.998) > 0.05 {
		t.Errorf("enhancement %g in the defect, %g in healthy myocardium; want %g, %g", d, h,
			0.2/0.15*0.998, 0.5/0.15*0.998)
	}
}

// TestDeterministicContrasts checks that the other contrasts are as reproducible as cine,
// also with one thread, and that New keeps its own copy of Times.
func TestDeterministicContrasts(t *testing.T) {
	for _, c := range []struct {
		contrast Contrast
		times    []float64
	}{{ContrastT1Map, []float64{120, 900, 2500}}, {ContrastT1rho, []float64{0, 20, 40}},
		{ContrastPerfusion, nil}, {ContrastFlow, nil}} {
		o := testOptions()
		o.Contrast, o.NT, o.Times = c.contrast, 3, c.times
		a := mustNew(t, o)
		prev := runtime.GOMAXPROCS(1)
		b := mustNew(t, o)
		runtime.GOMAXPROCS(prev)

		if !sameBits64(a.KSpace.Data, b.KSpace.Data) ||
			!sameBits64(a.Image.Data, b.Image.Data) ||
			!sameBits32(a.GroundTruth.Data, b.GroundTruth.Data) ||
			!sameBits32(a.Noiseless.Data, b.Noiseless.Data) ||
			!slices.Equal(a.Labels.Data, b.Labels.Data) {
			t.Errorf("%s: two runs with the same options differ", c.contrast)
		}
		if o.Times != nil {
			first := o.Times[0]
			o.Times[0] = 5
			if a.Options.Times[0] != first {
				t.Errorf("%s: Cine.Options.Times shares the caller's slice", c.contrast)
			}
		}
	}
}
