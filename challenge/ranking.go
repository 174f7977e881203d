package challenge

import (
	"fmt"
	"math"
	"strings"

	"github.com/cmrecon/cmrecon/recon"
)

// RankingVar is the name of the variable that a submission file holds.
const RankingVar = "img4ranking"

// RankClass says how the ranking rules treat a file. It is decided from the file name alone.
type RankClass int

// The classes of the 2025 ranking rules (run4Ranking_2025.m).
const (
	// ClassOther covers cine, perfusion, LGE and flow: the first min(3, nt) frames are kept.
	ClassOther RankClass = iota
	// ClassBlackBlood covers blackblood, T1w and T2w, which have no frame axis: only the
	// first frame is kept.
	ClassBlackBlood
	// ClassMapping covers T1map, T2map, T2smap and T1mappost: every frame is kept.
	ClassMapping
	// ClassT1rho covers T1rho: every frame is kept, as for mapping.
	ClassT1rho
)

// String returns the class name.
func (c RankClass) String() string {
	switch c {
	case ClassBlackBlood:
		return "BlackBlood"
	case ClassMapping:
		return "Mapping"
	case ClassT1rho:
		return "T1rho"
	}
	return "Other"
}

// ClassifyName returns the ranking class of a file name (or path: only the name after the
// last slash counts) with the official rules: a case-sensitive substring test for
// "blackblood", "T1w" or "T2w" first, then "T1map", "T2map", "T2smap" or "T1mappost", then
// "T1rho".
func ClassifyName(name string) RankClass {
	name = baseName(name)
	has := func(subs ...string) bool {
		for _, s := range subs {
			if strings.Contains(name, s) {
				return true
			}
		}
		return false
	}

	switch {
	case has("blackblood", "T1w", "T2w"):
		return ClassBlackBlood
	case has("T1map", "T2map", "T2smap", "T1mappost"):
		return ClassMapping
	case has("T1rho"):
		return ClassT1rho
	}
	return ClassOther
}

// Selection is what the ranking keeps of an image series of a given size: the slices, the
// frames and the centred crop, and the MATLAB dims of the result.
type Selection struct {
	// NZ and NT are the slice and frame counts as the rules see them. For ClassBlackBlood
	// MATLAB reads the size as (sx, sy, nc, sz), which folds any frame axis into the slice
	// axis, so NZ = nz·nt and NT = 1; otherwise they are nz and nt.
	NZ, NT int
	// Slices and Frames are the kept 0-based indices along those axes, in output order.
	Slices, Frames []int
	// CX × CY is the crop, round(nx/3) × round(ny/2), starting at 0-based (X0, Y0) =
	// (nx/2 − CX/2, ny/2 − CY/2).
	CX, CY, X0, Y0 int
	// Dims are the MATLAB dims of the result, trailing singletons dropped as the rules do.
	Dims []int
}

// RankingSelection applies the 2025 ranking rules (run4Ranking_2025.m) to an image series
// of size (nx, ny, nz, nt) from the file called name:
//
//   - slices: all when nz < 3, otherwise 0-based c−2 and c−1 with c = round(nz/2), rounding
//     half away from zero (nz = 11 gives slices 4 and 5, where Python's round would give 3
//     and 4);
//   - frames: the first only for ClassBlackBlood or nt = 1, all for ClassMapping and
//     ClassT1rho, the first min(3, nt) otherwise;
//   - crop: round(nx/3) × round(ny/2), centred as MATLAB's crop centres it;
//   - dims: (cx, cy, nS, nT) when several frames are kept, (cx, cy, nS) for one frame and
//     several slices, (cx, cy) for one frame and one slice.
//
// The official script has no branch for a file that is not ClassBlackBlood with one slice
// and one frame (MATLAB would stop with an undefined output); this function returns
// (cx, cy) for it, as the official runRecon_2025.m does.
func RankingSelection(name string, nx, ny, nz, nt int) (Selection, error) {
	if nx < 1 || ny < 1 || nz < 1 || nt < 1 {
		return Selection{}, fmt.Errorf("challenge: %s: image size %dx%dx%dx%d: every size "+
			"must be at least 1", name, nx, ny, nz, nt)
	}
	class := ClassifyName(name)
	s := Selection{NZ: nz, NT: nt}
	if class == ClassBlackBlood {
		s.NZ, s.NT = nz*nt, 1
	}

	s.CX = int(math.Round(float64(nx) / 3))
	s.CY = int(math.Round(float64(ny) / 2))
	if s.CX < 1 {
		return Selection{}, fmt.Errorf("challenge: %s: nx = %d is too small for the ranking "+
			"crop round(nx/3)", name, nx)
	}
	s.X0, s.Y0 = nx/2-s.CX/2, ny/2-s.CY/2

	if s.NZ < 3 {
		s.Slices = indexRange(0, s.NZ)
	} else {
		c := int(math.Round(float64(s.NZ) / 2))
		s.Slices = []int{c - 2, c - 1}
	}

	switch {
	case class == ClassBlackBlood || s.NT == 1:
		s.Frames = []int{0}
	case class == ClassMapping || class == ClassT1rho:
		s.Frames = indexRange(0, s.NT)
	default:
		s.Frames = indexRange(0, min(3, s.NT))
	}

	nS, nT := len(s.Slices), len(s.Frames)
	switch {
	case nT > 1:
		s.Dims = []int{s.CX, s.CY, nS, nT}
	case nS > 1:
		s.Dims = []int{s.CX, s.CY, nS}
	default:
		s.Dims = []int{s.CX, s.CY}
	}
	return s, nil
}

