package recon

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cmrecon/cmrecon/asm"
	"github.com/cmrecon/cmrecon/internal/order"
)

// MethodCS is compressed sensing: ESPIRiT maps, a SENSE warm start, then a sparsity- or
// smoothness-regularised reconstruction of each slice over all its frames (see CS).
const MethodCS Method = "cs"

// RegKind names a regulariser; the strings are those of the command line's --reg.
type RegKind string

// The regularisers CS knows. Each is lambda times a convex penalty of the image series x of
// one slice (nt frames of nx x ny), after the data scaling that CS documents; with an
// exponent below 1 (Regularizer.P) the l1 norms of wavelet, tv, tgv, ttv and tfft become
// Chartrand's nonconvex p-shrinkage penalty.
const (
	// RegWavelet is the l1 norm of the spatial db2 wavelet coefficients of every frame
	// (coarsest band excluded), with random cycle spinning (WaveletL1).
	RegWavelet RegKind = "wavelet"

	// RegTV is isotropic spatial total variation of every frame (SpatialGradient, JointL1).
	RegTV RegKind = "tv"

	// RegTGV is second-order total generalized variation (Bredies et al. 2010) of every
	// frame: min over vector fields w of |grad x - w| + TGVRatio |E w|, with E the
	// symmetrised gradient (isotropic norms; TGVFirst, TGVSecond). It favours piecewise
	// smooth images where TV favours piecewise constant ones. CS solves for w alongside the
	// image (ADMM and the primal-dual solver only; not with lplus and splus).
	RegTGV RegKind = "tgv"

	// RegTTV is temporal total variation: the l1 norm of the circular frame-to-frame
	// difference (TemporalDiff, L1). Ignored when there is one frame.
	RegTTV RegKind = "ttv"

	// RegTFFT is the l1 norm of the temporal Fourier coefficients of every pixel, the mean
	// excluded (TemporalFourierL1). Ignored when there is one frame.
	RegTFFT RegKind = "tfft"

	// RegLLR is locally low rank: the nuclear norm of the Casorati matrices (pixels x
	// frames) of 8 x 8 blocks on a randomly shifted grid (LocallyLowRank); with two sets of
	// maps a block's rows are its pixels in both sets. Ignored when there is one frame.
	RegLLR RegKind = "llr"

	// RegLPlus and RegSPlus are the two weights of low rank plus sparse (L+S, Otazu et
	// al. 2015; LPlusS): the series is modelled as x = L + S with lplus times the nuclear
	// norm of the Casorati matrix (pixels x frames) of L and splus times the l1 norm of the
	// temporal Fourier transform of S (every frequency). They come together or not at all
	// (either alone is a degenerate model) and count as one regulariser; the output is
	// L + S. Any other regulariser applies to the image L + S; FISTA and POGM take L+S
	// alone, ADMM and the primal-dual solver L+S with others. With two sets of maps a
	// column of the Casorati matrix holds the images of both sets. Ignored when there is
	// one frame.
	RegLPlus RegKind = "lplus"
	RegSPlus RegKind = "splus"
)

var regKinds = []RegKind{RegWavelet, RegTV, RegTGV, RegTTV, RegTFFT, RegLLR, RegLPlus,
	RegSPlus}

// Regularizer is one term of a CS objective: Lambda times the penalty of Kind, shrunk with
// the exponent P.
type Regularizer struct {
	Kind   RegKind
	Lambda float64

	// P is the exponent of the shrinkage of a wavelet, tv, tgv, ttv or tfft term: 0 (the
	// zero value; written p=1 in a list's text, which refuses p=0) or 1 is the l1 norm, a
	// value in (0, 1) Chartrand's nonconvex p-shrinkage (PShrink), which leaves the same
	// values at zero and shrinks the large ones less. llr, lplus and splus take only 0 or
	// 1. A list has one exponent, written once as p=..., which its wavelet, tv, tgv, ttv
	// and tfft terms take and its llr, lplus and splus terms ignore. The built-in table's
	// rows were tuned over p = 1, 0.5 and 0.25 (QUALITY.md).
	P float64
}

// ExponentName is the entry of a regulariser list that sets the shrinkage exponent P of all
// its terms, as in "wavelet=0.0005,tv=0.002,p=0.5".
const ExponentName = "p"

// temporal reports whether regularisers of kind k act across frames; CS ignores them on
// data of one frame.
func temporal(k RegKind) bool {
	return k == RegTTV || k == RegTFFT || k == RegLLR || k == RegLPlus || k == RegSPlus
}

// shrinks reports whether P applies to regularisers of kind k.
func shrinks(k RegKind) bool {
	return k == RegWavelet || k == RegTV || k == RegTGV || k == RegTTV || k == RegTFFT
}

