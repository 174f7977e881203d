// Command sense is the cmrecon side of bench/sense/run.sh, which times CG-SENSE and ESPIRiT
// side by side with Debian's bart on the same BART .cfl files. Every subcommand reads and
// writes .cfl/.hdr pairs, so its time includes file I/O as bart's does.
//
// Usage:
//
//	sense gen [-nx 512 -ny 216 -nc 10 -nt 12 -nz 1 -pattern Uniform -r 4 -calib 24] DIR
//	sense ecalib [-threads 1] KSP SENS
//	sense pics [-threads 1] [-iters 30] [-lambda 0] [-solver S] [-ranking] KSP SENS OUT
//	sense score [-ranking] REF IMG
//	sense scaling [-rounds 60] [-need 1.8] [-good 5]
//
// gen writes a phantom cine (package phantom) as DIR/full (fully sampled k-space), DIR/ksp
// (undersampled with a mask of the challenge's generator, challenge.GenerateMask, by default
// Uniform with acceleration r and calib central lines, zeros elsewhere, as bart expects),
// DIR/ksp_avg (ksp averaged over frames, bart avg's result) and DIR/ref (the challenge's
// reference: the root sum of squares of the fully sampled coil images). Dims follow BART:
// readout, phase, 1, coils, then frames in dimension 10. With
// -nz above 1 it writes a whole multi-slice file instead (see genFile, and cine.sh).
//
// ecalib estimates ESPIRiT maps (recon.EstimateMaps, mask from the non-zero samples) like
// "bart ecalib -m1"; pics solves CG-SENSE (recon.SENSE) like "bart pics -l2"; score prints
// the challenge metric (package metric, ground truth as reference) of |IMG| against REF,
// over every frame, on the whole image or with -ranking on the ranking crop (the central
// round(nx/3) x round(ny/2)). pics -ranking reconstructs only what the ranking output keeps
// (the columns of the crop; frames are all kept so that score can compare every frame).
//
// scaling measures the speed-up of two threads over one for CG-SENSE (30 iterations on four
// frames of a 512x216 slice with 10 coils at Uniform R=4, random data; the joint solver at
// lambda 0 and per-column CG at recon.DefaultLambda) next to a control, the speed-up of two
// goroutines over one on a pure arithmetic loop, measured in the same round. On a shared
// machine the control says how much of a second core the round had; scaling prints every
// round and the median speed-ups over the rounds whose control reached -need, stopping
// after -good such rounds.
package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"sync"
	"time"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/metric"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: sense gen|ecalib|pics|score|scaling ...")
		os.Exit(2)
	}
	cmds := map[string]func([]string) error{
		"gen": gen, "ecalib": ecalib, "pics": pics, "score": score, "scaling": scaling,
	}
	run, ok := cmds[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "sense: unknown subcommand %q\n", os.Args[1])
		os.Exit(2)
	}
	if err := run(os.Args[2:]); err != nil {
		fmt.Fprintln(os.Stderr, "sense:", err)
		os.Exit(1)
	}
}

// bartDims returns BART dims for (nx, ny, nc, nt): coils in dimension 3, frames in 10.
func bartDims(nx, ny, nc, nt int) []int {
	d := []int{nx, ny, 1, nc, 1, 1, 1, 1, 1, 1, nt}
	return d
}

