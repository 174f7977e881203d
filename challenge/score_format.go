package challenge

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/cmrecon/cmrecon/metric"
)

// num turns a non-finite score into nil, which JSON writes as null.
func num(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// MarshalJSON writes the file with NaN and infinite scores as null.
func (f ScoredFile) MarshalJSON() ([]byte, error) {
	type plain ScoredFile
	return json.Marshal(struct {
		plain
		PSNR *float64 `json:"psnr"`
		SSIM *float64 `json:"ssim"`
		NMSE *float64 `json:"nmse"`
	}{plain(f), num(f.PSNR), num(f.SSIM), num(f.NMSE)})
}

// MarshalJSON writes the task with NaN and infinite scores as null.
func (t TaskScore) MarshalJSON() ([]byte, error) {
	type group struct {
		Group    string   `json:"group"`
		Expected int      `json:"expected"`
		Valid    int      `json:"valid"`
		PSNR     *float64 `json:"psnr_adj"`
		SSIM     *float64 `json:"ssim_adj"`
		NMSE     *float64 `json:"nmse_adj"`
	}
	type summary struct {
		Groups     []group  `json:"groups"`
		Skipped    []string `json:"skipped"`
		PSNR       *float64 `json:"psnr"`
		SSIM       *float64 `json:"ssim"`
		NMSE       *float64 `json:"nmse"`
		Files      int      `json:"files"`
		ValidFiles int      `json:"valid_files"`
	}
	s := t.Summary
	out := summary{Skipped: s.Skipped, PSNR: num(s.PSNR), SSIM: num(s.SSIM),
		NMSE: num(s.NMSE), Files: s.Files, ValidFiles: s.ValidFiles, Groups: []group{}}
	if out.Skipped == nil {
		out.Skipped = []string{}
	}
	for _, g := range s.Groups {
		out.Groups = append(out.Groups, group{g.Group, g.Expected, g.Valid, num(g.PSNR),
			num(g.SSIM), num(g.NMSE)})
	}
	return json.Marshal(struct {
		Task     string         `json:"task"`
		Grouping string         `json:"grouping"`
		Expected map[string]int `json:"expected"`
		Summary  summary        `json:"summary"`
		Files    []ScoredFile   `json:"files"`
		Ignored  []string       `json:"ignored,omitempty"`
		Unlisted []string       `json:"unlisted,omitempty"`
	}{t.Task, t.Grouping, t.Expected, out, t.Files, t.Ignored, t.Unlisted})
}

// WriteJSON writes the report as one indented JSON object; NaN and infinite scores are null.
func (r *ScoreReport) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteCSV writes the report as CSV: a header, then one row per file (kind "file"), per
// group (kind "group"), per task (kind "task") and per ignored submission (kind "ignored",
// its path in the comment column). Scores are written in full precision; NaN scores are
// empty.
func (r *ScoreReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"kind", "task", "group", "modality", "center", "vendor", "patient",
		"file", "scenario", "valid", "expected", "psnr", "ssim", "nmse", "comment"})
	f := func(v float64) string {
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	for _, t := range r.Tasks {
		for _, x := range t.Files {
			cw.Write([]string{"file", t.Task, strings.Join(x.Groups, ";"), x.Modality,
				x.Center, x.Vendor, x.Patient, x.File, x.Scenario, strconv.FormatBool(x.Valid),
				"", f(x.PSNR), f(x.SSIM), f(x.NMSE), x.Comment})
		}
		for _, g := range t.Summary.Groups {
			cw.Write([]string{"group", t.Task, g.Group, "", "", "", "", "", "",
				strconv.Itoa(g.Valid), strconv.Itoa(g.Expected), f(g.PSNR), f(g.SSIM),
				f(g.NMSE), ""})
		}
		s := t.Summary
		cw.Write([]string{"task", t.Task, t.Grouping, "", "", "", "", "", "",
			strconv.Itoa(s.ValidFiles), strconv.Itoa(s.Files), f(s.PSNR), f(s.SSIM), f(s.NMSE),
			strings.Join(s.Skipped, ";")})
		for _, p := range t.Ignored {
			cw.Write([]string{"ignored", t.Task, "", "", "", "", "", "", "", "", "", "", "",
				"", p})
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteMarkdown writes the report as Markdown: per task, the final scores, a table of the
// groups (adjusted scores, rounded to 4 decimals as the scorer prints them), a table by
// pattern and acceleration, the files that were missing or refused, and the submissions
// that were ignored.
func (r *ScoreReport) WriteMarkdown(w io.Writer) error {
	p := func(v float64) string {
		if math.IsNaN(v) {
			return "–"
		}
		return strconv.FormatFloat(metric.Round4(v), 'f', 4, 64)
	}
	for _, t := range r.Tasks {
		s := t.Summary
		fmt.Fprintf(w, "## %s\n\n", t.Task)
		fmt.Fprintf(w, "Mean over %d groups (%s) of %d valid files out of %d: "+
			"**SSIM %s**, PSNR %s, NMSE %s\n\n", len(s.Groups), t.Grouping, s.ValidFiles,
			s.Files, p(s.SSIM), p(s.PSNR), p(s.NMSE))

		fmt.Fprintln(w, "| group | files | SSIM adj | PSNR adj | NMSE adj |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
		for _, g := range s.Groups {
			fmt.Fprintf(w, "| %s | %d/%d | %s | %s | %s |\n", g.Group, g.Valid, g.Expected,
				p(g.SSIM), p(g.PSNR), p(g.NMSE))
		}
		for _, g := range s.Skipped {
			fmt.Fprintf(w, "| %s | 0/%d | – | – | – |\n", g, t.Expected[g])
		}

		fmt.Fprintln(w, "\n| scenario | files | mean SSIM | mean PSNR | mean NMSE |")
		fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
		for _, sc := range t.ByScenario() {
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s |\n", sc.Scenario, sc.Files, p(sc.SSIM),
				p(sc.PSNR), p(sc.NMSE))
		}

		var bad []ScoredFile
		for _, f := range t.Files {
			if !f.Valid {
				bad = append(bad, f)
			}
		}
		if len(bad) > 0 {
			fmt.Fprintln(w, "\nNot scored:")
			for _, f := range bad {
				fmt.Fprintf(w, "- %s/%s/%s/%s/%s: %s\n", f.Modality, f.Center, f.Vendor,
					f.Patient, f.File, f.Comment)
			}
		}
		if len(t.Unlisted) > 0 {
			fmt.Fprintln(w, "\nNot in the sheet (no disease group; counted nowhere):")
			for _, p := range t.Unlisted {
				fmt.Fprintf(w, "- %s\n", p)
			}
		}
		if len(t.Ignored) > 0 {
			fmt.Fprintln(w, "\nIgnored (no ground truth, or not the first of a ground truth):")
			for _, p := range t.Ignored {
				fmt.Fprintf(w, "- %s\n", p)
			}
		}
		fmt.Fprintln(w)
	}
	return nil
}

// ScenarioScore is the plain mean of the valid files of one undersampling scenario.
type ScenarioScore struct {
	Scenario         Scenario
	Files            int
	PSNR, SSIM, NMSE float64
}

// ByScenario returns the mean scores of the valid files of each scenario, ordered by
// pattern and then acceleration. These are plain means for a view of the results, not the
// official grouped scores.
func (t TaskScore) ByScenario() []ScenarioScore {
	acc := map[Scenario]*ScenarioScore{}
	for _, f := range t.Files {
		if !f.Valid {
			continue
		}
		fn, err := ParseFileName("x_kus_" + f.Scenario + ".mat")
		if err != nil {
			continue
		}
		a := acc[fn.Scenario]
		if a == nil {
			a = &ScenarioScore{Scenario: fn.Scenario}
			acc[fn.Scenario] = a
		}
		a.Files++
		a.PSNR += f.PSNR
		a.SSIM += f.SSIM
		a.NMSE += f.NMSE
	}

	var out []ScenarioScore
	for _, a := range acc {
		n := float64(a.Files)
		a.PSNR, a.SSIM, a.NMSE = a.PSNR/n, a.SSIM/n, a.NMSE/n
		out = append(out, *a)
	}
	slices.SortFunc(out, func(a, b ScenarioScore) int {
		if c := strings.Compare(string(a.Scenario.Pattern), string(b.Scenario.Pattern)); c != 0 {
			return c
		}
		return a.Scenario.R - b.Scenario.R
	})
	return out
}
