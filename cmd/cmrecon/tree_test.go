package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/phantom"
)

// phantomSize is the phantom of the tree tests: 64x48, 4 coils, 3 slices, 4 frames, small
// enough for a whole tree to be simulated, reconstructed and scored in well under a second.
const phantomSize = "64x48x4x3x4"

// simulateTree runs "cmrecon simulate" on phantom data of the given patients and returns the
// simulated tree's folder: 2 files per patient (cine_sax and T1map), one scenario each.
func simulateTree(t *testing.T, patients int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "sim")
	code, _, errOut := cli(t, "simulate", "--phantom", strconv.Itoa(patients),
		"--phantom-size", phantomSize, "--output", dir, "--seed", "5")
	if code != 0 {
		t.Fatalf("simulate: exit %d: %s", code, errOut)
	}
	return dir
}

// listFiles returns the regular files below root, relative, sorted.
func listFiles(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if errorsIsNotExist(err) && p == root {
			return filepath.SkipAll
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func errorsIsNotExist(err error) bool { return err != nil && os.IsNotExist(err) }

// TestSimulateCommand checks what the command writes: for each fully sampled phantom file
// a kus file, its mask and the ground truth, in the validation layout, one stdout line per
// kus file with its scenario and effective R.
func TestSimulateCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "sim")
	code, stdout, errOut := cli(t, "simulate", "--phantom", "2", "--phantom-size",
		phantomSize, "--output", out, "--scenarios", "Uniform8,ktRadial16", "--per-file",
		"2", "--task", "TaskR2")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != 8 {
		t.Fatalf("%d lines, want 8 (2 patients x 2 files x 2 scenarios):\n%s", len(lines),
			stdout)
	}
	for _, l := range lines {
		f := strings.Fields(l)
		if len(f) != 5 || f[1] != "effective" {
			t.Fatalf("line %q", l)
		}
		kus := filepath.Join(out, f[4])
		mask, err := challenge.MaskPath(kus)
		if err != nil {
			t.Fatal(err)
		}
		m, err := challenge.ReadMask(mask, nil)
		if err != nil {
			t.Fatalf("mask of %s: %v", l, err)
		}
		if r := strconv.FormatFloat(challenge.EffectiveR(m), 'f', 2, 64); r != f[3] {
			t.Errorf("%s: effective R %s printed, mask has %s", f[4], f[3], r)
		}
		if !strings.Contains(f[4], "UnderSample_TaskR2") || !strings.Contains(f[4], "_kus_"+
			f[0]+".mat") {
			t.Errorf("kus path %s for scenario %s", f[4], f[0])
		}
	}

	gts, _ := filepath.Glob(filepath.Join(out, "TaskR2", "MultiCoil", "*", "ValidationSet",
		"FullSample_TaskR2", "*", "*", "*", "*.mat"))
	if len(gts) != 4 {
		t.Errorf("%d ground-truth files, want 4: %v", len(gts), gts)
	}
	if _, err := os.Stat(filepath.Join(out, "Phantom", "MultiCoil", "Cine", "TrainingSet",
		"FullSample")); err != nil {
		t.Errorf("phantom training set: %v", err)
	}
}

