// Command cs is cmrecon's side-by-side quality harness for compressed sensing: on the same
// fully sampled data, undersampled with the same CMRxRecon 2025 masks and scored with the
// challenge's metric, it compares cmrecon's zero-filled, SENSE and CS reconstructions with
// BART's pics (l1 wavelet plus temporal TV, maps from bart ecalib, the best lambdas over a
// grid refined around its best point).
//
//	go run ./bench/cs                                 # every dataset, pattern and R
//	go run ./bench/cs -data phantom -patterns ktRadial -r 16
//	go run ./bench/cs -bart=false -reg wavelet=0.003,ttv=0.02
//	go run ./bench/cs -cs-grid 'wavelet=0.001:0.003:0.01,ttv=0.003:0.01:0.03'
//
// BART results are cached in -out (bart-cache.json), so reruns only pay for cmrecon. The
// result table (markdown) goes to standard output and every score to -out/results.json.
// -tune writes a CS defaults table instead, -speed times BART and cmrecon (run.sh has the
// commands of QUALITY.md). With CSBENCH_DUMP=DIR every cmrecon image and ground truth is
// also written to DIR as raw little-endian float32, for inspection with numpy (regions.py
// splits their SSIM into object and background). See QUALITY.md for the results and how to
// read them.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/metric"
	"github.com/cmrecon/cmrecon/recon"
)

// score is one reconstruction's result.
type score struct {
	SSIM, PSNR, NMSE float64
	Seconds          float64
	Regs             string `json:",omitempty"` // the regularisers or BART lambdas used
}

func fromMetric(r metric.Result, el time.Duration, regs string) score {
	return score{SSIM: r.SSIM, PSNR: r.PSNR, NMSE: r.NMSE, Seconds: el.Seconds(), Regs: regs}
}

// row is one dataset and scenario.
type row struct {
	Dataset    string
	Scenario   string
	EffectiveR float64
	ZF, SENSE  score
	CS         score
	CSNoFloor  score  // CS with the noise floor off
	CSBest     *score `json:",omitempty"` // best of -cs-grid
	BART       *score `json:",omitempty"` // best of the BART search
}

type config struct {
	out         string
	seed        uint64
	threads     int
	iters       int // BART's pics -i
	csIters     int // cmrecon CS iterations (0: its default)
	tol         float64
	inner       int
	rho         float64
	dualStep    float64
	warm        int
	refine      int
	bart        bool
	bartThreads int
	bartMaps    []int
	bartW       []float64
	bartT       []float64
	regs        []recon.Regularizer
	csGrid      [][]recon.Regularizer
	table       *recon.CSTable
	solver      recon.CSSolver
	png         string
	floor       recon.NoiseFloor
	scaling     recon.LambdaScaling
}

