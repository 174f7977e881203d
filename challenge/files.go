package challenge

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/recon"
)

// Layout names the dims of a k-space file in the file's MATLAB order, one letter per dim:
// x (readout), y (phase encoding), c (coils), z (slices) and t (frames). The challenge's files
// are "x,y,c,z,t"; a 16-coil single-slice file stored as 96x96x1x16 is "x,y,z,c". Dims the
// layout does not name have size 1.
type Layout struct {
	axes []int // axes[i] is the canonical axis (0 x, 1 y, 2 c, 3 z, 4 t) of file dim i
}

// DefaultLayout is the challenge's dim order.
const DefaultLayout = "x,y,c,z,t"

const axisLetters = "xyczt"

// ParseLayout parses a comma-separated layout such as "x,y,c,z,t" or "x,y,z,c". It needs x
// and y and names each letter at most once.
func ParseLayout(s string) (Layout, error) {
	var l Layout
	seen := [5]bool{}
	for p := range strings.SplitSeq(s, ",") {
		p = strings.TrimSpace(p)
		i := strings.Index(axisLetters, p)
		if len(p) != 1 || i < 0 {
			return Layout{}, fmt.Errorf("layout %q: %q is not one of x, y, c, z, t", s, p)
		}
		if seen[i] {
			return Layout{}, fmt.Errorf("layout %q: %q named twice", s, p)
		}
		seen[i] = true
		l.axes = append(l.axes, i)
	}
	if !seen[0] || !seen[1] {
		return Layout{}, fmt.Errorf("layout %q: x and y are required", s)
	}
	return l, nil
}

// String returns the layout in the form ParseLayout accepts.
func (l Layout) String() string {
	if l.axes == nil {
		return DefaultLayout
	}
	parts := make([]string, len(l.axes))
	for i, a := range l.axes {
		parts[i] = axisLetters[a : a+1]
	}
	return strings.Join(parts, ",")
}

// isDefault reports whether the layout keeps the file's order, so no reordering is needed.
func (l Layout) isDefault() bool {
	for i, a := range l.axes {
		if a != i {
			return false
		}
	}
	return true
}

// canonicalDims maps a file's MATLAB dims to (nx, ny, nc, nz, nt) under the layout.
func (l Layout) canonicalDims(dims []int) (recon.Dims, error) {
	axes := l.axes
	if axes == nil {
		axes = []int{0, 1, 2, 3, 4}
	}
	for i := len(axes); i < len(dims); i++ {
		if dims[i] != 1 {
			return recon.Dims{}, fmt.Errorf("array is %s but layout %s names only %d dims",
				dimsString(dims), l, len(axes))
		}
	}
	size := [5]int{1, 1, 1, 1, 1}
	for i, a := range axes {
		if i < len(dims) {
			size[a] = dims[i]
		}
	}
	return recon.Dims{NX: size[0], NY: size[1], NC: size[2], NZ: size[3], NT: size[4]}, nil
}

// reorder returns data, stored in the file's order with the given dims, in the canonical
// (x, y, c, z, t) order. The default layout returns data itself.
func (l Layout) reorder(data []complex64, dims []int, d recon.Dims) []complex64 {
	if l.axes == nil || l.isDefault() {
		return data
	}
	canon := [5]int{d.NX, d.NY, d.NC, d.NZ, d.NT}
	var stride [5]int // stride in the file of each canonical axis
	s := 1
	for i, a := range l.axes {
		stride[a] = s
		if i < len(dims) {
			s *= dims[i]
		}
	}
	out := make([]complex64, len(data))
	o := 0
	for it := range canon[4] {
		for iz := range canon[3] {
			for ic := range canon[2] {
				for iy := range canon[1] {
					base := it*stride[4] + iz*stride[3] + ic*stride[2] + iy*stride[1]
					for ix := range canon[0] {
						out[o] = data[base+ix*stride[0]]
						o++
					}
				}
			}
		}
	}
	return out
}

func dimsString(dims []int) string {
	parts := make([]string, len(dims))
	for i, n := range dims {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, "x")
}

// ReadKSpace reads k-space from a MATLAB (v5 or v7.3), HDF5 or BART cfl file: the first
// numeric variable, interpreted with layout (the zero Layout is DefaultLayout). opt may be nil.
// Errors name the file.
func ReadKSpace(path string, layout Layout, opt *mat.ReadOptions) (*recon.KSpace, error) {
	f, err := mat.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	data, dims, err := f.ReadComplex64("", opt)
	if err != nil {
		return nil, err
	}

	d, err := layout.canonicalDims(dims)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if d.Len() == 0 {
		return nil, fmt.Errorf("%s: k-space is empty (%s)", path, dimsString(dims))
	}
	return &recon.KSpace{Dims: d, Data: layout.reorder(data, dims, d)}, nil
}