// TestSimulateBadInput: flag mistakes exit 2 with the flag named; a source that cannot be
// read exits 1 with one line naming it, and the output folder receives nothing.
func TestSimulateBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--phantom", "1"}, "--output"},
		{[]string{"--output", dir}, "--input or --phantom"},
		{[]string{"--phantom", "1", "--input", dir, "--output", dir}, "--input or --phantom"},
		{[]string{"--phantom", "1", "--output", dir, "--scenarios", "Spiral8"}, "--scenarios"},
		{[]string{"--phantom", "1", "--output", dir, "--phantom-size", "64x48"}, "--phantom-size"},
		{[]string{"--phantom", "1", "--output", dir, "--per-file", "0"}, "--per-file"},
		{[]string{"--phantom", "1", "--output", dir, "--set", "Bogus"}, "Bogus"},
	} {
		code, stdout, errOut := cli(t, append([]string{"simulate"}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) || stdout != "" {
			t.Errorf("simulate %v: exit %d, stderr %q; want 2 and %q", c.args, code, errOut,
				c.want)
		}
	}
	if got := listFiles(t, dir); len(got) != 0 {
		t.Errorf("flag mistakes wrote %v", got)
	}

	// A training tree with one truncated file among good ones.
	train := filepath.Join(t.TempDir(), "train")
	srcs, err := challenge.WritePhantomSet(train, 2, smallOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(srcs[2])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(srcs[2], b[:len(b)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "sim")
	code, stdout, errOut := cli(t, "simulate", "--input", train, "--output", out)
	msg := lastLine(errOut)
	if code != 1 || !strings.HasPrefix(msg, "cmrecon simulate: ") ||
		!strings.Contains(msg, srcs[2]) || stdout != "" {
		t.Errorf("truncated source: exit %d, last line %q, stdout %q", code, msg, stdout)
	}
	if got := listFiles(t, out); len(got) != 0 {
		t.Errorf("a failed simulation left %v", got)
	}

	code, _, errOut = cli(t, "simulate", "--input", t.TempDir(), "--output", out)
	if code != 1 || !strings.Contains(lastLine(errOut), "no fully sampled files") {
		t.Errorf("empty input: exit %d, %q", code, lastLine(errOut))
	}

	// A phantom too small for the calibration lines fails after the phantom files are
	// written: they must go too.
	code, _, _ = cli(t, "simulate", "--phantom", "1", "--phantom-size", "8x8x1x1x1",
		"--output", out)
	if _, err := os.Stat(out); code != 1 || !os.IsNotExist(err) {
		t.Errorf("phantom too small: exit %d, output folder left: %v", code, err)
	}

	// A folder that already holds something is refused before anything is written.
	used := t.TempDir()
	keep := filepath.Join(used, "notes.txt")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errOut = cli(t, "simulate", "--phantom", "1", "--output", used)
	if got := listFiles(t, used); code != 2 || !strings.Contains(errOut, "not empty") ||
		len(got) != 1 {
		t.Errorf("non-empty output: exit %d, stderr %q, files %v", code, errOut, got)
	}
}

// scoreJSON is the part of "score --json" the tests read.
type scoreJSON struct {
	Tasks []struct {
		Task     string
		Expected map[string]int
		Summary  struct {
			Groups []struct {
				Group           string
				Expected, Valid int
				SSIM            *float64 `json:"ssim_adj"`
			}
			SSIM, PSNR, NMSE *float64
			Files            int
			ValidFiles       int `json:"valid_files"`
		}
		Files []struct {
			Center, Vendor, File, Scenario, Comment string
			Valid                                   bool
			SSIM                                    *float64
		}
	}
}

func scoreTree(t *testing.T, args ...string) scoreJSON {
	t.Helper()
	code, stdout, errOut := cli(t, append([]string{"score", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("score: exit %d: %s", code, errOut)
	}
	var r scoreJSON
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("score --json: %v\n%s", err, stdout)
	}
	return r
}

// TestScoreCommand scores a zero-filled run of a simulated tree in every output format and
// checks the official aggregation on the numbers the JSON itself reports: each group's SSIM
// is the sum of its files' SSIM over N_g, the task's the mean over groups.
func TestScoreCommand(t *testing.T) {
	sim := simulateTree(t, 3)
	out := filepath.Join(t.TempDir(), "zf")
	if code, _, errOut := cli(t, "run", "--input", sim, "--output", out, "--method", "zf",
		"--threads", "2"); code != 0 {
		t.Fatalf("run: %s", errOut)
	}
	// Take one submission away: its group is penalised.
	subs := listFiles(t, filepath.Join(out, "TaskR1"))
	gone := filepath.Join(out, "TaskR1", subs[0])
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}

	plot := filepath.Join(t.TempDir(), "ssim.png")
	r := scoreTree(t, "--gt", sim, "--submission", out, "--plot", plot)
	if len(r.Tasks) != 1 {
		t.Fatalf("tasks %+v", r.Tasks)
	}
	ts := r.Tasks[0]
	if ts.Summary.Files != 6 || ts.Summary.ValidFiles != 5 {
		t.Errorf("%d files, %d valid; want 6 and 5", ts.Summary.Files, ts.Summary.ValidFiles)
	}
	sums := map[string]float64{}
	for _, f := range ts.Files {
		if f.Valid {
			sums[f.Center+"_"+f.Vendor] += *f.SSIM
		} else if f.Comment != "missing" {
			t.Errorf("file %s: comment %q", f.File, f.Comment)
		}
	}
	mean := 0.0
	for _, g := range ts.Summary.Groups {
		want := sums[g.Group] / float64(ts.Expected[g.Group])
		if math.Abs(*g.SSIM-want) > 1e-12 {
			t.Errorf("group %s SSIM %v, want %v", g.Group, *g.SSIM, want)
		}
		mean += want / float64(len(ts.Summary.Groups))
	}
	if len(ts.Summary.Groups) != 2 || math.Abs(*ts.Summary.SSIM-mean) > 1e-12 {
		t.Errorf("task SSIM %v over %d groups, want %v over 2", *ts.Summary.SSIM,
			len(ts.Summary.Groups), mean)
	}

	f, err := os.Open(plot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := png.Decode(f); err != nil {
		t.Errorf("plot: %v", err)
	}

	code, md, _ := cli(t, "score", "--gt", sim, "--submission", out)
	if code != 0 || !strings.Contains(md, "## TaskR1") || !strings.Contains(md,
		"| group | files | SSIM adj |") || !strings.Contains(md, ": missing") {
		t.Errorf("Markdown (exit %d):\n%s", code, md)
	}
	code, cs, _ := cli(t, "score", "--csv", "--gt", sim, "--submission", out)
	rows, err := csv.NewReader(strings.NewReader(cs)).ReadAll()
	if code != 0 || err != nil || len(rows) != 1+6+2+1 {
		t.Errorf("CSV (exit %d, %v): %d rows, want 10:\n%s", code, err, len(rows), cs)
	}
}

// TestScoreBadInput: flag mistakes exit 2; a submission without ground truth, a missing tree
// or sheet exit 1 with one line naming the problem, nothing on stdout and no plot written.
func TestScoreBadInput(t *testing.T) {
	sim := simulateTree(t, 1)
	out := filepath.Join(t.TempDir(), "zf")
	if code, _, errOut := cli(t, "run", "--input", sim, "--output", out, "--method",
		"zf"); code != 0 {
		t.Fatalf("run: %s", errOut)
	}
	for _, args := range [][]string{
		{"--gt", sim},
		{"--gt", sim, "--submission", out, "--json", "--csv"},
		{"--gt", sim, "--submission", out, "--task", "TaskR9"},
	} {
		if code, stdout, _ := cli(t, append([]string{"score"}, args...)...); code != 2 ||
			stdout != "" {
			t.Errorf("score %v: exit %d, want 2", args, code)
		}
	}

	// An extra file: a copy of a submission under a patient the ground truth lacks.
	subs := listFiles(t, filepath.Join(out, "TaskR1"))
	src := filepath.Join(out, "TaskR1", subs[0])
	extra := strings.Replace(src, "P001", "P077", 1)
	if err := os.MkdirAll(filepath.Dir(extra), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(extra, b, 0o644); err != nil {
		t.Fatal(err)
	}
	badSheet := filepath.Join(t.TempDir(), "sheet.csv")
	if err := os.WriteFile(badSheet, []byte("Center,Vendor\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	plot := filepath.Join(t.TempDir(), "p.png")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--gt", sim, "--submission", out}, extra},
		{[]string{"--gt", filepath.Join(sim, "absent"), "--submission", out}, "absent"},
		{[]string{"--gt", sim, "--submission", out, "--sheet", badSheet}, badSheet},
		{[]string{"--gt", sim, "--submission", out, "--sheet", badSheet + ".x"}, ".x"},
	} {
		code, stdout, errOut := cli(t, append(append([]string{"score"}, c.args...), "--plot",
			plot)...)
		msg := lastLine(errOut)
		if code != 1 || stdout != "" || !strings.HasPrefix(msg, "cmrecon score: ") ||
			!strings.Contains(msg, c.want) || strings.Count(strings.TrimSpace(errOut),
			"\n") != 0 {
			t.Errorf("score %v: exit %d, stdout %q, stderr %q; want 1 and one line naming %s",
				c.args, code, stdout, errOut, c.want)
		}
		if _, err := os.Stat(plot); !os.IsNotExist(err) {
			t.Errorf("score %v wrote the plot", c.args)
		}
	}
	if !strings.Contains(func() string {
		_, _, e := cli(t, "score", "--gt", sim, "--submission", out)
		return e
	}(), "extra file submitted") {
		t.Error("the extra-file error does not say so")
	}

	// In test mode the extra file is ignored, as the test-phase scorer ignores it.
	code, stdout, errOut := cli(t, "score", "--test", "--gt", sim, "--submission", out)
	if code != 0 || !bytes.Contains([]byte(stdout), []byte("P077")) {
		t.Errorf("score --test: exit %d: %s%s", code, stdout, errOut)
	}
}

// smallOptions returns the phantom options of phantomSize.
func smallOptions(t *testing.T) phantom.Options {
	t.Helper()
	o, err := parsePhantomSize(phantomSize)
	if err != nil {
		t.Fatal(err)
	}
	return o
}
