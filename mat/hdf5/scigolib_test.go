package hdf5

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	sg "github.com/scigolib/hdf5"
)

// sgDataset is a dataset written by github.com/scigolib/hdf5, an independent HDF5 writer,
// and the values it holds.
type sgDataset struct {
	path    string
	typ     sg.Datatype
	dims    []uint64
	opts    []sg.DatasetOption
	data    any
	want    []float64
	chunked bool
}

// sgDatasets returns the datasets written to every scigolib fixture. Dims are multiples of
// the chunk dims because scigolib stores partial edge chunks short, which the HDF5 library
// itself misreads (see TestScigolibShortEdgeChunks).
func sgDatasets() []sgDataset {
	seq := func(n int, f func(i int) float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = f(i)
		}
		return v
	}
	f64 := seq(40*50, func(i int) float64 { return float64(i)*0.37 - 300 })
	f32 := seq(8*12, func(i int) float64 { return float64(float32(float64(i) / 7)) })
	i32 := seq(5*4, func(i int) float64 { return float64(i*i - 50) })
	u8 := seq(6, func(i int) float64 { return float64(i % 2) })
	i16 := seq(9, func(i int) float64 { return float64(-30000 + 7000*i) })
	u64 := seq(4, func(i int) float64 { return float64(uint64(1)<<40 + uint64(i)) })

	conv := func(v []float64, to func(float64) any) any {
		switch to(0).(type) {
		case float32:
			out := make([]float32, len(v))
			for i, x := range v {
				out[i] = float32(x)
			}
			return out
		case int32:
			out := make([]int32, len(v))
			for i, x := range v {
				out[i] = int32(x)
			}
			return out
		case uint8:
			out := make([]uint8, len(v))
			for i, x := range v {
				out[i] = uint8(x)
			}
			return out
		case int16:
			out := make([]int16, len(v))
			for i, x := range v {
				out[i] = int16(x)
			}
			return out
		case uint64:
			out := make([]uint64, len(v))
			for i, x := range v {
				out[i] = uint64(x)
			}
			return out
		}
		return v
	}

	return []sgDataset{
		{path: "chunked", typ: sg.Float64, dims: []uint64{40, 50}, data: f64, want: f64,
			chunked: true, opts: []sg.DatasetOption{sg.WithChunkDims([]uint64{8, 10}),
				sg.WithGZIPCompression(6), sg.WithShuffle(), sg.WithFletcher32()}},
		{path: "unlimited", typ: sg.Float32, dims: []uint64{8, 12}, want: f32, chunked: true,
			data: conv(f32, func(float64) any { return float32(0) }),
			opts: []sg.DatasetOption{sg.WithChunkDims([]uint64{4, 4}),
				sg.WithMaxDims([]uint64{sg.Unlimited, 12}), sg.WithGZIPCompression(3)}},
		{path: "contig_i32", typ: sg.Int32, dims: []uint64{5, 4}, want: i32,
			data: conv(i32, func(float64) any { return int32(0) })},
		{path: "i16", typ: sg.Int16, dims: []uint64{9}, want: i16,
			data: conv(i16, func(float64) any { return int16(0) })},
		{path: "u64", typ: sg.Uint64, dims: []uint64{4}, want: u64,
			data: conv(u64, func(float64) any { return uint64(0) })},
		{path: "g/logical", typ: sg.Uint8, dims: []uint64{6}, want: u8,
			data: conv(u8, func(float64) any { return uint8(0) })},
	}
}

