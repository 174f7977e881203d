package challenge

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cmrecon/cmrecon/metric"
	"github.com/cmrecon/cmrecon/recon"
)

// TuneData is one fully sampled training data set for Tune.
type TuneData struct {
	// Name is the file name; it gives the modality (ModalityFolder; names the challenge does
	// not use count as AnyModality) and the ranking rules of the score.
	Name string

	// KSpace is the fully sampled k-space.
	KSpace *recon.KSpace

	// Output, when set, overrides TuneOptions.Output for this data set.
	Output OutputMode
}

func (d TuneData) output(o OutputMode) OutputMode {
	if d.Output != "" {
		return d.Output
	}
	return o
}

// TuneOptions configures Tune.
type TuneOptions struct {
	// Data are the training sets; at least one is needed.
	Data []TuneData

	// Scenarios are the masks to tune for; nil means Scenarios2025.
	Scenarios []Scenario

	// Grid are the candidate regulariser sets tried first; nil means DefaultTuneGrid for
	// each data set's frame count.
	Grid [][]recon.Regularizer

	// Refine then searches around the best candidate: each lambda in turn is multiplied
	// and divided by 2 (Refine >= 1), then by sqrt(2) (Refine >= 2), as long as the mean
	// score improves, never below 1e-4. 0 keeps the best of the grid. When the grid
	// sweeps the shrinkage exponent (recon.Regularizer.P) and its best candidate has
	// p < 1, the search also starts from the best candidate with the l1 norm (p = 1) and
	// the better end point wins: the nonconvex points crowd the top of a grid, and a
	// search from one of them alone ended 0.0009 below the l1 optimum on the cine
	// phantom's ktRadial 8.
	Refine int

	// Output selects the images scored: OutputRanking (the default) scores the
	// img4ranking selection and crop of each file, OutputFull every slice and frame.
	Output OutputMode

	// CS are the CS settings other than the regularisers (solver, iterations, noise floor).
	// Its Threads and Progress fields are not used.
	CS recon.CSOptions

	// Seed seeds the ktGaussian masks.
	Seed uint64

	// Threads bounds the goroutines of each reconstruction (values below 1: one per CPU).
	Threads int

	// Progress, when not nil, receives every evaluation as soon as it is known.
	Progress func(TuneEval)
}

// TuneEval is the mean score of one regulariser set on one group of problems.
type TuneEval struct {
	Group TuneGroup
	Regs  []recon.Regularizer
	SSIM  float64 // mean over the group's data sets
	PSNR  float64
	NMSE  float64
	Time  time.Duration // reconstruction time, summed
}

// TuneGroup is one row of the table Tune writes: a modality and a scenario, and the kind
// and the smallest and largest acceleration of its masks outside the calibration region
// (recon.ClassifyMask).
type TuneGroup struct {
	Modality   string
	Scenario   Scenario
	Kind       recon.MaskKind
	MinR, MaxR float64
}

// DefaultTuneGrid returns the regulariser sets Tune tries by default: l1 wavelet lambdas
// 0.001 to 0.02 and, for time series (nt > 1), temporal TV lambdas 0 to 0.03.
func DefaultTuneGrid(nt int) [][]recon.Regularizer {
	ws := []float64{0.001, 0.002, 0.005, 0.01, 0.02}
	ts := []float64{0}
	if nt > 1 {
		ts = []float64{0, 0.003, 0.01, 0.03}
	}
	var g [][]recon.Regularizer
	for _, w := range ws {
		for _, t := range ts {
			r := []recon.Regularizer{{Kind: recon.RegWavelet, Lambda: w}}
			if t > 0 {
				r = append(r, recon.Regularizer{Kind: recon.RegTTV, Lambda: t})
			}
			g = append(g, r)
		}
	}
	return g
}

// tuneProblem is one data set undersampled with one scenario.
type tuneProblem struct {
	data TuneData
	mask *recon.Mask
	maps *recon.CoilMaps // ESPIRiT maps, estimated once
	gt   Array
	nt   int
}

