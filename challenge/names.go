package challenge

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// FileKind says what a challenge .mat file holds, judging by its name.
type FileKind int

// The kinds of challenge file names.
const (
	// KindFull is "<name>.mat": fully sampled training k-space (variable "kspace" in 2025).
	KindFull FileKind = iota
	// KindKSpace is "<name>_kus_<Pattern><R>.mat": undersampled, zero-filled k-space
	// (variable "kus").
	KindKSpace
	// KindMask is "<name>_mask_<Pattern><R>.mat": a sampling mask (variable "mask").
	KindMask
)

// FileName is a parsed challenge file name, such as "cine_lax_3ch_kus_Uniform8.mat".
type FileName struct {
	Base     string   // the data set name, e.g. "cine_lax_3ch"
	Kind     FileKind // what the file holds
	Scenario Scenario // the undersampling scenario; zero for KindFull
}

// String returns the file name, e.g. "cine_lax_3ch_mask_Uniform8.mat". Changing Kind and
// calling String gives the name of a matching file.
func (f FileName) String() string {
	switch f.Kind {
	case KindKSpace:
		return f.Base + "_kus_" + f.Scenario.String() + ".mat"
	case KindMask:
		return f.Base + "_mask_" + f.Scenario.String() + ".mat"
	}
	return f.Base + ".mat"
}

// ParseFileName parses a challenge file name; a path is accepted and only its last element
// is parsed. A name containing "_kus_" or "_mask_" must continue with a pattern (Uniform,
// ktGaussian, ktRadial or ktUniform) and a positive integer R, then ".mat"; any other
// ".mat" name is KindFull. The error names the file and the problem.
func ParseFileName(name string) (FileName, error) {
	file := baseName(name)
	stem, ok := strings.CutSuffix(file, ".mat")
	if !ok || stem == "" {
		return FileName{}, fmt.Errorf("challenge: %q is not a .mat file name", file)
	}

	kus, msk := strings.LastIndex(stem, "_kus_"), strings.LastIndex(stem, "_mask_")
	if kus < 0 && msk < 0 {
		return FileName{Base: stem, Kind: KindFull}, nil
	}

	f := FileName{Kind: KindKSpace}
	cut, rest := kus, stem[kus+len("_kus_"):]
	if msk > kus {
		f.Kind = KindMask
		cut, rest = msk, stem[msk+len("_mask_"):]
	}
	f.Base = stem[:cut]
	if f.Base == "" {
		return FileName{}, fmt.Errorf("challenge: %q: no data set name before the scenario",
			file)
	}

	sc, err := parseScenario(rest)
	if err != nil {
		return FileName{}, fmt.Errorf("challenge: %q: %v", file, err)
	}
	f.Scenario = sc
	return f, nil
}

// parseScenario parses "<Pattern><R>", e.g. "ktRadial16".
func parseScenario(s string) (Scenario, error) {
	for _, p := range patterns {
		digits, ok := strings.CutPrefix(s, string(p))
		if !ok {
			continue
		}

		for _, ch := range digits {
			if ch < '0' || ch > '9' {
				return Scenario{}, fmt.Errorf("scenario %q: R %q is not an integer", s, digits)
			}
		}
		r, err := strconv.Atoi(digits)
		if err != nil || r < 1 {
			return Scenario{}, fmt.Errorf("scenario %q: R %q is not a positive integer", s,
				digits)
		}
		return Scenario{Pattern: p, R: r}, nil
	}
	return Scenario{}, fmt.Errorf("scenario %q: pattern is not Uniform, ktGaussian, "+
		"ktRadial or ktUniform", s)
}

