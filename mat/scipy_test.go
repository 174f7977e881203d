package mat

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"
)

// pyWriteAll writes argv[1] with scipy.io.savemat (do_compression from argv[2]): every
// numeric class, complex and real, several shapes, NaN and Inf, and the non-numeric kinds
// (char, cell, struct, sparse).
const pyWriteAll = `
import sys
import numpy as np, scipy.io as sio, scipy.sparse as sp
rng = np.random.default_rng(7)
d = {}
for t in ["float64", "float32", "int8", "uint8", "int16", "uint16", "int32", "uint32",
          "int64", "uint64"]:
    info = np.iinfo(t) if t[0] in "iu" else np.finfo(t)
    a = rng.uniform(-1, 1, size=(5, 4, 3)) * (float(info.max) / 2)
    if t[0] == "u":
        a = np.abs(a)
    a = a.astype(t)
    a.flat[0], a.flat[1] = info.max, info.min
    d["v_" + t] = a
d["v_float64"].flat[2:5] = [np.nan, np.inf, -np.inf]
d["v_float32"].flat[2:5] = [np.nan, np.inf, -0.0]
d["c_double"] = (rng.standard_normal((7, 6)) + 1j * rng.standard_normal((7, 6)))
z = rng.standard_normal((3, 4, 2, 2)) + 1j * rng.standard_normal((3, 4, 2, 2))
d["c_single"] = z.astype(np.complex64)
d["c_int16"] = (np.arange(6).reshape(2, 3) - 1j * np.arange(6).reshape(2, 3)).astype(np.complex128)
d["logical"] = rng.uniform(size=(4, 5)) > 0.5
d["scalar"] = np.float64(3.25)
d["rowvec"] = np.arange(9.0)
d["empty"] = np.zeros((0, 3))
d["trailing"] = np.ones((3, 2, 1, 1))
d["inner_one"] = np.arange(6.0).reshape(3, 1, 2)
d["big"] = rng.standard_normal((300, 257)).astype(np.float32)
d["text"] = "hello"
d["cells"] = np.array([[1.0, "a"]], dtype=object)
d["st"] = {"a": 1.0, "b": np.arange(3.0)}
d["sparse_m"] = sp.csc_matrix(np.eye(4))
sio.savemat(sys.argv[1], d, do_compression=sys.argv[2] == "1")
`

// TestReadScipyFiles reads files written by scipy.io.savemat, compressed and not, and
// compares the variable list with scipy.io.whosmat and every value with scipy.io.loadmat.
func TestReadScipyFiles(t *testing.T) {
	for _, compress := range []string{"0", "1"} {
		t.Run("compress="+compress, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "scipy.mat")
			python(t, pyWriteAll, path, compress)
			checkAgainstReference(t, path, "scipy")

			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for _, name := range []string{"text", "cells", "st", "sparse_m"} {
				if _, _, err := f.ReadFloat64(name, nil); !isErr(err, ErrNotNumeric) {
					t.Errorf("ReadFloat64(%q) error %v, want ErrNotNumeric", name, err)
				}
			}
		})
	}
}

// testArrays returns one array of every writable type, with values that exercise the range
// of each (NaN, Inf, -0, extremes), a few shapes and an empty array.
func testArrays() []Array {
	rng := rand.New(rand.NewPCG(1, 2))
	n := 60
	dims := []int{5, 4, 3}
	f64 := make([]float64, n)
	f32 := make([]float32, n)
	c128 := make([]complex128, n)
	c64 := make([]complex64, n)
	i8, u8 := make([]int8, n), make([]uint8, n)
	i16, u16 := make([]int16, n), make([]uint16, n)
	i32, u32 := make([]int32, n), make([]uint32, n)
	i64, u64 := make([]int64, n), make([]uint64, n)
	bl := make([]bool, n)
	for i := range n {
		x := rng.NormFloat64() * 1e3
		f64[i], f32[i] = x, float32(x)
		c128[i] = complex(x, rng.NormFloat64())
		c64[i] = complex64(c128[i])
		i8[i], u8[i] = int8(rng.Uint32()), uint8(rng.Uint32())
		i16[i], u16[i] = int16(rng.Uint32()), uint16(rng.Uint32())
		i32[i], u32[i] = int32(rng.Uint32()), rng.Uint32()
		i64[i], u64[i] = int64(rng.Uint64()), rng.Uint64()
		bl[i] = rng.IntN(2) == 1
	}
	f64[0], f64[1], f64[2], f64[3] = math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1)
	f32[0], f32[1] = float32(math.NaN()), float32(math.Inf(-1))
	i64[0], u64[0] = math.MinInt64, math.MaxUint64

	return []Array{
		{Name: "f64", Dims: dims, Data: f64},
		{Name: "f32", Dims: dims, Data: f32},
		{Name: "c128", Dims: []int{6, 10}, Data: c128},
		{Name: "img4ranking", Dims: []int{3, 4, 5, 1}, Data: c64},
		{Name: "i8", Dims: dims, Data: i8},
		{Name: "u8", Dims: dims, Data: u8},
		{Name: "i16", Dims: dims, Data: i16},
		{Name: "u16", Dims: dims, Data: u16},
		{Name: "i32", Dims: dims, Data: i32},
		{Name: "u32", Dims: dims, Data: u32},
		{Name: "i64", Dims: dims, Data: i64},
		{Name: "u64", Dims: dims, Data: u64},
		{Name: "mask", Dims: []int{60}, Data: bl},
		{Name: "empty", Dims: []int{0, 3}, Data: []float32{}},
		{Name: "one", Dims: []int{1, 1}, Data: []float64{42}},
	}
}

