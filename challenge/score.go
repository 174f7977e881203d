package challenge

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/metric"
	"github.com/thedatashed/xlsxreader"
)

// ScoreOptions configures ScoreTree.
type ScoreOptions struct {
	// Task scores one task only; "" scores every task of the ground truth.
	Task string

	// Sheet holds the organisers' patient sheet (see ReadSheet); nil groups every task by
	// centre and vendor folder.
	Sheet *Sheet

	// Test follows the test-phase scorer (Test_Score2025.py) instead of the validation
	// scorer (Val_Score2025.py): arrays are squeezed before they are compared (as if
	// Metric.Squeeze were set); each ground-truth file is scored against its first submission
	// only, looked for in the <Task> folder and then in UnderSample_<Task>, in name order
	// (the scorer takes the first its glob returns); and a submission without a ground truth
	// is listed in TaskScore.Ignored instead of failing the scoring.
	Test bool

	// Metric selects the reference order and squeezing: the zero value is the validation
	// scorer's.
	Metric metric.Options

	// Read bounds file reading; nil uses the defaults.
	Read *mat.ReadOptions
}

// ScoredFile is one ground-truth file and one submission for it, or a missing submission.
type ScoredFile struct {
	Task     string   `json:"task"`
	Modality string   `json:"modality"`
	Center   string   `json:"center"`
	Vendor   string   `json:"vendor"`
	Patient  string   `json:"patient"`
	File     string   `json:"file"`               // the data set name, e.g. "cine_sax"
	Scenario string   `json:"scenario,omitempty"` // from the submission's name
	Groups   []string `json:"groups"`

	GroundTruth string `json:"ground_truth"`
	Submission  string `json:"submission,omitempty"`

	// Valid is false for a missing submission or one the metric refused (Comment says why);
	// its scores are then NaN and it counts only in the group sizes.
	Valid   bool    `json:"valid"`
	Comment string  `json:"comment,omitempty"`
	PSNR    float64 `json:"psnr"`
	SSIM    float64 `json:"ssim"`
	NMSE    float64 `json:"nmse"`
}

// TaskScore is the score of one task.
type TaskScore struct {
	Task string `json:"task"`

	// Grouping says how files were grouped: "centre+vendor" (TaskR1), "disease" (the other
	// tasks, from the sheet), or "centre+vendor (no sheet)".
	Grouping string `json:"grouping"`

	// Expected maps each group to N_g, its number of ground-truth files. A ground truth
	// with several submissions (several scenarios of one file, as cmrecon simulate
	// --per-file makes; the challenge's trees have one) counts once per submission, so
	// that every scenario weighs as one file and the means stay means.
	Expected map[string]int `json:"expected"`

	// Unlisted lists the ground-truth files whose patient the sheet does not have when
	// files are grouped by disease: they belong to no group and count in no score.
	Unlisted []string `json:"unlisted,omitempty"`

	// Ignored lists the submissions that were not scored: in test mode (ScoreOptions.Test)
	// the ones without a ground truth and the second and later ones of a ground truth.
	Ignored []string `json:"ignored,omitempty"`

	Files   []ScoredFile   `json:"files"`
	Summary metric.Summary `json:"summary"`
}

// ScoreReport is the result of ScoreTree.
type ScoreReport struct {
	GroundTruth string      `json:"ground_truth"`
	Submission  string      `json:"submission"`
	Tasks       []TaskScore `json:"tasks"`
}

// ErrExtraFile reports a submitted file that has no ground truth; the validation scorer
// rejects the whole submission for it.
var ErrExtraFile = errors.New("extra file submitted")

