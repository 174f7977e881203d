package mat

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// v5Builder assembles MAT v5 bytes by hand, to produce what MATLAB writes but scipy does not:
// numeric classes stored in narrower data types, small data elements holding values, and
// big-endian files.
type v5Builder struct {
	o binary.ByteOrder
}

// header returns a 128-byte file header.
func (b v5Builder) header() []byte {
	h := bytes.Repeat([]byte{' '}, 128)
	copy(h, "MATLAB 5.0 MAT-file, hand-built test file")
	for i := 116; i < 124; i++ {
		h[i] = 0
	}
	b.o.PutUint16(h[124:], 0x0100)
	b.o.PutUint16(h[126:], 'M'<<8|'I')
	return h
}

// elem returns a data element of type typ holding data, in the small format when small is
// set and data fits in 4 bytes.
func (b v5Builder) elem(typ uint32, data []byte, small bool) []byte {
	if small && len(data) <= 4 {
		out := make([]byte, 8)
		b.o.PutUint32(out, uint32(len(data))<<16|typ)
		copy(out[4:], data)
		return out
	}
	out := make([]byte, 8, 8+len(data)+8)
	b.o.PutUint32(out, typ)
	b.o.PutUint32(out[4:], uint32(len(data)))
	out = append(out, data...)
	return append(out, make([]byte, padTo8(int64(len(data))))...)
}

// values encodes numbers in data type typ.
func (b v5Builder) values(typ uint32, v ...float64) []byte {
	size := storageSize(typ)
	out := make([]byte, int64(len(v))*size)
	for i, x := range v {
		p := out[int64(i)*size:]
		switch typ {
		case miINT8, miUINT8:
			p[0] = byte(int64(x))
		case miINT16, miUINT16:
			b.o.PutUint16(p, uint16(int64(x)))
		case miINT32, miUINT32:
			b.o.PutUint32(p, uint32(int64(x)))
		case miSINGLE:
			b.o.PutUint32(p, math.Float32bits(float32(x)))
		case miDOUBLE:
			b.o.PutUint64(p, math.Float64bits(x))
		case miINT64, miUINT64:
			b.o.PutUint64(p, uint64(int64(x)))
		}
	}
	return out
}

// matrix returns an miMATRIX element with the given class and flags, dims, name and data
// subelements (already encoded).
func (b v5Builder) matrix(flags uint32, dims []int, name string, parts ...[]byte) []byte {
	af := make([]byte, 8)
	b.o.PutUint32(af, flags)
	db := make([]byte, 4*len(dims))
	for i, d := range dims {
		b.o.PutUint32(db[4*i:], uint32(d))
	}
	body := append(b.elem(miUINT32, af, false), b.elem(miINT32, db, false)...)
	body = append(body, b.elem(miINT8, []byte(name), true)...)
	for _, p := range parts {
		body = append(body, p...)
	}
	return b.elem(miMATRIX, body, false)
}

// compressed wraps an element in an miCOMPRESSED element.
func (b v5Builder) compressed(elem []byte) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(elem)
	zw.Close()
	out := make([]byte, 8)
	b.o.PutUint32(out, miCOMPRESSED)
	b.o.PutUint32(out[4:], uint32(z.Len()))
	return append(out, z.Bytes()...)
}

// compactFile returns a file with MATLAB-style storage: double arrays stored as miUINT8,
// miINT16 and miINT32, a scalar in a small data element, a complex double whose parts use
// different types, single stored as miINT8, a logical, and an int16 array in miUINT8.
func compactFile(b v5Builder, compress bool) []byte {
	vals := []float64{0, 1, 2, 250, 255, 17}
	neg := []float64{-32768, -1, 0, 1, 300, 32767}
	wide := []float64{-2147483648, 2147483647, 0, 65536, -70000, 5}
	elems := [][]byte{
		b.matrix(mxDOUBLE, []int{2, 3}, "u8", b.elem(miUINT8, b.values(miUINT8, vals...), true)),
		b.matrix(mxDOUBLE, []int{3, 2}, "i16_data", b.elem(miINT16, b.values(miINT16, neg...),
			true)),
		b.matrix(mxDOUBLE, []int{6, 1}, "i32", b.elem(miINT32, b.values(miINT32, wide...),
			true)),
		b.matrix(mxDOUBLE, []int{1, 1}, "s", b.elem(miUINT8, b.values(miUINT8, 7), true)),
		b.matrix(mxDOUBLE, []int{1, 2}, "two", b.elem(miINT16, b.values(miINT16, -3, 4), true)),
		b.matrix(mxDOUBLE|flagComplex, []int{2, 2}, "z",
			b.elem(miINT16, b.values(miINT16, -5, 6, 7, -8), true),
			b.elem(miUINT8, b.values(miUINT8, 1, 2, 3, 4), true)),
		b.matrix(mxSINGLE, []int{1, 3}, "sg", b.elem(miINT8, b.values(miINT8, -1, 2, -3),
			true)),
		b.matrix(mxUINT8|flagLogical, []int{2, 2}, "lg", b.elem(miUINT8,
			b.values(miUINT8, 1, 0, 0, 1), true)),
		b.matrix(mxINT16, []int{1, 4}, "i16", b.elem(miUINT8, b.values(miUINT8, 9, 8, 7, 6),
			true)),
		b.matrix(mxDOUBLE, []int{2, 2}, "full", b.elem(miDOUBLE,
			b.values(miDOUBLE, math.Pi, -math.E, 1e300, math.Inf(1)), true)),
	}

	out := b.header()
	for _, e := range elems {
		if compress {
			e = b.compressed(e)
		}
		out = append(out, e...)
	}
	return out
}

