package mat

import (
	"path/filepath"
	"testing"
)

// pyWriteV73 writes argv[1] with h5py the way MATLAB writes v7.3 files (512-byte user block
// with the MATLAB header, MATLAB_class attributes, complex compounds, logical and char with
// MATLAB_int_decode, empty arrays with MATLAB_empty, a struct group), or, with argv[2] ==
// "plain", a plain HDF5 file without header or attributes.
const pyWriteV73 = `
import sys
import numpy as np, h5py
path, plain = sys.argv[1], sys.argv[2] == "plain"
rng = np.random.default_rng(3)

def put(f, name, arr, cls, **kw):
    # arr is in MATLAB order; HDF5 stores the reversed dims over the same bytes.
    data = np.ascontiguousarray(np.asarray(arr).T)
    if np.iscomplexobj(data):
        part = data.real.dtype
        ct = np.dtype([("real", part), ("imag", part)])
        c = np.empty(data.shape, ct)
        c["real"], c["imag"] = data.real, data.imag
        data = c
    ds = f.create_dataset(name, data=data, **kw)
    if not plain:
        ds.attrs["MATLAB_class"] = np.bytes_(cls)
    return ds

with h5py.File(path, "w", userblock_size=0 if plain else 512) as f:
    put(f, "d3", rng.standard_normal((5, 4, 3)), "double")
    put(f, "s2", rng.standard_normal((6, 7)).astype(np.float32), "single",
        chunks=(3, 2), compression="gzip", shuffle=True)
    put(f, "zd", rng.standard_normal((4, 3)) + 1j * rng.standard_normal((4, 3)), "double",
        chunks=(2, 2), compression="gzip")
    put(f, "zs", (rng.standard_normal((3, 2, 2)) + 1j).astype(np.complex64), "single")
    put(f, "i16", rng.integers(-30000, 30000, (4, 5)).astype(np.int16), "int16")
    put(f, "u64", rng.integers(0, 2**63, (3, 3), dtype=np.uint64), "uint64")
    put(f, "trail", np.ones((3, 2, 1)), "double")
    if not plain:
        lg = put(f, "lg", (rng.uniform(size=(4, 4)) > 0.5).astype(np.uint8), "logical")
        lg.attrs["MATLAB_int_decode"] = np.int32(1)
        ch = put(f, "ch", np.frombuffer(b"hello", np.uint8).astype(np.uint16).reshape(1, 5),
                 "char")
        ch.attrs["MATLAB_int_decode"] = np.int32(2)
        em = f.create_dataset("em", data=np.array([0, 3], np.uint64))
        em.attrs["MATLAB_class"] = np.bytes_("double")
        em.attrs["MATLAB_empty"] = np.uint8(1)
        g = f.create_group("st")
        g.attrs["MATLAB_class"] = np.bytes_("struct")
        put(g, "a", np.arange(3.0), "double")
        f.create_group("#refs#")

if not plain:
    text = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: test HDF5 schema 1.00 ."
    head = text.ljust(116) + b"\0" * 8 + b"\x00\x02IM"
    with open(path, "r+b") as fh:
        fh.write(head)
`

// TestReadV73 reads MATLAB-style v7.3 files written by h5py and compares the listing and
// every value with h5py, then checks the MATLAB special cases.
func TestReadV73(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v73.mat")
	python(t, pyWriteV73, path, "matlab")

	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Format() != FormatV73 {
		t.Errorf("format %v", f.Format())
	}

	want := map[string]VarInfo{
		"d3":    {Class: "double", Dims: []int{5, 4, 3}},
		"s2":    {Class: "single", Dims: []int{6, 7}},
		"zd":    {Class: "double", Complex: true, Dims: []int{4, 3}},
		"zs":    {Class: "single", Complex: true, Dims: []int{3, 2, 2}},
		"i16":   {Class: "int16", Dims: []int{4, 5}},
		"u64":   {Class: "uint64", Dims: []int{3, 3}},
		"trail": {Class: "double", Dims: []int{3, 2}},
		"lg":    {Class: "logical", Dims: []int{4, 4}},
		"ch":    {Class: "char", Dims: []int{1, 5}},
		"em":    {Class: "double", Dims: []int{0, 3}},
		"st":    {Class: "struct"},
	}
	vars := f.Vars()
	if len(vars) != len(want) {
		t.Errorf("Vars = %+v", vars)
	}
	for _, v := range vars {
		w := want[v.Name]
		if v.Class != w.Class || v.Complex != w.Complex || !equalInts(v.Dims, w.Dims) {
			t.Errorf("%s: %+v, want %+v", v.Name, v, w)
		}
	}

	em, dims, err := f.ReadFloat32("em", nil)
	if err != nil || len(em) != 0 || !equalInts(dims, []int{0, 3}) {
		t.Errorf("empty: %v %v %v", em, dims, err)
	}
	for _, name := range []string{"ch", "st"} {
		if _, _, err := f.ReadComplex64(name, nil); !isErr(err, ErrNotNumeric) {
			t.Errorf("%s: %v, want ErrNotNumeric", name, err)
		}
	}
	if _, _, err := f.ReadFloat32("zd", nil); !isErr(err, ErrComplex) {
		t.Errorf("real read of complex: %v", err)
	}

	ref, dir := reference(t, path, "h5py")
	for _, r := range ref {
		if r.Numeric {
			checkValues(t, f, want[r.Name].withName(r.Name), filepath.Join(dir, r.Name))
		}
	}
}

func (v VarInfo) withName(name string) VarInfo {
	v.Name = name
	return v
}

// TestReadPlainHDF5 reads an HDF5 file without MATLAB header or attributes: the classes
// come from the HDF5 types.
func TestReadPlainHDF5(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plain.h5")
	python(t, pyWriteV73, path, "plain")

	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Format() != FormatHDF5 {
		t.Errorf("format %v", f.Format())
	}
	classes := map[string]string{"d3": "double", "s2": "single", "zd": "double",
		"zs": "single", "i16": "int16", "u64": "uint64", "trail": "double"}
	for _, v := range f.Vars() {
		if v.Class != classes[v.Name] {
			t.Errorf("%s: class %q, want %q", v.Name, v.Class, classes[v.Name])
		}
	}
	checkAgainstReference(t, path, "h5py")
}