// Tune chooses CS regularisers by measurement: for every modality (from the data sets'
// names) and scenario it undersamples each training set with the scenario's mask,
// reconstructs it (ESPIRiT maps estimated once per data set and scenario, with
// recon.DefaultCSMaps sets, then recon.CSMagnitude) with every candidate regulariser set,
// scores it against the fully
// sampled root sum of squares with the challenge's metric, and keeps the set with the best
// mean SSIM (see TuneOptions.Refine for the search around it). It returns the table of the
// winners, one row per modality and scenario (rows of one kind and modality ordered by
// acceleration, each serving up to the geometric mean of its largest acceleration and the
// next row's smallest, the last open-ended), and every evaluation. The table's notes record the
// mean SSIM, PSNR and NMSE and the number of data sets.
func Tune(opts TuneOptions) (*recon.CSTable, []TuneEval, error) {
	if len(opts.Data) == 0 {
		return nil, nil, errors.New("challenge: tune: no training data")
	}
	scenarios := opts.Scenarios
	if scenarios == nil {
		scenarios = Scenarios2025()
	}

	groups := map[TuneGroup][]tuneProblem{}
	var order []TuneGroup
	for _, sc := range scenarios {
		byMod := map[string][]tuneProblem{}
		var mods []string
		for _, d := range opts.Data {
			p, mod, err := newTuneProblem(d, sc, opts)
			if err != nil {
				return nil, nil, err
			}
			if _, ok := byMod[mod]; !ok {
				mods = append(mods, mod)
			}
			byMod[mod] = append(byMod[mod], p)
		}
		for _, mod := range mods {
			ps := byMod[mod]
			g := TuneGroup{Modality: mod, Scenario: sc}
			for i, p := range ps {
				kind, r := recon.ClassifyMask(p.mask)
				if i > 0 && kind != g.Kind {
					return nil, nil, fmt.Errorf("challenge: tune: %s masks of %s are of "+
						"kinds %s and %s; tune data sets with and without frames apart",
						sc, mod, g.Kind, kind)
				}
				if i == 0 || r < g.MinR {
					g.MinR = r
				}
				g.Kind, g.MaxR = kind, max(g.MaxR, r)
			}
			groups[g] = ps
			order = append(order, g)
		}
	}

	var all []TuneEval
	var rows []tunedRow
	for _, g := range order {
		best, evals, err := tuneGroup(g, groups[g], opts)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, evals...)
		rows = append(rows, tunedRow{minR: g.MinR, row: recon.CSTableRow{
			Modality: g.Modality, Kind: g.Kind, MaxR: g.MaxR, Regs: best.Regs,
			Note: fmt.Sprintf("%s ssim=%.4f psnr=%.2f nmse=%.4g n=%d", g.Scenario,
				best.SSIM, best.PSNR, best.NMSE, len(groups[g]))}})
	}
	return boundRows(rows), all, nil
}

// tunedRow is a table row whose MaxR is still the largest acceleration of its masks, with
// the smallest one.
type tunedRow struct {
	row  recon.CSTableRow
	minR float64
}

// boundRows orders the rows by modality, kind and acceleration and sets the bound of each
// (MaxR) halfway, as a ratio, between its largest acceleration and the smallest of the next
// row of its modality and kind: the geometric mean, rounded up to 0.01. The last row of each
// modality and kind is open to every higher acceleration. A mask of another matrix size,
// whose acceleration outside the calibration region differs a little from the tuned ones
// (a Uniform 8 mask has 7.9 at 512x204 and 8.8 at 256x64), thus gets the row of the nearest
// scenario rather than that of the next higher one.
func boundRows(rows []tunedRow) *recon.CSTable {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i].row, rows[j].row
		if a.Modality != b.Modality {
			return a.Modality < b.Modality
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.MaxR < b.MaxR
	})
	t := &recon.CSTable{Rows: make([]recon.CSTableRow, len(rows))}
	for i, r := range rows {
		t.Rows[i] = r.row
		if i == len(rows)-1 || rows[i+1].row.Modality != r.row.Modality ||
			rows[i+1].row.Kind != r.row.Kind {
			t.Rows[i].MaxR = math.Inf(1)
			continue
		}
		next := max(rows[i+1].minR, r.row.MaxR)
		t.Rows[i].MaxR = math.Ceil(math.Sqrt(r.row.MaxR*next)*100) / 100
	}
	return t
}

