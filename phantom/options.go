package phantom

import (
	"fmt"
	"math"

	"github.com/cmrecon/cmrecon/recon"
)

// Options describe the phantom to generate. Start from DefaultOptions or CMRxReconOptions and
// change fields; the zero value is not valid.
type Options struct {
	// NX and NY are the matrix size: NX samples along the readout (image x, including the 2x
	// readout oversampling of real cine data) and NY along the phase encoding (image y).
	NX, NY int

	// NC is the number of coils, NZ the number of slices and NT the number of frames. The
	// frames of a cine cover one cardiac cycle starting at end-diastole; see Contrast for
	// the others.
	NC, NZ, NT int

	// Contrast selects what changes over the frames. The zero value and ContrastCine make a
	// cine, ContrastFlow a cine with velocity-encoded blood; ContrastT1Map, ContrastT2Map,
	// ContrastT1rho and ContrastPerfusion hold the heart still at one cardiac phase and
	// change the contrast instead (see Contrasts in the package documentation).
	Contrast Contrast

	// Times are the frames' inversion times (ContrastT1Map), T2-preparation durations
	// (ContrastT2Map) or spin-lock durations (ContrastT1rho) in milliseconds, one per frame.
	// Nil gives the contrast's default (see FrameTimes). The other contrasts ignore Times.
	Times []float64

	// FOVX and FOVY are the field of view in millimetres covered by the NX and NY samples.
	// The body is about 330 mm wide and 240 mm deep, so FOVX = 720 puts it in the central
	// half of the readout, as in 2x oversampled data.
	FOVX, FOVY float64

	// SliceGap is the distance in millimetres between the centres of adjacent slices. The
	// slices are centred on the mid-ventricle; slice 0 is the most basal.
	SliceGap float64

	// SNR is the left-ventricular blood signal in the coil-combined cine image (1 by
	// construction) over the noise standard deviation per complex sample: the noise added to
	// every coil image and k-space sample has E|n|^2 = 1/SNR^2. math.Inf(1) gives noiseless
	// data. The other contrasts keep this noise and scale the signal, mostly down, so their
	// images have a lower SNR, as real ones do.
	SNR float64

	// Seed selects the noise realisation. The anatomy and the coils do not depend on it.
	Seed uint64
}

// DefaultOptions returns the demo's case: a 256x108 matrix (2x oversampled readout, square
// 2.8 mm pixels), 10 coils, 1 mid-ventricular slice, 12 frames, SNR 150, seed 1. It holds
// 3.3 M k-space samples (27 MB) and reconstructs in seconds.
func DefaultOptions() Options {
	return Options{
		NX: 256, NY: 108,
		NC: 10, NZ: 1, NT: 12,
		FOVX: 720, FOVY: 300,
		SliceGap: 10,
		SNR:      150,
		Seed:     1,
	}
}

// T1MapOptions returns a demo-sized MOLLI-like T1-mapping case: DefaultOptions with
// ContrastT1Map and 9 frames at the default inversion times (see FrameTimes), 20 MB of
// k-space. Left-ventricular blood nulls near 1300 ms and myocardium near 830 ms.
func T1MapOptions() Options {
	o := DefaultOptions()
	o.Contrast, o.NT = ContrastT1Map, len(defaultInversionTimes)
	return o
}

// T2MapOptions returns a demo-sized T2-mapping case: DefaultOptions with ContrastT2Map and
// 3 frames at the default T2-preparation durations 0, 35 and 55 ms, 7 MB of k-space.
func T2MapOptions() Options {
	o := DefaultOptions()
	o.Contrast, o.NT = ContrastT2Map, len(defaultPrepTimes)
	return o
}

// T1rhoOptions returns a demo-sized T1rho-mapping case: DefaultOptions with ContrastT1rho
// and 5 frames at the default spin-lock durations 0, 12, 24, 36 and 48 ms, 11 MB of k-space.
func T1rhoOptions() Options {
	o := DefaultOptions()
	o.Contrast, o.NT = ContrastT1rho, len(defaultSpinLockTimes)
	return o
}

// FlowOptions returns a demo-sized phase-contrast case: DefaultOptions (12 cardiac phases)
// with ContrastFlow.
func FlowOptions() Options {
	o := DefaultOptions()
	o.Contrast = ContrastFlow
	return o
}

// PerfusionOptions returns a demo-sized first-pass perfusion case: DefaultOptions with
// ContrastPerfusion and 16 frames, one a heartbeat (3 baseline frames, the right-ventricular
// peak in frame 5, the left-ventricular one in frame 7, myocardium's in frame 10), 35 MB of
// k-space.
func PerfusionOptions() Options {
	o := DefaultOptions()
	o.Contrast, o.NT = ContrastPerfusion, 16
	return o
}

