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

	// Lambda, Iterations, Tolerance and Solver configure CG-SENSE (see SENSEOptions). The
	// zero values run BART's pics -l2; the command line uses DefaultLambda and
	// SolverColumns.
	Lambda     float64
	Iterations int
	Tolerance  float64
	Solver     Solver

	// MaxMemory, when positive, bounds the memory of the whole reconstruction in bytes,
	// the input k-space included (see Plan): MethodSENSE solves fewer problems at once and
	// MethodCS runs on one goroutine to stay within it, and they fail before any work when
	// they cannot.
	MaxMemory int64

	// Subset restricts the reconstruction to what an output needs (see Subset): maps are
	// estimated only for the slices it keeps, and MethodSENSE and MethodZeroFilled solve only
	// its problems (and columns, with SolverColumns). The rest of the result is zero.
	Subset Subset

	// Plan, when not nil, is called with the plan once the inputs are checked and before
	// any work starts.
	Plan func(Plan)

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

	if opts.Method == MethodSENSE {
		if err := checkSolver(opts.Lambda, opts.Iterations, opts.Tolerance); err != nil {
			return nil, err
		}
	}
	plan, err := PlanReconstruction(k.Dims, m, opts)
	if err != nil {
		return nil, err
	}
	if opts.Plan != nil {
		opts.Plan(plan)
	}

	switch opts.Method {
	case "", MethodZeroFilled:
		return zeroFilledSubset(k, m, opts.Threads, opts.Subset), nil

	case MethodSENSE:
		eo := opts.ESPIRiT
		eo.Threads = opts.Threads
		eo.Keep = func(iz int) bool { return opts.Subset.keepSlice(iz, k.NT) }
		maps, err := EstimateMaps(k, m, eo)
		if err != nil {
			return nil, err
		}

		img, err := SENSE(k, m, maps, plan.senseOptions(opts))
		if err != nil {
			return nil, err
		}
		return img.Abs(), nil

	case MethodCS:
		if plan.Threads < threadCount(opts.Threads) {
			opts.Threads = plan.Threads // fewer goroutines to stay within MaxMemory
		}
		return reconstructCS(k, m, opts)

	default:
		return nil, fmt.Errorf("recon: unknown method %q (want %q, %q or %q)", opts.Method,
			MethodZeroFilled, MethodSENSE, MethodCS)
	}
}

// Plan states how Reconstruct spreads its work and the memory it holds, so that a caller can
// log it, or refuse the job, before the work starts. Sizes are in bytes.
type Plan struct {
	Method  Method
	Threads int

	KSpaceBytes int64 // the input k-space, which the caller holds
	MapsBytes   int64 // the coil maps of every slice (SENSE)
	CalibBytes  int64 // ESPIRiT's calibration tables and scratch (SENSE)
	ImageBytes  int64 // the magnitude result

	// SENSE is the plan of the CG-SENSE step (MethodSENSE); its TotalBytes counts the
	// complex result and the solvers' scratch.
	SENSE SENSEPlan

	// CS is the plan of the compressed-sensing step (MethodCS); its TotalBytes counts the
	// complex results and one slice's data, solver and regularisers.
	CS CSPlan

	TotalBytes int64 // the sum of the sizes above
	Budget     int64 // Options.MaxMemory (0: no bound)
}

// String formats the plan for a log line.
func (p Plan) String() string {
	s := fmt.Sprintf("%s: %s in total = k-space %s + maps %s + ESPIRiT %s + image %s",
		p.Method, Bytes(p.TotalBytes), Bytes(p.KSpaceBytes), Bytes(p.MapsBytes),
		Bytes(p.CalibBytes), Bytes(p.ImageBytes))
	switch p.Method {
	case MethodSENSE:
		s += " + CG-SENSE " + Bytes(p.SENSE.TotalBytes).String() + " (" + p.SENSE.String() + ")"
	case MethodCS:
		s += " + CS " + Bytes(p.CS.TotalBytes).String() + " (" + p.CS.String() + ")"
	}
	if p.Budget > 0 {
		s += ", budget " + Bytes(p.Budget).String()
	}
	return s
}

