package challenge

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/recon"
)

// RunOptions configures Run.
type RunOptions struct {
	// Input is the challenge tree to read (see FindTreeFiles); it is only read.
	Input string

	// Output is the folder that receives the submission tree, the run report and the lock.
	// It must not be inside Input, nor Input inside it.
	Output string

	// Task restricts the run to one task, e.g. "TaskR1"; "" runs every task found.
	Task string

	// Mode selects ranking or full-size output; "" means OutputRanking.
	Mode OutputMode

	// Layout names the dims of the k-space files; the zero value is DefaultLayout.
	Layout Layout

	// Recon configures each reconstruction; its Threads field is replaced (see Threads).
	Recon recon.Options

	// Threads bounds the goroutines of the whole run (values below 1: GOMAXPROCS, which is
	// the CPUs the process may use, within a container's CPU limit too). Each of
	// the Jobs files reconstructed at once gets Threads/Jobs of them, at least one.
	Threads int

	// Jobs is the number of files reconstructed at once; values below 1 mean Threads.
	Jobs int

	// MaxMemory bounds the estimated memory of the files being reconstructed at once, in
	// bytes (see RunFile.EstimatedBytes); a file whose estimate alone exceeds it runs alone.
	// It also bounds the size of any array read. 0 means DefaultMemoryBudget().
	MaxMemory int64

	// Shard selects the part of the files this run does; the zero Shard does them all.
	Shard Shard

	// Progress, when not nil, receives an event when a file starts and when it ends. It is
	// called from several goroutines, one call at a time.
	Progress func(RunEvent)

	// Settings describes the reconstruction settings, in a form that is equal exactly when
	// the settings are. Run records it in its report and refuses an output folder that an
	// earlier run (of any shard) made with other settings, since skipping its complete
	// outputs would mix two reconstructions in one submission; an unsharded run takes over
	// a folder that holds no output (no .mat file), as when every file of the earlier run
	// failed. "" means the settings Run
	// knows of: method, output mode, layout and the CG-SENSE parameters; callers that set
	// more (such as CS regularisers) describe them here.
	Settings string
}

// FileStatus is the outcome of one file of a run.
type FileStatus string

// The outcomes of a file.
const (
	StatusDone    FileStatus = "done"    // reconstructed and written
	StatusSkipped FileStatus = "skipped" // a complete output was already there
	StatusFailed  FileStatus = "failed"  // an error; no output was written
	StatusNotRun  FileStatus = "not run" // the run was interrupted first
)

// RunFile is the record of one file in a RunReport.
type RunFile struct {
	Input      string     `json:"input"`
	Output     string     `json:"output"`
	Mask       string     `json:"mask,omitempty"`
	MaskSource MaskSource `json:"mask_source,omitempty"`

	// MaskEmpty is the fraction of the mask's samples at which the k-space is zero in every
	// coil and slice (FileReport.MaskEmpty): large when the mask is not the data's.
	MaskEmpty  float64    `json:"mask_empty,omitempty"`
	Status     FileStatus `json:"status"`
	Error      string     `json:"error,omitempty"`
	KSpaceDims []int      `json:"kspace_dims,omitempty"`
	OutputDims []int      `json:"output_dims,omitempty"`

	// Seconds is the wall time of reading, reconstructing and writing the file. For a
	// skipped file, this and the memory figures are those of the earlier run that made the
	// output, when its report was there to tell; otherwise they are 0.
	Seconds float64 `json:"seconds"`

	// CSNoise and CSLambdaFactor are, for MethodCS with noise scaling, each slice's noise
	// level relative to its scale and the factor its lambdas were multiplied by
	// (recon.Progress.Noise and LambdaFactor).
	CSNoise        []float64 `json:"cs_noise,omitempty"`
	CSLambdaFactor []float64 `json:"cs_lambda_factor,omitempty"`

	// CSRegularizers is, for MethodCS, the regulariser list the file was solved with, as
	// recon.ParseRegularizers reads it, before the noise scaling (recon.Progress.Regularizers:
	// the table's row for the file's modality and mask, or the list given).
	CSRegularizers string `json:"cs_regularizers,omitempty"`

	// EstimatedBytes is the memory the run reserved for the file (see EstimateFileMemory).
	EstimatedBytes int64 `json:"estimated_bytes,omitempty"`

	// PeakHeapBytes is the largest Go heap (live and not yet swept objects) seen while the
	// file was being reconstructed, sampled every 10 ms and at the end. It is the process's
	// heap, so with several files at once it includes theirs.
	PeakHeapBytes uint64 `json:"peak_heap_bytes,omitempty"`

	size int64 // the input's size, the unit of work of the ETA
}

