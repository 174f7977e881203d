package challenge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
)

// WriteTable writes the report as a human-readable table: one line per file with its
// status, time, peak heap (see RunFile.PeakHeapBytes; a note says so when several files ran
// at once) and estimated memory, then the totals.
func (r *RunReport) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "status\tseconds\tpeak heap MiB\test. MiB\t  file\n")
	for _, f := range r.Files {
		name, err := filepath.Rel(r.Output, f.Output)
		if err != nil {
			name = f.Output
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.1f\t%.1f\t  %s\n", f.Status, f.Seconds,
			mib(int64(f.PeakHeapBytes)), mib(f.EstimatedBytes), name)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if r.Jobs > 1 {
		fmt.Fprintf(w, "(peak heap: the process's, while the file ran; with %d files at once "+
			"it includes the others')\n", r.Jobs)
	}

	shard := ""
	if r.Shard != "" {
		shard = fmt.Sprintf(" (shard %s of a tree of %d files)", r.Shard, r.TreeFiles)
	}
	fmt.Fprintf(w, "%d files%s: %d done, %d skipped, %d failed, %d not run in %.1f s; "+
		"peak RSS %.1f MiB\n", len(r.Files), shard, r.Done, r.Skipped, r.Failed, r.NotRun,
		r.Seconds, mib(r.PeakRSSBytes))
	for _, f := range r.Files {
		if f.Error != "" {
			fmt.Fprintf(w, "failed: %s\n", f.Error)
		}
	}
	return nil
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

// Save writes the report into dir as <ReportName>.json and <ReportName>.txt (the table),
// each through a temporary file renamed into place.
func (r *RunReport) Save(dir string) error {
	s, err := ParseShard(r.Shard, nil)
	if err != nil {
		return fmt.Errorf("challenge: run report: %w", err)
	}
	base := filepath.Join(dir, ReportName(s))

	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("challenge: run report: %w", err)
	}
	if err := writeFileAtomic(base+".json", append(js, '\n')); err != nil {
		return err
	}

	var tb bytes.Buffer
	if err := r.WriteTable(&tb); err != nil {
		return err
	}
	return writeFileAtomic(base+".txt", tb.Bytes())
}

// ReadRunReport reads a report that Save wrote as JSON.
func ReadRunReport(path string) (*RunReport, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("challenge: %w", err)
	}
	var r RunReport
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("challenge: %s: %w", path, err)
	}
	return &r, nil
}

// writeFileAtomic writes data to path through a temporary file in the same folder, so path
// holds the old content or the new, never a part.
func writeFileAtomic(path string, data []byte) error {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("challenge: %s: %w", path, err)
	}

	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("challenge: %s: %w", path, err)
	}
	return nil
}
