package challenge

import (
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/recon"
)

// SimulateOptions configures Simulate.
type SimulateOptions struct {
	// Task names the task folders to write; "" means TaskR1.
	Task string

	// Set is the set folder to write, "ValidationSet" (the default) or "TestSet".
	Set string

	// Scenarios are the undersampling scenarios to draw from; nil means Scenarios2025.
	Scenarios []Scenario

	// PerFile is the number of scenarios (kus files) made from each fully sampled file; the
	// validation set has one. Values below 1 mean 1. File i takes scenarios
	// i·PerFile, i·PerFile+1, ... of Scenarios, cyclically, so a set covers them all.
	PerFile int

	// Seed seeds the ktGaussian masks, together with each file's path and scenario.
	Seed uint64

	// GroundTruth is the shape of the ground truth written: OutputRanking (the default, the
	// validation GT) or OutputFull.
	GroundTruth OutputMode

	// Layout names the dims of the fully sampled files; the zero value is DefaultLayout.
	Layout Layout

	// Threads bounds the goroutines of the ground-truth FFTs (values below 1: one per CPU).
	Threads int

	// Read bounds and parallelises file reading; nil uses the defaults.
	Read *mat.ReadOptions
}

// SimulatedFile records one undersampled file that Simulate wrote.
type SimulatedFile struct {
	Source      string   `json:"source"`       // the fully sampled file
	KSpace      string   `json:"kspace"`       // the kus file
	Mask        string   `json:"mask"`         // its mask
	GroundTruth string   `json:"ground_truth"` // the ground truth of the source
	Scenario    Scenario `json:"scenario"`
	EffectiveR  float64  `json:"effective_r"`
}

// Simulate builds a validation-style challenge tree from the fully sampled files of a
// training tree, so that the whole loop (run, score) can be tried where the organisers'
// ground truth is not available. It finds every <name>.mat in a FullSample folder below
// input (as TrainingSet/FullSample/<Center>/<Vendor>/P###/cine_sax.mat) and writes, below
// output, for each of them:
//
//   - <Task>/<Coil>/<Modality>/<Set>/UnderSample_<Task>/<Sub...>/<name>_kus_<Pattern><R>.mat:
//     the variable kus, the k-space times the mask (zero-filled, full size), complex single,
//     MATLAB v7.3 as the challenge ships it;
//   - .../Mask_<Task>/<Sub...>/<name>_mask_<Pattern><R>.mat: the mask from GenerateMask (the
//     challenge's generator, 20 calibration lines), variable mask, (nx, ny, nt) double;
//   - .../FullSample_<Task>/<Sub...>/<name>.mat: the ground truth as the organisers make it,
//     the root sum of squares of the fully sampled coil images, selected and cropped by the
//     ranking rules (or whole), variable img4ranking, single, MATLAB v5.
//
// This is the layout the validation scorer reads, with the ground truth beside the inputs, so
// output serves as both run --input and score --gt. The files are made in a temporary folder
// inside output and moved into place only when all of them have been made: a failure (an
// unreadable source, say) leaves output as it was. An output that already holds a tree of
// the task is refused, since new files among old ones would make a mixed set. Two sources
// that would write the same files (the same patient under two sets) are an error. The input
// is only read. The result lists the kus files in the order made.
func Simulate(input, output string, opts SimulateOptions) ([]SimulatedFile, error) {
	if err := opts.Check(); err != nil {
		return nil, err
	}
	task, set, _ := simulateFolders(opts)
	scen := opts.Scenarios
	if scen == nil {
		scen = Scenarios2025()
	}
	perFile := max(1, opts.PerFile)
	if _, err := os.Lstat(filepath.Join(output, task)); err == nil {
		return nil, fmt.Errorf("challenge: simulate: %s already holds a %s tree; simulate "+
			"into a new folder", output, task)
	}

	sources, err := findFullySampled(input)
	if err != nil {
		return nil, err
	}
	if len(sources) == 0 {
		return nil, fmt.Errorf("challenge: simulate: %s: no fully sampled files "+
			"(<name>.mat in a FullSample folder of a <Coil>/<Modality>/<Set> tree)", input)
	}

	if err := os.MkdirAll(output, 0o755); err != nil {
		return nil, fmt.Errorf("challenge: simulate: %w", err)
	}
	stage, err := os.MkdirTemp(output, ".cmrecon-simulate-*")
	if err != nil {
		return nil, fmt.Errorf("challenge: simulate: %w", err)
	}
	defer os.RemoveAll(stage)

	var out []SimulatedFile
	from := map[string]string{}
	for i, src := range sources {
		t := src
		t.Root = filepath.Join(stage, task)
		t.Set = set
		t.Folder = fullSampleFolder + "_" + task
		if prev, ok := from[t.Path()]; ok {
			return nil, fmt.Errorf("challenge: simulate: %s and %s would both make %s", prev,
				src.Path(), strings.TrimPrefix(t.Path(), stage+string(filepath.Separator)))
		}
		from[t.Path()] = src.Path()

		t.Folder = src.Folder
		files, err := simulateFile(t, src.Path(), scenariosFor(scen, i, perFile), task, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, files...)
	}
	if err := moveStaged(stage, output, out); err != nil {
		return nil, err
	}
	return out, nil
}