// RunReport records a run: its settings and one RunFile per file of its shard, in the
// order of FindTreeFiles.
type RunReport struct {
	Input     string       `json:"input"`
	Output    string       `json:"output"`
	Task      string       `json:"task,omitempty"`
	Method    recon.Method `json:"method"`
	Mode      OutputMode   `json:"output_mode"`
	Shard     string       `json:"shard,omitempty"`
	Threads   int          `json:"threads"`
	Jobs      int          `json:"jobs"`
	MaxMemory int64        `json:"max_memory"`
	Settings  string       `json:"settings,omitempty"`
	Started   time.Time    `json:"started"`
	Seconds   float64      `json:"seconds"`

	// TreeFiles counts the files of the whole tree, Files those of this shard.
	TreeFiles int       `json:"tree_files"`
	Files     []RunFile `json:"files"`

	Done    int `json:"done"`
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
	NotRun  int `json:"not_run"`

	// PeakRSSBytes is the process's peak resident memory at the end of the run (VmHWM of
	// Linux), 0 where unknown.
	PeakRSSBytes int64 `json:"peak_rss_bytes"`

	// Interrupted reports a run stopped by its context before every file was done.
	Interrupted bool `json:"interrupted"`
}

// RunEvent reports progress of a run.
type RunEvent struct {
	// Finished is false when File starts and true when it ends (File.Status is set).
	Finished bool

	// File is the file concerned.
	File RunFile

	// Done counts the files of the shard finished so far, skipped and failed ones included,
	// out of Total.
	Done, Total int

	// Elapsed is the time since the run started; ETA estimates the time left, from the
	// input bytes still to do at the rate of those done (0 until a file is done).
	Elapsed, ETA time.Duration
}

// ErrLocked reports an output tree in use by another run.
var ErrLocked = errors.New("output tree is locked by another run")

// ErrFilesFailed reports a run in which some files failed; the report has the details.
var ErrFilesFailed = errors.New("files failed")

// runLock holds the lock files of a run.
type runLock struct {
	files  []*os.File
	remove []string
}

const treeLockName = ".cmrecon-run.lock"

func shardLockName(s Shard) string {
	if s.Count == 0 {
		return treeLockName
	}
	return ".cmrecon-run" + s.fileTag() + ".lock"
}

func lockPath(dir, name string) string { return filepath.Join(dir, name) }

// ReportName returns the base name, without extension, of the report files a run of shard
// s writes into its output folder: "cmrecon-run" or "cmrecon-run-shard-k-of-n".
func ReportName(s Shard) string { return "cmrecon-run" + s.fileTag() }