// ParseRegularizers parses a list such as "wavelet=0.005,ttv=0.001": comma-separated
// kind=lambda pairs, each kind at most once, lambdas finite and non-negative, and at most
// one p=exponent (in (0, 1]), which sets P of every wavelet, tv, tgv, ttv and tfft term. Kinds
// are read in any case and blanks around entries are ignored. Terms with lambda 0 are
// dropped. The empty string gives nil.
func ParseRegularizers(s string) ([]Regularizer, error) {
	var out []Regularizer
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	exp, seen := 0.0, false
	for part := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("recon: regulariser %q: want kind=lambda", part)
		}
		if strings.EqualFold(strings.TrimSpace(k), ExponentName) {
			if seen {
				return nil, errors.New("recon: the exponent p is given twice")
			}
			e, err := parseExponent(v)
			if err != nil {
				return nil, err
			}
			exp, seen = e, true
			continue
		}
		kind := RegKind(strings.ToLower(strings.TrimSpace(k)))
		if !slices.Contains(regKinds, kind) {
			return nil, fmt.Errorf("recon: unknown regulariser %q (want one of %s)", k,
				kindList())
		}
		lam, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || !(lam >= 0) || math.IsInf(lam, 0) {
			return nil, fmt.Errorf("recon: regulariser %s: lambda %q is not a finite "+
				"non-negative number", kind, v)
		}
		if slices.ContainsFunc(out, func(r Regularizer) bool { return r.Kind == kind }) {
			return nil, fmt.Errorf("recon: regulariser %s is given twice", kind)
		}
		if lam > 0 {
			out = append(out, Regularizer{Kind: kind, Lambda: lam})
		}
	}
	return withExponent(out, exp)
}

// parseExponent parses the value of p=, an exponent in (0, 1]; 1 is returned as 0.
func parseExponent(v string) (float64, error) {
	e, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || !(e > 0 && e <= 1) {
		return 0, fmt.Errorf("recon: exponent p %q is not a number in (0, 1]", v)
	}
	if e == 1 {
		e = 0
	}
	return e, nil
}

// withExponent returns rs with P set to e on the terms that shrink (a copy when e is not 0);
// an exponent with no such term, or with no term at all, is refused rather than dropped.
func withExponent(rs []Regularizer, e float64) ([]Regularizer, error) {
	if e == 0 {
		return rs, nil
	}
	rs = slices.Clone(rs)
	var applied bool
	for i := range rs {
		if shrinks(rs[i].Kind) {
			rs[i].P = e
			applied = true
		}
	}
	if !applied {
		return nil, fmt.Errorf("recon: exponent p=%g: no wavelet, tv, tgv, ttv or tfft term "+
			"with a lambda above 0 to apply it to", e)
	}
	return rs, nil
}

func kindList() string {
	s := make([]string, len(regKinds))
	for i, k := range regKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// FormatRegularizers formats regularisers as ParseRegularizers reads them. The list's
// exponent is written once, that of its first term with one other than 0 or 1; CS refuses
// lists whose terms differ in it.
func FormatRegularizers(rs []Regularizer) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r.Kind) + "=" + strconv.FormatFloat(r.Lambda, 'g', -1, 64)
	}
	if e := listExponent(rs); e != 0 {
		s = append(s, ExponentName+"="+strconv.FormatFloat(e, 'g', -1, 64))
	}
	return strings.Join(s, ",")
}

// listExponent returns the exponent of the list: the P of its first term that has one other
// than 0 or 1, or 0.
func listExponent(rs []Regularizer) float64 {
	for _, r := range rs {
		if r.P != 0 && r.P != 1 {
			return r.P
		}
	}
	return 0
}

// CSSolver selects the algorithm of CS.
type CSSolver string

// The CS solvers. CSAuto picks FISTA when there is one regulariser applied to the image
// itself (wavelet, tfft, llr, or L+S; not tv, tgv or ttv, which act on its finite differences)
// and ADMM otherwise, as BART's pics does. CSPOGM (POGM) takes the same single terms as
// FISTA at the same cost per iteration; CSPrimalDual (PrimalDual) any terms, as ADMM does,
// with no inner conjugate-gradient steps (one application of the normal operator per
// iteration, ADMM two). With one term applied to the image the primal-dual solver has no
// dual variable and is a proximal-gradient method without momentum: FISTA or POGM suit that
// case better.
const (
	CSAuto       CSSolver = ""
	CSFISTA      CSSolver = "fista"
	CSADMM       CSSolver = "admm"
	CSPOGM       CSSolver = "pogm"
	CSPrimalDual CSSolver = "pd"
)

// DefaultWarmStart is the number of CG-SENSE iterations CS starts from: as many as SENSE
// runs by default. FISTA and ADMM with 2 CG steps fit the data far more slowly than CG
// does, so at 30 iterations the start decides much of the data fit: on the real static
// files of QUALITY.md 30 steps scored higher than 10 (mean SSIM 0.8814 against 0.8789 with
// lambdas tuned for each), for 20 more applications of the operator.
const DefaultWarmStart = 30

// WarmStartLambda is the Tikhonov weight of CS's CG-SENSE start, (A^H A + WarmStartLambda I)
// x = A^H y, on the scale of CS (A^H A of norm at most 1). Without it the start heads for
// the least-squares image, whose noise grows with every step past about 30 and which CS's
// priors cannot remove: with 300 steps CS scored SSIM 0.197 on the cine phantom's Uniform 8
// and 0.099 on the aliased brain's (bench/cs -warm 300), against 0.991 and 0.858 with 30.
// With the weight the start converges; 300 steps then scored 0.991 and 0.862, and at 30
// steps the weight moved the 81 cases of bench/cs by -0.0008 to +0.0003 (mean -0.00003),
// where 0.001 cost up to 0.0027.
const WarmStartLambda = 0.0002

