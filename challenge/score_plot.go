package challenge

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// PlotSSIM draws the mean SSIM of the valid files by undersampling pattern and
// acceleration as a grouped bar chart (one group of bars per R, one bar per pattern, over
// every task of the report) and writes it to path as a PNG, through a temporary file. It is
// a view of the results (plain means per scenario), not the official grouped score.
func (r *ScoreReport) PlotSSIM(path string) error {
	all := TaskScore{}
	var tasks []string
	for _, t := range r.Tasks {
		all.Files = append(all.Files, t.Files...)
		tasks = append(tasks, t.Task)
	}
	scores := all.ByScenario()
	if len(scores) == 0 {
		return fmt.Errorf("challenge: plot %s: no valid file with a scenario to plot", path)
	}

	var patterns []Pattern
	var rs []int
	for _, s := range scores {
		if !slices.Contains(patterns, s.Scenario.Pattern) {
			patterns = append(patterns, s.Scenario.Pattern)
		}
		if !slices.Contains(rs, s.Scenario.R) {
			rs = append(rs, s.Scenario.R)
		}
	}
	slices.Sort(rs)

	p := plot.New()
	p.Title.Text = "SSIM by pattern and acceleration (" + strings.Join(tasks, ", ") + ")"
	p.Y.Label.Text = "mean SSIM of the files"
	p.X.Label.Text = "acceleration R"
	width := vg.Points(18)
	lo := 1.0
	for i, pat := range patterns {
		vals := make(plotter.Values, len(rs))
		for j, R := range rs {
			for _, s := range scores {
				if s.Scenario == (Scenario{Pattern: pat, R: R}) {
					vals[j] = s.SSIM
					lo = min(lo, s.SSIM)
				}
			}
		}
		bars, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return fmt.Errorf("challenge: plot %s: %w", path, err)
		}
		bars.Color = plotutil.Color(i)
		bars.LineStyle.Width = 0
		bars.Offset = width * vg.Length(2*i-len(patterns)+1) / 2
		p.Add(bars)
		p.Legend.Add(string(pat), bars)
	}
	p.Legend.Top = true
	p.Y.Min = max(0, lo-0.05)
	p.Y.Max = 1
	names := make([]string, len(rs))
	for j, R := range rs {
		names[j] = "R=" + strconv.Itoa(R)
	}
	p.NominalX(names...)

	w, err := p.WriterTo(6*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return fmt.Errorf("challenge: plot %s: %w", path, err)
	}
	var b bytes.Buffer
	if _, err := w.WriteTo(&b); err != nil {
		return fmt.Errorf("challenge: plot %s: %w", path, err)
	}
	return writeFileAtomic(path, b.Bytes())
}