// Run reconstructs every undersampled k-space file of a challenge tree (or of one shard of
// it) and writes each submission at its Rel path below opts.Output, through ReconstructFile,
// so every output appears complete or not at all.
//
// A run is resumable: a file whose output already passes CheckOutput is skipped, and
// temporary files left by a killed run are removed before its file is redone. A lock in the
// output folder keeps two runs of the same shard (or an unsharded run and any other) off one
// tree at once; the second fails with an error wrapping ErrLocked.
//
// Files are reconstructed opts.Jobs at a time, within opts.MaxMemory. A file that fails is
// recorded and the run goes on. When ctx is cancelled, no new file starts; the files being
// reconstructed are finished and the others recorded as not run.
//
// At the end the report is written into opts.Output as <ReportName>.json and
// <ReportName>.txt (a table). Run returns the report with an error wrapping ErrFilesFailed
// when files failed, or ctx's error when interrupted. An error before any file was tried
// (bad options, no files, a lock held) returns a nil report.
func Run(ctx context.Context, opts RunOptions) (*RunReport, error) {
	files, err := FindTreeFiles(opts.Input, opts.Task)
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("challenge: %s: no undersampled k-space files "+
			"(<name>_kus_<Pattern><R>.mat in UnderSample_<Task> folders)", opts.Input)
	}
	if err := checkRunFolders(opts.Input, opts.Output); err != nil {
		return nil, err
	}
	switch opts.Mode {
	case "", OutputRanking, OutputFull:
	default:
		return nil, fmt.Errorf("challenge: output mode %q: want %q or %q", opts.Mode,
			OutputRanking, OutputFull)
	}

	rep := newRunReport(opts, len(files))
	if err := os.MkdirAll(opts.Output, 0o755); err != nil {
		return nil, fmt.Errorf("challenge: output tree: %w", err)
	}
	lock, err := lockOutput(opts.Output, opts.Shard)
	if err != nil {
		return nil, err
	}
	defer lock.release()
	// An unsharded run holds the folder alone; when the earlier runs left no output (every
	// file failed, or the runs were stopped before one was done) their settings bind
	// nothing, and it takes the folder over.
	takeOver := opts.Shard.Count == 0 && !holdsOutputs(opts.Output)
	if err := checkSettings(opts.Output, rep.Settings, takeOver); err != nil {
		return nil, err
	}
	if err := claimSettings(opts.Output, rep.Settings, takeOver); err != nil {
		return nil, err
	}

	todo := rep.plan(opts, opts.Shard.Select(files), previousRun(opts.Output, opts.Shard))
	s := newScheduler(opts, rep)
	s.run(ctx, todo)

	rep.finish(ctx)
	if err := rep.Save(opts.Output); err != nil {
		return rep, err
	}
	switch {
	case rep.Interrupted:
		return rep, fmt.Errorf("challenge: run interrupted after %d of %d files: %w",
			rep.Done+rep.Skipped+rep.Failed, len(rep.Files), ctx.Err())
	case rep.Failed > 0:
		return rep, fmt.Errorf("challenge: %d of %d %w (see %s.json)", rep.Failed,
			len(rep.Files), ErrFilesFailed, filepath.Join(opts.Output, ReportName(opts.Shard)))
	}
	return rep, nil
}

// checkRunFolders refuses an output folder that overlaps the input, where outputs would be
// taken for inputs or overwrite them.
func checkRunFolders(in, out string) error {
	if out == "" {
		return errors.New("challenge: no output folder given")
	}
	ai, err := filepath.Abs(in)
	if err != nil {
		return fmt.Errorf("challenge: %s: %w", in, err)
	}
	ao, err := filepath.Abs(out)
	if err != nil {
		return fmt.Errorf("challenge: %s: %w", out, err)
	}
	if within(ao, ai) || within(ai, ao) {
		return fmt.Errorf("challenge: output %s and input %s overlap; use separate folders",
			out, in)
	}
	return nil
}

