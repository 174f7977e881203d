package challenge

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/metric"
	"github.com/cmrecon/cmrecon/recon"
)

// OutputMode selects what a reconstruction writes.
type OutputMode string

const (
	// OutputRanking writes the validation submission: the slices, frames and crop of
	// run4Ranking_2025.m (see Img4Ranking).
	OutputRanking OutputMode = "ranking"

	// OutputFull writes every slice and frame, uncropped (see FullSize).
	OutputFull OutputMode = "full"
)

// MaskSource says where the mask of a reconstruction came from.
type MaskSource string

const (
	// MaskGiven is a mask file named by the caller.
	MaskGiven MaskSource = "given"

	// MaskImplied is the mask file that the challenge's folder layout pairs with the input.
	MaskImplied MaskSource = "implied"

	// MaskFromData is a mask derived from the non-zero samples of the input, used when no mask
	// file is given or implied.
	MaskFromData MaskSource = "data"
)

// FileOptions configures ReconstructFile.
type FileOptions struct {
	// Mask is the mask file; "" uses the file the challenge layout pairs with the input (see
	// MaskPath), or else the non-zero samples of the input.
	Mask string

	// Layout names the input's dims; the zero value is DefaultLayout.
	Layout Layout

	// Output selects ranking or full-size output; "" means OutputRanking.
	Output OutputMode

	// Name is the file name whose modality rules the ranking output follows; "" uses the
	// input's name.
	Name string

	// Recon configures the reconstruction itself. In ranking mode, a Recon.Subset left at
	// its zero value is set to the part of the image the submission keeps (RankingSubset),
	// so that only that part is reconstructed. An empty CS.Modality is set from the name
	// (see ModalityFolder), so that CS takes the defaults of the data's modality.
	Recon recon.Options

	// Read bounds and parallelises file reading; nil uses the defaults.
	Read *mat.ReadOptions

	// PNG, when not "", is a folder that receives a ComparePanel of the file after the
	// reconstruction: zero-filled, SENSE and CS (the methods other than Recon.Method are
	// run for it) and, for a fully sampled input, the reference and error maps. Its name is
	// the input's with .png for .mat.
	PNG string
}

// FileReport describes a finished ReconstructFile.
type FileReport struct {
	Input      string     // the k-space file
	Dims       recon.Dims // its dims in the challenge's order
	Mask       string     // the mask file, "" for a mask derived from the data
	MaskSource MaskSource // where the mask came from
	MaskDims   [3]int     // the mask's nx, ny, nt
	EffectiveR float64    // samples in k-space over samples taken, over all frames
	Output     string     // the file written
	OutputDims []int      // its MATLAB dims
	Panel      string     // the PNG panel written, if any

	// MaskEmpty is, for a mask read from a file, the fraction of its samples where the
	// k-space is zero in every coil and slice (see MaskEmpty): near 0 for the mask the data
	// were undersampled with, large for another one.
	MaskEmpty float64
}