func gen(args []string) error {
	fs := flag.NewFlagSet("gen", flag.ExitOnError)
	nx := fs.Int("nx", 512, "readout samples")
	ny := fs.Int("ny", 216, "phase-encoding lines")
	nc := fs.Int("nc", 10, "coils")
	nt := fs.Int("nt", 12, "frames")
	nz := fs.Int("nz", 1, "slices; above 1 only the whole-file outputs are written")
	r := fs.Int("r", 4, "acceleration of the Uniform mask")
	calib := fs.Int("calib", 24, "central calibration lines")
	pattern := fs.String("pattern", "Uniform", "mask pattern: Uniform, ktGaussian or ktRadial")
	snr := fs.Float64("snr", 150, "phantom SNR (see phantom.Options)")
	fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("gen: want one output directory")
	}
	dir := fs.Arg(0)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	o := phantom.DefaultOptions()
	o.NX, o.NY, o.NC, o.NZ, o.NT, o.SNR = *nx, *ny, *nc, *nz, *nt, *snr
	cine, err := phantom.New(o)
	if err != nil {
		return err
	}
	k := &cine.KSpace
	dims := bartDims(k.NX, k.NY, k.NC, k.NT)
	if k.NZ == 1 {
		if err := mat.WriteCFL(filepath.Join(dir, "full"), dims, k.Data); err != nil {
			return err
		}
	}

	mt := k.NT
	if challenge.Pattern(*pattern) == challenge.Uniform {
		mt = 1
	}
	m, err := challenge.GenerateMask(challenge.MaskSpec{Pattern: challenge.Pattern(*pattern),
		NX: k.NX, NY: k.NY, NT: mt, R: *r, NCalib: *calib, Seed: 1})
	if err != nil {
		return err
	}
	if err := recon.ApplyMask(k, m); err != nil {
		return err
	}
	if k.NZ > 1 {
		return genFile(dir, cine)
	}
	if err := mat.WriteCFL(filepath.Join(dir, "ksp"), dims, k.Data); err != nil {
		return err
	}

	n := k.NX * k.NY * k.NC
	avg := make([]complex64, n)
	for it := range k.NT {
		for i, v := range k.Data[it*n : (it+1)*n] {
			avg[i] += v / complex(float32(k.NT), 0)
		}
	}
	if err := mat.WriteCFL(filepath.Join(dir, "ksp_avg"), bartDims(k.NX, k.NY, k.NC, 1),
		avg); err != nil {
		return err
	}

	ref := make([]complex64, len(cine.GroundTruth.Data))
	for i, v := range cine.GroundTruth.Data {
		ref[i] = complex(v, 0)
	}
	fmt.Printf("gen: %v k-space, %s R=%d with %d calibration lines (effective R %.2f)\n",
		k.Dims, *pattern, *r, *calib, challenge.EffectiveR(m))
	return mat.WriteCFL(filepath.Join(dir, "ref"), bartDims(k.NX, k.NY, 1, k.NT), ref)
}

// genFile writes the whole-file outputs of gen for a multi-slice cine whose k-space is
// already undersampled: DIR/kus_raw.cfl with dims (nx, ny, nc, nz, nt) in the challenge's
// order (not BART's), for make_mat.py to turn into a MATLAB v7.3 file, and
// DIR/ref_ranking.mat, the ranking selection and crop of the reference image (variable
// img4ranking) for cmrecon eval.
func genFile(dir string, cine *phantom.Cine) error {
	k := &cine.KSpace
	err := mat.WriteCFL(filepath.Join(dir, "kus_raw"), []int{k.NX, k.NY, k.NC, k.NZ, k.NT},
		k.Data)
	if err != nil {
		return err
	}
	a, err := challenge.Img4Ranking("cine_sax.mat", &cine.GroundTruth)
	if err != nil {
		return err
	}
	fmt.Printf("gen: %v k-space written as %s\n", k.Dims, filepath.Join(dir, "kus_raw.cfl"))
	return challenge.WriteImage(filepath.Join(dir, "ref_ranking.mat"), a)
}

// readKSpace reads a BART k-space file (readout, phase, 1, coils, frames in dimension 10).
func readKSpace(path string) (*recon.KSpace, error) {
	data, dims, err := mat.ReadCFL(path)
	if err != nil {
		return nil, err
	}
	d := recon.Dims{NX: dims[0], NY: dims[1], NC: dims[3], NZ: 1, NT: 1}
	if len(dims) > 10 {
		d.NT = dims[10]
	}
	if d.Len() != len(data) {
		return nil, fmt.Errorf("%s: dims %v: want readout, phase, 1, coils, frames in "+
			"dimension 10", path, dims)
	}
	return &recon.KSpace{Dims: d, Data: data}, nil
}