// within reports whether path a is b or inside b; both are absolute and clean.
func within(a, b string) bool {
	rel, err := filepath.Rel(b, a)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

func newRunReport(opts RunOptions, treeFiles int) *RunReport {
	threads, jobs := runThreads(opts)
	method := opts.Recon.Method
	if method == "" {
		method = recon.MethodZeroFilled
	}
	mode := opts.Mode
	if mode == "" {
		mode = OutputRanking
	}
	maxMem := opts.MaxMemory
	if maxMem <= 0 {
		maxMem = DefaultMemoryBudget()
	}
	return &RunReport{
		Input: opts.Input, Output: opts.Output, Task: opts.Task, Method: method, Mode: mode,
		Settings: runSettings(opts), Shard: opts.Shard.String(), Threads: threads, Jobs: jobs,
		MaxMemory: maxMem, Started: time.Now().UTC(), TreeFiles: treeFiles,
	}
}

// runSettings returns opts.Settings, or when it is empty the settings Run knows of.
func runSettings(opts RunOptions) string {
	if opts.Settings != "" {
		return opts.Settings
	}
	method, mode := opts.Recon.Method, opts.Mode
	if method == "" {
		method = recon.MethodZeroFilled
	}
	if mode == "" {
		mode = OutputRanking
	}
	s := fmt.Sprintf("method=%s output-mode=%s layout=%s", method, mode, opts.Layout)
	r := opts.Recon
	switch method {
	case recon.MethodSENSE:
		iters := r.Iterations
		if iters == 0 {
			iters = recon.DefaultIterations
		}
		s += fmt.Sprintf(" solver=%s lambda=%g iters=%d tol=%g", r.Solver, r.Lambda, iters,
			r.Tolerance)
	case recon.MethodCS:
		c := r.CS
		regs := "table"
		if c.Regularizers != nil {
			regs = recon.FormatRegularizers(c.Regularizers)
		}
		// The table is recorded by its content, the built-in one too: a folder made with
		// another version of the built-in table must not take outputs of this one.
		tab, prefix := c.Table, ""
		if tab == nil {
			tab, prefix = recon.DefaultCSTable(), "built-in-"
		}
		var b strings.Builder
		tab.WriteTo(&b)
		table := fmt.Sprintf("%s%016x", prefix, fnv64(b.String()))
		scaling := c.LambdaScaling
		if scaling == "" {
			scaling = recon.LambdaNoise
		}
		floor := c.NoiseFloor
		if floor == recon.NoiseFloorAuto {
			floor = "auto"
		}
		warm := c.WarmStart
		if warm == 0 {
			warm = recon.DefaultWarmStart
		}
		iters := max(r.Iterations, c.Solve.Iterations)
		if iters == 0 {
			iters = recon.DefaultCSIterations
		}
		s += fmt.Sprintf(" regs=%s table=%s cs-solver=%s iters=%d tol=%g step=%g rho=%g "+
			"inner=%d warm-start=%d noise-floor=%s lambda-scaling=%s seed=%d", regs, table,
			c.Solver, iters, max(r.Tolerance, c.Solve.Tolerance),
			c.Solve.Step, c.Solve.Rho, c.Solve.InnerIterations, warm, floor, scaling, c.Seed)
	}
	return s
}

// fnv64 is the 64-bit FNV-1a hash of s.
func fnv64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// SettingsName is the file in which the first run on an output folder records its
// settings (RunOptions.Settings), so that later runs, shards included, can check theirs.
const SettingsName = "cmrecon-settings.txt"

// claimSettings records want as the settings of the output folder out, or checks them
// against the ones recorded there (with takeOver, replaces those). The file is written
// under a temporary name and linked into place, which fails if it exists, so two runs that
// start at once cannot both claim the folder with different settings.
func claimSettings(out, want string, takeOver bool) error {
	path := filepath.Join(out, SettingsName)
	tmp, err := os.CreateTemp(out, "."+SettingsName+".tmp*")
	if err != nil {
		return fmt.Errorf("challenge: %s: %w", out, err)
	}
	_, werr := tmp.WriteString(want + "\n")
	if werr == nil {
		werr = tmp.Chmod(0o644) // CreateTemp makes the file private
	}
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	defer os.Remove(tmp.Name())
	if werr != nil {
		return fmt.Errorf("challenge: %s: %w", path, werr)
	}
	if err := os.Link(tmp.Name(), path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("challenge: %s: %w", path, err)
	}

	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("challenge: %s: %w", path, err)
	}
	have := strings.TrimSpace(string(b))
	switch {
	case have == want:
		return nil
	case takeOver:
		if err := os.Rename(tmp.Name(), path); err != nil {
			return fmt.Errorf("challenge: %s: %w", path, err)
		}
		return nil
	}
	return fmt.Errorf("challenge: %s holds outputs made with other settings (%s); this run "+
		"has %s: use another output folder", out, have, want)
}