// ReconstructFile reads k-space from in, undersamples it with its mask, reconstructs it and
// writes the result to out as the challenge's submission file (MATLAB v5, variable
// img4ranking, single precision). out appears complete or not at all, and may not be the
// input or the mask file.
func ReconstructFile(in, out string, opts FileOptions) (*FileReport, error) {
	if err := checkDistinct(out, in, opts.Mask); err != nil {
		return nil, err
	}
	k, err := ReadKSpace(in, opts.Layout, opts.Read)
	if err != nil {
		return nil, err
	}

	m, rep, err := resolveMask(in, k, opts)
	if err != nil {
		return nil, err
	}
	rep.Output = out

	name := opts.Name
	if name == "" {
		name = filepath.Base(in)
	}
	ro := opts.Recon
	if (opts.Output == OutputRanking || opts.Output == "") && ro.Subset.Keep == nil &&
		ro.Subset.X0 == 0 && ro.Subset.X1 == 0 {
		if ro.Subset, err = RankingSubset(name, k.NX, k.NY, k.NZ, k.NT); err != nil {
			return nil, fmt.Errorf("%s: %w", in, err)
		}
	}
	if ro.CS.Modality == "" {
		ro.CS.Modality, _ = ModalityFolder(name)
	}
	img, err := recon.Reconstruct(k, m, ro)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in, err)
	}

	a, err := selectOutput(name, img, opts.Output)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", in, err)
	}
	rep.OutputDims = a.Dims

	if err := WriteImage(out, a); err != nil {
		return nil, err
	}

	if opts.PNG != "" {
		method := ro.Method
		if method == "" {
			method = recon.MethodZeroFilled
		}
		p := filepath.Join(opts.PNG, strings.TrimSuffix(filepath.Base(in), ".mat")+".png")
		err := ComparePanel(p, name, k, m, []recon.Method{recon.MethodZeroFilled,
			recon.MethodSENSE, recon.MethodCS}, map[recon.Method]*recon.Image{method: img}, ro,
			opts.Output != OutputFull)
		if err != nil {
			return nil, fmt.Errorf("%s: panel: %w", in, err)
		}
		rep.Panel = p
	}
	return rep, nil
}

// checkDistinct refuses an output path that names one of the input files, directly or
// through another path to the same file, so that writing the output cannot replace an input.
func checkDistinct(out string, inputs ...string) error {
	ost, oerr := os.Stat(out)
	for _, in := range inputs {
		if in == "" {
			continue
		}
		same := filepath.Clean(out) == filepath.Clean(in)
		if ist, err := os.Stat(in); err == nil && oerr == nil && os.SameFile(ost, ist) {
			same = true
		}
		if same {
			return fmt.Errorf("%s: output is the input file %s; write it elsewhere", out, in)
		}
	}
	return nil
}

// resolveMask finds the mask of a reconstruction and checks it against the k-space.
func resolveMask(in string, k *recon.KSpace, opts FileOptions) (*recon.Mask, *FileReport,
	error) {
	rep := &FileReport{Input: in, Dims: k.Dims, Mask: opts.Mask, MaskSource: MaskGiven}
	if rep.Mask == "" {
		rep.MaskSource = MaskFromData
		if p, err := MaskPath(in); err == nil {
			if _, err := os.Stat(p); err == nil {
				rep.Mask, rep.MaskSource = p, MaskImplied
			}
		}
	}

	var m *recon.Mask
	if rep.Mask == "" {
		m = MaskFromSamples(k)
		if err := checkWeights(m); err != nil {
			return nil, nil, fmt.Errorf("%s: no mask given and the k-space has no non-zero "+
				"sample to derive one from", in)
		}
	} else {
		var err error
		if m, err = ReadMask(rep.Mask, opts.Read); err != nil {
			return nil, nil, err
		}
		if err := MatchMask(rep.Mask, m, k.Dims); err != nil {
			return nil, nil, err
		}
		rep.MaskEmpty = MaskEmpty(k, m)
	}
	rep.MaskDims = [3]int{m.NX, m.NY, m.NT}
	rep.EffectiveR = EffectiveR(m)
	return m, rep, nil
}

// MaskEmpty returns the fraction of the samples of mask m (weight above 0, per frame; a
// mask of one frame serves every frame) at which k holds zero in every coil and slice. For
// undersampled k-space and the mask it was undersampled with it is 0, or small where the
// acquisition left part of a line empty (partial echo); a mask of another pattern or
// acceleration gives a large fraction, since the reconstruction then takes the empty
// positions for measured zeros.
func MaskEmpty(k *recon.KSpace, m *recon.Mask) float64 {
	held := MaskFromSamples(k)
	var taken, empty int
	for it := range k.NT {
		h := held.Frame(it)
		for i, w := range m.Frame(it) {
			if w > 0 {
				taken++
				if h[i] == 0 {
					empty++
				}
			}
		}
	}
	if taken == 0 {
		return 0
	}
	return float64(empty) / float64(taken)
}