// TestCompactStorage reads MATLAB-style compacted storage and small data elements in both
// byte orders, compressed and not, checks the values against the known numbers and against
// scipy.io.loadmat, which reads the same bytes independently.
func TestCompactStorage(t *testing.T) {
	want := map[string][]float64{
		"u8":       {0, 1, 2, 250, 255, 17},
		"i16_data": {-32768, -1, 0, 1, 300, 32767},
		"i32":      {-2147483648, 2147483647, 0, 65536, -70000, 5},
		"s":        {7},
		"two":      {-3, 4},
		"sg":       {-1, 2, -3},
		"lg":       {1, 0, 0, 1},
		"i16":      {9, 8, 7, 6},
		"full":     {math.Pi, -math.E, 1e300, math.Inf(1)},
	}
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, compress := range []bool{false, true} {
			t.Run(order.String()+map[bool]string{false: "", true: "/compressed"}[compress],
				func(t *testing.T) {
					path := filepath.Join(t.TempDir(), "compact.mat")
					data := compactFile(v5Builder{order}, compress)
					if err := os.WriteFile(path, data, 0o644); err != nil {
						t.Fatal(err)
					}

					f, err := Open(path)
					if err != nil {
						t.Fatal(err)
					}
					defer f.Close()
					for name, w := range want {
						got, _, err := f.ReadFloat64(name, nil)
						if err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						if len(got) != len(w) {
							t.Fatalf("%s: %v, want %v", name, got, w)
						}
						for i := range w {
							if got[i] != w[i] {
								t.Fatalf("%s: %v, want %v", name, got, w)
							}
						}
					}

					z, _, err := f.ReadComplex128("z", nil)
					if err != nil {
						t.Fatal(err)
					}
					wz := []complex128{-5 + 1i, 6 + 2i, 7 + 3i, -8 + 4i}
					for i := range wz {
						if z[i] != wz[i] {
							t.Fatalf("z = %v, want %v", z, wz)
						}
					}

					checkAgainstReference(t, path, "scipy")
				})
		}
	}
}

// TestNonNumericHeaders lists hand-built object and opaque arrays and function handles
// with their class names and refuses to read them.
func TestNonNumericHeaders(t *testing.T) {
	b := v5Builder{binary.LittleEndian}
	af := make([]byte, 8)
	b.o.PutUint32(af, mxOPAQUE)
	opaque := append(b.elem(miUINT32, af, false), b.elem(miINT8, []byte("str"), true)...)
	opaque = append(opaque, b.elem(miINT8, []byte("MCOS"), true)...)
	opaque = append(opaque, b.elem(miINT8, []byte("string"), true)...)
	opaque = append(opaque, b.matrix(mxUINT32, []int{1, 1}, "", b.elem(miUINT32,
		b.values(miUINT32, 1), true))...)

	obj := b.matrix(mxOBJECT, []int{1, 1}, "obj", b.elem(miINT8, []byte("myclass"), false),
		b.elem(miINT32, b.values(miINT32, 1), true), b.elem(miINT8, []byte("a\x00\x00\x00"),
			false))

	file := b.header()
	file = append(file, b.elem(miMATRIX, opaque, false)...)
	file = append(file, b.compressed(obj)...)
	file = append(file, b.matrix(mxFUNCTION, []int{1, 1}, "fh")...)
	file = append(file, b.matrix(mxDOUBLE, []int{1, 1}, "x", b.elem(miDOUBLE,
		b.values(miDOUBLE, 2.5), false))...)

	path := filepath.Join(t.TempDir(), "objects.mat")
	if err := os.WriteFile(path, file, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	vars := f.Vars()
	want := []VarInfo{
		{Name: "str", Class: "string"},
		{Name: "obj", Class: "myclass", Dims: []int{1, 1}},
		{Name: "fh", Class: "function_handle", Dims: []int{1, 1}},
		{Name: "x", Class: "double", Dims: []int{1, 1}},
	}
	if len(vars) != len(want) {
		t.Fatalf("Vars = %+v", vars)
	}
	for i := range want {
		if vars[i].Name != want[i].Name || vars[i].Class != want[i].Class ||
			!equalInts(vars[i].Dims, want[i].Dims) {
			t.Errorf("Vars[%d] = %+v, want %+v", i, vars[i], want[i])
		}
	}
	for _, name := range []string{"str", "obj", "fh"} {
		if _, _, err := f.ReadComplex64(name, nil); !isErr(err, ErrNotNumeric) {
			t.Errorf("ReadComplex64(%q): %v, want ErrNotNumeric", name, err)
		}
	}

	x, _, err := f.ReadFloat32("", nil)
	if err != nil || len(x) != 1 || x[0] != 2.5 {
		t.Errorf(`ReadFloat32("") = %v, %v; want the first numeric variable x = [2.5]`, x, err)
	}
}