// wantClass is the MATLAB class WriteV5 stores each test array as.
var wantClass = map[string]string{
	"f64": "double", "f32": "single", "c128": "double", "img4ranking": "single",
	"i8": "int8", "u8": "uint8", "i16": "int16", "u16": "uint16", "i32": "int32",
	"u32": "uint32", "i64": "int64", "u64": "uint64", "mask": "logical", "empty": "single",
	"one": "double",
}

// wantDType is the numpy dtype scipy.io.loadmat gives each class (logical loads as uint8).
var wantDType = map[string]string{
	"double": "float64", "single": "float32", "int8": "int8", "uint8": "uint8",
	"int16": "int16", "uint16": "uint16", "int32": "int32", "uint32": "uint32",
	"int64": "int64", "uint64": "uint64", "logical": "uint8",
}

// TestWriteV5ReadByScipy writes every type with WriteV5 in both byte orders, compressed and
// not, and checks with scipy.io.whosmat and loadmat the class, the shape and every value
// (compared with the source data), then reads the file back with this package.
func TestWriteV5ReadByScipy(t *testing.T) {
	arrays := testArrays()
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, compress := range []bool{false, true} {
			name := fmt.Sprintf("%v/compress=%v", order, compress)
			t.Run(name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "out.mat")
				if err := writeV5(path, compress, order, arrays); err != nil {
					t.Fatal(err)
				}
				checkStructure(t, path, order)

				ref, dir := reference(t, path, "scipy")
				if len(ref) != len(arrays) {
					t.Fatalf("scipy lists %d variables, want %d", len(ref), len(arrays))
				}
				for i, r := range ref {
					a := arrays[i]
					class := wantClass[a.Name]
					if r.Name != a.Name || r.Class != class || !equalInts(r.Shape,
						matlabDims(a.Dims)) {
						t.Errorf("scipy: %+v, want %s %s %v", r, a.Name, class, a.Dims)
					}
					dtype := wantDType[class]
					if _, ok := a.Data.([]complex128); ok {
						dtype = "complex128"
					}
					if _, ok := a.Data.([]complex64); ok {
						dtype = "complex64"
					}
					if r.DType != dtype {
						t.Errorf("scipy: %s dtype %s, want %s", a.Name, r.DType, dtype)
					}
					checkSource(t, a, loadC128(t, filepath.Join(dir, a.Name+".c128")))
				}

				checkAgainstReference(t, path, "scipy")
			})
		}
	}
}

// checkSource compares the values scipy read with the source data of an array. Integers
// of 64 bits beyond 2^53 compare after rounding to float64 on both sides.
func checkSource(t *testing.T, a Array, got []complex128) {
	t.Helper()
	want := toC128(a.Data)
	if len(got) != len(want) {
		t.Fatalf("%s: scipy read %d values, want %d", a.Name, len(got), len(want))
	}
	for i := range want {
		if !same64(real(got[i]), real(want[i])) || !same64(imag(got[i]), imag(want[i])) {
			t.Fatalf("%s[%d]: scipy read %v, wrote %v", a.Name, i, got[i], want[i])
		}
	}
}

// toC128 converts any writable Data to complex128.
func toC128(data any) []complex128 {
	var out []complex128
	add := func(re, im float64) { out = append(out, complex(re, im)) }
	switch d := data.(type) {
	case []float64:
		for _, x := range d {
			add(x, 0)
		}
	case []float32:
		for _, x := range d {
			add(float64(x), 0)
		}
	case []complex128:
		out = append(out, d...)
	case []complex64:
		for _, x := range d {
			add(float64(real(x)), float64(imag(x)))
		}
	case []int8:
		for _, x := range d {
			add(float64(x), 0)
		}
	case []uint8:
		for _, x := range d {
			add(float64(x), 0)
		}
	case []int16:
		for _, x := range d {
			add(float64(x), 0)
		}
	case []uint16:
		for _, x := range d {
			add(float64(x), 0)
		}
	case []int32:
		for _, x := range d {
			add(float64(x), 0)
		}
	case []uint32:
		for _, x := range d {
			add(float64(x), 0)
		}
	case []int64:
		for _, x := range d {
			add(float64(x), 0)
		}
	case []uint64:
		for _, x := range d {
			add(float64(x), 0)
		}
	case []bool:
		for _, x := range d {
			v := 0.0
			if x {
				v = 1
			}
			add(v, 0)
		}
	}
	return out
}