// MaskFromSamples derives a mask from the samples of zero-filled k-space: a k-space position
// of a frame is sampled when any coil or slice holds a non-zero value there. The mask has one
// frame per k-space frame, or one frame in all when every frame has the same pattern.
func MaskFromSamples(k *recon.KSpace) *recon.Mask {
	n := k.NX * k.NY
	m := &recon.Mask{NX: k.NX, NY: k.NY, NT: k.NT, Data: make([]float32, n*k.NT)}
	for it := range k.NT {
		f := m.Data[it*n : (it+1)*n]
		for iz := range k.NZ {
			for ic := range k.NC {
				for i, v := range k.Plane(ic, iz, it) {
					if v != 0 {
						f[i] = 1
					}
				}
			}
		}
	}

	same := true
	for it := 1; it < k.NT && same; it++ {
		for i := range n {
			if m.Data[it*n+i] != m.Data[i] {
				same = false
				break
			}
		}
	}
	if same {
		m.NT = 1
		m.Data = m.Data[:n:n]
	}
	return m
}

func selectOutput(name string, img *recon.Image, mode OutputMode) (Array, error) {
	switch mode {
	case OutputRanking, "":
		return Img4Ranking(name, img)
	case OutputFull:
		return FullSize(img)
	}
	return Array{}, fmt.Errorf("output mode %q: want %q or %q", mode, OutputRanking, OutputFull)
}

// EvalOptions configures EvaluateFile.
type EvalOptions struct {
	// Metric selects the reference order and squeezing of the metric.
	Metric metric.Options

	// Layout names the dims of a k-space reference; the zero value is DefaultLayout.
	Layout Layout

	// Name is the file name whose modality rules turn a k-space reference into the ground
	// truth; "" uses the reference's name.
	Name string

	// Threads bounds the goroutines that reconstruct a k-space reference.
	Threads int

	// Read bounds and parallelises file reading; nil uses the defaults.
	Read *mat.ReadOptions
}

// EvaluateFile scores a submission file against a reference with the challenge's metric.
// The reference is either a ground-truth image file (such as an img4ranking file), or a fully
// sampled k-space file, from which the ground truth is made as the organisers make it: the
// root sum of squares of the coil images, selected and cropped by the run4Ranking rules when
// the submission has the ranking shape, or kept whole when it has the full-size shape.
func EvaluateFile(reference, submission string, opts EvalOptions) (metric.Result, error) {
	sub, err := ReadImage(submission, opts.Read)
	if err != nil {
		return metric.Result{}, err
	}

	gt, err := groundTruth(reference, sub.Dims, opts)
	if err != nil {
		return metric.Result{}, err
	}

	r, err := metric.Evaluate(gt.Data, sub.Data, gt.Dims, sub.Dims, opts.Metric)
	if err != nil {
		return metric.Result{}, fmt.Errorf("%s against %s: %w", submission, reference, err)
	}
	return r, nil
}

// groundTruth reads or makes the ground truth for a submission of the given dims.
func groundTruth(reference string, subDims []int, opts EvalOptions) (Array, error) {
	isK, err := IsComplexFile(reference)
	if err != nil {
		return Array{}, err
	}
	if !isK {
		return ReadImage(reference, opts.Read)
	}

	k, err := ReadKSpace(reference, opts.Layout, opts.Read)
	if err != nil {
		return Array{}, err
	}
	img, err := recon.ZeroFilled(k, opts.Threads)
	if err != nil {
		return Array{}, fmt.Errorf("%s: %w", reference, err)
	}

	name := opts.Name
	if name == "" {
		name = filepath.Base(reference)
	}
	full, err := FullSize(img)
	if err != nil {
		return Array{}, fmt.Errorf("%s: %w", reference, err)
	}
	if sameDims(full.Dims, subDims) {
		return full, nil
	}
	return Img4Ranking(name, img)
}

func sameDims(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