// ScoreTree scores a submission tree against a ground-truth tree as the 2025 scorers
// (Val_Score2025.py, Test_Score2025.py) do.
//
// Both roots are found as the scorer finds them: the first folder, top down, that holds a
// TaskR1, TaskR2, TaskS1 or TaskS2 folder. The submission may also be an archive, as it is
// uploaded: a .zip, .tar, .tar.gz or .tgz file is unpacked into a temporary folder first
// (bounded by MaxArchiveBytes), and the report names its files as paths inside the
// archive. The ground truth of a task is every
// <Task>/<Coil>/<Modality>/<Set>/FullSample_<Task>/<Center>/<Vendor>/<Patient>/<name>.mat;
// its submissions are the <name>_kus_*.mat files of the same place under
// UnderSample_<Task> (in test mode also <Task>, see ScoreOptions.Test). Each submission is
// scored with metric.Evaluate against its ground truth: the file's PSNR, SSIM and NMSE are
// the means over its images. A ground-truth file without a submission is recorded as
// missing, a submission of another shape as "Shape mismatch", one that cannot be read or
// scored with the reason; none of these is valid. A submission without a ground truth fails
// the whole scoring with an error wrapping ErrExtraFile, as in the validation scorer. A
// ground-truth file that cannot be read is an error too.
//
// Files are grouped as the scorer groups them: by centre and vendor for TaskR1 (the sheet's
// Center and Manufacturer when a sheet is given, "Unknown_Unknown" for a patient the sheet
// lacks), by every disease of the patient for the other tasks when a sheet is given. N_g
// counts the ground-truth files of a group (for TaskR1 by folder, for diseases through the
// patients, once per listing of the disease), and metric.Aggregate applies the
// missing-file penalty and the mean over the groups that have a valid file.
func ScoreTree(gt, submission string, opts ScoreOptions) (*ScoreReport, error) {
	if opts.Task != "" && !slices.Contains(Tasks, opts.Task) {
		return nil, fmt.Errorf("challenge: task %q: want one of %s", opts.Task,
			strings.Join(Tasks, ", "))
	}
	gtRoot, err := findTaskRoot(gt)
	if err != nil {
		return nil, fmt.Errorf("challenge: ground truth: %w", err)
	}
	archive := ""
	if isArchive(submission) {
		dir, err := unpackArchive(submission)
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		archive, submission = submission, dir
	}
	subRoot, err := findTaskRoot(submission)
	if err != nil {
		return nil, fmt.Errorf("challenge: submission: %w", err)
	}
	if opts.Test {
		opts.Metric.Squeeze = true
	}

	rep := &ScoreReport{GroundTruth: gtRoot, Submission: subRoot}
	for _, task := range Tasks {
		if opts.Task != "" && task != opts.Task {
			continue
		}
		ts, err := scoreTask(gtRoot, subRoot, task, opts)
		if err != nil {
			return nil, err
		}
		if ts != nil {
			rep.Tasks = append(rep.Tasks, *ts)
		}
	}
	if len(rep.Tasks) == 0 {
		what := "no ground-truth files"
		if opts.Task != "" {
			what += " of " + opts.Task
		}
		return nil, fmt.Errorf("challenge: %s: %s (<Task>/MultiCoil/<Modality>/<Set>/"+
			"FullSample_<Task>/<Center>/<Vendor>/<Patient>/<name>.mat)", gtRoot, what)
	}
	if archive != "" {
		rep.nameArchive(submission, archive)
	}
	return rep, nil
}

// nameArchive rewrites the submission paths of r, which lie in the temporary folder dir
// that an archive was unpacked into, as paths inside the archive: "Submission.zip/TaskR1/...".
func (r *ScoreReport) nameArchive(dir, archive string) {
	rename := func(p string) string {
		rel, err := filepath.Rel(dir, p)
		if err != nil || strings.HasPrefix(rel, "..") {
			return p
		}
		return filepath.Join(archive, rel)
	}
	r.Submission = rename(r.Submission)
	for i := range r.Tasks {
		for j := range r.Tasks[i].Files {
			if f := &r.Tasks[i].Files[j]; f.Submission != "" {
				f.Submission = rename(f.Submission)
			}
		}
	}
}

