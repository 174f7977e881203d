package challenge

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"image/png"
	"maps"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/metric"
)

// The score tests build small ground-truth and submission trees by hand. Every image is the
// deterministic test vector of cmrxrecon-data.md §5.5 (cx=57, cy=41), whose ground truth is
//
//	gt[x,y,s,t] = float32((sin(x/7)+1.5) (cos(y/5)+1.2) (1 + 0.1 (3s+t)))
//
// and whose submission adds amp·sin(0.37xy + 1.3s + 0.7t) and takes the absolute value. With
// amp 0.05 the official scorer's per-image and per-file values are known from the document;
// other amplitudes give other, distinct file scores, which the tests take from
// metric.Evaluate on the arrays themselves (never through files or ScoreTree). The grouping,
// the penalty for missing files and the mean over groups are then worked out by hand in each
// test from the formulas of §5.4, and ScoreTree must agree.

const vecX, vecY = 57, 41

// testVector returns the ground truth and a submission of the §5.5 vector, dims
// (57, 41, S, T) column-major.
func testVector(amp float64, S, T int) (gt, rec []float32) {
	n := vecX * vecY * S * T
	gt, rec = make([]float32, n), make([]float32, n)
	for t := range T {
		for s := range S {
			for y := range vecY {
				for x := range vecX {
					i := x + vecX*(y+vecY*(s+S*t))
					fx, fy, fs, ft := float64(x), float64(y), float64(s), float64(t)
					g := float32((math.Sin(fx/7) + 1.5) * (math.Cos(fy/5) + 1.2) *
						(1 + 0.1*(fs*3+ft)))
					gt[i] = g
					rec[i] = float32(math.Abs(float64(g) +
						amp*math.Sin(0.37*fx*fy+1.3*fs+0.7*ft)))
				}
			}
		}
	}
	return gt, rec
}

