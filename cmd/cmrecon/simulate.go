package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/phantom"
)

func runSimulate(e *env, args []string) error {
	fs := newFlags(e, "simulate", "(--input FULLY_SAMPLED_DIR | --phantom N "+
		"[--phantom-size NXxNYxNCxNZxNT]) --output DIR "+
		"[--task TaskR1] [--set ValidationSet|TestSet] [--scenarios all|LIST] [--per-file K] "+
		"[--seed S] [--gt-mode ranking|full]")
	input := fs.String("input", "", "training tree with fully sampled files "+
		"(.../FullSample/<Center>/<Vendor>/P###/<name>.mat)")
	output := fs.String("output", "", "folder for the simulated tree: UnderSample_<Task>, "+
		"Mask_<Task> and FullSample_<Task> (ground truth)")
	task := fs.String("task", "TaskR1", "task folders to write: TaskR1, TaskR2, TaskS1, TaskS2")
	set := fs.String("set", "ValidationSet", "set folder to write: ValidationSet or TestSet")
	scen := fs.String("scenarios", "all", "comma-separated scenarios such as Uniform8,"+
		"ktRadial16, or all (the 2025 nine)")
	perFile := fs.Int("per-file", 1, "scenarios (kus files) per fully sampled file")
	seed := fs.Uint64("seed", 1, "seed of the ktGaussian masks")
	gtMode := fs.String("gt-mode", "ranking", "ground truth shape: ranking (img4ranking crop) "+
		"or full")
	patients := fs.Int("phantom", 0, "instead of --input, start from N patients of built-in "+
		"phantom data (a cine and a T1-mapping series each), written to OUTPUT/Phantom")
	size := fs.String("phantom-size", "256x108x10x1x12", "phantom dims NXxNYxNCxNZxNT "+
		"(the T1-mapping series has 9 frames whatever NT)")
	if _, err := parse(fs, args, 0); err != nil {
		return err
	}

	bad := func(flag string, err error) error {
		fmt.Fprintf(e.stderr, "cmrecon simulate: --%s: %v\n", flag, err)
		return errUsage
	}
	if *output == "" || (*input == "") == (*patients == 0) {
		fmt.Fprintln(e.stderr, "cmrecon simulate: --output and one of --input or --phantom "+
			"are required")
		return errUsage
	}
	opts := challenge.SimulateOptions{Task: *task, Set: *set, PerFile: *perFile, Seed: *seed,
		GroundTruth: challenge.OutputMode(*gtMode), Threads: runtime.NumCPU()}
	var err error
	if opts.Scenarios, err = parseScenarios(*scen); err != nil {
		return bad("scenarios", err)
	}
	if *perFile < 1 {
		return bad("per-file", fmt.Errorf("%d: want at least 1", *perFile))
	}
	if err := opts.Check(); err != nil {
		fmt.Fprintf(e.stderr, "cmrecon simulate: %v\n", err)
		return errUsage
	}
	var po phantom.Options
	if *patients != 0 {
		if po, err = parsePhantomSize(*size); err != nil {
			return bad("phantom-size", err)
		}
		if *patients < 0 {
			return bad("phantom", fmt.Errorf("%d: want at least 1", *patients))
		}
	}
	entries, err := os.ReadDir(*output)
	existed := err == nil
	if len(entries) > 0 {
		fmt.Fprintf(e.stderr, "cmrecon simulate: --output %s is not empty; simulate writes "+
			"a new tree into a new or empty folder\n", *output)
		return errUsage
	}

	files, err := simulate(e, *input, *output, *patients, po, opts)
	if err != nil {
		removeMade(*output, existed)
		return err
	}
	for _, f := range files {
		rel, err := filepath.Rel(*output, f.KSpace)
		if err != nil {
			rel = f.KSpace
		}
		fmt.Fprintf(e.stdout, "%-12s effective R %5.2f  %s\n", f.Scenario, f.EffectiveR, rel)
	}
	e.log.Info("simulated", "files", len(files), "output", *output)
	return nil
}

// simulate writes the phantom training set when patients > 0 and simulates the tree into
// output, which was empty or absent.
func simulate(e *env, input, output string, patients int, po phantom.Options,
	opts challenge.SimulateOptions) ([]challenge.SimulatedFile, error) {
	src := input
	if patients > 0 {
		src = filepath.Join(output, "Phantom")
		if _, err := challenge.WritePhantomSet(src, patients, po); err != nil {
			return nil, err
		}
		e.log.Info("phantom training set written", "folder", src, "patients", patients)
	}
	return challenge.Simulate(src, output, opts)
}

// removeMade removes what a failed simulate made in dir: dir itself when it did not exist
// before, otherwise everything in it (it was empty).
func removeMade(dir string, existed bool) {
	if !existed {
		os.RemoveAll(dir)
		return
	}
	entries, _ := os.ReadDir(dir)
	for _, d := range entries {
		os.RemoveAll(filepath.Join(dir, d.Name()))
	}
}

// parseScenarios parses "all" or a comma-separated list such as "Uniform8,ktRadial16".
func parseScenarios(s string) ([]challenge.Scenario, error) {
	if s == "all" || s == "" {
		return challenge.Scenarios2025(), nil
	}
	var out []challenge.Scenario
	for p := range strings.SplitSeq(s, ",") {
		f, err := challenge.ParseFileName("x_mask_" + strings.TrimSpace(p) + ".mat")
		if err != nil {
			return nil, fmt.Errorf("%q is not a scenario such as Uniform8 or ktRadial16", p)
		}
		out = append(out, f.Scenario)
	}
	return out, nil
}

// parsePhantomSize parses NXxNYxNCxNZxNT into phantom options.
func parsePhantomSize(s string) (phantom.Options, error) {
	parts := strings.Split(s, "x")
	if len(parts) != 5 {
		return phantom.Options{}, fmt.Errorf("%q: want NXxNYxNCxNZxNT, e.g. 64x48x4x3x4", s)
	}
	var v [5]int
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return phantom.Options{}, fmt.Errorf("%q: %q is not a positive integer", s, p)
		}
		v[i] = n
	}
	o := phantom.DefaultOptions()
	o.NX, o.NY, o.NC, o.NZ, o.NT = v[0], v[1], v[2], v[3], v[4]
	return o, o.Validate()
}