// checkSettings refuses an output folder holding a run report (of any shard) whose
// settings differ from want, unless takeOver. Reports without settings, from older
// versions, are accepted.
func checkSettings(out, want string, takeOver bool) error {
	if takeOver {
		return nil
	}
	reports, _ := filepath.Glob(filepath.Join(out, ReportName(Shard{})+"*.json"))
	for _, p := range reports {
		rep, err := ReadRunReport(p)
		if err != nil || rep.Settings == "" || rep.Settings == want {
			continue
		}
		return fmt.Errorf("challenge: %s holds outputs made with other settings (%s); this "+
			"run has %s: use another output folder", out, rep.Settings, want)
	}
	return nil
}

// holdsOutputs reports whether the folder out holds a .mat file (an output of a run; the
// temporary files of unfinished writes have other suffixes) anywhere below it, or cannot be
// read.
func holdsOutputs(out string) bool {
	found := false
	err := filepath.WalkDir(out, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".mat") {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found || err != nil
}

// runThreads returns the run's goroutine bound and the number of files at once.
func runThreads(opts RunOptions) (threads, jobs int) {
	threads = opts.Threads
	if threads < 1 {
		threads = runtime.GOMAXPROCS(0)
	}
	jobs = opts.Jobs
	if jobs < 1 {
		jobs = threads
	}
	return threads, jobs
}

// job is a file to reconstruct.
type job struct {
	idx  int // index into RunReport.Files
	file TreeFile
	est  int64
}

// previousRun returns the files of the report a previous run of the shard left in the
// output folder, by output path; nil when there is none.
func previousRun(out string, s Shard) map[string]RunFile {
	rep, err := ReadRunReport(filepath.Join(out, ReportName(s)+".json"))
	if err != nil {
		return nil
	}
	m := map[string]RunFile{}
	for _, f := range rep.Files {
		m[f.Output] = f
	}
	return m
}

// plan records every file of the shard and returns those still to do. A file skipped
// because its output is complete keeps the figures (time, memory, mask, CS regularisers and
// noise) of the previous run that made it, when that run's report has them.
func (r *RunReport) plan(opts RunOptions, files []TreeFile, prev map[string]RunFile) []job {
	var todo []job
	for _, f := range files {
		rf := RunFile{Input: f.KSpace, Output: filepath.Join(opts.Output, f.Rel), Mask: f.Mask,
			Status: StatusNotRun, size: f.Size}
		dims, err := KSpaceDims(f.KSpace, opts.Layout)
		if err == nil {
			rf.KSpaceDims = dims[:]
			rf.OutputDims, err = OutputDims(filepath.Base(f.KSpace), dims, opts.Mode)
		}
		if err != nil {
			rf.Status, rf.Error = StatusFailed, err.Error()
			r.Files = append(r.Files, rf)
			continue
		}

		if CheckOutput(rf.Output, rf.OutputDims) == nil {
			if p, ok := prev[rf.Output]; ok && (p.Status == StatusDone ||
				p.Status == StatusSkipped) {
				rf.Mask, rf.MaskSource, rf.Seconds = p.Mask, p.MaskSource, p.Seconds
				rf.EstimatedBytes, rf.PeakHeapBytes = p.EstimatedBytes, p.PeakHeapBytes
				rf.CSNoise, rf.CSLambdaFactor = p.CSNoise, p.CSLambdaFactor
				rf.CSRegularizers = p.CSRegularizers
			}
			rf.Status = StatusSkipped
			r.Files = append(r.Files, rf)
			continue
		}
		removeTemps(rf.Output)

		ro := opts.Recon
		ro.Method = r.Method
		rf.EstimatedBytes = EstimateFileMemory(f.KSpace, dims, ro, max(1, r.Threads/r.Jobs))
		todo = append(todo, job{idx: len(r.Files), file: f, est: rf.EstimatedBytes})
		r.Files = append(r.Files, rf)
	}
	return todo
}

// removeTemps removes the temporary files that an interrupted write of out left in its
// folder: package mat writes "."+name+".tmp*" (and ".h5.tmp*" for v7.3) and renames them.
func removeTemps(out string) {
	dir, base := filepath.Split(out)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "."+base+".") && strings.Contains(n, ".tmp") {
			os.Remove(filepath.Join(dir, n))
		}
	}
}