// DefaultCSIterations is the number of iterations CS's solver runs when
// SolverOptions.Iterations is 0: twice the 30 of BART's pics and of the generic solvers'
// DefaultIterations. From the 30-step start, ADMM with 2 CG steps per iteration is still
// improving the image at 30 iterations: on the cine phantom and the three real static files
// of QUALITY.md, 60 iterations scored at least as high as 30 in every one of the 36 cases,
// up to 0.014 higher (mean SSIM per file +0.0024 to +0.0068), for 60 more applications of
// the normal operator; 80 added at most +0.001 more per file.
const DefaultCSIterations = 60

// CSOptions configures CS.
type CSOptions struct {
	// Regularizers are the terms of the objective; nil looks them up in Table for Modality
	// and the mask. At least one term must remain.
	Regularizers []Regularizer

	// Modality is the challenge modality folder name of the data (Cine, Mapping, T1rho,
	// LGE, Perfusion, Flow2d, BlackBlood, T1w, T2w), used with Table; "" uses the table's
	// rows for any modality.
	Modality string

	// Table holds the default regularisers; nil means DefaultCSTable().
	Table *CSTable

	// Solver is the algorithm (CSAuto by default) and Solve its settings; Solve.Iterations
	// 0 means DefaultCSIterations.
	Solver CSSolver
	Solve  SolverOptions

	// WarmStart is the number of CG-SENSE iterations (per frame, with the small Tikhonov
	// weight WarmStartLambda) that give the starting image; 0 means DefaultWarmStart,
	// negative values start from the coil-combined zero-filled image A^H y.
	WarmStart int

	// NoiseFloor says whether Reconstruct's magnitude output adds the noise floor of the
	// challenge's reference (see NoiseFloorAuto); "" means NoiseFloorAuto. CS itself, which
	// returns complex images, does not use it.
	NoiseFloor NoiseFloor

	// LambdaScaling says whether the lambdas follow the noise level of the data as well as
	// its scale (see CS); "" means LambdaNoise. Other values are refused.
	LambdaScaling LambdaScaling

	// Seed seeds the random shifts of cycle spinning and LLR blocks.
	Seed uint64

	// Threads bounds the goroutines used (values below 1: one per CPU).
	Threads int

	// Progress, when not nil, is called after every iteration and every solved slice, as in
	// SENSEOptions; Frame is always 0 because a slice is solved over all frames at once.
	Progress func(Progress)
}

// CS reconstructs a coil-combined complex image series from undersampled multi-coil
// k-space y with coil maps (one or two sets per slice) and the sampling mask m. For each
// slice it minimises, over all nt frames x_t jointly (and, with two sets of maps, over one
// image per set, x_t = (x_t1, x_t2), modelled as sum_m S_m x_tm),
//
//	sum_t |M_t F S x_t - M_t y_t|^2 / 2 + sum_r lambda_r R_r(x)
//
// with FISTA, POGM, ADMM or the primal-dual solver (see CSSolver), starting from
// CG-SENSE. The regularisers act on every set's images alike (temporal terms along the
// frames of each set). With two sets the result has magnitude sqrt(|x_t1|^2 + |x_t2|^2),
// as BART combines them, and the phase of x_t1 (of x_t2 where x_t1 is zero).
//
// Scaling rule, which makes a lambda mean the same for every file, every acceleration and
// every mask kind: before solving, the data of a slice are divided by s, the 99th percentile
// of the magnitude of the coil-combined low-resolution image A^H y restricted to the
// calibration region (every mask samples that region fully, so s does not depend on R or
// on the pattern); the result is multiplied back by s. When the mask has no calibration
// region s comes from the full A^H y instead (which, for the same data, gives a different s
// and so a different q below). Then, with LambdaNoise (the default), every lambda is
// multiplied by (q / NoiseReference)^NoiseExponent, the ratio held within [1/4, 4], where q
// is the noise of the slice relative to s: the square root of the ResidualNoise estimate
// from the CG-SENSE start (from 10 CG-SENSE steps of its own when the start has fewer), over
// s. A lambda is thus relative to image values of about 1 in the brightest parts of the
// slice and to noise of 2% of them; noisier data are regularised more. Where the maps cannot
// explain the data (one set of maps for an image that aliases), the misfit raises q and so
// the regularisation.
func CS(y *KSpace, m *Mask, maps *CoilMaps, opts CSOptions) (*ComplexImage, error) {
	sets, err := csSets(y, m, maps, opts)
	if err != nil {
		return nil, err
	}
	return combineSets(sets), nil
}