// profiled runs fn, writing a CPU profile to $CPUPROFILE when it is set.
func profiled(fn func() error) error {
	path := os.Getenv("CPUPROFILE")
	if path == "" {
		return fn()
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	return fn()
}

func ecalib(args []string) error {
	fs := flag.NewFlagSet("ecalib", flag.ExitOnError)
	threads := fs.Int("threads", 1, "goroutines")
	fs.Parse(args)
	if fs.NArg() != 2 {
		return errors.New("ecalib: want KSP SENS")
	}
	start := time.Now()
	k, err := readKSpace(fs.Arg(0))
	if err != nil {
		return err
	}
	return profiled(func() error {
		m := challenge.MaskFromSamples(k)
		read := time.Since(start)
		maps, err := recon.EstimateMaps(k, m, recon.ESPIRiTOptions{Threads: *threads})
		if err != nil {
			return err
		}
		est := time.Since(start) - read
		err = mat.WriteCFL(fs.Arg(1), bartDims(k.NX, k.NY, k.NC, 1), maps.Data)
		fmt.Printf("cmrecon ecalib: %.3f s (read and mask %.3f s, ESPIRiT %.3f s)\n",
			time.Since(start).Seconds(), read.Seconds(), est.Seconds())
		return err
	})
}

func pics(args []string) error {
	fs := flag.NewFlagSet("pics", flag.ExitOnError)
	threads := fs.Int("threads", 1, "goroutines")
	iters := fs.Int("iters", 30, "CG iterations")
	lambda := fs.Float64("lambda", 0, "Tikhonov weight")
	solver := fs.String("solver", "", "recon.Solver: \"\" (auto), plane, lines or columns")
	ranking := fs.Bool("ranking", false, "reconstruct only the columns of the ranking crop")
	fs.Parse(args)
	if fs.NArg() != 3 {
		return errors.New("pics: want KSP SENS OUT")
	}
	start := time.Now()
	k, err := readKSpace(fs.Arg(0))
	if err != nil {
		return err
	}
	sd, sdims, err := mat.ReadCFL(fs.Arg(1))
	if err != nil {
		return err
	}
	if len(sd) != k.NX*k.NY*k.NC || sdims[0] != k.NX || sdims[1] != k.NY {
		return fmt.Errorf("%s: dims %v do not fit k-space %v", fs.Arg(1), sdims, k.Dims)
	}
	maps := &recon.CoilMaps{NX: k.NX, NY: k.NY, NC: k.NC, NZ: 1, Data: sd}

	return profiled(func() error {
		m := challenge.MaskFromSamples(k)
		opts := recon.SENSEOptions{Lambda: *lambda, Iterations: *iters, Threads: *threads}
		opts.Solver = recon.Solver(*solver)
		if *ranking {
			sel, err := challenge.RankingSelection("cine", k.NX, k.NY, 1, k.NT)
			if err != nil {
				return err
			}
			opts.Subset = recon.Subset{X0: sel.X0, X1: sel.X0 + sel.CX}
		}
		read := time.Since(start)
		img, err := recon.SENSE(k, m, maps, opts)
		if err != nil {
			return err
		}
		solve := time.Since(start) - read
		err = mat.WriteCFL(fs.Arg(2), bartDims(k.NX, k.NY, 1, k.NT), img.Data)
		fmt.Printf("cmrecon pics: %.3f s (read and mask %.3f s, SENSE %.3f s)\n",
			time.Since(start).Seconds(), read.Seconds(), solve.Seconds())
		return err
	})
}

func score(args []string) error {
	fs := flag.NewFlagSet("score", flag.ExitOnError)
	ranking := fs.Bool("ranking", false, "score the ranking crop only")
	fs.Parse(args)
	if fs.NArg() != 2 {
		return errors.New("score: want REF IMG")
	}
	ref, rdims, err := mat.ReadCFL(fs.Arg(0))
	if err != nil {
		return err
	}
	img, idims, err := mat.ReadCFL(fs.Arg(1))
	if err != nil {
		return err
	}
	if len(ref) != len(img) || rdims[0] != idims[0] || rdims[1] != idims[1] {
		return fmt.Errorf("%s has dims %v, %s %v", fs.Arg(0), rdims, fs.Arg(1), idims)
	}
	nx, ny := rdims[0], rdims[1]
	nt := len(ref) / (nx * ny)

	x0, y0, cx, cy := 0, 0, nx, ny
	if *ranking {
		sel, err := challenge.RankingSelection("cine", nx, ny, 1, nt)
		if err != nil {
			return err
		}
		x0, y0, cx, cy = sel.X0, sel.Y0, sel.CX, sel.CY
	}
	crop := func(v []complex64) []float32 {
		out := make([]float32, 0, cx*cy*nt)
		for it := range nt {
			for y := y0; y < y0+cy; y++ {
				for _, z := range v[it*nx*ny+y*nx+x0 : it*nx*ny+y*nx+x0+cx] {
					out = append(out, float32(math.Hypot(float64(real(z)), float64(imag(z)))))
				}
			}
		}
		return out
	}
	dims := []int{cx, cy, nt}
	r, err := metric.Evaluate(crop(ref), crop(img), dims, dims,
		metric.Options{Order: metric.OrderTextbook})
	if err != nil {
		return err
	}
	fmt.Printf("score %s: SSIM %.5f PSNR %.3f NMSE %.5f\n", filepath.Base(fs.Arg(1)), r.SSIM,
		r.PSNR, r.NMSE)
	return nil
}

// spin runs a dependent chain of n multiply-adds on each of g goroutines and returns the
// wall time.
func spin(n, g int) time.Duration {
	start := time.Now()
	var wg sync.WaitGroup
	sums := make([]float64, g)
	for i := range g {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x := float64(i)
			for range n {
				x = x*1.0000001 + 1e-9
			}
			sums[i] = x
		}()
	}
	wg.Wait()
	if sums[0] == -1 {
		fmt.Println(sums)
	}
	return time.Since(start)
}