// writeScigolib writes the sgDatasets to a new file with the given superblock version.
func writeScigolib(t testing.TB, path string, version uint8) {
	t.Helper()
	fw, err := sg.CreateForWrite(path, sg.CreateTruncate, sg.WithSuperblockVersion(version))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.CreateGroup("/g"); err != nil {
		t.Fatal(err)
	}
	for _, ds := range sgDatasets() {
		dw, err := fw.CreateDataset("/"+ds.path, ds.typ, ds.dims, ds.opts...)
		if err != nil {
			t.Fatalf("%s: %v", ds.path, err)
		}
		if err := dw.Write(ds.data); err != nil {
			t.Fatalf("%s: %v", ds.path, err)
		}
		if err := dw.WriteAttribute("MATLAB_class", "double"); err != nil {
			t.Fatalf("%s: %v", ds.path, err)
		}
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkScigolib reads every sgDataset from f and compares with the values written.
func checkScigolib(t *testing.T, f *File) {
	t.Helper()
	if got, want := f.Names(), []string{"chunked", "contig_i32", "g", "i16", "u64",
		"unlimited"}; !equalStrings(got, want) {
		t.Errorf("names %v, want %v", got, want)
	}
	for _, ds := range sgDatasets() {
		d, err := f.Dataset(ds.path)
		if err != nil {
			t.Fatal(err)
		}
		if (d.Chunks() != nil) != ds.chunked {
			t.Errorf("%s: chunks %v", ds.path, d.Chunks())
		}
		if v, ok := d.StringAttr("MATLAB_class"); !ok || v != "double" {
			t.Errorf("%s: MATLAB_class %q %v", ds.path, v, ok)
		}
		checkAgainst(t, d, false, ds.want)
	}
	d, err := f.Dataset("unlimited")
	if err != nil {
		t.Fatal(err)
	}
	if ms := d.MaxShape(); !equalInts(ms, []int{-1, 12}) {
		t.Errorf("unlimited: max shape %v", ms)
	}
}

// TestScigolib reads files written by scigolib/hdf5 with superblocks 0, 2 and 3.
func TestScigolib(t *testing.T) {
	for _, v := range []uint8{0, 2, 3} {
		t.Run(fmt.Sprintf("superblock%d", v), func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "sg.h5")
			writeScigolib(t, p, v)
			f, err := Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.SuperblockVersion() != int(v) || f.UserBlockSize() != 0 {
				t.Errorf("superblock %d, user block %d", f.SuperblockVersion(),
					f.UserBlockSize())
			}
			checkScigolib(t, f)
		})
	}
}

// matlabHeader returns a 512-byte MATLAB 7.3 MAT-file header: descriptive text padded with
// spaces to 116 bytes, 8 bytes of subsystem offset, version 0x0200 and the "IM" endian mark.
func matlabHeader() []byte {
	h := make([]byte, 512)
	text := "MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2024 " +
		"HDF5 schema 1.00 ."
	for i := range 116 {
		h[i] = ' '
	}
	copy(h, text)
	h[124], h[125] = 0x00, 0x02
	h[126], h[127] = 'I', 'M'
	return h
}

// TestMatlabUserBlock prepends a MATLAB header to an ordinary HDF5 file: the superblock is
// then found at 512 and every address stays relative to it.
func TestMatlabUserBlock(t *testing.T) {
	for _, v := range []uint8{0, 2} {
		dir := t.TempDir()
		plain := filepath.Join(dir, "plain.h5")
		writeScigolib(t, plain, v)
		b, err := os.ReadFile(plain)
		if err != nil {
			t.Fatal(err)
		}
		mat := filepath.Join(dir, "v73.mat")
		if err := os.WriteFile(mat, append(matlabHeader(), b...), 0o644); err != nil {
			t.Fatal(err)
		}

		f, err := Open(mat)
		if err != nil {
			t.Fatal(err)
		}
		if f.UserBlockSize() != 512 {
			t.Errorf("user block %d, want 512", f.UserBlockSize())
		}
		checkScigolib(t, f)
		f.Close()
	}
}

// TestScigolibShortEdgeChunks: scigolib stores a partial edge chunk with only the elements
// inside the dataset. HDF5 requires whole chunks (h5py 3.7 / HDF5 1.10.8 returns zeros or
// garbage for such a file), so the reader must refuse it clearly, naming the chunk.
func TestScigolibShortEdgeChunks(t *testing.T) {
	p := filepath.Join(t.TempDir(), "edge.h5")
	fw, err := sg.CreateForWrite(p, sg.CreateTruncate)
	if err != nil {
		t.Fatal(err)
	}
	dw, err := fw.CreateDataset("/x", sg.Float64, []uint64{5, 7},
		sg.WithChunkDims([]uint64{4, 4}), sg.WithGZIPCompression(1))
	if err != nil {
		t.Fatal(err)
	}
	if err := dw.Write(make([]float64, 35)); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}

	f, err := Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.Dataset("x")
	if err != nil {
		t.Fatal(err)
	}
	err = d.ReadFloat64(make([]float64, 35), nil)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("error %v, want ErrCorrupt", err)
	}
	t.Log(err)
}
