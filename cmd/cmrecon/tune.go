package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

func runTune(e *env, args []string) error {
	fs := newFlags(e, "tune", "--out TABLE.tsv [--phantom [--phantom-series LIST]] "+
		"[--scenarios LIST] "+
		"[--grid kind=l1:l2,...] [--refine N] [--iters N] [--cs-solver S] "+
		"[--lambda-scaling noise|signal] [--output-mode M] [--layout L] [--seed S] "+
		"[--threads N] [FULLY_SAMPLED.mat ...]")
	out := fs.String("out", "", "table file to write (tab-separated; give it to recon, run "+
		"and demo with --cs-table)")
	usePhantom := fs.Bool("phantom", false, "add the built-in phantom series of "+
		"--phantom-series to the training data")
	series := fs.String("phantom-series", "cine", "with --phantom, the comma-separated series "+
		"to add: cine, T1map, T2map, T1rho, perfusion or flow2d (as cine_sax.mat, T1map.mat, "+
		"T2map.mat, T1rho.mat, perfusion.mat, flow2d.mat, so their rows are Cine, Mapping, "+
		"T1rho, Perfusion and Flow2d)")
	scen := fs.String("scenarios", "", "comma-separated scenarios such as Uniform8,ktRadial16 "+
		"(default: the nine of 2025)")
	grid := fs.String("grid", "", "candidate regularisers, e.g. 'wavelet=0.002:0.005,"+
		"ttv=0:0.01,p=1:0.5': every combination is tried, a lambda of 0 leaving its term out, "+
		"p sweeping the shrinkage exponent, and one with only one of lplus and splus is "+
		"skipped (default: wavelet 0.001-0.02 x ttv 0-0.03)")
	refine := fs.Int("refine", 0, "then search around the best candidate: 1 multiplies and "+
		"divides each lambda by 2 while the mean SSIM improves, 2 then also by sqrt 2")
	iters := fs.Int("iters", 0, "CS iterations (0: the default, 60)")
	solver := fs.String("cs-solver", "", "CS solver: fista, pogm, admm or pd, as for recon "+
		"(default: automatic; fista and pogm fail on grid points with tv, tgv, ttv or "+
		"several terms)")
	scaling := fs.String("lambda-scaling", "noise", "CS lambda scaling the table is tuned for "+
		"(and recorded in its header): noise or signal, as for recon")
	mode := fs.String("output-mode", "ranking", "images scored: ranking (img4ranking "+
		"selection and crop) or full")
	layout := fs.String("layout", challenge.DefaultLayout, "names of the files' dims in order")
	seed := fs.Uint64("seed", 1, "seed of the ktGaussian masks")
	threads := fs.Int("threads", runtime.NumCPU(), "goroutines to use")
	files, err := parseVariadic(fs, args)
	if err != nil {
		return err
	}

	usage := func(format string, a ...any) error {
		fmt.Fprintf(e.stderr, "cmrecon tune: "+format+"\n", a...)
		return errUsage
	}
	if *out == "" {
		return usage("--out is required")
	}
	if err := checkWritable(*out); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if len(files) == 0 && !*usePhantom {
		return usage("no training data: give fully sampled files or --phantom")
	}
	lay, err := challenge.ParseLayout(*layout)
	if err != nil {
		return usage("--layout: %v", err)
	}
	scenarios, err := parseScenarios(*scen)
	if err != nil {
		return usage("--scenarios: %v", err)
	}
	g, err := recon.ParseRegularizerGrid(*grid)
	if err != nil {
		return usage("--grid: %v", err)
	}
	om := challenge.OutputMode(*mode)
	if om != challenge.OutputRanking && om != challenge.OutputFull {
		return usage("--output-mode %q: want ranking or full", *mode)
	}
	s, err := recon.ParseCSSolver(*solver)
	if err != nil {
		return usage("--cs-solver: %v", err)
	}
	ls, err := recon.ParseLambdaScaling(*scaling)
	if err != nil {
		return usage("--lambda-scaling: %v", err)
	}

	if *iters < 0 {
		return usage("--iters %d: want at least 0", *iters)
	}
	seriesSet := false
	fs.Visit(func(f *flag.Flag) { seriesSet = seriesSet || f.Name == "phantom-series" })
	if seriesSet && !*usePhantom {
		return usage("--phantom-series needs --phantom")
	}

	var data []challenge.TuneData
	if *usePhantom {
		seen := map[string]bool{}
		for name := range strings.SplitSeq(*series, ",") {
			name = strings.TrimSpace(name)
			o, file, ok := challenge.LookupPhantomSeries(name)
			switch {
			case name == "":
				return usage("--phantom-series %q: an empty entry", *series)
			case !ok:
				return usage("--phantom-series %q: want one of %s", name,
					phantomSeriesNames())
			case seen[file]:
				return usage("--phantom-series: %s twice", name)
			}
			seen[file] = true
			c, err := phantom.New(o)
			if err != nil {
				return err
			}
			data = append(data, challenge.TuneData{Name: file, KSpace: &c.KSpace})
		}
	}
	for _, f := range files {
		k, err := challenge.ReadKSpace(f, lay, &mat.ReadOptions{Workers: *threads})
		if err != nil {
			return err
		}
		data = append(data, challenge.TuneData{Name: filepath.Base(f), KSpace: k})
	}

	start := time.Now()
	e.log.Info("tune", "data", len(data), "out", *out, "threads", *threads)
	table, evals, err := challenge.Tune(challenge.TuneOptions{
		Data: data, Scenarios: scenarios, Grid: g, Refine: *refine, Output: om, Seed: *seed,
		Threads: *threads,
		CS: recon.CSOptions{Solver: s, LambdaScaling: ls,
			Solve: recon.SolverOptions{Iterations: *iters}},
		Progress: func(ev challenge.TuneEval) {
			e.log.Info("tried", "modality", ev.Group.Modality, "scenario",
				ev.Group.Scenario.String(), "regs", recon.FormatRegularizers(ev.Regs),
				"ssim", fmt.Sprintf("%.4f", ev.SSIM), "psnr", fmt.Sprintf("%.2f", ev.PSNR),
				"seconds", fmt.Sprintf("%.1f", ev.Time.Seconds()))
		},
	})
	if err != nil {
		return err
	}

	var b strings.Builder
	b.WriteString(challenge.TuneTableHeader(fmt.Sprintf("cmrecon tune %s\n%d data set(s), "+
		"%d evaluations, %s\nlambdas for --lambda-scaling %s", shellJoin(args),
		len(data), len(evals), time.Since(start).Round(time.Second), ls)))
	if _, err := table.WriteTo(&b); err != nil {
		return err
	}
	if err := writeFileAtomic(*out, []byte(b.String())); err != nil {
		return err
	}
	fmt.Fprint(e.stdout, b.String())
	return nil
}