func scaling(args []string) error {
	fs := flag.NewFlagSet("scaling", flag.ExitOnError)
	rounds := fs.Int("rounds", 60, "largest number of rounds")
	need := fs.Float64("need", 1.8, "control speed-up a round must reach to count")
	good := fs.Int("good", 5, "stop after this many rounds that count")
	fs.Parse(args)

	rng := rand.New(rand.NewPCG(4, 4))
	nx, ny, nc, nt := 512, 216, 10, 4
	d := recon.Dims{NX: nx, NY: ny, NC: nc, NZ: 1, NT: nt}
	k := &recon.KSpace{Dims: d, Data: make([]complex64, d.Len())}
	for i := range k.Data {
		k.Data[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	maps := &recon.CoilMaps{NX: nx, NY: ny, NC: nc, NZ: 1,
		Data: make([]complex64, nc*nx*ny)}
	for i := range maps.Data {
		maps.Data[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	m, err := challenge.GenerateMask(challenge.MaskSpec{Pattern: challenge.Uniform,
		NX: nx, NY: ny, NT: 1, R: 4, NCalib: 24})
	if err != nil {
		return err
	}
	solve := func(threads int, solver recon.Solver, lambda float64) (time.Duration, error) {
		start := time.Now()
		_, err := recon.SENSE(k, m, maps, recon.SENSEOptions{Threads: threads,
			Solver: solver, Lambda: lambda})
		return time.Since(start), err
	}

	var lines, columns []float64
	for r := 0; r < *rounds && len(lines) < *good; r++ {
		c1 := spin(100_000_000, 1)
		c2 := spin(100_000_000, 2)
		l1, err := solve(1, recon.SolverLines, 0)
		if err != nil {
			return err
		}
		l2, _ := solve(2, recon.SolverLines, 0)
		k1, _ := solve(1, recon.SolverColumns, recon.DefaultLambda)
		k2, _ := solve(2, recon.SolverColumns, recon.DefaultLambda)
		c3 := spin(100_000_000, 1)
		c4 := spin(100_000_000, 2)
		control := min(2*c1.Seconds()/c2.Seconds(), 2*c3.Seconds()/c4.Seconds())
		fmt.Printf("round %2d: control %.2fx, lines %.3f s / %.3f s = %.2fx, columns "+
			"%.3f s / %.3f s = %.2fx\n", r, control, l1.Seconds(), l2.Seconds(),
			l1.Seconds()/l2.Seconds(), k1.Seconds(), k2.Seconds(), k1.Seconds()/k2.Seconds())
		if control >= *need {
			lines = append(lines, l1.Seconds()/l2.Seconds())
			columns = append(columns, k1.Seconds()/k2.Seconds())
		}
	}
	if len(lines) == 0 {
		fmt.Printf("no round had a control speed-up of %.2fx: the second core was busy\n", *need)
		return nil
	}
	slices.Sort(lines)
	slices.Sort(columns)
	fmt.Printf("%d rounds with the control at %.2fx or more: two threads over one, median "+
		"lines %.2fx, columns %.2fx\n", len(lines), *need, lines[len(lines)/2],
		columns[len(columns)/2])
	return nil
}