// ModalityFolder returns the modality folder of the challenge tree that holds a data set,
// from the data set name ("cine_sax", or a file name such as "T1map_kus_Uniform8.mat"):
// Cine, LGE, Perfusion, Mapping, T1rho, Flow2d, BlackBlood, T1w or T2w, and the 2024 Aorta
// and Tagging. ok is false for a name the challenge does not use.
func ModalityFolder(name string) (folder string, ok bool) {
	base := baseName(name)
	if f, err := ParseFileName(base); err == nil {
		base = f.Base
	}

	switch {
	case base == "cine" || strings.HasPrefix(base, "cine_"):
		return "Cine", true
	case base == "lge" || strings.HasPrefix(base, "lge_"):
		return "LGE", true
	case strings.HasPrefix(base, "aorta_"):
		return "Aorta", true
	}
	switch base {
	case "perfusion":
		return "Perfusion", true
	case "T1map", "T1mappost", "T2map", "T2smap":
		return "Mapping", true
	case "T1rho":
		return "T1rho", true
	case "flow2d":
		return "Flow2d", true
	case "blackblood":
		return "BlackBlood", true
	case "T1w", "T2w":
		return base, true
	case "tagging":
		return "Tagging", true
	}
	return "", false
}

// TrainingMaskFolder is the folder of the 2025 training masks, beside FullSample.
const TrainingMaskFolder = "Mask_TaskAll"

// The folder names and prefixes of the challenge tree.
const (
	fullSampleFolder  = "FullSample"
	underSamplePrefix = "UnderSample_"
	maskPrefix        = "Mask_"
	trainingSet       = "TrainingSet"
)

// MaskPath returns the mask file that goes with an undersampled k-space file of a
// validation or test tree, as the official scripts pair them: the nearest folder above the
// file named UnderSample_<Task> becomes Mask_<Task>, and <name>_kus_<Pattern><R>.mat becomes
// <name>_mask_<Pattern><R>.mat. For example
//
//	.../ValidationSet/UnderSample_TaskR1/Center001/UIH_30T_umr780/P007/cine_sax_kus_Uniform8.mat
//	.../ValidationSet/Mask_TaskR1/Center001/UIH_30T_umr780/P007/cine_sax_mask_Uniform8.mat
//
// The 2024 trees (UnderSample_Task1/P001/...) pair the same way. It returns an error when the
// path implies no mask: the name is not a _kus_ name, or no UnderSample_<Task> folder is
// above it. The file system is not consulted.
func MaskPath(kspacePath string) (string, error) {
	parts := splitPath(kspacePath)
	f, err := ParseFileName(parts[len(parts)-1])
	if err != nil {
		return "", fmt.Errorf("challenge: %s: no mask implied: %v", kspacePath, err)
	}
	if f.Kind != KindKSpace {
		return "", fmt.Errorf("challenge: %s: no mask implied: the name is not "+
			"<name>_kus_<Pattern><R>.mat", kspacePath)
	}

	i := lastFolder(parts, func(s string) bool { return taskOf(s, underSamplePrefix) != "" })
	if i < 0 {
		return "", fmt.Errorf("challenge: %s: no mask implied: no %s<Task> folder above the "+
			"file", kspacePath, underSamplePrefix)
	}
	parts[i] = maskPrefix + taskOf(parts[i], underSamplePrefix)
	f.Kind = KindMask
	parts[len(parts)-1] = f.String()
	return joinPath(parts), nil
}