func main() {
	log.SetFlags(0)
	data := flag.String("data", strings.Join(datasetNames, ","), "datasets: "+
		strings.Join(datasetNames, ", "))
	pats := flag.String("patterns", "Uniform,ktGaussian,ktRadial", "mask patterns")
	rs := flag.String("r", "8,16,24", "accelerations")
	out := flag.String("out", filepath.Join(os.TempDir(), "cmrecon-bench-cs"), "folder for "+
		"BART's files, its cache and results.json")
	seed := flag.Uint64("seed", 1, "seed of the ktGaussian masks")
	threads := flag.Int("threads", 2, "goroutines for cmrecon")
	iters := flag.Int("iters", 30, "iterations of BART pics (-i)")
	csIters := flag.Int("cs-iters", 0, "iterations of cmrecon CS (0: its default)")
	tol := flag.Float64("tol", 0, "cmrecon CS stops early at this tolerance (see "+
		"recon.SolverOptions.Tolerance; 0: never)")
	inner := flag.Int("inner", 0, "cmrecon ADMM conjugate-gradient steps per iteration "+
		"(0: the default)")
	rho := flag.Float64("rho", 0, "cmrecon ADMM penalty (0: the default)")
	dualStep := flag.Float64("dual-step", 0, "cmrecon primal-dual dual step sigma (0: the "+
		"default)")
	warm := flag.Int("warm", 0, "cmrecon CG-SENSE warm-start iterations (0: the default, "+
		"negative: start from A^H y)")
	useBART := flag.Bool("bart", true, "run BART pics")
	bartThreads := flag.Int("bart-threads", 2, "OMP_NUM_THREADS for bart")
	bartMaps := flag.String("bart-maps", "1", "sets of ESPIRiT maps for BART (ecalib -m), "+
		"e.g. 1,2: the first gets the whole grid, each next one a search around the best "+
		"lambdas so far; the best result is reported")
	bartW := flag.String("bart-w", "0.0005:0.001:0.002:0.005:0.01:0.02", "BART wavelet lambdas")
	bartT := flag.String("bart-t", "0:0.001:0.003:0.01:0.03:0.1", "BART temporal TV lambdas "+
		"(time series only)")
	reg := flag.String("reg", "", "cmrecon CS regularisers (default: the CS table)")
	grid := flag.String("cs-grid", "", "also sweep cmrecon CS over this grid, e.g. "+
		"'wavelet=0.001:0.003,ttv=0.01:0.03', and report the best")
	tablePath := flag.String("cs-table", "", "CS defaults table (default: the built-in one)")
	solver := flag.String("solver", "", "cmrecon CS solver: fista, pogm, admm or pd "+
		"(default: auto)")
	floor := flag.String("noise-floor", "", "cmrecon CS noise floor: off or empty (auto)")
	scaling := flag.String("lambda-scaling", "noise", "cmrecon CS lambda scaling: noise or "+
		"signal")
	refine := flag.Int("refine", 1, "-tune refinement (see challenge.TuneOptions.Refine)")
	tuneOut := flag.String("tune", "", "instead of comparing, tune cmrecon's CS on the datasets "+
		"(challenge.Tune over -cs-grid, refined) and write the table to this file")
	speed := flag.String("speed", "", "instead of comparing quality, time BART and cmrecon on "+
		"a 512x216x10x12 slice with this mask, e.g. Uniform:4 or ktRadial:8")
	rounds := flag.Int("rounds", 3, "rounds of the -speed test")
	speedInner := flag.String("speed-inner", "2,10", "cmrecon ADMM CG steps per iteration "+
		"to time")
	oracle := flag.Bool("oracle", false, "instead of comparing, score the oracle images of "+
		"the datasets with a known truth (phantom series, brain-synth): the noiseless image, "+
		"and it with the measured noise, the ceiling of any reconstruction's SSIM")
	pngDir := flag.String("png", "", "write a PNG panel per dataset and mask into this folder")
	flag.Parse()

	c := config{out: *out, seed: *seed, threads: *threads, iters: *iters, csIters: *csIters,
		tol: *tol, inner: *inner,
		rho: *rho, dualStep: *dualStep, warm: *warm, refine: *refine, bart: *useBART,
		bartThreads: *bartThreads, solver: recon.CSSolver(*solver), png: *pngDir,
		floor: recon.NoiseFloor(*floor)}
	var err error
	if c.scaling, err = recon.ParseLambdaScaling(*scaling); err != nil {
		log.Fatalf("-lambda-scaling: %v", err)
	}
	bm, err := floats(strings.ReplaceAll(*bartMaps, ",", ":"))
	if err != nil {
		log.Fatalf("-bart-maps: %v", err)
	}
	for _, v := range bm {
		c.bartMaps = append(c.bartMaps, int(v))
	}
	if c.bartW, err = floats(*bartW); err != nil {
		log.Fatalf("-bart-w: %v", err)
	}
	if c.bartT, err = floats(*bartT); err != nil {
		log.Fatalf("-bart-t: %v", err)
	}
	if c.regs, err = recon.ParseRegularizers(*reg); err != nil {
		log.Fatalf("-reg: %v", err)
	}
	if c.csGrid, err = recon.ParseRegularizerGrid(*grid); err != nil {
		log.Fatalf("-cs-grid: %v", err)
	}
	if *csIters < 0 || !(*tol >= 0) || math.IsInf(*tol, 0) {
		log.Fatalf("-cs-iters %d, -tol %v: want non-negative values", *csIters, *tol)
	}
	if *tablePath != "" {
		fh, err := os.Open(*tablePath)
		if err != nil {
			log.Fatal(err)
		}
		c.table, err = recon.ParseCSTable(fh)
		fh.Close()
		if err != nil {
			log.Fatalf("%s: %v", *tablePath, err)
		}
	}
	var scenarios []challenge.Scenario
	rlist, err := floats(strings.ReplaceAll(*rs, ",", ":"))
	if err != nil {
		log.Fatalf("-r: %v", err)
	}
	for p := range strings.SplitSeq(*pats, ",") {
		for _, r := range rlist {
			scenarios = append(scenarios, challenge.Scenario{Pattern: challenge.Pattern(p),
				R: int(r)})
		}
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		log.Fatal(err)
	}

	if *speed != "" {
		p, rv, _ := strings.Cut(*speed, ":")
		r, err := strconv.Atoi(rv)
		if err != nil {
			log.Fatalf("-speed %q: want PATTERN:R", *speed)
		}
		in, err := floats(strings.ReplaceAll(*speedInner, ",", ":"))
		if err != nil {
			log.Fatalf("-speed-inner: %v", err)
		}
		var inner []int
		for _, v := range in {
			inner = append(inner, int(v))
		}
		if err := c.speedTest(p, r, *rounds, inner); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *oracle {
		if err := c.oracle(os.Stdout, strings.Split(*data, ","), scenarios); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *tuneOut != "" {
		if err := c.tune(*tuneOut, strings.Split(*data, ","), scenarios); err != nil {
			log.Fatal(err)
		}
		return
	}

	cache := loadCache(filepath.Join(c.out, "bart-cache.json"))
	var rows []row
	for name := range strings.SplitSeq(*data, ",") {
		d, err := loadDataset(name)
		if err != nil {
			log.Printf("skipping %s: %v", name, err)
			continue
		}
		log.Printf("%s: %s (%s)", d.name, d.about, d.k.Dims)
		for _, sc := range scenarios {
			r, err := c.runOne(d, sc, cache)
			if err != nil {
				log.Fatalf("%s %s: %v", d.name, sc, err)
			}
			rows = append(rows, r)
		}
	}

	js, err := json.MarshalIndent(rows, "", "  ")
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(c.out, "results.json"), js, 0o644); err != nil {
		log.Fatal(err)
	}
	writeTable(os.Stdout, rows)
}

// tune runs challenge.Tune on the named datasets and writes the table to path.
func (c *config) tune(path string, names []string, scenarios []challenge.Scenario) error {
	var data []challenge.TuneData
	for _, name := range names {
		d, err := loadDataset(name)
		if err != nil {
			return err
		}
		td := challenge.TuneData{Name: d.rankingName(), KSpace: d.k}
		if !d.ranking {
			td = challenge.TuneData{Name: "static_" + d.name + ".mat", KSpace: d.k,
				Output: challenge.OutputFull}
		}
		data = append(data, td)
	}
	start := time.Now()
	table, evals, err := challenge.Tune(challenge.TuneOptions{Data: data, Scenarios: scenarios,
		Grid: c.csGrid, Refine: c.refine, Seed: c.seed, Threads: c.threads,
		CS: recon.CSOptions{Solver: c.solver, NoiseFloor: c.floor, WarmStart: c.warm,
			LambdaScaling: c.scaling,
			Solve: recon.SolverOptions{Iterations: c.csIters, Tolerance: c.tol,
				InnerIterations: c.inner, Rho: c.rho, DualStep: c.dualStep}},
		Progress: func(e challenge.TuneEval) {
			log.Printf("  %-8s %-13s %-36s %.4f %.2f dB %.1fs", e.Group.Modality,
				e.Group.Scenario, recon.FormatRegularizers(e.Regs), e.SSIM, e.PSNR,
				e.Time.Seconds())
		}})
	if err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(challenge.TuneTableHeader(fmt.Sprintf("go run ./bench/cs %s\n"+
		"%d evaluations, %s", strings.Join(os.Args[1:], " "),
		len(evals), time.Since(start).Round(time.Second))))
	if _, err := table.WriteTo(&b); err != nil {
		return err
	}
	fmt.Print(b.String())
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// runOne scores every method on one dataset and scenario.
func (c *config) runOne(d *dataset, sc challenge.Scenario, cache *bartCache) (row, error) {
	m, err := d.mask(sc, c.seed)
	if err != nil {
		return row{}, err
	}
	r := row{Dataset: d.name, Scenario: sc.String(), EffectiveR: challenge.EffectiveR(m)}
	tiles := []challenge.PanelImage{}
	run := func(o recon.Options) (score, error) {
		o.Threads = c.threads
		start := time.Now()
		img, err := recon.Reconstruct(d.k, m, o)
		if err != nil {
			return score{}, err
		}
		if os.Getenv("CSBENCH_DUMP") != "" {
			method := string(o.Method)
			if o.Method == recon.MethodCS && o.CS.NoiseFloor == recon.NoiseFloorOff {
				method += "-nofloor"
			}
			p := filepath.Join(os.Getenv("CSBENCH_DUMP"), d.name+"_"+sc.String()+"_"+
				method+".f32")
			if err := dumpRaw(p, img); err != nil {
				return score{}, err
			}
			if err := dumpRaw(filepath.Join(os.Getenv("CSBENCH_DUMP"), d.name+"_gt.f32"),
				d.gt); err != nil {
				return score{}, err
			}
		}
		if o.Method != recon.MethodCS || len(tiles) < 3 {
			tiles = append(tiles, challenge.PanelImage{Label: string(o.Method), Image: img})
		}
		el := time.Since(start)
		res, err := d.score(img)
		if err != nil {
			return score{}, err
		}
		return fromMetric(res, el, recon.FormatRegularizers(o.CS.Regularizers)), nil
	}
	if r.ZF, err = run(recon.Options{Method: recon.MethodZeroFilled}); err != nil {
		return r, err
	}
	if r.SENSE, err = run(recon.Options{Method: recon.MethodSENSE}); err != nil {
		return r, err
	}
	cso := recon.CSOptions{Modality: d.modality, Table: c.table, Solver: c.solver,
		NoiseFloor: c.floor, WarmStart: c.warm, LambdaScaling: c.scaling,
		Solve: recon.SolverOptions{Iterations: c.csIters, Tolerance: c.tol,
			InnerIterations: c.inner, Rho: c.rho,
			DualStep: c.dualStep}}
	cso.Regularizers = cso.Regs(m)
	if c.regs != nil {
		cso.Regularizers = c.regs
	}
	if r.CS, err = run(recon.Options{Method: recon.MethodCS, CS: cso}); err != nil {
		return r, err
	}
	off := cso
	off.NoiseFloor = recon.NoiseFloorOff
	if r.CSNoFloor, err = run(recon.Options{Method: recon.MethodCS, CS: off}); err != nil {
		return r, err
	}
	log.Printf("  %-13s zf %.4f  sense %.4f  cs %.4f (no floor %.4f; %s, %.1fs)", sc,
		r.ZF.SSIM, r.SENSE.SSIM, r.CS.SSIM, r.CSNoFloor.SSIM, r.CS.Regs, r.CS.Seconds)

	for _, regs := range c.csGrid {
		o := cso
		o.Regularizers = regs
		s, err := run(recon.Options{Method: recon.MethodCS, CS: o})
		if err != nil {
			return r, err
		}
		log.Printf("    cs grid %-28s %.4f %.2f dB", s.Regs, s.SSIM, s.PSNR)
		if r.CSBest == nil || s.SSIM > r.CSBest.SSIM {
			r.CSBest = &s
		}
	}

	if c.bart {
		var bw, bt float64
		var best *score
		var bestImg *recon.Image
		for i, maps := range c.bartMaps {
			b, img, w, tv, err := c.bartSearch(d, sc, m, cache, maps, i > 0, bw, bt)
			if err != nil {
				return r, err
			}
			log.Printf("  %-13s bart %.4f (%s)", sc, b.SSIM, b.Regs)
			if best == nil || b.SSIM > best.SSIM {
				best, bestImg, bw, bt = b, img, w, tv
			}
		}
		r.BART = best
		if bestImg != nil {
			tiles = append(tiles, challenge.PanelImage{Label: "bart", Image: bestImg})
		}
	}
	if c.png != "" {
		if err := os.MkdirAll(c.png, 0o755); err != nil {
			return r, err
		}
		p := filepath.Join(c.png, d.name+"_"+sc.String()+".png")
		err := challenge.WritePanel(p, challenge.PanelImage{Label: "reference", Image: d.gt},
			tiles, challenge.PanelOptions{Crop: d.ranking, Zoom: 1 + boolInt(d.k.NX < 128)})
		if err != nil {
			return r, err
		}
	}
	return r, nil
}

func pct(v []float32, q float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return float64(s[int(q*float64(len(s)-1))])
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// bartSearch runs pics over the grid of wavelet and temporal TV lambdas, then refines
// around the best point by factors of 2 and then sqrt(2) along each lambda while that
// improves SSIM, and returns the best score and, when -png asks for it, its image.
func (c *config) bartSearch(d *dataset, sc challenge.Scenario, m *recon.Mask,
	cache *bartCache, maps int, around bool, w0, t0 float64) (*score, *recon.Image, float64,
	float64, error) {
	var b *bart
	eval := func(lw, lt float64) (score, error) {
		s, _, err := c.bartEval(d, sc, m, &b, maps, lw, lt, cache, false)
		return s, err
	}

	ts := c.bartT
	if d.k.NT == 1 {
		ts = []float64{0}
	}
	best := score{SSIM: math.Inf(-1)}
	var bw, bt float64
	ws := c.bartW
	if around {
		ws, ts = []float64{w0}, []float64{t0}
	}
	for _, lw := range ws {
		for _, lt := range ts {
			s, err := eval(lw, lt)
			if err != nil {
				return nil, nil, 0, 0, err
			}
			if s.SSIM > best.SSIM {
				best, bw, bt = s, lw, lt
			}
		}
	}
	for _, f := range []float64{2, math.Sqrt2} {
		for improved := true; improved; {
			improved = false
			var cands [][2]float64
			if bw > 0 {
				cands = append(cands, [2]float64{bw * f, bt}, [2]float64{bw / f, bt})
			}
			if bt > 0 && d.k.NT > 1 {
				cands = append(cands, [2]float64{bw, bt * f}, [2]float64{bw, bt / f})
			}
			for _, p := range cands {
				s, err := eval(p[0], p[1])
				if err != nil {
					return nil, nil, 0, 0, err
				}
				if s.SSIM > best.SSIM {
					best, bw, bt, improved = s, p[0], p[1], true
				}
			}
		}
	}
	if err := cache.save(); err != nil {
		return nil, nil, 0, 0, err
	}
	var img *recon.Image
	if c.png != "" {
		var err error
		_, img, err = c.bartEval(d, sc, m, &b, maps, bw, bt, cache, true)
		if err != nil {
			return nil, nil, 0, 0, err
		}
	}
	return &best, img, bw, bt, nil
}

// bartEval scores pics with lambdas lw and lt, from the cache unless the image is needed;
// *b is the problem's bart folder, made on first use.
func (c *config) bartEval(d *dataset, sc challenge.Scenario, m *recon.Mask, b **bart,
	maps int, lw, lt float64, cache *bartCache, needImage bool) (score, *recon.Image, error) {
	if d.k.NT == 1 {
		lt = 0
	}
	key := fmt.Sprintf("%s|%s|seed%d|i%d|W%s|T%s", d.name, sc, c.seed, c.iters,
		fmtLambda(lw), fmtLambda(lt))
	if maps > 1 {
		key += fmt.Sprintf("|m%d", maps)
	}
	if s, ok := cache.get(key); ok && !needImage {
		return s, nil, nil
	}
	if *b == nil {
		var err error
		dir := filepath.Join(c.out, "bart", d.name+"_"+sc.String()+"_m"+
			strconv.Itoa(maps))
		if *b, err = newBART(d, m, dir, c.bartThreads, c.iters, maps); err != nil {
			return score{}, nil, err
		}
	}
	img, el, err := (*b).pics(lw, lt)
	if err != nil {
		return score{}, nil, err
	}
	res, err := d.score(img)
	if err != nil {
		return score{}, nil, err
	}
	s := fromMetric(res, el, fmt.Sprintf("W=%s,T=%s,m%d", fmtLambda(lw), fmtLambda(lt),
		maps))
	cache.put(key, s)
	return s, img, nil
}

// writeTable prints the results as a markdown table.
func writeTable(w io.Writer, rows []row) {
	fmt.Fprintln(w, "| data | mask | eff. R | zf SSIM | SENSE SSIM | BART SSIM | CS SSIM | "+
		"CS − BART | CS − zf | CS SSIM, no floor | zf PSNR | SENSE PSNR | BART PSNR | "+
		"CS PSNR | zf NMSE | SENSE NMSE | BART NMSE | CS NMSE | BART λ | CS λ |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"+
		"---|---|---|")
	for _, r := range rows {
		b := score{SSIM: math.NaN(), PSNR: math.NaN(), NMSE: math.NaN()}
		if r.BART != nil {
			b = *r.BART
		}
		fmt.Fprintf(w, "| %s | %s | %.2f | %.4f | %.4f | %.4f | %.4f | %+.4f | %+.4f | "+
			"%.4f | %.2f | %.2f | %.2f | %.2f | %.4f | %.4f | %.4f | %.4f | %s | %s |\n",
			r.Dataset, r.Scenario, r.EffectiveR, r.ZF.SSIM, r.SENSE.SSIM, b.SSIM, r.CS.SSIM,
			r.CS.SSIM-b.SSIM, r.CS.SSIM-r.ZF.SSIM, r.CSNoFloor.SSIM, r.ZF.PSNR, r.SENSE.PSNR,
			b.PSNR, r.CS.PSNR,
			r.ZF.NMSE, r.SENSE.NMSE, b.NMSE, r.CS.NMSE, b.Regs, r.CS.Regs)
	}
}

// floats parses a colon-separated list of numbers.
func floats(s string) ([]float64, error) {
	var out []float64
	for f := range strings.SplitSeq(s, ":") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || v < 0 {
			return nil, fmt.Errorf("%q is not a non-negative number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// bartCache keeps BART scores between runs.
type bartCache struct {
	path string
	m    map[string]score
}

func loadCache(path string) *bartCache {
	c := &bartCache{path: path, m: map[string]score{}}
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &c.m); err != nil {
			log.Printf("ignoring %s: %v", path, err)
		}
	}
	return c
}

func (c *bartCache) get(k string) (score, bool) { s, ok := c.m[k]; return s, ok }
func (c *bartCache) put(k string, s score)      { c.m[k] = s }

func (c *bartCache) save() error {
	b, err := json.MarshalIndent(c.m, "", " ")
	if err != nil {
		return err
	}
	tmp := c.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, c.path)
}
