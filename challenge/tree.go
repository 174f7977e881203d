package challenge

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cmrecon/cmrecon/mat"
)

// Tasks lists the 2025 task names, as they appear in folder names such as
// UnderSample_TaskR1.
var Tasks = []string{"TaskR1", "TaskR2", "TaskS1", "TaskS2"}

// TreeFile is one undersampled k-space file of a challenge tree and where its submission
// goes.
type TreeFile struct {
	// KSpace is the path of the <name>_kus_<Pattern><R>.mat file.
	KSpace string

	// Rel is the submission's path relative to an output root:
	// <Task>/<Coil>/<Modality>/<Set>/UnderSample_<Task>/<Sub...>/<same file name>, the layout
	// the validation and test scorers search (see SubmissionPath).
	Rel string

	// Mask is the Mask_<Task> file that pairs with KSpace (see MaskPath), or "" when that
	// file does not exist.
	Mask string

	// Tree is KSpace split along the challenge's folders.
	Tree TreePath

	// Size is the size of the k-space file in bytes.
	Size int64
}

// FindTreeFiles walks the folder root and returns every undersampled k-space file of a
// challenge tree below it, sorted by Rel: the files named <name>_kus_<Pattern><R>.mat in a
// folder UnderSample_<Task> of a <Coil>/<Modality>/<Set>/ tree. task restricts the result
// to one task ("TaskR1"); "" keeps all. Folders whose names start with a dot are skipped;
// other files are ignored. root may be the folder above the task folders (as the challenge
// ships ChallengeData_ValSet/TaskR1/...), a task folder, or any folder in between, such as
// the /input of the test phase. Two files with the same Rel (the same tree found twice) are
// an error naming both.
func FindTreeFiles(root, task string) ([]TreeFile, error) {
	if task != "" && !slices.Contains(Tasks, task) {
		return nil, fmt.Errorf("challenge: task %q: want one of %s", task,
			strings.Join(Tasks, ", "))
	}
	st, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("challenge: input tree: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("challenge: input tree %s: not a folder", root)
	}

	var files []TreeFile
	walk := func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("challenge: input tree: %w", err)
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}

		f, ok := treeFile(p, task)
		if !ok {
			return nil
		}
		info, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("challenge: input tree: %w", err)
		}
		f.Size = info.Size()
		files = append(files, f)
		return nil
	}
	if err := walkTree(root, walk); err != nil {
		return nil, err
	}

	slices.SortFunc(files, func(a, b TreeFile) int { return strings.Compare(a.Rel, b.Rel) })
	for i := 1; i < len(files); i++ {
		if files[i].Rel == files[i-1].Rel {
			return nil, fmt.Errorf("challenge: input tree: %s and %s both map to the output "+
				"%s", files[i-1].KSpace, files[i].KSpace, files[i].Rel)
		}
	}
	return files, nil
}

// treeFile recognises an undersampled k-space file of the wanted task.
func treeFile(p, task string) (TreeFile, bool) {
	if !strings.Contains(filepath.Base(p), "_kus_") {
		return TreeFile{}, false
	}
	t, err := ParseTreePath(p)
	if err != nil || t.File.Kind != KindKSpace {
		return TreeFile{}, false
	}
	ft := taskOf(t.Folder, underSamplePrefix)
	if ft == "" || (task != "" && ft != task) {
		return TreeFile{}, false
	}

	rel, err := SubmissionPath("", p)
	if err != nil {
		return TreeFile{}, false
	}
	f := TreeFile{KSpace: p, Rel: rel, Tree: t}
	if m, err := MaskPath(p); err == nil {
		if _, err := os.Stat(m); err == nil {
			f.Mask = m
		}
	}
	return f, true
}