// findTaskRoot returns the first folder, top down, that holds a task folder.
func findTaskRoot(dir string) (string, error) {
	var root string
	err := walkTree(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		if slices.Contains(Tasks, d.Name()) && p != dir {
			root = filepath.Dir(p)
			return filepath.SkipAll
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if root == "" {
		return "", fmt.Errorf("%s: no TaskR1, TaskR2, TaskS1 or TaskS2 folder", dir)
	}
	return root, nil
}

// gtKey identifies a ground-truth file by its place: task, coil, modality, set, centre,
// vendor, patient and data set name.
type gtKey struct{ task, coil, modality, set, center, vendor, patient, name string }

// scoreTask scores one task; it returns nil when the ground truth has no file of the task.
func scoreTask(gtRoot, subRoot, task string, opts ScoreOptions) (*TaskScore, error) {
	gtList, err := walkTask(filepath.Join(gtRoot, task), []string{fullSampleFolder + "_" +
		task}, KindFull)
	if err != nil {
		return nil, fmt.Errorf("challenge: ground truth: %w", err)
	}
	if len(gtList) == 0 {
		return nil, nil
	}
	gts := map[gtKey]TreePath{}
	for _, t := range gtList {
		gts[keyOf(t, task)] = t
	}
	folders := []string{underSamplePrefix + task}
	if opts.Test {
		folders = []string{task, underSamplePrefix + task}
	}
	subs, err := walkTask(filepath.Join(subRoot, task), folders, KindKSpace)
	if err != nil {
		return nil, fmt.Errorf("challenge: submission: %w", err)
	}

	ts := &TaskScore{Task: task}
	bySub := map[gtKey][]TreePath{}
	for _, s := range subs {
		k := keyOf(s, task)
		switch _, ok := gts[k]; {
		case !ok && opts.Test:
			ts.Ignored = append(ts.Ignored, s.Path())
		case !ok:
			return nil, fmt.Errorf("challenge: %s: %w: no ground truth %s", s.Path(),
				ErrExtraFile, filepath.Join(gtRoot, task, s.Coil, s.Modality, s.Set,
					fullSampleFolder+"_"+task, filepath.Join(s.Sub...), s.File.Base+".mat"))
		case opts.Test && len(bySub[k]) > 0:
			ts.Ignored = append(ts.Ignored, s.Path())
		default:
			bySub[k] = append(bySub[k], s)
		}
	}

	group := grouper(task, opts.Sheet, &ts.Grouping)
	ts.Expected = expectedCounts(gts, bySub, task, opts.Sheet, group)
	keys := slices.SortedFunc(func(yield func(gtKey) bool) {
		for k := range gts {
			if !yield(k) {
				return
			}
		}
	}, compareKeys)
	var scores []metric.FileScore
	for _, k := range keys {
		files, err := scoreOne(k, gts[k], bySub[k], opts)
		if err != nil {
			return nil, err
		}
		if ts.Grouping == "disease" && len(group(k)) == 0 {
			ts.Unlisted = append(ts.Unlisted, gts[k].Path())
		}
		for _, f := range files {
			f.Groups = uniqueGroups(group(k))
			ts.Files = append(ts.Files, f)
			scores = append(scores, metric.FileScore{Groups: f.Groups, PSNR: f.PSNR,
				SSIM: f.SSIM, NMSE: f.NMSE, Valid: f.Valid})
		}
	}
	ts.Summary = metric.Aggregate(scores, ts.Expected)
	return ts, nil
}

// uniqueGroups drops repeated groups: a patient whose sheet row lists a disease twice is
// one member of that disease's group (though its files count twice in N_g, as the scorer
// counts them).
func uniqueGroups(g []string) []string {
	out := []string{}
	for _, x := range g {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func compareKeys(a, b gtKey) int {
	return strings.Compare(strings.Join([]string{a.modality, a.center, a.vendor, a.patient,
		a.name, a.set, a.coil}, "\x00"), strings.Join([]string{b.modality, b.center,
		b.vendor, b.patient, b.name, b.set, b.coil}, "\x00"))
}

func keyOf(t TreePath, task string) gtKey {
	k := gtKey{task: task, coil: t.Coil, modality: t.Modality, set: t.Set, name: t.File.Base}
	k.center, k.vendor, k.patient = t.Sub[0], t.Sub[1], t.Sub[2]

	// The 2025 scorer renames this vendor folder of the TaskR2 mapping submissions before
	// scoring, mending a folder name of the released data (cmrxrecon-data.md, section 5.4).
	if task == "TaskR2" && k.modality == "Mapping" && k.center == "Center004" &&
		k.vendor == "UIH_30T_umr780" {
		k.vendor = "UIH_15T_umr680"
	}
	return k
}

// walkTask returns the files of one kind below a task folder that sit at
// <Coil>/<Modality>/<Set>/<folder>/<Center>/<Vendor>/<Patient>/ for one of the given
// folders: those of the first folder first, each folder's in name order.
func walkTask(dir string, folders []string, kind FileKind) ([]TreePath, error) {
	var out []TreePath
	err := walkTree(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return filepath.SkipAll
			}
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".mat") ||
			strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		t, err := ParseTreePath(p)
		if err != nil || t.File.Kind != kind || len(t.Sub) != 3 {
			return nil
		}
		if slices.Contains(folders, t.Folder) {
			out = append(out, t)
		}
		return nil
	})
	slices.SortStableFunc(out, func(a, b TreePath) int {
		return slices.Index(folders, a.Folder) - slices.Index(folders, b.Folder)
	})
	return out, err
}

// scoreOne scores the submissions of one ground-truth file, or records it as missing. A
// ground truth that cannot be read is an error; a submission that cannot be read or scored
// is recorded as invalid with the reason.
func scoreOne(k gtKey, gt TreePath, subs []TreePath, opts ScoreOptions) ([]ScoredFile,
	error) {
	base := ScoredFile{Task: k.task, Modality: k.modality, Center: k.center, Vendor: k.vendor,
		Patient: k.patient, File: k.name, GroundTruth: gt.Path()}
	nan := math.NaN()
	if len(subs) == 0 {
		base.Comment = "missing"
		base.PSNR, base.SSIM, base.NMSE = nan, nan, nan
		return []ScoredFile{base}, nil
	}

	eo := EvalOptions{Metric: opts.Metric, Read: opts.Read}
	var out []ScoredFile
	for _, s := range subs {
		f := base
		f.Submission = s.Path()
		f.Scenario = s.File.Scenario.String()
		f.PSNR, f.SSIM, f.NMSE = nan, nan, nan

		sub, err := ReadImage(f.Submission, opts.Read)
		if err != nil {
			f.Comment = err.Error()
			out = append(out, f)
			continue
		}
		ref, err := groundTruth(f.GroundTruth, sub.Dims, eo)
		if err != nil {
			return nil, fmt.Errorf("challenge: ground truth: %w", err)
		}
		r, err := metric.Evaluate(ref.Data, sub.Data, ref.Dims, sub.Dims, opts.Metric)
		switch {
		case err == nil:
			f.Valid = true
			f.PSNR, f.SSIM, f.NMSE = r.PSNR, r.SSIM, r.NMSE
		case errors.Is(err, metric.ErrShapeMismatch):
			f.Comment = fmt.Sprintf("Shape mismatch: ground truth %s, submission %s",
				dimsString(ref.Dims), dimsString(sub.Dims))
		default:
			f.Comment = fmt.Sprintf("%s: %v", f.Submission, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// grouper returns the function that names the groups of a file, and sets the grouping's
// description.
func grouper(task string, sheet *Sheet, how *string) func(gtKey) []string {
	folderKey := func(k gtKey) []string { return []string{k.center + "_" + k.vendor} }
	switch {
	case task == "TaskR1" && sheet == nil:
		*how = "centre+vendor"
		return folderKey
	case task == "TaskR1":
		*how = "centre+vendor"
		return func(k gtKey) []string {
			row, ok := sheet.lookup(task, k)
			if !ok {
				return []string{"Unknown_Unknown"}
			}
			return []string{row.Center + "_" + row.Manufacturer}
		}
	case sheet == nil:
		*how = "centre+vendor (no sheet)"
		return folderKey
	}
	*how = "disease"
	return func(k gtKey) []string {
		row, _ := sheet.lookup(task, k)
		return row.Diseases
	}
}

// expectedCounts returns N_g for every group: TaskR1 and the sheetless grouping count the
// ground-truth files per centre and vendor folder, diseases count each patient's files
// toward each disease the patient's row lists (twice if it lists one twice, as the scorer
// counts).
func expectedCounts(gts map[gtKey]TreePath, subs map[gtKey][]TreePath, task string,
	sheet *Sheet, group func(gtKey) []string) map[string]int {
	n := map[string]int{}
	for k := range gts {
		w := max(1, len(subs[k]))
		if task == "TaskR1" || sheet == nil {
			n[k.center+"_"+k.vendor] += w
			continue
		}
		for _, g := range group(k) {
			n[g] += w
		}
	}
	return n
}

// SheetRow is one patient of the organisers' sheet.
type SheetRow struct {
	Task, Center, Manufacturer, Patient string
	Diseases                            []string
}

// Sheet is the organisers' patient sheet: centre, manufacturer (the vendor folder name) and
// diseases per anonymised patient.
type Sheet struct {
	Rows []SheetRow
}

func (s *Sheet) lookup(task string, k gtKey) (SheetRow, bool) {
	for _, r := range s.Rows {
		if (r.Task == "" || r.Task == task) && r.Center == k.center &&
			r.Manufacturer == k.vendor && r.Patient == k.patient {
			return r, true
		}
	}
	return SheetRow{}, false
}

// ReadSheet reads the patient sheet as CSV with a header row naming the columns Center,
// Manufacturer, AnonPatientID, optionally Disease1 to Disease4, and optionally Task (the
// sheet name of the organisers' workbook: TaskR1, TaskR2, ...), in any order. Disease names
// are cleaned as the scorer cleans them: spaces trimmed, commas removed, inner spaces
// turned into underscores; empty ones are dropped.
func ReadSheet(r io.Reader, name string) (*Sheet, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	recs, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("challenge: sheet %s: %w", name, err)
	}
	s := &Sheet{}
	if err := s.addRows(recs, name, ""); err != nil {
		return nil, err
	}
	return s, nil
}

// addRows appends the rows of one table (a header row, then one row per patient) to s;
// task is the Task of rows without a Task column.
func (s *Sheet) addRows(recs [][]string, name, task string) error {
	if len(recs) == 0 {
		return fmt.Errorf("challenge: sheet %s: no header row", name)
	}
	head := recs[0]
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	for _, c := range []string{"Center", "Manufacturer", "AnonPatientID"} {
		if _, ok := col[c]; !ok {
			return fmt.Errorf("challenge: sheet %s: no column %s in the header", name, c)
		}
	}

	get := func(rec []string, c string) string {
		i, ok := col[c]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	for i, rec := range recs[1:] {
		if blank(rec) {
			continue
		}
		row := SheetRow{Task: get(rec, "Task"), Center: get(rec, "Center"),
			Manufacturer: get(rec, "Manufacturer"), Patient: get(rec, "AnonPatientID")}
		if row.Task == "" {
			row.Task = task
		}
		if row.Center == "" || row.Manufacturer == "" || row.Patient == "" {
			return fmt.Errorf("challenge: sheet %s: line %d: empty Center, Manufacturer "+
				"or AnonPatientID", name, i+2)
		}
		for i := 1; i <= 4; i++ {
			d := get(rec, fmt.Sprintf("Disease%d", i))
			d = strings.ReplaceAll(strings.ReplaceAll(d, ",", ""), " ", "_")
			if d != "" {
				row.Diseases = append(row.Diseases, d)
			}
		}
		s.Rows = append(s.Rows, row)
	}
	return nil
}

// blank reports a row with nothing but spaces in it, as spreadsheets end with.
func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// ReadSheetFile reads a patient sheet from a CSV file (see ReadSheet) or from an Excel
// workbook (.xlsx), the form the organisers ship: every worksheet is a table as ReadSheet
// reads it, and the rows of a worksheet named after a task (TaskR1, TaskR2, ...) without a
// Task column belong to that task.
func ReadSheetFile(path string) (*Sheet, error) {
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return readWorkbook(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("challenge: sheet: %w", err)
	}
	defer f.Close()
	return ReadSheet(f, path)
}

// Bounds on the worksheets readWorkbook accepts: Excel's own row limit, and far more columns
// than a patient sheet has, so a corrupt cell reference cannot make it allocate gigabytes.
const (
	maxSheetRows    = 1 << 20
	maxSheetColumns = 1 << 10
)

// readWorkbook reads the worksheets of an Excel workbook (see ReadSheetFile).
func readWorkbook(path string) (*Sheet, error) {
	wb, err := xlsxreader.OpenFile(path)
	if err != nil {
		return nil, fmt.Errorf("challenge: sheet %s: not a readable .xlsx workbook: %w", path,
			err)
	}
	defer wb.Close()

	s := &Sheet{}
	for _, ws := range wb.Sheets {
		var rows [][]string
		for r := range wb.ReadRows(ws) {
			if r.Error != nil {
				return nil, fmt.Errorf("challenge: sheet %s: worksheet %q: %w", path, ws,
					r.Error)
			}
			if r.Index < 1 || r.Index > maxSheetRows {
				return nil, fmt.Errorf("challenge: sheet %s: worksheet %q: row %d out of "+
					"range", path, ws, r.Index)
			}
			for len(rows) < r.Index-1 {
				rows = append(rows, nil) // rows without cells are left out of the file
			}
			var rec []string
			for _, c := range r.Cells {
				i := c.ColumnIndex()
				if i < 0 || i >= maxSheetColumns {
					return nil, fmt.Errorf("challenge: sheet %s: worksheet %q: column %q out "+
						"of range", path, ws, c.Column)
				}
				for len(rec) <= i {
					rec = append(rec, "")
				}
				rec[i] = c.Value
			}
			rows = append(rows, rec)
		}
		task := ""
		if slices.Contains(Tasks, ws) {
			task = ws
		}
		if err := s.addRows(rows, path+": worksheet "+strconv.Quote(ws), task); err != nil {
			return nil, err
		}
	}
	return s, nil
}