// fileScore returns the official file scores of the vector with amplitude amp, computed by
// the metric package on the arrays (validation scorer, dims (57, 41, 2, 3)).
func fileScore(t *testing.T, amp float64) metric.Result {
	t.Helper()
	gt, rec := testVector(amp, 2, 3)
	d := []int{vecX, vecY, 2, 3}
	r, err := metric.Evaluate(gt, rec, d, d, metric.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// treeFile is one ground-truth file of a hand-built tree and its submission.
type scoreCase struct {
	task, modality, center, vendor, patient, name string

	amp      float64 // the submission's amplitude; 0 writes no submission
	scenario string  // the submission's scenario, e.g. "Uniform8"
	subDims  []int   // the submission's dims when they differ from (57, 41, 2, 3)
	folder   string  // the submission's folder when it is not UnderSample_<Task>
}

// writeScoreTree writes the ground truth of the cases below gtRoot and their submissions
// below subRoot, in the validation set's layout.
func writeScoreTree(t *testing.T, gtRoot, subRoot string, cases []scoreCase) {
	t.Helper()
	for _, c := range cases {
		gt, rec := testVector(max(c.amp, 0.05), 2, 3)
		sub := []string{c.center, c.vendor, c.patient}
		gtPath := filepath.Join(append(append([]string{gtRoot, c.task, "MultiCoil",
			c.modality, "ValidationSet", "FullSample_" + c.task}, sub...), c.name+".mat")...)
		writeTestImage(t, gtPath, Array{Dims: []int{vecX, vecY, 2, 3}, Data: gt})
		if c.amp == 0 {
			continue
		}

		folder := c.folder
		if folder == "" {
			folder = "UnderSample_" + c.task
		}
		subPath := filepath.Join(append(append([]string{subRoot, c.task, "MultiCoil",
			c.modality, "ValidationSet", folder}, sub...), c.name+"_kus_"+c.scenario+
			".mat")...)
		a := Array{Dims: []int{vecX, vecY, 2, 3}, Data: rec}
		if c.subDims != nil {
			n := 1
			for _, d := range c.subDims {
				n *= d
			}
			a = Array{Dims: c.subDims, Data: rec[:n]}
		}
		writeTestImage(t, subPath, a)
	}
}

func writeTestImage(t *testing.T, path string, a Array) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteImage(path, a); err != nil {
		t.Fatal(err)
	}
}

// Tolerances. Hand aggregation and ScoreTree add the same float64 numbers in at most a
// different order, a few ulps apart: 1e-12 relative. The §5.5 values are printed with 10
// decimals (PSNR, SSIM) or 11 significant digits (NMSE), and the metric package matches the
// official float32 code to about 1e-12 (metric/golden_test.go): 1e-9 (absolute for PSNR and
// SSIM, relative for NMSE) covers the printing and still catches any change in the mean,
// which moves the values by 1e-4 or more here.
const (
	tolAgg = 1e-12
	tolDoc = 1e-9
)

func near(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol*max(1, math.Abs(b))
}

// TestScoreFileMeans checks the per-file score against the official values of §5.5: the
// file's PSNR, SSIM and NMSE are each the mean of the six per-image values.
func TestScoreFileMeans(t *testing.T) {
	gtRoot, subRoot := t.TempDir(), t.TempDir()
	writeScoreTree(t, gtRoot, subRoot, []scoreCase{{task: "TaskR1", modality: "Cine",
		center: "Center001", vendor: "UIH_30T_umr780", patient: "P001", name: "cine_sax",
		amp: 0.05, scenario: "Uniform8"}})

	psnr := []float64{44.1867142939, 44.6902393478, 45.0814163359, 45.8281245640,
		46.5565068414, 47.5798112595}
	ssim := []float64{0.9952471814, 0.9956429107, 0.9961282336, 0.9966967082, 0.9973119514,
		0.9978800365}
	nmse := []float64{1.6130547888e-04, 1.4417058336e-04, 1.3206196893e-04, 1.1106157914e-04,
		9.3812236715e-05, 7.3719113643e-05}
	mean := func(v []float64) float64 {
		s := 0.0
		for _, x := range v {
			s += x
		}
		return s / float64(len(v))
	}
	// The document's own file means, which the means of its per-image values must match.
	if !near(mean(psnr), 45.6538021071, tolDoc) || !near(mean(ssim), 0.9964845036, tolDoc) ||
		!near(mean(nmse), 1.1935516011e-04, tolDoc) {
		t.Fatal("the per-image values of §5.5 do not average to its file means")
	}

	rep, err := ScoreTree(gtRoot, subRoot, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f := rep.Tasks[0].Files[0]
	if !f.Valid || f.Scenario != "Uniform8" || f.File != "cine_sax" {
		t.Fatalf("file %+v", f)
	}
	if !near(f.PSNR, mean(psnr), tolDoc) || !near(f.SSIM, mean(ssim), tolDoc) ||
		!near(f.NMSE, mean(nmse), tolDoc) {
		t.Errorf("file scores %.10f %.10f %.10e, want the means %.10f %.10f %.10e", f.PSNR,
			f.SSIM, f.NMSE, mean(psnr), mean(ssim), mean(nmse))
	}

	// One group of one file: the group and the task score are the file's.
	s := rep.Tasks[0].Summary
	if len(s.Groups) != 1 || s.PSNR != f.PSNR || s.SSIM != f.SSIM || s.NMSE != f.NMSE {
		t.Errorf("summary %+v, want the file's scores", s)
	}
}

// r1Cases is a TaskR1 tree of three centre/vendor groups:
//
//	A Center001/UIH_30T_umr780: a1 (P001, amp 0.05), a2 (P001, 0.1), a3 (P002, missing)
//	B Center002/Siemens_30T_CIMA.X: b1 (P003, 0.2), b2 (P003, shape mismatch)
//	C Center005/Siemens_30T_Vida: c1 (P004, missing)
func r1Cases() []scoreCase {
	const a, b, c = "Center001", "Center002", "Center005"
	const va, vb, vc = "UIH_30T_umr780", "Siemens_30T_CIMA.X", "Siemens_30T_Vida"
	return []scoreCase{
		{"TaskR1", "Cine", a, va, "P001", "cine_sax", 0.05, "Uniform8", nil, ""},
		{"TaskR1", "Cine", a, va, "P001", "cine_lax", 0.1, "ktGaussian16", nil, ""},
		{"TaskR1", "Cine", a, va, "P002", "cine_sax", 0, "", nil, ""},
		{"TaskR1", "Cine", b, vb, "P003", "cine_sax", 0.2, "ktRadial24", nil, ""},
		{"TaskR1", "Mapping", b, vb, "P003", "T1map", 0.4, "Uniform8", []int{vecX, vecY, 2},
			""},
		{"TaskR1", "Cine", c, vc, "P004", "cine_sax", 0, "", nil, ""},
	}
}

// TestScoreTaskR1Groups checks the centre+vendor groups of TaskR1, the penalty for missing
// and invalid files, and the mean over the groups with a valid file.
func TestScoreTaskR1Groups(t *testing.T) {
	gtRoot, subRoot := t.TempDir(), t.TempDir()
	writeScoreTree(t, gtRoot, subRoot, r1Cases())
	a1, a2, b1 := fileScore(t, 0.05), fileScore(t, 0.1), fileScore(t, 0.2)

	rep, err := ScoreTree(gtRoot, subRoot, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Tasks) != 1 || rep.Tasks[0].Task != "TaskR1" {
		t.Fatalf("tasks %+v", rep.Tasks)
	}
	ts := rep.Tasks[0]
	if ts.Grouping != "centre+vendor" {
		t.Errorf("grouping %q", ts.Grouping)
	}

	// Group A: N=3, valid a1 and a2. Group B: N=2, valid b1 (b2 has the wrong shape).
	// Group C: N=1, nothing valid, so it is left out of the final mean.
	wantA := metric.GroupScore{Group: "Center001_UIH_30T_umr780", Expected: 3, Valid: 2,
		PSNR: (a1.PSNR + a2.PSNR) / 3, SSIM: (a1.SSIM + a2.SSIM) / 3,
		NMSE: (a1.NMSE + a2.NMSE) / 2 * (2 - 2.0/3)}
	wantB := metric.GroupScore{Group: "Center002_Siemens_30T_CIMA.X", Expected: 2, Valid: 1,
		PSNR: b1.PSNR / 2, SSIM: b1.SSIM / 2, NMSE: b1.NMSE * (2 - 1.0/2)}
	checkGroups(t, ts.Summary, []metric.GroupScore{wantA, wantB})
	if !slices.Equal(ts.Summary.Skipped, []string{"Center005_Siemens_30T_Vida"}) {
		t.Errorf("skipped %v, want the Center005 group", ts.Summary.Skipped)
	}
	checkFinal(t, ts.Summary, (wantA.PSNR+wantB.PSNR)/2, (wantA.SSIM+wantB.SSIM)/2,
		(wantA.NMSE+wantB.NMSE)/2)
	if ts.Summary.Files != 6 || ts.Summary.ValidFiles != 3 {
		t.Errorf("%d files, %d valid; want 6 and 3", ts.Summary.Files, ts.Summary.ValidFiles)
	}
	wantN := map[string]int{"Center001_UIH_30T_umr780": 3, "Center002_Siemens_30T_CIMA.X": 2,
		"Center005_Siemens_30T_Vida": 1}
	if !maps.Equal(ts.Expected, wantN) {
		t.Errorf("expected counts %v, want %v", ts.Expected, wantN)
	}

	comments := map[string]string{}
	for _, f := range ts.Files {
		comments[f.Center+"/"+f.Patient+"/"+f.File] = f.Comment
		if !f.Valid && !math.IsNaN(f.SSIM) {
			t.Errorf("invalid file %s has SSIM %v, want NaN", f.File, f.SSIM)
		}
	}
	if c := comments["Center001/P002/cine_sax"]; c != "missing" {
		t.Errorf("missing file comment %q", c)
	}
	if c := comments["Center002/P003/T1map"]; !strings.HasPrefix(c, "Shape mismatch") ||
		!strings.Contains(c, "57x41x2x3") {
		t.Errorf("shape mismatch comment %q", c)
	}
}

// TestScoreTaskR1Sheet groups TaskR1 by the sheet's centre and manufacturer: a patient the
// sheet lacks falls into Unknown_Unknown, whose N_g is 0, so its files drop out, while they
// still count in N_g of their folder's group (both as the scorer does).
func TestScoreTaskR1Sheet(t *testing.T) {
	gtRoot, subRoot := t.TempDir(), t.TempDir()
	writeScoreTree(t, gtRoot, subRoot, r1Cases())
	sheet := "Center,Manufacturer,AnonPatientID\n" +
		"Center001,UIH_30T_umr780,P001\nCenter001,UIH_30T_umr780,P002\n" +
		"Center005,Siemens_30T_Vida,P004\n"
	s, err := ReadSheet(strings.NewReader(sheet), "sheet.csv")
	if err != nil {
		t.Fatal(err)
	}
	a1, a2 := fileScore(t, 0.05), fileScore(t, 0.1)

	rep, err := ScoreTree(gtRoot, subRoot, ScoreOptions{Sheet: s})
	if err != nil {
		t.Fatal(err)
	}
	sum := rep.Tasks[0].Summary
	wantA := metric.GroupScore{Group: "Center001_UIH_30T_umr780", Expected: 3, Valid: 2,
		PSNR: (a1.PSNR + a2.PSNR) / 3, SSIM: (a1.SSIM + a2.SSIM) / 3,
		NMSE: (a1.NMSE + a2.NMSE) / 2 * (2 - 2.0/3)}
	checkGroups(t, sum, []metric.GroupScore{wantA})
	checkFinal(t, sum, wantA.PSNR, wantA.SSIM, wantA.NMSE)
	want := []string{"Center002_Siemens_30T_CIMA.X", "Center005_Siemens_30T_Vida",
		"Unknown_Unknown"}
	if !slices.Equal(sum.Skipped, want) {
		t.Errorf("skipped %v, want %v", sum.Skipped, want)
	}
}

// TestScoreDiseases groups TaskR2 by the diseases of the sheet: a patient's files count
// toward each of its diseases, N_g counts them through the patients (twice for a disease
// listed twice, while the file is one member of the group), names are cleaned, and a
// patient without a row counts nowhere. The sheet's TaskR1 rows must not be used.
func TestScoreDiseases(t *testing.T) {
	gtRoot, subRoot := t.TempDir(), t.TempDir()
	const c4, c5 = "Center004", "Center005"
	const v4, v5 = "UIH_15T_umr670", "Siemens_15T_Aera"
	writeScoreTree(t, gtRoot, subRoot, []scoreCase{
		{"TaskR2", "Cine", c4, v4, "P001", "cine_sax", 0.05, "Uniform8", nil, ""},
		{"TaskR2", "Cine", c4, v4, "P001", "cine_lax", 0, "", nil, ""},
		{"TaskR2", "Cine", c4, v4, "P002", "cine_sax", 0.1, "Uniform16", nil, ""},
		{"TaskR2", "Mapping", c5, v5, "P003", "T1map", 0.2, "ktRadial8", nil, ""},
		{"TaskR2", "Cine", c5, v5, "P004", "cine_sax", 0.4, "ktRadial8", nil, ""},
	})
	sheet := "\ufeffTask,Center,Manufacturer,AnonPatientID,Disease1,Disease2\n" +
		"TaskR1,Center004,UIH_15T_umr670,P001,Wrong,\n" +
		"TaskR2,Center004,UIH_15T_umr670,P001,HCM,DCM\n" +
		"TaskR2,Center004,UIH_15T_umr670,P002,HCM,HCM\n" +
		"TaskR2,Center005,Siemens_15T_Aera,P003,\" dilated, cardiomyopathy \",Normal\n"
	s, err := ReadSheet(strings.NewReader(sheet), "sheet.csv")
	if err != nil {
		t.Fatal(err)
	}
	f1, f3, f4 := fileScore(t, 0.05), fileScore(t, 0.1), fileScore(t, 0.2)

	rep, err := ScoreTree(gtRoot, subRoot, ScoreOptions{Sheet: s})
	if err != nil {
		t.Fatal(err)
	}
	ts := rep.Tasks[0]
	if ts.Task != "TaskR2" || ts.Grouping != "disease" {
		t.Fatalf("task %s grouped by %q", ts.Task, ts.Grouping)
	}
	// DCM: P001's two files, one valid. HCM: P001's two files plus P002's one file counted
	// twice (its row lists HCM twice): N=4, valid f1 and f3. dilated_cardiomyopathy and
	// Normal: P003's file. P004 has no row.
	want := []metric.GroupScore{
		{Group: "DCM", Expected: 2, Valid: 1, PSNR: f1.PSNR / 2, SSIM: f1.SSIM / 2,
			NMSE: f1.NMSE * (2 - 1.0/2)},
		{Group: "HCM", Expected: 4, Valid: 2, PSNR: (f1.PSNR + f3.PSNR) / 4,
			SSIM: (f1.SSIM + f3.SSIM) / 4, NMSE: (f1.NMSE + f3.NMSE) / 2 * (2 - 2.0/4)},
		{Group: "Normal", Expected: 1, Valid: 1, PSNR: f4.PSNR, SSIM: f4.SSIM, NMSE: f4.NMSE},
		{Group: "dilated_cardiomyopathy", Expected: 1, Valid: 1, PSNR: f4.PSNR, SSIM: f4.SSIM,
			NMSE: f4.NMSE},
	}
	checkGroups(t, ts.Summary, want)
	var p, ss, n float64
	for _, g := range want {
		p, ss, n = p+g.PSNR/4, ss+g.SSIM/4, n+g.NMSE/4
	}
	checkFinal(t, ts.Summary, p, ss, n)
	if len(ts.Summary.Skipped) != 0 {
		t.Errorf("skipped %v", ts.Summary.Skipped)
	}
	for _, f := range ts.Files {
		if f.Patient == "P004" && len(f.Groups) != 0 {
			t.Errorf("patient without a sheet row is in groups %v", f.Groups)
		}
		if f.Patient == "P002" && !slices.Equal(f.Groups, []string{"HCM"}) {
			t.Errorf("P002 groups %v, want [HCM] once", f.Groups)
		}
	}

	// Without a sheet the other tasks fall back to centre and vendor folders.
	rep, err = ScoreTree(gtRoot, subRoot, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g := rep.Tasks[0].Grouping; g != "centre+vendor (no sheet)" {
		t.Errorf("grouping without a sheet %q", g)
	}
	if len(rep.Tasks[0].Summary.Groups) != 2 {
		t.Errorf("groups without a sheet: %+v", rep.Tasks[0].Summary.Groups)
	}
}

// TestScoreExtraFile checks that a submission without a ground truth fails the validation
// scoring, naming the file, and is only listed in test mode.
func TestScoreExtraFile(t *testing.T) {
	gtRoot, subRoot := t.TempDir(), t.TempDir()
	writeScoreTree(t, gtRoot, subRoot, r1Cases()[:2])
	extra := scoreCase{"TaskR1", "Cine", "Center001", "UIH_30T_umr780", "P009", "cine_sax",
		0.1, "Uniform8", nil, ""}
	other := t.TempDir()
	writeScoreTree(t, other, subRoot, []scoreCase{extra})

	_, err := ScoreTree(gtRoot, subRoot, ScoreOptions{})
	if !errors.Is(err, ErrExtraFile) || !strings.Contains(err.Error(),
		filepath.Join("P009", "cine_sax_kus_Uniform8.mat")) {
		t.Errorf("error %v, want ErrExtraFile naming P009's file", err)
	}

	rep, err := ScoreTree(gtRoot, subRoot, ScoreOptions{Test: true})
	if err != nil {
		t.Fatal(err)
	}
	if ig := rep.Tasks[0].Ignored; len(ig) != 1 || !strings.Contains(ig[0], "P009") {
		t.Errorf("ignored %v, want P009's file", ig)
	}
	var md, cb bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	if err := rep.WriteCSV(&cb); err != nil {
		t.Fatal(err)
	}
	ig := rep.Tasks[0].Ignored[0]
	if !strings.Contains(md.String(), "- "+ig+"\n") ||
		!strings.Contains(cb.String(), "ignored,TaskR1,") {
		t.Errorf("the ignored file is not in the Markdown or CSV:\n%s\n%s", md.String(),
			cb.String())
	}
}

// TestScoreTestPhase checks the test-phase rules: arrays are squeezed, so a (57, 41, 1, 3)
// series is scored as 3-D with the ground truth as reference (the validation scorer keeps it
// 4-D with the submission as reference), and of two submissions of one ground truth the one
// in the <Task> folder is taken.
func TestScoreTestPhase(t *testing.T) {
	gtRoot, subRoot := t.TempDir(), t.TempDir()
	gt, rec := testVector(0.1, 1, 3)
	_, rec2 := testVector(0.4, 1, 3)
	d := []int{vecX, vecY, 1, 3}
	place := []string{"TaskR1", "MultiCoil", "Cine", "TestSet"}
	pat := []string{"Center001", "UIH_30T_umr780", "P001"}
	path := func(root, folder, name string) string {
		parts := append(append(append([]string{root}, place...), folder), pat...)
		return filepath.Join(append(parts, name)...)
	}
	writeTestImage(t, path(gtRoot, "FullSample_TaskR1", "cine_sax.mat"), Array{d, gt})
	writeTestImage(t, path(subRoot, "TaskR1", "cine_sax_kus_Uniform8.mat"), Array{d, rec})
	writeTestImage(t, path(subRoot, "UnderSample_TaskR1", "cine_sax_kus_Uniform8.mat"),
		Array{d, rec2})

	squeezed, err := metric.Evaluate(gt, rec, d, d, metric.Options{Squeeze: true})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := metric.Evaluate(gt, rec2, d, d, metric.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if squeezed.SubmissionIsReference || !plain.SubmissionIsReference {
		t.Fatal("the two scorers should pick different references here")
	}

	rep, err := ScoreTree(gtRoot, subRoot, ScoreOptions{Test: true})
	if err != nil {
		t.Fatal(err)
	}
	ts := rep.Tasks[0]
	if len(ts.Files) != 1 || len(ts.Ignored) != 1 || !strings.Contains(ts.Ignored[0],
		"UnderSample_TaskR1") {
		t.Fatalf("test phase: files %+v, ignored %v", ts.Files, ts.Ignored)
	}
	if f := ts.Files[0]; f.PSNR != squeezed.PSNR || f.SSIM != squeezed.SSIM {
		t.Errorf("test phase: PSNR %v SSIM %v, want the squeezed %v %v", f.PSNR, f.SSIM,
			squeezed.PSNR, squeezed.SSIM)
	}

	// The validation scorer looks in UnderSample_<Task> only, and does not squeeze.
	rep, err = ScoreTree(gtRoot, subRoot, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if f := rep.Tasks[0].Files; len(f) != 1 || f[0].PSNR != plain.PSNR ||
		f[0].SSIM != plain.SSIM {
		t.Errorf("validation: files %+v, want PSNR %v SSIM %v", f, plain.PSNR, plain.SSIM)
	}
}

// TestScoreBadFiles: an unreadable ground truth is an error naming it; an unreadable
// submission is invalid (it counts as missing) with the reason.
func TestScoreBadFiles(t *testing.T) {
	gtRoot, subRoot := t.TempDir(), t.TempDir()
	cases := r1Cases()[:2]
	writeScoreTree(t, gtRoot, subRoot, cases)
	subs, _ := filepath.Glob(filepath.Join(subRoot, "TaskR1", "MultiCoil", "Cine",
		"ValidationSet", "UnderSample_TaskR1", "*", "*", "*", "cine_lax_kus_*.mat"))
	if len(subs) != 1 {
		t.Fatalf("submissions %v", subs)
	}
	if err := os.WriteFile(subs[0], []byte("not a MAT file"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := ScoreTree(gtRoot, subRoot, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a1 := fileScore(t, 0.05)
	for _, f := range rep.Tasks[0].Files {
		if f.File == "cine_lax" && (f.Valid || !strings.Contains(f.Comment, subs[0])) {
			t.Errorf("unreadable submission: valid %v, comment %q", f.Valid, f.Comment)
		}
	}
	checkGroups(t, rep.Tasks[0].Summary, []metric.GroupScore{{
		Group: "Center001_UIH_30T_umr780", Expected: 2, Valid: 1, PSNR: a1.PSNR / 2,
		SSIM: a1.SSIM / 2, NMSE: a1.NMSE * 1.5}})

	gts, _ := filepath.Glob(filepath.Join(gtRoot, "TaskR1", "MultiCoil", "Cine",
		"ValidationSet", "FullSample_TaskR1", "*", "*", "*", "cine_sax.mat"))
	if err := os.WriteFile(gts[0], []byte("MATLAB 5.0 MAT-file, broken"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ScoreTree(gtRoot, subRoot, ScoreOptions{}); err == nil ||
		!strings.Contains(err.Error(), gts[0]) {
		t.Errorf("broken ground truth: error %v, want one naming %s", err, gts[0])
	}

	for _, c := range []struct {
		gt, sub, task, want string
	}{
		{filepath.Join(gtRoot, "absent"), subRoot, "", "ground truth"},
		{gtRoot, t.TempDir(), "", "no TaskR1"},
		{gtRoot, subRoot, "TaskS2", "no ground-truth files of TaskS2"},
		{gtRoot, subRoot, "Task3", "task"},
	} {
		if _, err := ScoreTree(c.gt, c.sub, ScoreOptions{Task: c.task}); err == nil ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("ScoreTree(%s, %s, %q): error %v, want %q", c.gt, c.sub, c.task, err,
				c.want)
		}
	}
}

// TestScoreFormats writes one report as JSON, CSV and Markdown and checks that all three
// parse and hold the same numbers: full precision in JSON and CSV, rounded to 4 decimals in
// Markdown; NaN as null, empty and "–".
func TestScoreFormats(t *testing.T) {
	gtRoot, subRoot := t.TempDir(), t.TempDir()
	writeScoreTree(t, gtRoot, subRoot, r1Cases())
	rep, err := ScoreTree(gtRoot, subRoot, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ts := rep.Tasks[0]

	var js bytes.Buffer
	if err := rep.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	var j struct {
		Tasks []struct {
			Task    string
			Summary struct {
				Groups []struct {
					Group    string
					Expected int
					Valid    int
					PSNR     *float64 `json:"psnr_adj"`
					SSIM     *float64 `json:"ssim_adj"`
					NMSE     *float64 `json:"nmse_adj"`
				}
				Skipped          []string
				PSNR, SSIM, NMSE *float64
				Files            int
				ValidFiles       int `json:"valid_files"`
			}
			Files []struct {
				File, Patient, Comment string
				Valid                  bool
				SSIM                   *float64
			}
		}
	}
	if err := json.Unmarshal(js.Bytes(), &j); err != nil {
		t.Fatalf("JSON does not parse: %v\n%s", err, js.String())
	}
	jt := j.Tasks[0]
	if jt.Summary.SSIM == nil || *jt.Summary.SSIM != ts.Summary.SSIM ||
		*jt.Summary.PSNR != ts.Summary.PSNR || *jt.Summary.NMSE != ts.Summary.NMSE {
		t.Errorf("JSON task scores %v, want %+v", jt.Summary, ts.Summary)
	}
	if len(jt.Summary.Groups) != len(ts.Summary.Groups) || len(jt.Files) != len(ts.Files) {
		t.Fatalf("JSON has %d groups and %d files", len(jt.Summary.Groups), len(jt.Files))
	}
	for i, g := range ts.Summary.Groups {
		jg := jt.Summary.Groups[i]
		if jg.Group != g.Group || *jg.SSIM != g.SSIM || *jg.PSNR != g.PSNR ||
			*jg.NMSE != g.NMSE || jg.Expected != g.Expected || jg.Valid != g.Valid {
			t.Errorf("JSON group %+v, want %+v", jg, g)
		}
	}
	for i, f := range ts.Files {
		jf := jt.Files[i]
		if f.Valid != jf.Valid || (f.Valid && *jf.SSIM != f.SSIM) ||
			(!f.Valid && jf.SSIM != nil) {
			t.Errorf("JSON file %d: %+v, want %+v", i, jf, f)
		}
	}

	var cb bytes.Buffer
	if err := rep.WriteCSV(&cb); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&cb).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	kinds := map[string]int{}
	for _, r := range rows[1:] {
		kinds[r[col["kind"]]]++
		ssim := r[col["ssim"]]
		switch r[col["kind"]] {
		case "task":
			if ssim != strconv.FormatFloat(ts.Summary.SSIM, 'g', -1, 64) {
				t.Errorf("CSV task SSIM %s, want %v", ssim, ts.Summary.SSIM)
			}
		case "group":
			i := slices.IndexFunc(ts.Summary.Groups, func(g metric.GroupScore) bool {
				return g.Group == r[col["group"]]
			})
			if i < 0 || ssim != strconv.FormatFloat(ts.Summary.Groups[i].SSIM, 'g', -1, 64) {
				t.Errorf("CSV group row %v", r)
			}
		case "file":
			if r[col["valid"]] == "false" && ssim != "" {
				t.Errorf("CSV invalid file with SSIM %q", ssim)
			}
		}
	}
	if kinds["task"] != 1 || kinds["group"] != 2 || kinds["file"] != 6 {
		t.Errorf("CSV rows by kind %v, want 1 task, 2 groups, 6 files", kinds)
	}

	var mb bytes.Buffer
	if err := rep.WriteMarkdown(&mb); err != nil {
		t.Fatal(err)
	}
	md := mb.String()
	r4 := func(v float64) string { return strconv.FormatFloat(metric.Round4(v), 'f', 4, 64) }
	if !strings.Contains(md, "**SSIM "+r4(ts.Summary.SSIM)+"**") {
		t.Errorf("Markdown lacks the task SSIM %s:\n%s", r4(ts.Summary.SSIM), md)
	}
	for _, g := range ts.Summary.Groups {
		row := "| " + g.Group + " | " + strconv.Itoa(g.Valid) + "/" + strconv.Itoa(g.Expected) +
			" | " + r4(g.SSIM) + " | " + r4(g.PSNR) + " | " + r4(g.NMSE) + " |"
		if !strings.Contains(md, row) {
			t.Errorf("Markdown lacks the group row %q:\n%s", row, md)
		}
	}
	if !strings.Contains(md, "| Center005_Siemens_30T_Vida | 0/1 | – | – | – |") {
		t.Errorf("Markdown lacks the skipped group:\n%s", md)
	}
	if !strings.Contains(md, "P002/cine_sax: missing") {
		t.Errorf("Markdown lacks the missing file:\n%s", md)
	}
}

// TestPlotSSIM checks that the plot is a PNG that decodes, of the size asked for, with
// something drawn, and that a report with nothing to plot writes no file.
func TestPlotSSIM(t *testing.T) {
	gtRoot, subRoot := t.TempDir(), t.TempDir()
	writeScoreTree(t, gtRoot, subRoot, r1Cases())
	rep, err := ScoreTree(gtRoot, subRoot, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "ssim.png")
	if err := rep.PlotSSIM(p); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a valid PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 300 || b.Dy() < 200 {
		t.Errorf("plot is %dx%d pixels", b.Dx(), b.Dy())
	}
	colours := map[[4]uint32]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, bl, a}] = true
		}
	}
	if len(colours) < 4 {
		t.Errorf("plot has %d colours: nothing drawn", len(colours))
	}

	empty := &ScoreReport{Tasks: []TaskScore{{Task: "TaskR1"}}}
	q := filepath.Join(t.TempDir(), "none.png")
	if err := empty.PlotSSIM(q); err == nil {
		t.Error("plot of nothing: no error")
	}
	if _, err := os.Stat(q); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("plot of nothing wrote a file: %v", err)
	}
}

// TestReadSheet checks the sheet's columns and name cleaning, and its errors.
func TestReadSheet(t *testing.T) {
	s, err := ReadSheet(strings.NewReader("AnonPatientID,Manufacturer,Center,Disease3\n"+
		"P001, UIH_30T_umr780 ,Center001,\"Left, ventricular  noncompaction\"\n"), "s.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := SheetRow{Center: "Center001", Manufacturer: "UIH_30T_umr780", Patient: "P001",
		Diseases: []string{"Left_ventricular__noncompaction"}}
	if len(s.Rows) != 1 || s.Rows[0].Center != want.Center || s.Rows[0].Manufacturer !=
		want.Manufacturer || s.Rows[0].Patient != want.Patient ||
		!slices.Equal(s.Rows[0].Diseases, want.Diseases) {
		t.Errorf("rows %+v, want %+v", s.Rows, want)
	}

	for _, c := range []struct{ in, want string }{
		{"Center,Manufacturer\nC,M\n", "no column AnonPatientID"},
		{"Center,Manufacturer,AnonPatientID\nC,,P\n", "line 2"},
		{"", "sheet s.csv"},
	} {
		if _, err := ReadSheet(strings.NewReader(c.in), "s.csv"); err == nil ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadSheet(%q): error %v, want %q", c.in, err, c.want)
		}
	}
}

func checkGroups(t *testing.T, s metric.Summary, want []metric.GroupScore) {
	t.Helper()
	if len(s.Groups) != len(want) {
		t.Fatalf("groups %+v, want %+v", s.Groups, want)
	}
	for i, w := range want {
		g := s.Groups[i]
		if g.Group != w.Group || g.Expected != w.Expected || g.Valid != w.Valid ||
			!near(g.PSNR, w.PSNR, tolAgg) || !near(g.SSIM, w.SSIM, tolAgg) ||
			!near(g.NMSE, w.NMSE, tolAgg) {
			t.Errorf("group %+v, want %+v", g, w)
		}
	}
}

func checkFinal(t *testing.T, s metric.Summary, psnr, ssim, nmse float64) {
	t.Helper()
	if !near(s.PSNR, psnr, tolAgg) || !near(s.SSIM, ssim, tolAgg) || !near(s.NMSE, nmse,
		tolAgg) {
		t.Errorf("final %v %v %v, want %v %v %v", s.PSNR, s.SSIM, s.NMSE, psnr, ssim, nmse)
	}
}

// TestReadSheetWorkbook reads an Excel workbook written by openpyxl, an independent writer:
// one worksheet per task as the organisers ship it, numbers as numeric cells, an empty cell
// in the middle of a row and an empty row. The rows must be those of the same table read
// as CSV, with the worksheet's name as their task.
func TestReadSheetWorkbook(t *testing.T) {
	if err := exec.Command("/usr/bin/python3", "-c", "import openpyxl").Run(); err != nil {
		t.Skip("/usr/bin/python3 with openpyxl (Debian's python3-openpyxl) not available")
	}
	path := filepath.Join(t.TempDir(), "sheet.xlsx")
	script := `
import sys, openpyxl
wb = openpyxl.Workbook()
r1 = wb.active
r1.title = "TaskR1"
r1.append(["Center", "Manufacturer", "AnonPatientID"])
r1.append(["Center001", "UIH_30T_umr780", "P001"])
r1.append([])
r1.append(["Center002", "Siemens_30T_CIMA.X", "P002"])
r2 = wb.create_sheet("TaskR2")
r2.append(["AnonPatientID", "Center", "Manufacturer", "Disease1", "Disease2"])
r2.append(["P007", "Center005", "UIH_15T_umr670", None, "Dilated cardiomyopathy"])
r2.append(["P008", "Center005", "UIH_15T_umr670", "Left, ventricular", 12])
wb.save(sys.argv[1])
`
	if out, err := exec.Command("/usr/bin/python3", "-c", script, path).CombinedOutput(); err !=
		nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}

	got, err := ReadSheetFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []SheetRow{
		{Task: "TaskR1", Center: "Center001", Manufacturer: "UIH_30T_umr780", Patient: "P001"},
		{Task: "TaskR1", Center: "Center002", Manufacturer: "Siemens_30T_CIMA.X",
			Patient: "P002"},
		{Task: "TaskR2", Center: "Center005", Manufacturer: "UIH_15T_umr670", Patient: "P007",
			Diseases: []string{"Dilated_cardiomyopathy"}},
		{Task: "TaskR2", Center: "Center005", Manufacturer: "UIH_15T_umr670", Patient: "P008",
			Diseases: []string{"Left_ventricular", "12"}},
	}
	if len(got.Rows) != len(want) {
		t.Fatalf("rows %+v, want %+v", got.Rows, want)
	}
	for i, w := range want {
		g := got.Rows[i]
		if g.Task != w.Task || g.Center != w.Center || g.Manufacturer != w.Manufacturer ||
			g.Patient != w.Patient || !slices.Equal(g.Diseases, w.Diseases) {
			t.Errorf("row %d: %+v, want %+v", i, g, w)
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.xlsx")
	if err := os.WriteFile(bad, []byte("Center,Manufacturer\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadSheetFile(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("a CSV named .xlsx: error %v, want one naming %s", err, bad)
	}
}

// TestScoreSeveralScenarios scores a ground truth with two submissions (two scenarios of one
// file, as simulate --per-file 2 makes): each counts as one expected file, so the group's
// score is the mean of the two and never above 1. It also checks that, with a sheet, a
// patient the sheet lacks is reported as unlisted rather than dropped in silence.
func TestScoreSeveralScenarios(t *testing.T) {
	gt, sub := t.TempDir(), t.TempDir()
	writeScoreTree(t, gt, sub, []scoreCase{
		{task: "TaskR1", modality: "Cine", center: "Center001", vendor: "UIH_30T_umr780",
			patient: "P001", name: "cine_sax", amp: 0.05, scenario: "Uniform8"},
		{task: "TaskR1", modality: "Cine", center: "Center001", vendor: "UIH_30T_umr780",
			patient: "P001", name: "cine_sax", amp: 0.2, scenario: "ktRadial16"},
	})
	rep, err := ScoreTree(gt, sub, ScoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a, b := fileScore(t, 0.05), fileScore(t, 0.2)
	ts := rep.Tasks[0]
	if ts.Expected["Center001_UIH_30T_umr780"] != 2 {
		t.Errorf("expected %v, want 2 for the group", ts.Expected)
	}
	checkFinal(t, ts.Summary, (a.PSNR+b.PSNR)/2, (a.SSIM+b.SSIM)/2, (a.NMSE+b.NMSE)/2)

	gt2, sub2 := t.TempDir(), t.TempDir()
	writeScoreTree(t, gt2, sub2, []scoreCase{
		{task: "TaskR2", modality: "Cine", center: "Center001", vendor: "UIH_30T_umr780",
			patient: "P001", name: "cine_sax", amp: 0.05, scenario: "Uniform8"},
		{task: "TaskR2", modality: "Cine", center: "Center001", vendor: "UIH_30T_umr780",
			patient: "P002", name: "cine_sax", amp: 0.2, scenario: "Uniform8"},
	})
	sheet, err := ReadSheet(strings.NewReader("Center,Manufacturer,AnonPatientID,Disease1\n"+
		"Center001,UIH_30T_umr780,P001,HCM\n"), "s.csv")
	if err != nil {
		t.Fatal(err)
	}
	rep, err = ScoreTree(gt2, sub2, ScoreOptions{Sheet: sheet})
	if err != nil {
		t.Fatal(err)
	}
	if u := rep.Tasks[0].Unlisted; len(u) != 1 || !strings.Contains(u[0], "P002") {
		t.Errorf("unlisted %v, want the P002 file", u)
	}
}