// shellJoin joins args so that a POSIX shell reads them back as they are: an argument that is
// empty or holds a character other than letters, digits and -_./=:,+@% is put in single
// quotes, an embedded single quote closed, escaped with a backslash and reopened.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		safe := a != ""
		for _, r := range a {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
				strings.ContainsRune("-_./=:,+@%", r)) {
				safe = false
				break
			}
		}
		q[i] = a
		if !safe {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}

// checkWritable reports, before a long computation, whether path can be written as
// writeFileAtomic writes it: whether its folder takes a new file and path is not a folder.
func checkWritable(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s: a folder, not a file", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".cmrecon-*.tmp")
	if err != nil {
		return fmt.Errorf("%s: cannot write in its folder: %w", path, unwrapPath(err))
	}
	f.Close()
	return os.Remove(f.Name())
}

// unwrapPath returns the error under a *fs.PathError, whose path is that of a temporary
// file the user never named.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeFileAtomic writes data to a temporary file beside path, readable by all (0644, as
// os.WriteFile would make it under the usual umask), and renames it into place. Its errors
// name path, not the temporary file.
func writeFileAtomic(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".cmrecon-*.tmp")
	if err != nil {
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("%s: %w", path, unwrapPath(err))
	}
	return nil
}

// phantomSeriesNames lists the names of challenge.PhantomSeries, comma-separated.
func phantomSeriesNames() string {
	names := make([]string, len(challenge.PhantomSeries))
	for i, s := range challenge.PhantomSeries {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}
