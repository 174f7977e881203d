package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/cmrecon/cmrecon/recon"
)

// csFlags are the compressed-sensing flags that recon and run share.
type csFlags struct {
	reg, solver, table, floor, scaling *string
	warm                               *int
}

// addCSFlags defines the CS flags on fs. With env (run and container) each default comes from
// an environment variable when it is set, as for run's other flags, so that a container is
// configured with docker run -e: CMRECON_REG, CMRECON_CS_SOLVER, CMRECON_CS_TABLE
// CMRECON_NOISE_FLOOR and CMRECON_LAMBDA_SCALING.
func addCSFlags(fs *flag.FlagSet, env bool) *csFlags {
	def := func(name, value string) (string, string) {
		if !env {
			return value, ""
		}
		return envDefault(name, value), " ($" + name + ")"
	}
	reg, regEnv := def("CMRECON_REG", "")
	solver, solverEnv := def("CMRECON_CS_SOLVER", "")
	table, tableEnv := def("CMRECON_CS_TABLE", "")
	floor, floorEnv := def("CMRECON_NOISE_FLOOR", "auto")
	scaling, scalingEnv := def("CMRECON_LAMBDA_SCALING", "noise")
	f := &csFlags{
		reg: fs.String("reg", reg, "CS regularisers as kind=lambda pairs, e.g. "+
			"wavelet=0.005,ttv=0.001 (kinds: wavelet, tv, tgv, ttv, tfft, llr, and low rank plus "+
			"sparse as the pair lplus=,splus=), and optionally p=0.5, the exponent in (0, 1] "+
			"of the nonconvex p-shrinkage of the wavelet, tv, tgv, ttv and tfft terms (1: l1); "+
			"default: the CS table's row for the file's modality and mask kind"+regEnv),
		solver: fs.String("cs-solver", solver, "CS solver: fista, pogm, admm or pd "+
			"(primal-dual); fista and pogm take one regulariser other than tv, tgv and ttv "+
			"(default: fista for one such regulariser, admm otherwise)"+solverEnv),
		table: fs.String("cs-table", table, "CS defaults table written by cmrecon tune "+
			"(default: the built-in table, which also serves the modalities and masks the "+
			"table has no row for)"+tableEnv),
		floor: fs.String("noise-floor", floor, "CS magnitude: auto (estimate the reference's "+
			"RSS noise floor from the data residual and add it) or off (the denoised "+
			"image)"+floorEnv),
		scaling: fs.String("lambda-scaling", scaling, "CS lambdas: noise (scaled by each "+
			"slice's noise level estimated from the CG-SENSE start, so that one table row "+
			"suits data of any SNR; the built-in table is tuned for it) or signal (relative "+
			"to the image's bright parts only)"+scalingEnv),
		warm: fs.Int("warm-start", 0, fmt.Sprintf("CG-SENSE iterations CS starts from (0: "+
			"the default, %d; negative: start from the zero-filled image; with fewer than "+
			"10 the noise estimate of --lambda-scaling noise runs 10 steps of its own)",
			recon.DefaultWarmStart)),
	}
	return f
}

// methodOK reports whether m is a method the CLI offers.
func methodOK(m recon.Method) bool {
	return m == recon.MethodZeroFilled || m == recon.MethodSENSE || m == recon.MethodCS
}

// apply sets the CS options of o from the flag values (all but the table file, see
// loadTable); its errors are usage errors and name the flag.
func (f *csFlags) apply(o *recon.Options) error {
	regs, err := recon.ParseRegularizers(*f.reg)
	if err != nil {
		return fmt.Errorf("--reg: %w", err)
	}
	switch {
	case *f.reg != "" && strings.TrimSpace(*f.reg) == "":
		return errors.New("--reg is blank: give kind=lambda pairs, or leave it out for the " +
			"table's defaults")
	case *f.reg != "" && len(regs) == 0:
		return fmt.Errorf("--reg %q: no regulariser with a lambda above 0", *f.reg)
	}
	if err := recon.CheckRegularizers(regs); err != nil {
		return fmt.Errorf("--reg: %w", err)
	}
	o.CS.Regularizers = regs

	s, err := recon.ParseCSSolver(*f.solver)
	if err != nil {
		return fmt.Errorf("--cs-solver: %w", err)
	}
	o.CS.Solver = s
	switch *f.floor {
	case "auto":
		o.CS.NoiseFloor = recon.NoiseFloorAuto
	case "off":
		o.CS.NoiseFloor = recon.NoiseFloorOff
	default:
		return fmt.Errorf("--noise-floor %q: want auto or off", *f.floor)
	}
	if o.CS.LambdaScaling, err = recon.ParseLambdaScaling(*f.scaling); err != nil {
		return fmt.Errorf("--lambda-scaling: %w", err)
	}
	o.CS.WarmStart = *f.warm
	o.CS.Solve.Iterations = o.Iterations
	o.CS.Solve.Tolerance = o.Tolerance
	return nil
}