// TrainingMaskPath returns the 2025 training mask of scenario s for a fully sampled training
// file: the nearest folder above it named FullSample becomes Mask_TaskAll, and <name>.mat
// becomes <name>_mask_<Pattern><R>.mat. For example, with s = {KtGaussian, 8},
//
//	.../TrainingSet/FullSample/Center005/Siemens_30T_Vida/P003/cine_sax.mat
//	.../TrainingSet/Mask_TaskAll/Center005/Siemens_30T_Vida/P003/cine_sax_mask_ktGaussian8.mat
//
// It returns an error when the name is not a plain <name>.mat, s is not a valid scenario, or
// no FullSample folder is above the file.
func TrainingMaskPath(fullPath string, s Scenario) (string, error) {
	parts := splitPath(fullPath)
	f, err := ParseFileName(parts[len(parts)-1])
	if err != nil {
		return "", fmt.Errorf("challenge: %s: no training mask implied: %v", fullPath, err)
	}
	if f.Kind != KindFull {
		return "", fmt.Errorf("challenge: %s: no training mask implied: the name is not a "+
			"fully sampled <name>.mat", fullPath)
	}
	if _, err := parseScenario(s.String()); err != nil {
		return "", fmt.Errorf("challenge: %s: invalid scenario %q", fullPath, s.String())
	}

	i := lastFolder(parts, func(p string) bool { return p == fullSampleFolder })
	if i < 0 {
		return "", fmt.Errorf("challenge: %s: no training mask implied: no %s folder above "+
			"the file", fullPath, fullSampleFolder)
	}
	parts[i] = TrainingMaskFolder
	parts[len(parts)-1] = FileName{Base: f.Base, Kind: KindMask, Scenario: s}.String()
	return joinPath(parts), nil
}

// KSpacePath returns the k-space file that a mask file belongs to, the inverse of MaskPath
// and TrainingMaskPath. When the nearest Mask_<Task> folder above the mask sits in a
// TrainingSet folder, the k-space is the fully sampled FullSample/.../<name>.mat; otherwise
// it is UnderSample_<Task>/.../<name>_kus_<Pattern><R>.mat. It returns an error when the
// name is not a _mask_ name or no Mask_<Task> folder is above the file.
func KSpacePath(maskPath string) (string, error) {
	parts := splitPath(maskPath)
	f, err := ParseFileName(parts[len(parts)-1])
	if err != nil {
		return "", fmt.Errorf("challenge: %s: no k-space implied: %v", maskPath, err)
	}
	if f.Kind != KindMask {
		return "", fmt.Errorf("challenge: %s: no k-space implied: the name is not "+
			"<name>_mask_<Pattern><R>.mat", maskPath)
	}

	i := lastFolder(parts, func(s string) bool { return taskOf(s, maskPrefix) != "" })
	if i < 0 {
		return "", fmt.Errorf("challenge: %s: no k-space implied: no %s<Task> folder above "+
			"the file", maskPath, maskPrefix)
	}

	if i > 0 && parts[i-1] == trainingSet {
		parts[i] = fullSampleFolder
		f = FileName{Base: f.Base, Kind: KindFull}
	} else {
		parts[i] = underSamplePrefix + taskOf(parts[i], maskPrefix)
		f.Kind = KindKSpace
	}
	parts[len(parts)-1] = f.String()
	return joinPath(parts), nil
}

// TreePath is a file path split along the challenge's folder tree
// <Root>/<Coil>/<Modality>/<Set>/<Folder>/<Sub...>/<File>, e.g. Root ".../TaskR1", Coil
// "MultiCoil", Modality "Cine", Set "ValidationSet", Folder "UnderSample_TaskR1", Sub
// ["Center001", "UIH_30T_umr780", "P007"].
type TreePath struct {
	Root     string   // everything above the coil folder; "" for a relative path without it
	Coil     string   // "MultiCoil" or "SingleCoil"
	Modality string   // the modality folder, e.g. "Cine"
	Set      string   // "TrainingSet", "ValidationSet" or "TestSet"
	Folder   string   // e.g. "FullSample", "UnderSample_TaskR1", "Mask_TaskR1", "Mask_TaskAll"
	Sub      []string // the folders between Folder and the file (centre, vendor, patient)
	File     FileName // the parsed file name
}

// Task returns the task that Folder names ("TaskR1" for "UnderSample_TaskR1",
// "Mask_TaskR1" or "FullSample_TaskR1"), or "" for FullSample.
func (t TreePath) Task() string {
	for _, p := range []string{underSamplePrefix, maskPrefix, fullSampleFolder + "_"} {
		if task := taskOf(t.Folder, p); task != "" {
			return task
		}
	}
	return ""
}