// csSets is CS returning one image series per set of maps.
func csSets(y *KSpace, m *Mask, maps *CoilMaps, opts CSOptions) ([]*ComplexImage, error) {
	if err := checkKSpace(y); err != nil {
		return nil, err
	}
	if err := checkMask(m, y.NX, y.NY, y.NT); err != nil {
		return nil, err
	}
	if err := checkMaps(maps, y.Dims); err != nil {
		return nil, err
	}
	regs, err := csRegs(m, y.NT, opts)
	if err != nil {
		return nil, err
	}
	if opts.Solve.Iterations == 0 {
		opts.Solve.Iterations = DefaultCSIterations
	}

	nx, ny, nz, nt := y.NX, y.NY, y.NZ, y.NT
	nm := maps.Sets()
	n := nx * ny
	out := make([]*ComplexImage, nm)
	for im := range out {
		out[im] = &ComplexImage{NX: nx, NY: ny, NZ: nz, NT: nt, Data: make([]complex64, n*nz*nt)}
	}
	x := make([]complex64, nm*n*nt)
	for iz := range nz {
		p, err := newCSSlice(y, m, maps, iz, opts.Threads)
		if err != nil {
			return nil, err
		}
		if err := p.solve(x, regs, opts, nz); err != nil {
			return nil, err
		}
		for it := range nt {
			for im := range nm {
				copy(out[im].Plane(iz, it), x[(it*nm+im)*n:][:n])
			}
		}
	}
	return out, nil
}

// combineSets returns the image of one set, or for two the root sum of squares of their
// magnitudes with the phase of the first (of the second where the first is zero).
func combineSets(sets []*ComplexImage) *ComplexImage {
	if len(sets) == 1 {
		return sets[0]
	}
	a, b := sets[0], sets[1]
	out := &ComplexImage{NX: a.NX, NY: a.NY, NZ: a.NZ, NT: a.NT,
		Data: make([]complex64, len(a.Data))}
	for i, u := range a.Data {
		v := b.Data[i]
		mag := math.Sqrt(float64(real(u))*float64(real(u)) + float64(imag(u))*float64(imag(u)) +
			float64(real(v))*float64(real(v)) + float64(imag(v))*float64(imag(v)))
		ph := u
		if ph == 0 {
			ph = v
		}
		if a := math.Hypot(float64(real(ph)), float64(imag(ph))); a > 0 {
			f := mag / a
			out.Data[i] = complex(float32(float64(real(ph))*f), float32(float64(imag(ph))*f))
		}
	}
	return out
}

// Regs returns the regularisers CS uses with mask m: Regularizers when set, else the row
// of Table for Modality and m, else that of DefaultCSTable (a table of one's own may cover
// only some modalities or masks).
func (o CSOptions) Regs(m *Mask) []Regularizer {
	if o.Regularizers != nil {
		return o.Regularizers
	}
	mod := o.Modality
	if mod == "" {
		mod = AnyModality
	}
	if o.Table != nil {
		if regs := o.Table.Lookup(mod, m); regs != nil {
			return regs
		}
	}
	return DefaultCSTable().Lookup(mod, m)
}

// csRegs returns the regularisers CS uses for nt frames sampled with m (opts.Regs) after
// checking them and the solver settings.
func csRegs(m *Mask, nt int, opts CSOptions) ([]Regularizer, error) {
	regs := opts.Regs(m)
	if regs == nil {
		kind, r := ClassifyMask(m)
		return nil, fmt.Errorf("recon: CS: no regularisers given and no table row for "+
			"modality %q with a %s mask at R %.1f", opts.Modality, kind, r)
	}
	if err := checkFrames(regs, nt, opts); err != nil {
		return nil, err
	}
	return regs, nil
}

// CheckCSOptions reports options CS would refuse whatever the data: a given list of
// regularisers that is bad, or that the solver cannot take (FISTA and POGM take one term
// on the image), and bad solver settings. CS drops the temporal terms on one frame and
// refuses tgv with L+S only on several, so a list is refused only when it fails on one
// frame and on several alike. Without regularisers only the settings are checked (the
// table's rows depend on the file).
func CheckCSOptions(opts CSOptions) error {
	regs := opts.Regularizers
	if len(regs) == 0 {
		regs = []Regularizer{{Kind: RegWavelet}} // a stand-in for the table's row
	}
	if checkFrames(regs, 1, opts) == nil {
		return nil
	}
	return checkFrames(regs, 2, opts)
}

// checkFrames reports regularisers and settings CS refuses on nt frames.
func checkFrames(regs []Regularizer, nt int, opts CSOptions) error {
	if err := checkCS(regs, opts); err != nil {
		return err
	}
	if nt > 1 {
		if err := checkTGVLPlusS(regs); err != nil {
			return err
		}
	}
	if opts.Solver != CSFISTA && opts.Solver != CSPOGM {
		return nil
	}

	// The terms solve builds: temporal ones only for several frames, L+S as one prox
	// (the other terms then act on L + S through an operator).
	terms, withOp := 0, false
	for _, r := range regs {
		switch {
		case r.Kind == RegWavelet:
			terms++
		case r.Kind == RegTV, r.Kind == RegTGV, r.Kind == RegTTV && nt > 1:
			terms++
			withOp = true
		case (r.Kind == RegTFFT || r.Kind == RegLLR || r.Kind == RegLPlus) && nt > 1:
			terms++
		}
	}
	if terms > 1 || withOp {
		return errSingleTerm(opts.Solver)
	}
	return nil
}

// errSingleTerm is the error of FISTA or POGM given terms they cannot take.
func errSingleTerm(s CSSolver) error {
	return fmt.Errorf("recon: %s takes one regulariser applied to the image (wavelet, tfft, "+
		"llr, or lplus with splus); use admm or pd for others and for several", s)
}