// newTuneProblem undersamples d with the mask of sc and scores its ground truth.
func newTuneProblem(d TuneData, sc Scenario, opts TuneOptions) (tuneProblem, string, error) {
	k := d.KSpace
	if k == nil || !k.Valid() || len(k.Data) != k.Len() {
		return tuneProblem{}, "", fmt.Errorf("challenge: tune: %s: no valid k-space", d.Name)
	}
	m, err := GenerateMask(MaskSpec{Pattern: sc.Pattern, NX: k.NX, NY: k.NY, NT: k.NT,
		R: sc.R, Seed: opts.Seed})
	if err != nil {
		return tuneProblem{}, "", fmt.Errorf("challenge: tune: %s %s: %w", d.Name, sc, err)
	}
	full := &recon.Mask{NX: k.NX, NY: k.NY, NT: 1, Data: make([]float32, k.NX*k.NY)}
	for i := range full.Data {
		full.Data[i] = 1
	}
	ref, err := recon.Reconstruct(k, full, recon.Options{Threads: opts.Threads})
	if err != nil {
		return tuneProblem{}, "", fmt.Errorf("challenge: tune: %s: %w", d.Name, err)
	}
	gt, err := selectOutput(d.Name, ref, d.output(opts.Output))
	if err != nil {
		return tuneProblem{}, "", fmt.Errorf("challenge: tune: %s: %w", d.Name, err)
	}
	eo := recon.ESPIRiTOptions{Maps: recon.DefaultCSMaps, Threads: opts.Threads}
	maps, err := recon.EstimateMaps(k, m, eo)
	if err != nil {
		return tuneProblem{}, "", fmt.Errorf("challenge: tune: %s %s: %w", d.Name, sc, err)
	}
	mod, ok := ModalityFolder(d.Name)
	if !ok {
		mod = recon.AnyModality
	}
	return tuneProblem{data: d, mask: m, maps: maps, gt: gt, nt: k.NT}, mod, nil
}

// minTuneLambda is the smallest lambda the refinement tries: below it a term has no
// measurable effect and halving it again only costs evaluations.
const minTuneLambda = 1e-4

// tuneGroup searches the regularisers of one group and returns the best evaluation and all
// of them.
func tuneGroup(g TuneGroup, ps []tuneProblem, opts TuneOptions) (TuneEval, []TuneEval,
	error) {
	grid := opts.Grid
	if grid == nil {
		grid = DefaultTuneGrid(ps[0].nt)
	}
	grid = slices.DeleteFunc(slices.Clone(grid), func(regs []recon.Regularizer) bool {
		// No term with a weight: CS would take its defaults, not this point.
		return !slices.ContainsFunc(regs, func(r recon.Regularizer) bool { return r.Lambda > 0 })
	})
	if len(grid) == 0 {
		return TuneEval{}, nil, fmt.Errorf("challenge: tune: every grid point has all " +
			"lambdas 0")
	}
	seen := map[string]TuneEval{}
	var evals []TuneEval
	eval := func(regs []recon.Regularizer) (TuneEval, error) {
		regs = normRegs(regs)
		key := recon.FormatRegularizers(regs)
		if e, ok := seen[key]; ok {
			return e, nil
		}
		e := TuneEval{Group: g, Regs: regs}
		for _, p := range ps {
			s, el, err := tuneScore(p, regs, opts)
			if err != nil {
				return e, err
			}
			e.SSIM += s.SSIM / float64(len(ps))
			e.PSNR += s.PSNR / float64(len(ps))
			e.NMSE += s.NMSE / float64(len(ps))
			e.Time += el
		}
		seen[key] = e
		evals = append(evals, e)
		if opts.Progress != nil {
			opts.Progress(e)
		}
		return e, nil
	}

	steps := []float64{2, math.Sqrt2}[:min(max(opts.Refine, 0), 2)]
	best, err := search(grid, steps, eval)
	return best, evals, err
}

