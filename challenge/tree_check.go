package challenge

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
)

// CheckOptions configures CheckTree.
type CheckOptions struct {
	// Input is the challenge tree that was reconstructed, Output the submission tree.
	Input, Output string

	// Task restricts the check to one task; "" checks every task of Input.
	Task string

	// Mode is the output mode the outputs were written in; "" means OutputRanking.
	Mode OutputMode

	// Layout names the dims of the k-space files; the zero value is DefaultLayout.
	Layout Layout
}

// CheckProblem is an output that is not complete, and why.
type CheckProblem struct {
	Output  string `json:"output"`
	Problem string `json:"problem"`
}

// CheckReport is the result of CheckTree. Paths are relative to the output folder.
type CheckReport struct {
	// Expected counts the inputs; Complete the outputs that pass CheckOutput.
	Expected int `json:"expected"`
	Complete int `json:"complete"`

	// Missing lists the outputs that do not exist; Incomplete those that exist but fail
	// CheckOutput, or whose input cannot be read.
	Missing    []string       `json:"missing"`
	Incomplete []CheckProblem `json:"incomplete"`

	// Extra lists the files named like a submission (<name>_kus_*.mat) that no input
	// accounts for; the validation scorer fails on such a file.
	Extra []string `json:"extra"`
}

// OK reports a complete output tree with nothing extra.
func (r *CheckReport) OK() bool {
	return len(r.Missing) == 0 && len(r.Incomplete) == 0 && len(r.Extra) == 0
}

// String summarises the report in one line.
func (r *CheckReport) String() string {
	return fmt.Sprintf("%d of %d outputs complete, %d missing, %d incomplete, %d extra",
		r.Complete, r.Expected, len(r.Missing), len(r.Incomplete), len(r.Extra))
}

// CheckTree verifies that an output tree holds a complete submission for every undersampled
// k-space file of the input tree, as Run writes them: after a sharded run, it tells whether
// the merged outputs of all shards are complete. Every output is read in full. The error is
// for a tree that cannot be walked; problems with outputs go into the report.
func CheckTree(opts CheckOptions) (*CheckReport, error) {
	files, err := FindTreeFiles(opts.Input, opts.Task)
	if err != nil {
		return nil, err
	}

	r := &CheckReport{Expected: len(files), Missing: []string{}, Incomplete: []CheckProblem{},
		Extra: []string{}}
	want := map[string]bool{}
	for _, f := range files {
		want[f.Rel] = true
		out := filepath.Join(opts.Output, f.Rel)
		dims, err := KSpaceDims(f.KSpace, opts.Layout)
		var odims []int
		if err == nil {
			odims, err = OutputDims(filepath.Base(f.KSpace), dims, opts.Mode)
		}
		if err == nil {
			err = CheckOutput(out, odims)
		}
		switch {
		case err == nil:
			r.Complete++
		case errors.Is(err, fs.ErrNotExist):
			r.Missing = append(r.Missing, f.Rel)
		default:
			r.Incomplete = append(r.Incomplete, CheckProblem{Output: f.Rel, Problem: err.Error()})
		}
	}

	err = walkTree(opts.Output, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == opts.Output {
				return filepath.SkipAll
			}
			return err
		}
		if d.IsDir() || !strings.Contains(d.Name(), "_kus_") || !strings.HasSuffix(d.Name(),
			".mat") || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		rel, err := filepath.Rel(opts.Output, p)
		if err == nil && !want[rel] && (opts.Task == "" || strings.HasPrefix(rel,
			opts.Task+string(filepath.Separator))) {
			r.Extra = append(r.Extra, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("challenge: output tree: %w", err)
	}
	slices.Sort(r.Extra)
	return r, nil
}