// checkCS reports CS settings that cannot work.
func checkCS(regs []Regularizer, opts CSOptions) error {
	if len(regs) == 0 {
		return errors.New("recon: CS needs at least one regulariser with lambda > 0")
	}
	for _, r := range regs {
		if !slices.Contains(regKinds, r.Kind) {
			return fmt.Errorf("recon: unknown regulariser %q", r.Kind)
		}
		if !(r.Lambda >= 0) || math.IsInf(r.Lambda, 0) {
			return fmt.Errorf("recon: regulariser %s: lambda %v is not a finite "+
				"non-negative number", r.Kind, r.Lambda)
		}
		if err := checkTermExponent(r, listExponent(regs)); err != nil {
			return err
		}
	}
	if err := checkLPlusS(regs); err != nil {
		return err
	}
	s := opts.Solve
	if err := checkSolver(0, s.Iterations, s.Tolerance); err != nil {
		return err
	}
	switch {
	case !(s.Step >= 0) || s.Step >= 2:
		return fmt.Errorf("recon: solver step %v is not in [0, 2)", s.Step)
	case !(s.Rho >= 0) || math.IsInf(s.Rho, 0):
		return fmt.Errorf("recon: ADMM rho %v is not a finite non-negative number", s.Rho)
	case s.InnerIterations < 0:
		return fmt.Errorf("recon: ADMM inner iterations %d is negative", s.InnerIterations)
	case !(s.DualStep >= 0) || math.IsInf(s.DualStep, 0):
		return fmt.Errorf("recon: primal-dual step %v is not a finite non-negative number",
			s.DualStep)
	case !slices.Contains(csSolvers, opts.Solver):
		return fmt.Errorf("recon: unknown CS solver %q (want %s)", opts.Solver,
			csSolverList())
	case opts.NoiseFloor != NoiseFloorAuto && opts.NoiseFloor != NoiseFloorOff:
		return fmt.Errorf("recon: unknown noise floor mode %q (want off or empty)",
			opts.NoiseFloor)
	case opts.LambdaScaling != "" && opts.LambdaScaling != LambdaNoise &&
		opts.LambdaScaling != LambdaSignal:
		return fmt.Errorf("recon: unknown lambda scaling %q (want noise or signal)",
			opts.LambdaScaling)
	}
	return nil
}

// checkTermExponent reports an exponent P of r outside (0, 1], one on a term that does not
// shrink, or one that differs from the list's exponent e.
func checkTermExponent(r Regularizer, e float64) error {
	p := exponent(r.P)
	switch {
	case !(p > 0 && p <= 1):
		return fmt.Errorf("recon: regulariser %s: exponent p %v is not in (0, 1]", r.Kind,
			r.P)
	case p != 1 && !shrinks(r.Kind):
		return fmt.Errorf("recon: regulariser %s takes no exponent p (only wavelet, tv, "+
			"tgv, ttv and tfft do)", r.Kind)
	case p != 1 && p != e:
		return fmt.Errorf("recon: regularisers with different exponents p (%v and %v); "+
			"one list has one", p, e)
	}
	return nil
}

// csSlice is the data of one slice: the fast normal operator of all its frames, the scaled
// A^H y of every frame and set of maps (layout [frame][set][pixel]) and the scale.
type csSlice struct {
	nx, ny, nt, nm int
	fast           *sliceNormal
	b              []complex64
	scale          float64
	threads        int

	y    *KSpace // the data, mask and maps of the slice iz, for the noise estimate
	m    *Mask
	maps *CoilMaps
	iz   int
}