// EstimateMemory returns the memory, in bytes, that reconstructing k-space of dims
// (nx, ny, nc, nz, nt) takes with the given method and goroutines: the complex64 k-space
// and its reading buffers, the magnitude image and its copies, per-goroutine plane scratch,
// and for SENSE and CS the coil maps, the complex image and the CG vectors, plus for CS
// the solver's vectors of one slice.
//
// TODO: the coefficients are a model, not a measurement of every code path; ESPIRiT on a
// large calibration region may exceed it. Checked against the peak heap that
// "cmrecon run --jobs 1 --threads 2" reports on simulated phantom trees (--phantom-size
// 256x108x10x1x12 and 160x128x8x3x6, Uniform8 and ktRadial8): peak over estimate 0.43 for
// zf, 0.55 to 0.83 for sense, 0.56 to 0.75 for cs.
func EstimateMemory(dims [5]int, method recon.Method, threads int) int64 {
	nx, ny, nc, nz, nt := int64(dims[0]), int64(dims[1]), int64(dims[2]), int64(dims[3]),
		int64(dims[4])
	plane := nx * ny
	k := 8 * plane * nc * nz * nt
	img := 4 * plane * nz * nt
	est := 2*k + 3*img + int64(threads)*16*plane*nc
	if method == recon.MethodSENSE || method == recon.MethodCS {
		maps := 8 * plane * nc * nz
		est += 2*maps + 2*2*img + int64(threads)*6*8*plane*nc
	}
	if method == recon.MethodCS {
		// One slice at a time: A^H y, the solver's iterates and the ADMM splits of two
		// regularisers, about 16 complex vectors of the slice's frames.
		est += 16 * 8 * plane * nt
	}
	return est + 16<<20
}

// EstimateFileMemory is EstimateMemory for the challenge k-space file at path, to be
// reconstructed with opts on threads goroutines. For MethodCS, whose memory depends on the
// regularisers as much as on the dims (TGV holds about three times the vectors of the
// table's rows), it is recon.PlanReconstruction's total plus the k-space once more for
// the reading buffers and 16 MiB, planned with the regularisers opts.CS gives or the
// table's row for the file's modality (from its name, unless opts.CS.Modality says) and
// for the mask GenerateMask builds for the scenario in the name. It is EstimateMemory for
// the other methods, for a name without a scenario GenerateMask can build (the 2024
// ktUniform), and when the plan fails (the reconstruction would then fail too).
func EstimateFileMemory(path string, dims [5]int, opts recon.Options, threads int) int64 {
	method := opts.Method
	if method == "" {
		method = recon.MethodZeroFilled
	}
	est := EstimateMemory(dims, method, threads)
	if method != recon.MethodCS {
		return est
	}
	fn, err := ParseFileName(path)
	if err != nil || fn.Kind != KindKSpace {
		return est
	}
	m, err := GenerateMask(MaskSpec{Pattern: fn.Scenario.Pattern, NX: dims[0], NY: dims[1],
		NT: dims[4], R: fn.Scenario.R, Seed: 1})
	if err != nil {
		return est
	}

	ro := opts
	ro.Threads, ro.MaxMemory, ro.Plan = threads, 0, nil
	if ro.CS.Modality == "" {
		ro.CS.Modality, _ = ModalityFolder(fn.String())
	}
	d := recon.Dims{NX: dims[0], NY: dims[1], NC: dims[2], NZ: dims[3], NT: dims[4]}
	p, err := recon.PlanReconstruction(d, m, ro)
	if err != nil {
		return est
	}
	return p.TotalBytes + p.KSpaceBytes + 16<<20
}