// search evaluates every point of grid, then refines around the best and, when that one is
// nonconvex, around the best convex point too (TuneOptions.Refine), and returns the best
// evaluation seen.
func search(grid [][]recon.Regularizer, steps []float64,
	eval func([]recon.Regularizer) (TuneEval, error)) (TuneEval, error) {
	best := TuneEval{SSIM: math.Inf(-1)}
	convex := best
	for _, regs := range grid {
		e, err := eval(regs)
		if err != nil {
			return best, err
		}
		if e.SSIM > best.SSIM {
			best = e
		}
		if !nonconvex(e.Regs) && e.SSIM > convex.SSIM {
			convex = e
		}
	}

	starts := []TuneEval{best}
	if nonconvex(best.Regs) && convex.Regs != nil {
		starts = append(starts, convex)
	}
	for _, start := range starts {
		end, err := refine(start, steps, eval)
		if err != nil {
			return best, err
		}
		if end.SSIM > best.SSIM {
			best = end
		}
	}
	return best, nil
}

// nonconvex reports whether a term of regs has a shrinkage exponent below 1.
func nonconvex(regs []recon.Regularizer) bool {
	return slices.ContainsFunc(regs, func(r recon.Regularizer) bool {
		return r.P != 0 && r.P != 1
	})
}

// refine searches around start as TuneOptions.Refine describes, one factor of steps after
// the other, and returns the best evaluation it reached.
func refine(start TuneEval, steps []float64, eval func([]recon.Regularizer) (TuneEval,
	error)) (TuneEval, error) {
	best := start
	for _, f := range steps {
		for improved := true; improved; {
			improved = false
			for i := range best.Regs {
				for _, s := range []float64{f, 1 / f} {
					regs := slices.Clone(best.Regs)
					regs[i].Lambda *= s
					if regs[i].Lambda < minTuneLambda {
						continue
					}
					e, err := eval(regs)
					if err != nil {
						return best, err
					}
					if e.SSIM > best.SSIM {
						best, improved = e, true
						break
					}
				}
			}
		}
	}
	return best, nil
}

// tuneScore reconstructs one problem with regs and scores it.
func tuneScore(p tuneProblem, regs []recon.Regularizer, opts TuneOptions) (metric.Result,
	time.Duration, error) {
	co := opts.CS
	co.Regularizers = regs
	mod, _ := ModalityFolder(p.data.Name)
	co.Modality = mod
	co.Threads = opts.Threads
	start := time.Now()
	img, err := recon.CSMagnitude(p.data.KSpace, p.mask, p.maps, co)
	if err != nil {
		return metric.Result{}, 0, fmt.Errorf("challenge: tune: %s with %s: %w", p.data.Name,
			recon.FormatRegularizers(regs), err)
	}
	el := time.Since(start)
	sub, err := selectOutput(p.data.Name, img, p.data.output(opts.Output))
	if err != nil {
		return metric.Result{}, 0, err
	}
	r, err := metric.Evaluate(p.gt.Data, sub.Data, p.gt.Dims, sub.Dims, metric.Options{})
	return r, el, err
}

// normRegs orders regularisers by kind, so that equal sets format equally.
func normRegs(regs []recon.Regularizer) []recon.Regularizer {
	out := slices.Clone(regs)
	sort.Slice(out, func(i, j int) bool { return out[i].Kind < out[j].Kind })
	for i := range out {
		v, _ := strconv.ParseFloat(strconv.FormatFloat(out[i].Lambda, 'g', 4, 64), 64)
		out[i].Lambda = v
	}
	return out
}

// TuneTableHeader returns comment lines describing how a tuned table was made, for the top
// of its file.
func TuneTableHeader(what string) string {
	var b strings.Builder
	b.WriteString("# CS defaults chosen by cmrecon tune (best mean SSIM of the challenge's " +
		"metric)\n")
	for l := range strings.SplitSeq(strings.TrimSpace(what), "\n") {
		b.WriteString("# " + l + "\n")
	}
	return b.String()
}