// ReadMask reads a sampling mask: the first numeric variable of a file, real-valued, with
// MATLAB dims (nx, ny) or (nx, ny, nt), as the challenge ships masks. Values are kept as they
// are (CheckMask tests for the challenge's 0/1 masks), but a weight that is negative, NaN or
// infinite, and a mask that samples nothing, are errors that name the file.
func ReadMask(path string, opt *mat.ReadOptions) (*recon.Mask, error) {
	f, err := mat.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()

	data, dims, err := f.ReadFloat32("", opt)
	if errors.Is(err, mat.ErrComplex) {
		return nil, fmt.Errorf("%s: a mask holds real sampling weights, this file's are complex "+
			"(is it a k-space file?)", path)
	}
	if err != nil {
		return nil, err
	}

	m := &recon.Mask{NX: dims[0], NY: dims[1], NT: 1, Data: data}
	switch {
	case len(dims) == 3:
		m.NT = dims[2]
	case len(dims) > 3:
		return nil, fmt.Errorf("%s: a mask is (nx, ny) or (nx, ny, nt), this one is %s", path,
			dimsString(dims))
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("%s: mask is empty (%s)", path, dimsString(dims))
	}
	if err := checkWeights(m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// checkWeights reports a mask weight that is negative, NaN or infinite, and a mask that
// samples nothing at all.
func checkWeights(m *recon.Mask) error {
	sampled := false
	for i, v := range m.Data {
		if !(v >= 0) || math.IsInf(float64(v), 0) {
			x, y, t := i%m.NX, i/m.NX%m.NY, i/(m.NX*m.NY)
			return fmt.Errorf("mask value %v at (x=%d, y=%d, t=%d) is not a finite "+
				"non-negative weight", v, x, y, t)
		}
		sampled = sampled || v != 0
	}
	if !sampled {
		return errors.New("mask samples nothing: every value is 0")
	}
	return nil
}

// MatchMask checks that a mask fits k-space: the same nx and ny, and one frame or as many
// frames as the k-space has. The error names the mask file.
func MatchMask(maskPath string, m *recon.Mask, d recon.Dims) error {
	if m.NX != d.NX || m.NY != d.NY || (m.NT != 1 && m.NT != d.NT) {
		return fmt.Errorf("%s: %w: mask is %dx%dx%d, k-space is %s (nx, ny and nt must "+
			"match, or the mask has one frame)", maskPath, ErrMaskSize, m.NX, m.NY, m.NT, d)
	}
	return nil
}

// MaxMaskValues is the largest number of values (nx*ny*nt) of a mask that WriteMask can
// store: a MAT v5 element holds at most 4 GiB, and the values are written as float64. The
// challenge's masks hold well under a million.
const MaxMaskValues = (1<<32 - 1024) / 8

// WriteMask writes a mask as the challenge's mask files hold it: the variable "mask", class
// double, MATLAB dims (nx, ny, nt), or (nx, ny) for one frame. The file is MATLAB v5; scipy,
// MATLAB and cmrecon read it.
func WriteMask(path string, m *recon.Mask) error {
	data := make([]float64, len(m.Data))
	for i, v := range m.Data {
		data[i] = float64(v)
	}
	return mat.WriteV5(path, true, mat.Array{Name: "mask", Dims: []int{m.NX, m.NY, m.NT},
		Data: data})
}

// WriteImage writes a submission array as the challenge expects it: a MATLAB v5 file holding
// the single-precision variable img4ranking. The file appears complete or not at all.
func WriteImage(path string, a Array) error {
	return mat.WriteV5(path, true, mat.Array{Name: RankingVar, Dims: a.Dims, Data: a.Data})
}

// ErrMaskSize reports a mask whose size does not fit the k-space.
var ErrMaskSize = errors.New("mask size does not match the k-space")

// ErrNotImage reports a file whose content is not a real-valued image.
var ErrNotImage = errors.New("not a real-valued image file")

// ReadImage reads a real-valued image array: the variable img4ranking if the file has one,
// otherwise its first numeric variable. Complex data are an error wrapping ErrNotImage.
func ReadImage(path string, opt *mat.ReadOptions) (Array, error) {
	f, err := mat.Open(path)
	if err != nil {
		return Array{}, err
	}
	defer f.Close()

	name := ""
	for _, v := range f.Vars() {
		if v.Name == RankingVar {
			name = RankingVar
		}
	}
	data, dims, err := f.ReadFloat32(name, opt)
	if errors.Is(err, mat.ErrComplex) {
		return Array{}, fmt.Errorf("%s: %w: the data are complex", path, ErrNotImage)
	}
	if err != nil {
		return Array{}, err
	}
	return Array{Dims: dims, Data: data}, nil
}

// IsComplexFile reports whether the first numeric variable of a file is complex, as k-space
// is and images are not.
func IsComplexFile(path string) (bool, error) {
	f, err := mat.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()

	for _, v := range f.Vars() {
		if v.Name == RankingVar {
			return v.Complex, nil
		}
	}
	for _, v := range f.Vars() {
		switch v.Class {
		case "char", "cell", "struct", "sparse", "object", "function_handle":
			continue
		}
		return v.Complex, nil
	}
	return false, fmt.Errorf("%s: %w", path, mat.ErrNoVariable)
}