// finish counts the outcomes and takes the final figures.
func (r *RunReport) finish(ctx context.Context) {
	r.Seconds = time.Since(r.Started).Seconds()
	r.Done, r.Skipped, r.Failed, r.NotRun = 0, 0, 0, 0
	for _, f := range r.Files {
		switch f.Status {
		case StatusDone:
			r.Done++
		case StatusSkipped:
			r.Skipped++
		case StatusFailed:
			r.Failed++
		default:
			r.NotRun++
		}
	}
	r.Interrupted = r.NotRun > 0 && ctx.Err() != nil
	r.PeakRSSBytes = peakRSS()
}

// peakRSS returns the process's peak resident set size from /proc/self/status, or 0.
func peakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		v, ok := strings.CutPrefix(line, "VmHWM:")
		if !ok {
			continue
		}
		var kb int64
		if _, err := fmt.Sscanf(strings.TrimSpace(v), "%d kB", &kb); err == nil {
			return kb << 10
		}
	}
	return 0
}

// reconstruct does one job and fills in its record.
func reconstruct(opts RunOptions, rf *RunFile, f TreeFile, threads int) {
	start := time.Now()
	defer func() {
		if p := recover(); p != nil {
			rf.Status = StatusFailed
			rf.Error = fmt.Sprintf("%s: internal error: %v", f.KSpace, p)
			removeTemps(rf.Output)
		}
		rf.Seconds = time.Since(start).Seconds()
	}()

	ro := opts.Recon
	ro.Threads = threads
	var mu sync.Mutex
	var noise, factors []float64
	var regs string
	progress := ro.Progress
	ro.Progress = func(p recon.Progress) {
		if p.Finished && p.Regularizers != nil {
			mu.Lock()
			regs = recon.FormatRegularizers(p.Regularizers)
			mu.Unlock()
		}
		if p.Finished && p.LambdaFactor > 0 {
			mu.Lock()
			for len(factors) <= p.Slice {
				noise, factors = append(noise, 0), append(factors, 0)
			}
			noise[p.Slice], factors[p.Slice] = p.Noise, p.LambdaFactor
			mu.Unlock()
		}
		if progress != nil {
			progress(p)
		}
	}
	maxBytes := opts.MaxMemory
	if maxBytes <= 0 {
		maxBytes = DefaultMemoryBudget()
	}
	fo := FileOptions{
		Mask:   f.Mask,
		Layout: opts.Layout,
		Output: opts.Mode,
		Recon:  ro,
		Read:   &mat.ReadOptions{Workers: threads, MaxBytes: maxBytes},
	}
	if err := os.MkdirAll(filepath.Dir(rf.Output), 0o755); err != nil {
		rf.Status, rf.Error = StatusFailed, err.Error()
		return
	}

	fr, err := ReconstructFile(f.KSpace, rf.Output, fo)
	if err != nil {
		rf.Status, rf.Error = StatusFailed, err.Error()
		return
	}
	rf.Status = StatusDone
	rf.CSNoise, rf.CSLambdaFactor, rf.CSRegularizers = noise, factors, regs
	rf.Mask, rf.MaskSource, rf.MaskEmpty = fr.Mask, fr.MaskSource, fr.MaskEmpty
	rf.OutputDims = fr.OutputDims
}