// moveStaged moves the files of out from the folder stage to the same places below output,
// and updates their paths.
func moveStaged(stage, output string, out []SimulatedFile) error {
	moved := map[string]string{}
	for i := range out {
		for _, p := range []*string{&out[i].GroundTruth, &out[i].Mask, &out[i].KSpace} {
			if dst, ok := moved[*p]; ok {
				*p = dst
				continue
			}
			rel, err := filepath.Rel(stage, *p)
			if err != nil {
				return fmt.Errorf("challenge: simulate: %w", err)
			}
			dst := filepath.Join(output, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return fmt.Errorf("challenge: simulate: %w", err)
			}
			if err := os.Rename(*p, dst); err != nil {
				return fmt.Errorf("challenge: simulate: %w", err)
			}
			moved[*p] = dst
			*p = dst
		}
	}
	return nil
}

// Check reports options that Simulate would refuse (an unknown task, set or ground-truth
// mode, an empty scenario list), so that callers can check them before making anything.
func (opts SimulateOptions) Check() error {
	if _, _, err := simulateFolders(opts); err != nil {
		return err
	}
	if opts.Scenarios != nil && len(opts.Scenarios) == 0 {
		return fmt.Errorf("challenge: simulate: no scenarios")
	}
	return nil
}

func simulateFolders(opts SimulateOptions) (task, set string, err error) {
	task, set = opts.Task, opts.Set
	if task == "" {
		task = "TaskR1"
	}
	if !slices.Contains(Tasks, task) {
		return "", "", fmt.Errorf("challenge: simulate: task %q: want one of %s", task,
			strings.Join(Tasks, ", "))
	}
	if set == "" {
		set = "ValidationSet"
	}
	if set != "ValidationSet" && set != "TestSet" {
		return "", "", fmt.Errorf("challenge: simulate: set %q: want ValidationSet or "+
			"TestSet", set)
	}
	switch opts.GroundTruth {
	case "", OutputRanking, OutputFull:
	default:
		return "", "", fmt.Errorf("challenge: simulate: ground truth mode %q: want %q or %q",
			opts.GroundTruth, OutputRanking, OutputFull)
	}
	return task, set, nil
}

// scenariosFor returns the scenarios of the i-th file.
func scenariosFor(all []Scenario, i, perFile int) []Scenario {
	out := make([]Scenario, 0, perFile)
	for j := range perFile {
		out = append(out, all[(i*perFile+j)%len(all)])
	}
	return out
}