func newCSSlice(y *KSpace, m *Mask, maps *CoilMaps, iz, threads int) (*csSlice, error) {
	nx, ny, nt := y.NX, y.NY, y.NT
	nm := maps.Sets()
	n := nx * ny
	p := &csSlice{nx: nx, ny: ny, nt: nt, nm: nm, b: make([]complex64, nm*n*nt),
		threads: threads, y: y, m: m, maps: maps, iz: iz}
	workers := min(threadCount(threads), nt)

	var calib []float32
	if r, err := FindCalibration(m); err == nil {
		calib = make([]float32, n)
		for iy := r.Y0; iy < r.Y0+r.NY; iy++ {
			for ix := r.X0; ix < r.X0+r.NX; ix++ {
				calib[ix+iy*nx] = 1
			}
		}
	}

	low := make([]float32, n*nt)
	errs := make([]error, nt)
	parallelFor(nt, workers, func(_, it int) {
		work := make([]complex64, n)
		data := y.Data[n*y.NC*(iz+y.NZ*it):][:y.NC*n] // the coil planes of (iz, it)
		for im := range nm {
			op, err := NewSenseOp(nx, ny, y.NC, maps.Set(im).Slice(iz), m.Frame(it))
			if err != nil {
				errs[it] = err
				return
			}
			op.Adjoint(p.b[(it*nm+im)*n:][:n], data, work)
		}

		img := p.b[it*nm*n:][:n]
		if calib != nil {
			lowOp, err := NewSenseOp(nx, ny, y.NC, maps.Slice(iz), calib)
			if err != nil {
				errs[it] = err
				return
			}
			img = make([]complex64, n)
			lowOp.Adjoint(img, data, work)
		}
		for i, v := range img {
			low[it*n+i] = float32(math.Hypot(float64(real(v)), float64(imag(v))))
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	sets := make([][]complex64, nm)
	for im := range nm {
		sets[im] = maps.Set(im).Slice(iz)
	}
	p.fast = newSliceNormal(nx, ny, y.NC, nt, sets, m, threads)
	p.scale = quantile(low, 0.99)
	if !(p.scale > 0) {
		p.scale = 1
	}
	inv := complex(float32(1/p.scale), 0)
	for i := range p.b {
		p.b[i] *= inv
	}
	return p, nil
}

// noiseFitSteps is the least number of CG-SENSE steps the noise estimate of CS is made
// from. A shorter fit leaves signal in the residual: on simulated data, a 1-, 2- and 5-step
// start gave factors 1.29, 1.18 and 1.06 times that of the 30-step start.
const noiseFitSteps = 10

// noiseLevel returns the noise of the slice relative to its scale, sqrt(ResidualNoise)/s,
// estimated from x, the CG-SENSE start of ws iterations on the scale of p.b, or, when that
// start has fewer than noiseFitSteps iterations, from noiseFitSteps CG-SENSE steps of its
// own.
func (p *csSlice) noiseLevel(x []complex64, ws int) (float64, error) {
	if ws < noiseFitSteps {
		x = make([]complex64, len(p.b))
		ConjugateGradient(p.normal, p.b, x, CGOptions{Iterations: noiseFitSteps})
	}
	n := p.nx * p.ny
	plane := func(_, it, im int) []complex64 { return x[(it*p.nm+im)*n:][:n] }
	f2, err := residualNoise(p.y, p.m, p.maps, p.iz, p.iz+1, plane, float32(p.scale))
	if err != nil {
		return 0, err
	}
	return math.Sqrt(f2) / p.scale, nil
}

// noiseFactor returns the factor of the lambdas for relative noise q (see CS).
func noiseFactor(q float64) float64 {
	r := min(max(q/NoiseReference, 0.25), 4)
	if !(r > 0) { // q is NaN
		r = 1
	}
	return math.Pow(r, NoiseExponent)
}

// scaleLambdas returns a copy of regs with every lambda multiplied by f.
func scaleLambdas(regs []Regularizer, f float64) []Regularizer {
	out := slices.Clone(regs)
	for i := range out {
		out[i].Lambda *= f
	}
	return out
}

// quantile returns the q-quantile of v (nearest rank), reordering v.
func quantile(v []float32, q float64) float64 {
	if len(v) == 0 {
		return 0
	}
	k := min(int(q*float64(len(v))), len(v)-1)
	order.SelectNth(v, k)
	return float64(v[k])
}

// normal sets dst = A^H A x for all frames.
func (p *csSlice) normal(dst, x []complex64) { p.fast.apply(dst, x) }

// warmStart sets x to iters CG-SENSE iterations from zero with the weight
// WarmStartLambda, or to b when iters < 0. The frames are independent problems; they are
// iterated together, as one block-diagonal system.
func (p *csSlice) warmStart(x []complex64, iters int) {
	copy(x, p.b)
	if iters < 0 {
		return
	}
	clear(x)
	l := complex(float32(WarmStartLambda), 0)
	ConjugateGradient(func(dst, v []complex64) {
		p.normal(dst, v)
		asm.Axpy(l, v, dst)
	}, p.b, x, CGOptions{Iterations: iters})
}

// terms builds the regularisers for this slice. The vector holds nt frames of nm images:
// spatial terms see nm*nt images, temporal terms nt frames of nm*nx*ny values.
func (p *csSlice) terms(regs []Regularizer, seed uint64) ([]Term, error) {
	n := p.nx * p.ny * p.nm
	images := p.nt * p.nm
	var ts []Term
	for i, r := range regs {
		s := seed + uint64(i)*0x9e3779b97f4a7c15
		switch r.Kind {
		case RegWavelet:
			w, err := NewWaveletL1(p.nx, p.ny, images, r.Lambda, s, p.threads)
			if err != nil {
				return nil, err
			}
			w.P = r.P
			ts = append(ts, Term{Prox: w})
		case RegTV:
			ts = append(ts, Term{Op: SpatialGradient{NX: p.nx, NY: p.ny, NT: images},
				Prox: JointL1{Lambda: r.Lambda, P: r.P}})
		case RegTTV:
			if p.nt > 1 {
				ts = append(ts, Term{Op: TemporalDiff{N: n, NT: p.nt},
					Prox: L1{Lambda: r.Lambda, P: r.P}})
			}
		case RegTFFT:
			if p.nt > 1 {
				f := NewTemporalFourierL1(n, p.nt, r.Lambda)
				f.P = r.P
				ts = append(ts, Term{Prox: f})
			}
		case RegLLR:
			if p.nt > 1 {
				l, err := NewLocallyLowRank(p.nx, p.ny, p.nt, 8, r.Lambda, s, p.threads)
				if err != nil {
					return nil, err
				}
				l.Sets = p.nm
				ts = append(ts, Term{Prox: l})
			}
		}
	}
	return ts, nil
}

// solve reconstructs the slice into x (nt frames of nx*ny), on the scale of the data; nz is
// the number of slices, for the progress reports.
func (p *csSlice) solve(x []complex64, regs []Regularizer, opts CSOptions, nz int) error {
	var err error
	iz := p.iz
	ws := opts.WarmStart
	if ws == 0 {
		ws = DefaultWarmStart
	}
	p.warmStart(x, ws)
	given := regs
	if p.nt == 1 {
		given = slices.DeleteFunc(slices.Clone(regs), func(r Regularizer) bool {
			return temporal(r.Kind)
		})
	}
	var noise, factor float64
	if opts.LambdaScaling != LambdaSignal {
		if noise, err = p.noiseLevel(x, ws); err != nil {
			return err
		}
		factor = noiseFactor(noise)
		regs = scaleLambdas(regs, factor)
	}
	ts, err := p.terms(regs, opts.Seed+uint64(iz))
	if err != nil {
		return err
	}
	pr, err := p.problem(x, regs, ts)
	if err != nil {
		return err
	}
	ts = pr.terms

	so := opts.Solve
	so.Step = so.withDefaults().Step * pr.step
	if opts.Progress != nil {
		so.Progress = func(iter int, change float64) {
			opts.Progress(Progress{Slice: iz, Iteration: iter, Residual: change, Solved: iz,
				Total: nz})
		}
	}
	solver := opts.Solver
	if solver == CSAuto {
		solver = CSADMM
		if len(ts) == 1 && ts[0].Op == nil {
			solver = CSFISTA
		}
	}

	var res SolverResult
	switch {
	case len(ts) == 0:
	case solver == CSFISTA || solver == CSPOGM:
		if len(ts) != 1 || ts[0].Op != nil {
			return errSingleTerm(solver)
		}
		if solver == CSFISTA {
			res = FISTA(pr.normal, pr.b, pr.x, ts[0].Prox, so)
		} else {
			res = POGM(pr.normal, pr.b, pr.x, ts[0].Prox, so)
		}
	case solver == CSPrimalDual:
		res = PrimalDual(pr.normal, pr.b, pr.x, ts, so)
	default:
		res = ADMM(pr.normal, pr.b, pr.x, ts, so)
	}
	pr.finish(x)

	s := complex(float32(p.scale), 0)
	for i := range x {
		x[i] *= s
	}
	if opts.Progress != nil {
		opts.Progress(Progress{Slice: iz, Iteration: res.Iterations, Residual: res.Change,
			Finished: true, Solved: iz + 1, Total: nz, Noise: noise, LambdaFactor: factor,
			Regularizers: given})
	}
	return nil
}

// LambdaScaling selects whether CS scales the lambdas by the noise of the data.
type LambdaScaling string

const (
	// LambdaNoise scales the lambdas by the noise of each slice relative to its scale, as
	// CS describes: the noise estimate makes one table row serve files of different
	// signal-to-noise ratio. The empty LambdaScaling means the same.
	LambdaNoise LambdaScaling = "noise"

	// LambdaSignal scales the data by the signal alone and uses the lambdas as given.
	LambdaSignal LambdaScaling = "signal"
)

// The noise scaling of the lambdas (see CS).
const (
	// NoiseReference is the noise level relative to CS's scale s at which a lambda applies
	// as given: about that of the cine phantom of package phantom (0.013 to 0.017) and of
	// the real static files of QUALITY.md, whose levels range from 0.007 to 0.044.
	NoiseReference = 0.02

	// NoiseExponent is the power of the noise ratio that multiplies the lambdas. For l1
	// denoising the best lambda grows in proportion to the noise (exponent 1), but
	// undersampling artefacts need regularisation at any noise level. On the three real
	// static files of QUALITY.md, with the table rows retuned for each, exponents 0.5, 0.75
	// and 1 met 50, 51 and 50 of the 54 targets (CS at least 0.01 above BART and 0.1 above
	// zero filling) against 48 with no noise scaling.
	NoiseExponent = 0.75
)

// ParseLambdaScaling parses a LambdaScaling: "noise" (or "") or "signal".
func ParseLambdaScaling(s string) (LambdaScaling, error) {
	switch s {
	case "", string(LambdaNoise):
		return LambdaNoise, nil
	case string(LambdaSignal):
		return LambdaSignal, nil
	}
	return "", fmt.Errorf("lambda scaling %q: want noise or signal", s)
}

// NoiseFloor selects how the magnitude output of MethodCS treats noise.
type NoiseFloor string

const (
	// NoiseFloorAuto makes the magnitude an estimate of the challenge's reference, the
	// root sum of squares (RSS) of the noisy, fully sampled coil images: with coil maps of
	// unit RSS, the reference at a pixel of true image rho has a mean square of
	// |rho|^2 + sum_c s_c^2 for coil noise variances s_c^2, so the output is
	// sqrt(|x|^2 + v) with v the ResidualNoise estimate of that sum. A denoised image x
	// alone is darker than the reference wherever the signal is weak (the background above
	// all), which the challenge's SSIM penalises.
	NoiseFloorAuto NoiseFloor = ""

	// NoiseFloorOff outputs |x|, the denoised image, as BART's pics does.
	NoiseFloorOff NoiseFloor = "off"
)

// DefaultCSMaps is the number of sets of ESPIRiT maps MethodCS estimates when
// Options.ESPIRiT.Maps is 0: two, as BART's ecalib does by default, so that an image whose
// field of view is too small (and aliases) is modelled; where the crop leaves no second set
// it is dropped and costs nothing.
const DefaultCSMaps = 2

// reconstructCS is Reconstruct's MethodCS: ESPIRiT maps, then CSMagnitude. Its options
// were checked by PlanReconstruction, before the maps.
func reconstructCS(k *KSpace, m *Mask, opts Options) (*Image, error) {
	eo := opts.ESPIRiT
	eo.Threads = opts.Threads
	if eo.Maps == 0 {
		eo.Maps = DefaultCSMaps
	}
	maps, err := EstimateMaps(k, m, eo)
	if err != nil {
		return nil, err
	}
	co := opts.CS
	co.Threads, co.Progress = opts.Threads, opts.Progress
	return CSMagnitude(k, m, maps, co)
}

// CSMagnitude is CS followed by the magnitude output of MethodCS: |x| (the sets of maps
// combined as CS does), with the noise floor that opts.NoiseFloor asks for.
func CSMagnitude(y *KSpace, m *Mask, maps *CoilMaps, opts CSOptions) (*Image, error) {
	sets, err := csSets(y, m, maps, opts)
	if err != nil {
		return nil, err
	}
	out := combineSets(sets).Abs()
	if opts.NoiseFloor == NoiseFloorAuto {
		f2, err := ResidualNoise(y, m, maps, sets)
		if err != nil {
			return nil, err
		}
		if f2 > 0 {
			for i, v := range out.Data {
				out.Data[i] = float32(math.Sqrt(float64(v)*float64(v) + f2))
			}
		}
	}
	return out, nil
}

// ParseRegularizerGrid parses a grid of regularisers such as "wavelet=0.001:0.003,ttv=0:0.01":
// comma-separated kind=values terms, each with colon-separated lambdas, and returns every
// combination (the first term varying slowest). A term p=values sweeps the shrinkage
// exponent (Regularizer.P) of the other terms. A lambda of 0 leaves its term out of that
// combination, and a combination left with no term, with only one of lplus and splus, or
// with an exponent below 1 and no term that shrinks, is dropped (CS cannot use it); a grid
// of nothing but such combinations, or with exponents below 1 and no wavelet, tv, ttv or
// tfft lambda above 0 at all, is an error. The empty string gives nil.
func ParseRegularizerGrid(s string) ([][]Regularizer, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	type combo struct {
		regs []Regularizer
		exp  float64
	}
	grid := []combo{{}}
	var exps, below1, shrinking bool
	for part := range strings.SplitSeq(s, ",") {
		k, vs, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, fmt.Errorf("recon: grid term %q: want kind=lambda:lambda:...", part)
		}
		isExp := strings.EqualFold(strings.TrimSpace(k), ExponentName)
		if isExp && exps {
			return nil, errors.New("recon: grid term p is given twice")
		}
		exps = exps || isExp
		var next []combo
		for _, g := range grid {
			for v := range strings.SplitSeq(vs, ":") {
				if isExp {
					e, err := parseExponent(v)
					if err != nil {
						return nil, err
					}
					below1 = below1 || e != 0
					next = append(next, combo{regs: g.regs, exp: e})
					continue
				}
				r, err := ParseRegularizers(strings.TrimSpace(k) + "=" + strings.TrimSpace(v))
				if err != nil {
					return nil, err
				}
				shrinking = shrinking || len(r) > 0 && shrinks(r[0].Kind)
				c := slices.Clone(g.regs)
				if len(r) > 0 && slices.ContainsFunc(c, func(x Regularizer) bool {
					return x.Kind == r[0].Kind
				}) {
					return nil, fmt.Errorf("recon: grid term %s is given twice", r[0].Kind)
				}
				next = append(next, combo{regs: append(c, r...), exp: g.exp})
			}
		}
		grid = next
	}
	if below1 && !shrinking {
		return nil, fmt.Errorf("recon: grid %q: p sweeps the exponent of wavelet, tv, "+
			"tgv, ttv and tfft terms, and the grid has none above 0", s)
	}
	var out [][]Regularizer
	var half, tgvLS bool
	for _, g := range grid {
		bad := checkLPlusS(g.regs) != nil
		half = half || bad
		mixed := checkTGVLPlusS(g.regs) != nil
		tgvLS = tgvLS || mixed
		regs, err := withExponent(g.regs, g.exp)
		if len(g.regs) == 0 || bad || mixed || err != nil {
			continue
		}
		out = append(out, regs)
	}
	switch {
	case len(out) == 0 && tgvLS:
		return nil, fmt.Errorf("recon: grid %q: every combination with lplus and splus "+
			"also has tgv, which cannot go with them", s)
	case len(out) == 0 && half:
		return nil, fmt.Errorf("recon: grid %q: no combination has both lplus and splus "+
			"above 0, and L+S needs both", s)
	case len(out) == 0:
		return nil, fmt.Errorf("recon: grid %q: every combination has all lambdas 0 or an "+
			"exponent p with no term to apply it to", s)
	}
	return out, nil
}
