package recon

import (
	"fmt"
	"math"
)

// Method selects a reconstruction algorithm.
type Method string

// The reconstruction methods; the strings are those the command line accepts.
const (
	MethodZeroFilled Method = "zf"    // zero-filled RSS, the challenge's baseline
	MethodSENSE      Method = "sense" // ESPIRiT maps and CG-SENSE
)

// Options configures Reconstruct. The zero value selects the zero-filled baseline on every
// CPU.
type Options struct {
	// Method is the algorithm; "" means MethodZeroFilled.
	Method Method

	// Threads bounds the goroutines used (values below 1: one per CPU).
	Threads int

	// Lambda, Iterations and Tolerance configure CG-SENSE (see SENSEOptions).
	Lambda     float64
	Iterations int
	Tolerance  float64

	// ESPIRiT configures the coil sensitivity estimation of MethodSENSE and MethodCS. Its
	// Threads field is replaced by Threads above; Maps 0 means one set for SENSE and
	// DefaultCSMaps for CS.
	ESPIRiT ESPIRiTOptions

	// Progress, when not nil, receives CG-SENSE progress (see SENSEOptions.Progress).
	Progress func(Progress)

	// CS configures MethodCS; its Threads and Progress fields are replaced by those above.
	CS CSOptions
}

// Reconstruct reconstructs the magnitude image series (nx, ny, nz, nt) of k-space k sampled
// with mask m. k may be fully sampled or already zero-filled: samples outside the mask are
// ignored, and k is not modified.
//
// MethodZeroFilled gives the challenge's baseline, the RSS of the per-coil ifft2c of the
// masked k-space. MethodSENSE estimates ESPIRiT maps per slice from the frame-averaged
// calibration region of the mask (EstimateMaps) and solves CG-SENSE per slice and frame
// (SENSE); its magnitude is on the scale of the RSS ground truth (see SENSE).
//
// Inputs are checked first: k and m must have matching sizes (m with 1 or nt frames), k
// must be finite (the error counts NaN and Inf values and gives the first index), and for
// MethodSENSE the mask must have a calibration region (the error wraps ErrNoCalibration).
func Reconstruct(k *KSpace, m *Mask, opts Options) (*Image, error) {
	if err := CheckFinite(k); err != nil {
		return nil, err
	}
	if err := checkMask(m, k.NX, k.NY, k.NT); err != nil {
		return nil, err
	}

	switch opts.Method {
	case "", MethodZeroFilled:
		return zeroFilled(k, m, opts.Threads), nil

	case MethodSENSE:
		if err := checkSolver(opts.Lambda, opts.Iterations, opts.Tolerance); err != nil {
			return nil, err
		}
		eo := opts.ESPIRiT
		eo.Threads = opts.Threads
		maps, err := EstimateMaps(k, m, eo)
		if err != nil {
			return nil, err
		}

		img, err := SENSE(k, m, maps, SENSEOptions{
			Lambda:     opts.Lambda,
			Iterations: opts.Iterations,
			Tolerance:  opts.Tolerance,
			Threads:    opts.Threads,
			Progress:   opts.Progress,
		})
		if err != nil {
			return nil, err
		}
		return img.Abs(), nil

	case MethodCS:
		return reconstructCS(k, m, opts)

	default:
		return nil, fmt.Errorf("recon: unknown method %q (want %q, %q or %q)", opts.Method,
			MethodZeroFilled, MethodSENSE, MethodCS)
	}
}

// Abs returns the magnitude of every pixel of im as a new Image.
func (im *ComplexImage) Abs() *Image {
	out := &Image{NX: im.NX, NY: im.NY, NZ: im.NZ, NT: im.NT, Data: make([]float32, len(im.Data))}
	for i, v := range im.Data {
		out.Data[i] = float32(math.Hypot(float64(real(v)), float64(imag(v))))
	}
	return out
}