// RankingSubset returns what Img4Ranking keeps of an image series of size (nx, ny, nz, nt)
// from the file called name, as a recon.Subset for the reconstruction: the slices and
// frames of RankingSelection (for ClassBlackBlood, the frames folded into the slice axis as
// MATLAB reads them) and the columns of the crop. A reconstruction restricted to it gives
// the same submission as a full one.
func RankingSubset(name string, nx, ny, nz, nt int) (recon.Subset, error) {
	s, err := RankingSelection(name, nx, ny, nz, nt)
	if err != nil {
		return recon.Subset{}, err
	}
	keepZ := make([]bool, s.NZ)
	for _, z := range s.Slices {
		keepZ[z] = true
	}
	keepT := make([]bool, s.NT)
	for _, f := range s.Frames {
		keepT[f] = true
	}
	folded := ClassifyName(name) == ClassBlackBlood
	return recon.Subset{X0: s.X0, X1: s.X0 + s.CX, Keep: func(iz, it int) bool {
		if folded {
			return keepZ[iz+nz*it]
		}
		return keepZ[iz] && keepT[it]
	}}, nil
}

func indexRange(lo, hi int) []int {
	out := make([]int, 0, hi-lo)
	for i := lo; i < hi; i++ {
		out = append(out, i)
	}
	return out
}

// Array is a real single-precision array in MATLAB order (column-major, first dim fastest),
// ready to be written as a MAT variable. Dims has at least 2 entries.
type Array struct {
	Dims []int
	Data []float32
}

// Img4Ranking returns the validation submission of an image series: the slices, frames and
// centred crop that RankingSelection picks for the file called name, as absolute values,
// with the dims MATLAB's run4Ranking_2025.m gives. im is the coil-combined magnitude
// (nx, ny, nz, nt).
func Img4Ranking(name string, im *recon.Image) (Array, error) {
	if err := checkImage(name, im); err != nil {
		return Array{}, err
	}
	s, err := RankingSelection(name, im.NX, im.NY, im.NZ, im.NT)
	if err != nil {
		return Array{}, err
	}

	plane := im.NX * im.NY
	out := make([]float32, 0, s.CX*s.CY*len(s.Slices)*len(s.Frames))
	for _, f := range s.Frames {
		for _, z := range s.Slices {
			src := im.Data[plane*(z+s.NZ*f):]
			for y := s.Y0; y < s.Y0+s.CY; y++ {
				row := src[s.X0+im.NX*y : s.X0+im.NX*y+s.CX]
				for _, v := range row {
					out = append(out, abs32(v))
				}
			}
		}
	}
	return Array{Dims: s.Dims, Data: out}, nil
}

// FullSize returns a whole image series as the test phase may want it: every slice and
// frame, uncropped, as absolute values, with MATLAB dims (nx, ny, nz, nt) whose trailing
// singletons are dropped (but at least 2 dims are kept).
func FullSize(im *recon.Image) (Array, error) {
	if err := checkImage("image", im); err != nil {
		return Array{}, err
	}

	out := make([]float32, len(im.Data))
	for i, v := range im.Data {
		out[i] = abs32(v)
	}
	dims := []int{im.NX, im.NY, im.NZ, im.NT}
	for len(dims) > 2 && dims[len(dims)-1] == 1 {
		dims = dims[:len(dims)-1]
	}
	return Array{Dims: dims, Data: out}, nil
}

func checkImage(name string, im *recon.Image) error {
	if im == nil {
		return fmt.Errorf("challenge: %s: image is nil", name)
	}
	if im.NX < 1 || im.NY < 1 || im.NZ < 1 || im.NT < 1 ||
		im.NX > maxElems/im.NY/im.NZ/im.NT ||
		len(im.Data) != im.NX*im.NY*im.NZ*im.NT {
		return fmt.Errorf("challenge: %s: image %dx%dx%dx%d with %d values", name,
			im.NX, im.NY, im.NZ, im.NT, len(im.Data))
	}
	return nil
}

func abs32(v float32) float32 { return math.Float32frombits(math.Float32bits(v) &^ (1 << 31)) }