// findFullySampled returns the fully sampled files below root, sorted by path.
func findFullySampled(root string) ([]TreePath, error) {
	var out []TreePath
	err := walkTree(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return fmt.Errorf("challenge: simulate: %w", err)
		}
		if d.IsDir() {
			if p != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".mat") {
			return nil
		}
		t, err := ParseTreePath(p)
		if err == nil && t.File.Kind == KindFull && t.Folder == fullSampleFolder {
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// simulateFile writes the ground truth and the kus and mask files of one source; t is the
// source's tree path moved to the output root and set.
func simulateFile(t TreePath, src string, scen []Scenario, task string,
	opts SimulateOptions) ([]SimulatedFile, error) {
	k, err := ReadKSpace(src, opts.Layout, opts.Read)
	if err != nil {
		return nil, err
	}

	gtPath, err := writeGroundTruth(t, src, k, task, opts)
	if err != nil {
		return nil, err
	}

	var out []SimulatedFile
	for _, sc := range scen {
		kt, mt := t, t
		kt.Folder, mt.Folder = underSamplePrefix+task, maskPrefix+task
		kt.File = FileName{Base: t.File.Base, Kind: KindKSpace, Scenario: sc}
		mt.File = FileName{Base: t.File.Base, Kind: KindMask, Scenario: sc}

		m, err := GenerateMask(MaskSpec{Pattern: sc.Pattern, NX: k.NX, NY: k.NY, NT: k.NT,
			R: sc.R, Seed: maskSeed(opts.Seed, kt)})
		if err != nil {
			return out, fmt.Errorf("%s: %s: %w", src, sc, err)
		}
		if err := os.MkdirAll(filepath.Dir(mt.Path()), 0o755); err != nil {
			return out, fmt.Errorf("challenge: simulate: %w", err)
		}
		if err := WriteMask(mt.Path(), m); err != nil {
			return out, err
		}
		if err := writeUndersampled(kt.Path(), k, m); err != nil {
			return out, err
		}
		out = append(out, SimulatedFile{Source: src, KSpace: kt.Path(), Mask: mt.Path(),
			GroundTruth: gtPath, Scenario: sc, EffectiveR: EffectiveR(m)})
	}
	return out, nil
}

// maskSeed derives the seed of a file's mask from the base seed and the file's place in
// the tree, so that it does not depend on which other files are simulated.
func maskSeed(seed uint64, t TreePath) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%s/%s/%s", seed, t.Modality, strings.Join(t.Sub, "/"),
		t.File.Base, t.File.Scenario)
	return h.Sum64()
}

// writeGroundTruth writes the ground truth of k as the organisers make it.
func writeGroundTruth(t TreePath, src string, k *recon.KSpace, task string,
	opts SimulateOptions) (string, error) {
	img, err := recon.ZeroFilled(k, opts.Threads)
	if err != nil {
		return "", fmt.Errorf("%s: %w", src, err)
	}
	var a Array
	if opts.GroundTruth == OutputFull {
		a, err = FullSize(img)
	} else {
		a, err = Img4Ranking(t.File.String(), img)
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", src, err)
	}

	t.Folder = fullSampleFolder + "_" + task
	p := t.Path()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", fmt.Errorf("challenge: simulate: %w", err)
	}
	return p, WriteImage(p, a)
}

// writeUndersampled writes k times the mask m as the variable kus, MATLAB v7.3, with
// MATLAB's trailing singleton dims dropped.
func writeUndersampled(path string, k *recon.KSpace, m *recon.Mask) error {
	data := make([]complex64, len(k.Data))
	plane := k.NX * k.NY
	for it := range k.NT {
		f := m.Frame(min(it, m.NT-1))
		for iz := range k.NZ {
			for ic := range k.NC {
				off := plane * (ic + k.NC*(iz+k.NZ*it))
				for i, w := range f {
					if w != 0 {
						data[off+i] = k.Data[off+i]
					}
				}
			}
		}
	}

	dims := []int{k.NX, k.NY, k.NC, k.NZ, k.NT}
	for len(dims) > 2 && dims[len(dims)-1] == 1 {
		dims = dims[:len(dims)-1]
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("challenge: simulate: %w", err)
	}
	return mat.WriteV73(path, mat.Array{Name: "kus", Dims: dims, Data: data})
}