// PlanReconstruction returns the plan Reconstruct follows for k-space of dims d sampled with
// m. It fails when opts.MaxMemory is positive and too small for the work with one problem
// at a time, and for MethodCS when the options are ones CS refuses. MethodCS is planned
// with the sets of maps ESPIRiT is asked for (DefaultCSMaps unless opts.ESPIRiT.Maps says),
// although a second set ESPIRiT finds empty is dropped.
func PlanReconstruction(d Dims, m *Mask, opts Options) (Plan, error) {
	if !d.Valid() {
		return Plan{}, fmt.Errorf("recon: invalid k-space dims %v", d)
	}
	method := opts.Method
	if method == "" {
		method = MethodZeroFilled
	}
	threads := threadCount(opts.Threads)
	n := int64(d.NX) * int64(d.NY)
	p := Plan{Method: method, Threads: threads, Budget: opts.MaxMemory,
		KSpaceBytes: 8 * n * int64(d.NC) * int64(d.NZ) * int64(d.NT),
		ImageBytes:  4 * n * int64(d.NZ) * int64(d.NT)}

	switch method {
	case MethodZeroFilled:
		p.CalibBytes = int64(min(threads, d.NZ*d.NT)) * 16 * n
	case MethodSENSE, MethodCS:
		slices := d.NZ // CS estimates the maps of every slice and solves them all
		if method == MethodSENSE {
			slices = 0
			for iz := range d.NZ {
				if opts.Subset.keepSlice(iz, d.NT) {
					slices++
				}
			}
		}
		p.MapsBytes = 8*n*int64(d.NC)*int64(d.NZ) + 4*n*int64(d.NZ)
		p.CalibBytes = espiritBytes(d, slices, threads, opts.ESPIRiT)
	}
	if method == MethodCS {
		eo, err := opts.ESPIRiT.withDefaults()
		if err != nil {
			return Plan{}, err
		}
		sets := DefaultCSMaps
		if opts.ESPIRiT.Maps != 0 {
			sets = max(eo.Maps, 1) // below 1 means one set
		}
		co := opts.CS
		co.Threads = opts.Threads
		cp, err := PlanCS(d, m, sets, co)
		if err != nil {
			return Plan{}, err
		}
		p.MapsBytes *= int64(sets)
		p.CS = cp

		// Over the budget, one goroutine holds less (the operator's, the wavelet's and
		// ESPIRiT's scratch are per goroutine): Reconstruct then runs on one, or the error
		// below gives what one needs.
		if b := opts.MaxMemory; b > 0 && threads > 1 && p.KSpaceBytes+p.MapsBytes+
			p.CalibBytes+p.ImageBytes+cp.TotalBytes > b {
			co.Threads = 1
			if one, err := PlanCS(d, m, sets, co); err == nil {
				p.Threads, p.CS = 1, one
				p.CalibBytes = espiritBytes(d, d.NZ, 1, opts.ESPIRiT)
			}
		}
	}
	fixed := p.KSpaceBytes + p.MapsBytes + p.CalibBytes + p.ImageBytes
	if method == MethodSENSE {
		so := p.senseOptions(opts)
		sp, err := PlanSENSE(d, m, so)
		if err != nil {
			return Plan{}, err
		}
		if opts.MaxMemory > 0 && fixed+sp.TotalBytes > opts.MaxMemory {
			so.MaxMemory = max(1, opts.MaxMemory-fixed)
			if sp, err = PlanSENSE(d, m, so); err != nil {
				so.MaxMemory, so.Threads = 0, 1
				one, _ := PlanSENSE(d, m, so)
				need, budget := twoSizes(fixed+one.TotalBytes, opts.MaxMemory)
				return Plan{}, fmt.Errorf("recon: reconstructing %v needs at least %s "+
					"(k-space %s, maps %s, ESPIRiT %s, image %s, CG-SENSE %s with one "+
					"problem at a time), more than the memory budget of %s", d, need,
					Bytes(p.KSpaceBytes), Bytes(p.MapsBytes), Bytes(p.CalibBytes),
					Bytes(p.ImageBytes), Bytes(one.TotalBytes), budget)
			}
		}
		p.SENSE = sp
	}
	p.TotalBytes = fixed + p.SENSE.TotalBytes + p.CS.TotalBytes
	if opts.MaxMemory > 0 && p.TotalBytes > opts.MaxMemory {
		need, budget := twoSizes(p.TotalBytes, opts.MaxMemory)
		return Plan{}, fmt.Errorf("recon: reconstructing %v needs %s, more than the memory "+
			"budget of %s (%s)", d, need, budget, p)
	}
	return p, nil
}

// twoSizes formats two sizes for a message that compares them: as Bytes does, or in bytes
// when that rounds them to the same text.
func twoSizes(a, b int64) (string, string) {
	sa, sb := Bytes(a).String(), Bytes(b).String()
	if sa == sb {
		sa, sb = fmt.Sprintf("%d bytes", a), fmt.Sprintf("%d bytes", b)
	}
	return sa, sb
}

// senseOptions returns the SENSE options of Reconstruct, with the budget of the plan.
func (p Plan) senseOptions(opts Options) SENSEOptions {
	so := SENSEOptions{
		Lambda:     opts.Lambda,
		Iterations: opts.Iterations,
		Tolerance:  opts.Tolerance,
		Threads:    opts.Threads,
		Solver:     opts.Solver,
		Progress:   opts.Progress,
		Subset:     opts.Subset,
	}
	if p.SENSE.Workers > 0 && opts.MaxMemory > 0 {
		so.MaxMemory = p.SENSE.TotalBytes
	}
	return so
}

// espiritBytes returns the memory ESPIRiT holds for k-space of dims d when it estimates
// the maps of slices slices on threads goroutines: the x-summed tables of G per slice, and
// per calibrating goroutine the Gram matrix, its patches and the row-segment scratch.
func espiritBytes(d Dims, slices, threads int, o ESPIRiTOptions) int64 {
	o, err := o.withDefaults()
	if err != nil {
		return 0
	}
	kw, nc := int64(o.Kernel), int64(d.NC)
	nk := kw * kw * nc
	width := 2*kw - 1
	tables := int64(slices) * nc * (nc + 1) / 2 * width * int64(d.NX) * 8
	cal := int64(o.CalibSize) * int64(o.CalibSize) * nc * 16
	perThread := nk*nk*16 + cal + nk*nk*16/8 + (nc*nc+2*nc)*eigenSegment*8
	return tables + int64(max(1, min(threads, slices)))*perThread
}

// Abs returns the magnitude of every pixel of im as a new Image.
func (im *ComplexImage) Abs() *Image {
	out := &Image{NX: im.NX, NY: im.NY, NZ: im.NZ, NT: im.NT, Data: make([]float32, len(im.Data))}
	for i, v := range im.Data {
		out.Data[i] = float32(math.Hypot(float64(real(v)), float64(imag(v))))
	}
	return out
}