// KSpaceDims returns the dims (nx, ny, nc, nz, nt) of the k-space in a file, from the file's
// header alone: the first numeric variable, interpreted with layout (the zero Layout is
// DefaultLayout). Errors name the file.
func KSpaceDims(path string, layout Layout) ([5]int, error) {
	f, err := mat.Open(path)
	if err != nil {
		return [5]int{}, err
	}
	defer f.Close()

	for _, v := range f.Vars() {
		switch v.Class {
		case "char", "cell", "struct", "object", "function_handle", "logical":
			continue
		}
		if v.Sparse || v.Dims == nil {
			continue
		}
		d, err := layout.canonicalDims(v.Dims)
		if err != nil {
			return [5]int{}, fmt.Errorf("%s: %w", path, err)
		}
		return [5]int{d.NX, d.NY, d.NC, d.NZ, d.NT}, nil
	}
	return [5]int{}, fmt.Errorf("%s: %w", path, mat.ErrNoVariable)
}

// OutputDims returns the MATLAB dims of the submission that ReconstructFile writes for
// k-space of dims (nx, ny, nc, nz, nt) from the file called name, in the given output mode.
func OutputDims(name string, dims [5]int, mode OutputMode) ([]int, error) {
	nx, ny, nz, nt := dims[0], dims[1], dims[3], dims[4]
	switch mode {
	case OutputRanking, "":
		s, err := RankingSelection(name, nx, ny, nz, nt)
		if err != nil {
			return nil, err
		}
		return s.Dims, nil
	case OutputFull:
		if nx < 1 || ny < 1 || nz < 1 || nt < 1 {
			return nil, fmt.Errorf("challenge: %s: image size %dx%dx%dx%d", name, nx, ny, nz,
				nt)
		}
		d := []int{nx, ny, nz, nt}
		for len(d) > 2 && d[len(d)-1] == 1 {
			d = d[:len(d)-1]
		}
		return d, nil
	}
	return nil, fmt.Errorf("output mode %q: want %q or %q", mode, OutputRanking, OutputFull)
}

// ErrIncomplete reports a submission file that is missing, unreadable, or not what the
// reconstruction writes.
var ErrIncomplete = errors.New("output incomplete")

// CheckOutput reports whether path holds a complete submission of the given MATLAB dims, as
// ReconstructFile writes it: a readable MAT file whose variable img4ranking is real, single
// precision, of exactly those dims, with every value finite and non-negative. Every value is
// read, so a damaged compressed stream is found. The error wraps ErrIncomplete and says
// what is wrong; a missing file wraps fs.ErrNotExist as well.
func CheckOutput(path string, dims []int) error {
	f, err := mat.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrIncomplete, err)
	}
	defer f.Close()

	var info *mat.VarInfo
	for _, v := range f.Vars() {
		if v.Name == RankingVar {
			info = &v
		}
	}
	switch {
	case info == nil:
		return fmt.Errorf("%w: %s: no variable %s", ErrIncomplete, path, RankingVar)
	case info.Class != "single" || info.Complex:
		return fmt.Errorf("%w: %s: %s is %s, want real single", ErrIncomplete, path,
			RankingVar, info.Class)
	case !slices.Equal(info.Dims, dims):
		return fmt.Errorf("%w: %s: %s is %s, want %s", ErrIncomplete, path, RankingVar,
			dimsString(info.Dims), dimsString(dims))
	}

	data, _, err := f.ReadFloat32(RankingVar, nil)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrIncomplete, err)
	}
	for i, v := range data {
		if !(v >= 0) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("%w: %s: value %d is %g", ErrIncomplete, path, i, v)
		}
	}
	return nil
}

// walkTree is filepath.WalkDir that also follows a symbolic link at root itself, as a
// mounted /input or a link to a data set often is (WalkDir follows no links). The paths
// given to fn start with root as given, whatever the link points to.
func walkTree(root string, fn fs.WalkDirFunc) error {
	target := root
	if fi, err := os.Lstat(root); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		if r, err := filepath.EvalSymlinks(root); err == nil {
			target = r
		}
	}
	if target == root {
		return filepath.WalkDir(root, fn)
	}

	return filepath.WalkDir(target, func(p string, d fs.DirEntry, err error) error {
		if rel, rerr := filepath.Rel(target, p); rerr == nil && rel != "." {
			p = filepath.Join(root, rel)
		} else if rerr == nil {
			p = root
		}
		return fn(p, d, err)
	})
}