// CMRxReconOptions returns a case shaped like a CMRxRecon 2025 short-axis cine slice:
// 448x162 (1.6 mm readout, 1.85 mm phase-encoding pixels), 10 coils, 12 frames, one slice.
// Real files have 9 to 14 slices; set NZ for more, at 70 MB of k-space per slice.
func CMRxReconOptions() Options {
	o := DefaultOptions()
	o.NX, o.NY = 448, 162
	return o
}

// maxSamples bounds the k-space size New accepts (16 GiB of complex64).
const maxSamples = 1 << 31

// Validate reports the first problem with o, or nil.
func (o Options) Validate() error {
	for _, f := range []struct {
		name string
		v    int
	}{{"NX", o.NX}, {"NY", o.NY}, {"NC", o.NC}, {"NZ", o.NZ}, {"NT", o.NT}} {
		if f.v < 1 {
			return fmt.Errorf("phantom: %s must be at least 1, got %d", f.name, f.v)
		}
	}

	n := uint64(1)
	for _, v := range []int{o.NX, o.NY, o.NC, o.NZ, o.NT} {
		n *= uint64(v)
		if n > maxSamples {
			return fmt.Errorf("phantom: %s k-space exceeds %d samples", o.Dims(), maxSamples)
		}
	}

	if !(o.FOVX > 0) || !(o.FOVY > 0) || math.IsInf(o.FOVX, 0) || math.IsInf(o.FOVY, 0) {
		return fmt.Errorf("phantom: FOV must be positive and finite, got %g x %g mm",
			o.FOVX, o.FOVY)
	}
	if !(o.SliceGap >= 0) || math.IsInf(o.SliceGap, 0) {
		return fmt.Errorf("phantom: SliceGap must be non-negative and finite, got %g mm",
			o.SliceGap)
	}
	if !(o.SNR > 0) {
		return fmt.Errorf("phantom: SNR must be positive (+Inf for no noise), got %g", o.SNR)
	}

	switch {
	case o.Contrast.moves(), o.Contrast == ContrastPerfusion:
		return nil
	case !o.Contrast.mapping():
		return fmt.Errorf("phantom: unknown Contrast %q, want %q (or empty), %q, %q, %q, "+
			"%q or %q", string(o.Contrast), ContrastCine, ContrastT1Map, ContrastT2Map,
			ContrastT1rho, ContrastPerfusion, ContrastFlow)
	case o.Times == nil:
		if n := len(o.FrameTimes()); o.NT != n {
			return fmt.Errorf("phantom: %s with the default Times needs NT = %d, got %d",
				o.Contrast, n, o.NT)
		}
	case len(o.Times) != o.NT:
		return fmt.Errorf("phantom: Times has %d values, want one per frame (NT = %d)",
			len(o.Times), o.NT)
	}
	for i, v := range o.Times {
		if !(v >= 0) || math.IsInf(v, 1) {
			return fmt.Errorf("phantom: Times[%d] must be non-negative and finite, got %g ms",
				i, v)
		}
	}
	return nil
}

// Dims returns the k-space dims (NX, NY, NC, NZ, NT).
func (o Options) Dims() recon.Dims {
	return recon.Dims{NX: o.NX, NY: o.NY, NC: o.NC, NZ: o.NZ, NT: o.NT}
}

// Sigma returns the noise standard deviation per complex sample, 1/SNR (0 when noiseless).
func (o Options) Sigma() float64 {
	if math.IsInf(o.SNR, 1) {
		return 0
	}
	return 1 / o.SNR
}

// SlicePosition returns the position in millimetres of slice iz along the long axis,
// relative to the mid-ventricle and increasing toward the apex.
func (o Options) SlicePosition(iz int) float64 {
	return mul(float64(2*iz-o.NZ+1), o.SliceGap/2)
}

// CyclePhase returns the cardiac phase of frame it in [0, 1), 0 being end-diastole. The
// frames of a cine and of a flow series are spread evenly over one cycle; every frame of the
// other contrasts is at 0.75, diastasis in mid-diastole, as in a breath-held, ECG-triggered
// acquisition.
func (o Options) CyclePhase(it int) float64 {
	if !o.Contrast.moves() {
		return fixedPhase
	}
	return float64(it) / float64(o.NT)
}

// pixelSize returns the pixel spacing in millimetres along x and y.
func (o Options) pixelSize() (hx, hy float64) {
	return o.FOVX / float64(o.NX), o.FOVY / float64(o.NY)
}

// pixelX returns the x position in millimetres of pixel column ix; pixel NX/2 sits at 0, the
// centre of the centred FFT.
func (o Options) pixelX(ix int) float64 {
	hx, _ := o.pixelSize()
	return mul(float64(ix-o.NX/2), hx)
}

// pixelY returns the y position in millimetres of pixel row iy; pixel NY/2 sits at 0.
func (o Options) pixelY(iy int) float64 {
	_, hy := o.pixelSize()
	return mul(float64(iy-o.NY/2), hy)
}