// loadTable reads the --cs-table file, if any, into o; its errors are not usage errors.
func (f *csFlags) loadTable(o *recon.Options) error {
	if *f.table == "" {
		return nil
	}
	t, err := readCSTable(*f.table)
	if err != nil {
		return err
	}
	o.CS.Table = t
	return nil
}

// readCSTable reads a CS defaults table file.
func readCSTable(path string) (*recon.CSTable, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--cs-table %s: %w", path, err)
	}
	defer fh.Close()
	t, err := recon.ParseCSTable(fh)
	if err != nil {
		return nil, fmt.Errorf("--cs-table %s: %w", path, err)
	}
	return t, nil
}

// warnNoTerm warns when --reg has temporal regularisers and the data have one frame: CS
// ignores them, and when every term is temporal its output is the CG-SENSE start it begins
// from.
func warnNoTerm(e *env, o recon.Options, nt int) {
	regs := o.CS.Regularizers
	if o.Method != recon.MethodCS || nt != 1 || len(regs) == 0 {
		return
	}
	var ignored []recon.Regularizer
	for _, r := range regs {
		switch r.Kind {
		case recon.RegTTV, recon.RegTFFT, recon.RegLLR, recon.RegLPlus, recon.RegSPlus:
			ignored = append(ignored, r)
		}
	}
	switch len(ignored) {
	case 0:
	case len(regs):
		e.log.Warn("every --reg term is temporal and the data have one frame, so CS "+
			"ignored them: the output is its CG-SENSE start",
			"reg", recon.FormatRegularizers(regs))
	default:
		e.log.Warn("the data have one frame, so CS ignored the temporal --reg terms",
			"ignored", recon.FormatRegularizers(ignored))
	}
}

// methodFlags are the flags that only some methods read.
var methodFlags = map[string]recon.Method{
	"reg": recon.MethodCS, "cs-solver": recon.MethodCS, "cs-table": recon.MethodCS,
	"noise-floor": recon.MethodCS, "warm-start": recon.MethodCS,
	"lambda-scaling": recon.MethodCS,
	"solver":         recon.MethodSENSE, "lambda": recon.MethodSENSE,
}

// checkSolverFlags refuses iteration settings that no method can use and warns of flags
// given on the command line that the chosen method does not read, and of the per-column
// CG-SENSE solver without a Tikhonov weight, which converges to the noisy unregularised
// least-squares image within ny iterations (--solver lines runs bart pics' iteration).
func checkSolverFlags(e *env, fs *flag.FlagSet, m recon.Method, o recon.Options) error {
	switch {
	case !(o.Lambda >= 0) || math.IsInf(o.Lambda, 0):
		return fmt.Errorf("--lambda %v: want a finite number at least 0", o.Lambda)
	case o.Iterations < 0:
		return fmt.Errorf("--iters %d: want 0 (the default) or more", o.Iterations)
	case !(o.Tolerance >= 0) || math.IsInf(o.Tolerance, 0):
		return fmt.Errorf("--tol %v: want a finite number at least 0", o.Tolerance)
	}

	fs.Visit(func(f *flag.Flag) {
		if want, ok := methodFlags[f.Name]; ok && want != m {
			e.log.Warn("flag not used by this method", "flag", "--"+f.Name, "method", m,
				"used_by", want)
		}
		if m == recon.MethodZeroFilled && (f.Name == "iters" || f.Name == "tol") {
			e.log.Warn("flag not used by this method", "flag", "--"+f.Name, "method", m,
				"used_by", "sense, cs")
		}
	})
	if m == recon.MethodCS {
		if err := recon.CheckCSOptions(o.CS); err != nil {
			return fmt.Errorf("--method cs: %s", strings.TrimPrefix(err.Error(), "recon: "))
		}
	}
	if m == recon.MethodSENSE && o.Solver == recon.SolverColumns && o.Lambda == 0 {
		e.log.Warn("--solver columns with --lambda 0 converges to the unregularised " +
			"least-squares image, which is noisy; --solver lines gives bart pics' iteration")
	}
	return nil
}
