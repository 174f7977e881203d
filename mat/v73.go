package mat

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	"github.com/cmrecon/cmrecon/mat/hdf5"
)

// h5File is the HDF5 backend (MATLAB v7.3 and plain HDF5).
type h5File struct {
	path  string
	f     *hdf5.File
	fh    io.Closer
	names []string // HDF5 dataset name of each variable
	empty []bool   // MATLAB_empty: the dataset holds the dims, not the values
}

// numericClasses are the MATLAB classes whose v7.3 datasets hold plain numbers.
var numericClasses = map[string]bool{
	"double": true, "single": true, "int8": true, "uint8": true, "int16": true,
	"uint16": true, "int32": true, "uint32": true, "int64": true, "uint64": true,
	"logical": true,
}

// h5Error rewraps an error of package hdf5 so that it wraps this package's sentinel too.
func h5Error(path string, err error) error {
	var sentinel error
	switch {
	case errors.Is(err, hdf5.ErrNotHDF5):
		sentinel = ErrNotMAT
	case errors.Is(err, hdf5.ErrCorrupt):
		sentinel = ErrCorrupt
	case errors.Is(err, hdf5.ErrUnsupported):
		sentinel = ErrUnsupported
	case errors.Is(err, hdf5.ErrNotFound):
		sentinel = ErrNoVariable
	case errors.Is(err, hdf5.ErrType):
		sentinel = ErrNotNumeric
	}

	if !strings.Contains(err.Error(), path) {
		err = fmt.Errorf("%s: %w", path, err)
	}
	if sentinel == nil {
		return fmt.Errorf("mat: %w", err)
	}
	return fmt.Errorf("mat: %w: %w", err, sentinel)
}

// openHDF5 lists the root datasets of an HDF5 file. fh is closed by File.Close.
func openHDF5(fh *os.File, size int64, path string, format Format) (*File, error) {
	hf, err := hdf5.NewFile(fh, size, path)
	if err != nil {
		return nil, h5Error(path, err)
	}

	h := &h5File{path: path, f: hf, fh: fh}
	f := &File{path: path, format: format, b: h}
	for _, name := range hf.Names() {
		if strings.HasPrefix(name, "#") {
			continue // MATLAB's #refs# and #subsystem# groups
		}

		ds, err := hf.Dataset(name)
		if errors.Is(err, hdf5.ErrNotFound) {
			// BUG: package hdf5 reads no group attributes, so a group is listed as a struct
			// even when its MATLAB_class says it is a sparse matrix or an object.
			f.vars = append(f.vars, VarInfo{Name: name, Class: "struct"})
			f.numeric = append(f.numeric, false)
			h.names = append(h.names, name)
			h.empty = append(h.empty, false)
			continue
		}
		if err != nil {
			return nil, h5Error(path, err)
		}

		v, numeric, empty, err := h.describe(name, ds)
		if err != nil {
			return nil, err
		}
		f.vars = append(f.vars, v)
		f.numeric = append(f.numeric, numeric)
		h.names = append(h.names, name)
		h.empty = append(h.empty, empty)
	}
	return f, nil
}

// describe returns the VarInfo of a dataset, whether it reads as numbers and whether it is
// a MATLAB empty array.
func (h *h5File) describe(name string, ds *hdf5.Dataset) (VarInfo, bool, bool, error) {
	v := VarInfo{Name: name, Complex: ds.IsComplex()}
	class, ok := ds.StringAttr("MATLAB_class")
	if !ok {
		class = classFromType(ds.Type(), v.Complex)
	}
	v.Class = class

	shape := ds.Shape()
	dims := make([]int, len(shape))
	for i, d := range shape {
		dims[len(shape)-1-i] = d
	}
	v.Dims = matlabDims(dims)

	numeric := numericClasses[class]
	if !hasAttr(ds, "MATLAB_empty") {
		return v, numeric, false, nil
	}

	// An empty array stores its MATLAB dims as the values of a small integer dataset.
	if ds.Len() > maxRank {
		return v, false, false, fileError(h.path, ErrCorrupt,
			"empty variable %q has %d dims", name, ds.Len())
	}
	sizes := make([]float64, ds.Len())
	if err := ds.ReadFloat64(sizes, nil); err != nil {
		return v, false, false, h5Error(h.path, err)
	}
	v.Dims = make([]int, len(sizes))
	zero := false
	for i, s := range sizes {
		if s < 0 || s > 1<<31 || s != math.Trunc(s) {
			return v, false, false, fileError(h.path, ErrCorrupt,
				"empty variable %q has dims %v", name, sizes)
		}
		v.Dims[i] = int(s)
		zero = zero || s == 0
	}
	if !zero {
		return v, false, false, fileError(h.path, ErrCorrupt,
			"empty variable %q has dims %v, none of them zero", name, sizes)
	}
	v.Dims = matlabDims(v.Dims)
	return v, numeric, true, nil
}

// hasAttr reports whether a dataset has an attribute called name.
func hasAttr(ds *hdf5.Dataset, name string) bool {
	for _, a := range ds.Attrs() {
		if a.Name == name {
			return true
		}
	}
	return false
}

// classFromType names the MATLAB class of a dataset without a MATLAB_class attribute.
func classFromType(t hdf5.Datatype, complexData bool) string {
	if complexData && len(t.Members) > 0 {
		t = t.Members[0].Type
	}
	switch t.Class {
	case hdf5.Float:
		if t.Size == 4 {
			return "single"
		}
		return "double"
	case hdf5.Integer:
		if t.Signed {
			return fmt.Sprintf("int%d", 8*t.Size)
		}
		return fmt.Sprintf("uint%d", 8*t.Size)
	}
	return strings.ReplaceAll(t.Class.String(), " ", "_")
}

func (h *h5File) close() error {
	err := h.f.Close()
	if cerr := h.fh.Close(); err == nil {
		err = cerr
	}
	return err
}

func (h *h5File) read(i int, kind outKind, opt *ReadOptions, alloc allocFunc) (any, error) {
	ds, err := h.f.Dataset(h.names[i])
	if err != nil {
		return nil, h5Error(h.path, err)
	}

	n := int64(ds.Len())
	if h.empty[i] {
		n = 0
	}
	out, err := alloc(n)
	if err != nil || n == 0 {
		return out, err
	}

	ro := &hdf5.ReadOptions{Workers: opt.workers()}
	switch dst := out.(type) {
	case []float32:
		err = ds.ReadFloat32(dst, ro)
	case []float64:
		err = ds.ReadFloat64(dst, ro)
	case []complex64:
		err = ds.ReadComplex64(dst, ro)
	case []complex128:
		err = ds.ReadComplex128(dst, ro)
	}
	if err != nil {
		return nil, h5Error(h.path, err)
	}
	return out, nil
}
