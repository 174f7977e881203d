package main

import (
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// speedRun is one timed solve.
type speedRun struct {
	wall, cpu time.Duration
	ops       int // normal-operator applications (CG iterations for BART)
}

// speedTest times BART's pics (ADMM, l1 wavelet plus temporal TV, -i iters) and cmrecon's CS
// solve with the same regularisers and the same BART maps: with cmrecon's default solver
// settings and iteration count (-cs-iters if given), and again at BART's budget of operator
// applications, on one 12-frame 512x216 10-coil slice with one thread each, rounds times
// interleaved, and prints medians and ratios of wall and CPU time. Neither side includes
// ESPIRiT; BART's time includes its file I/O and start-up, measured alone with -i 0 and
// reported too.
func (c *config) speedTest(pattern string, r, rounds int, inner []int) error {
	runtime.GOMAXPROCS(1)
	o := phantom.DefaultOptions()
	o.NX, o.NY = 512, 216
	cine, err := phantom.New(o)
	if err != nil {
		return err
	}
	k := &cine.KSpace
	m, err := challenge.GenerateMask(challenge.MaskSpec{Pattern: challenge.Pattern(pattern),
		NX: o.NX, NY: o.NY, NT: o.NT, R: r, NCalib: 24, Seed: c.seed})
	if err != nil {
		return err
	}
	d := &dataset{name: "speed", k: k}
	dir := filepath.Join(c.out, "speed_"+pattern+strconv.Itoa(r))
	b, err := newBART(d, m, dir, 1, c.iters, 1)
	if err != nil {
		return err
	}
	sens, dims, err := mat.ReadCFL(filepath.Join(dir, "sens"))
	if err != nil {
		return err
	}
	if dims[0] != o.NX || dims[1] != o.NY || dims[3] != o.NC {
		return fmt.Errorf("bart sens dims %v", dims)
	}
	maps := &recon.CoilMaps{NX: o.NX, NY: o.NY, NC: o.NC, NZ: 1, Data: sens}
	log.Printf("speed: %s, %s R=%d (effective %.2f), BART -i %d, 1 thread, %d rounds",
		o.Dims(), pattern, r, challenge.EffectiveR(m), c.iters, rounds)

	const lw, lt = 0.005, 0.01
	bartArgs := []string{"pics", "-d5", "-S", "-i", strconv.Itoa(c.iters), "-R",
		"W:3:0:" + fmtLambda(lw), "-R", "T:1024:0:" + fmtLambda(lt), "ksp", "sens", "out"}
	regs := []recon.Regularizer{{Kind: recon.RegWavelet, Lambda: lw},
		{Kind: recon.RegTTV, Lambda: lt}}

	results := map[string][]speedRun{}
	var names []string
	add := func(name string, s speedRun) {
		if _, ok := results[name]; !ok {
			names = append(names, name)
		}
		results[name] = append(results[name], s)
	}
	for round := range rounds {
		s, err := timeBART(b, bartArgs)
		if err != nil {
			return err
		}
		add("bart pics ADMM -i "+strconv.Itoa(c.iters), s)
		idle := slices.Clone(bartArgs)
		idle[4] = "0"
		if s, err = timeBART(b, idle); err != nil {
			return err
		}
		add("bart pics -i 0 (start-up, I/O, scaling)", s)

		csIters := c.csIters
		if csIters == 0 {
			csIters = recon.DefaultCSIterations
		}
		for _, in := range inner {
			s, err := timeCS(k, m, maps, regs, recon.DefaultWarmStart, csIters, in)
			if err != nil {
				return err
			}
			add(fmt.Sprintf("cmrecon CS ADMM, %d iterations of %d CG step(s)", csIters, in), s)
		}

		// The same number of operator applications as BART's run: a 10-step start and as
		// many ADMM iterations of 2 CG steps as fit in what is left.
		const budgetWarm, budgetInner = 10, 2
		budget := results[names[0]][0].ops
		if it := (budget - budgetWarm - 2) / budgetInner; it > 0 {
			s, err := timeCS(k, m, maps, regs, budgetWarm, it, budgetInner)
			if err != nil {
				return err
			}
			add(fmt.Sprintf("cmrecon CS ADMM at BART's operator budget (%d-step start, "+
				"%d iterations of %d CG steps)", budgetWarm, it, budgetInner), s)
		}
		log.Printf("  round %d/%d done", round+1, rounds)
	}

	med := func(v []speedRun, f func(speedRun) time.Duration) time.Duration {
		t := make([]time.Duration, len(v))
		for i, s := range v {
			t[i] = f(s)
		}
		slices.Sort(t)
		return t[len(t)/2]
	}
	wall := func(s speedRun) time.Duration { return s.wall }
	cpu := func(s speedRun) time.Duration { return s.cpu }
	ref := results[names[0]]
	fmt.Printf("| solver (%s, %s R=%d, BART -i %d, 1 thread) | operator applications | "+
		"wall (median) | CPU (median) | BART wall / this | BART CPU / this |\n",
		o.Dims(), pattern, r, c.iters)
	fmt.Println("|---|---|---|---|---|---|")
	for _, n := range names {
		v := results[n]
		fmt.Printf("| %s | %d | %.2f s | %.2f s | %.2f | %.2f |\n", n, v[0].ops,
			med(v, wall).Seconds(), med(v, cpu).Seconds(),
			med(ref, wall).Seconds()/med(v, wall).Seconds(),
			med(ref, cpu).Seconds()/med(v, cpu).Seconds())
	}
	return nil
}

var cgIterRE = regexp.MustCompile(`(?m)^\s*\d+\s+(\d+)\s`)

// timeBART runs bart once with one thread and returns its wall and CPU time and, from the
// -d5 log, the CG iterations it ran plus one residual per ADMM iteration.
func timeBART(b *bart, args []string) (speedRun, error) {
	cmd := exec.Command(b.exe, args...)
	cmd.Dir = b.dir
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return speedRun{}, fmt.Errorf("bart %s: %v: %s", strings.Join(args, " "), err, out)
	}
	s := speedRun{wall: time.Since(start),
		cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	all := cgIterRE.FindAllStringSubmatch(string(out), -1)
	if len(all) > 0 {
		s.ops, _ = strconv.Atoi(all[len(all)-1][1])
		s.ops += len(all)
	}
	return s, nil
}

// timeCS runs cmrecon's CS solve in this process with one thread, with the lambdas as given
// (no noise scaling), as BART takes them.
func timeCS(k *recon.KSpace, m *recon.Mask, maps *recon.CoilMaps, regs []recon.Regularizer,
	warm, iters, inner int) (speedRun, error) {
	before := cpuTime()
	start := time.Now()
	_, err := recon.CS(k, m, maps, recon.CSOptions{Regularizers: regs, Solver: recon.CSADMM,
		Threads: 1, WarmStart: warm, LambdaScaling: recon.LambdaSignal,
		Solve: recon.SolverOptions{Iterations: iters, InnerIterations: inner}})
	if err != nil {
		return speedRun{}, err
	}
	// The warm start's CG computes one residual and then one product per step; ADMM forms
	// N x once and then one product per CG step.
	ops := warm + 1 + 1 + iters*inner
	return speedRun{wall: time.Since(start), cpu: cpuTime() - before, ops: ops}, nil
}

// cpuTime returns the user plus system CPU time of this process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