// Path joins the parts back into a file path.
func (t TreePath) Path() string {
	parts := append([]string{t.Root, t.Coil, t.Modality, t.Set, t.Folder}, t.Sub...)
	return filepath.Join(append(parts, t.File.String())...)
}

// ParseTreePath splits a path of the challenge tree at its last MultiCoil or SingleCoil
// folder, which must be followed by a modality, a set (TrainingSet, ValidationSet or
// TestSet), a data folder and, after any sub-folders, a parsable file name.
func ParseTreePath(path string) (TreePath, error) {
	parts := splitPath(path)
	k := lastFolder(parts, func(s string) bool { return s == "MultiCoil" || s == "SingleCoil" })
	if k < 0 {
		return TreePath{}, fmt.Errorf("challenge: %s: no MultiCoil or SingleCoil folder "+
			"in the path", path)
	}
	if len(parts)-k < 5 {
		return TreePath{}, fmt.Errorf("challenge: %s: want <Coil>/<Modality>/<Set>/<Folder>/"+
			"<file> below the coil folder", path)
	}

	t := TreePath{
		Root:     joinPath(parts[:k]),
		Coil:     parts[k],
		Modality: parts[k+1],
		Set:      parts[k+2],
		Folder:   parts[k+3],
		Sub:      parts[k+4 : len(parts)-1],
	}
	if t.Root == "" && filepath.IsAbs(path) {
		t.Root = string(filepath.Separator)
	}
	switch t.Set {
	case trainingSet, "ValidationSet", "TestSet":
	default:
		return TreePath{}, fmt.Errorf("challenge: %s: set folder %q is not TrainingSet, "+
			"ValidationSet or TestSet", path, t.Set)
	}

	f, err := ParseFileName(parts[len(parts)-1])
	if err != nil {
		return TreePath{}, fmt.Errorf("challenge: %s: %v", path, err)
	}
	t.File = f
	return t, nil
}

// SubmissionPath returns where the submission for an undersampled k-space file goes below
// outRoot: <outRoot>/<Task>/<Coil>/<Modality>/<Set>/UnderSample_<Task>/<Sub...>/<same file
// name>, the layout the validation scorer and the test-phase scorer search. For example
//
//	in:  /data/TaskR1/MultiCoil/Cine/ValidationSet/UnderSample_TaskR1/C/V/P/x_kus_Uniform8.mat
//	out: <outRoot>/TaskR1/MultiCoil/Cine/ValidationSet/UnderSample_TaskR1/C/V/P/x_kus_Uniform8.mat
//
// It returns an error when the path is not an undersampled k-space file of a challenge tree.
func SubmissionPath(outRoot, kspacePath string) (string, error) {
	t, err := ParseTreePath(kspacePath)
	if err != nil {
		return "", err
	}
	if t.File.Kind != KindKSpace || taskOf(t.Folder, underSamplePrefix) == "" {
		return "", fmt.Errorf("challenge: %s: not an undersampled k-space file in an "+
			"%s<Task> folder", kspacePath, underSamplePrefix)
	}

	t.Root = filepath.Join(outRoot, t.Task())
	return t.Path(), nil
}

// taskOf returns the non-empty rest of folder after prefix, or "".
func taskOf(folder, prefix string) string {
	task, ok := strings.CutPrefix(folder, prefix)
	if !ok {
		return ""
	}
	return task
}

// lastFolder returns the index of the last folder element of parts (the file, the last
// element, is not searched) for which match holds, or -1.
func lastFolder(parts []string, match func(string) bool) int {
	for i := len(parts) - 2; i >= 0; i-- {
		if match(parts[i]) {
			return i
		}
	}
	return -1
}

func splitPath(p string) []string {
	return strings.Split(filepath.Clean(p), string(filepath.Separator))
}

func joinPath(parts []string) string { return strings.Join(parts, string(filepath.Separator)) }

// baseName returns the last element of a slash- or separator-delimited path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, "/"+string(filepath.Separator)); i >= 0 {
		return p[i+1:]
	}
	return p
}
