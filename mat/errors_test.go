package mat

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sentinels are the errors every failure must wrap one of (or an I/O error).
var sentinels = []error{ErrNotMAT, ErrCorrupt, ErrNoVariable, ErrNotNumeric, ErrComplex,
	ErrTooLarge, ErrUnsupported}

// checkFileError fails unless err is a one-line error naming path and wrapping want.
func checkFileError(t *testing.T, err error, path string, want error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", want)
	}
	msg := err.Error()
	if !errors.Is(err, want) || strings.Contains(msg, "\n") || !strings.Contains(msg, path) {
		t.Fatalf("error %q: want one line naming %s and wrapping %v", msg, path, want)
	}
}

// smallFile returns the bytes of a WriteV5 file with a few arrays.
func smallFile(t testing.TB, compress bool) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "small.mat")
	err := WriteV5(path, compress,
		Array{Name: "k", Dims: []int{3, 2}, Data: []complex64{1, 2i, 3, 4, 5, 6i}},
		Array{Name: "mask_ab", Dims: []int{2, 2}, Data: []float64{1, 0, 0, 1}},
		Array{Name: "n", Dims: []int{1, 3}, Data: []int16{-1, 2, 3}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// openAndReadAll opens path and reads every variable that can be read as numbers.
func openAndReadAll(path string) error {
	f, err := Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	for _, v := range f.Vars() {
		if _, _, err := f.ReadComplex128(v.Name, &ReadOptions{MaxBytes: 1 << 24}); err != nil &&
			!errors.Is(err, ErrNotNumeric) {
			return err
		}
	}
	return nil
}

// TestTruncated cuts a file at every length: each must fail with a one-line error that names
// the file and wraps ErrNotMAT (shorter than the header) or ErrCorrupt, never panic.
func TestTruncated(t *testing.T) {
	for _, compress := range []bool{false, true} {
		full := smallFile(t, compress)
		path := filepath.Join(t.TempDir(), "cut.mat")
		boundary := map[int]bool{}
		for off := v5HeaderSize; off < len(full); {
			boundary[off] = true
			off += 8 + int(binary.LittleEndian.Uint32(full[off+4:]))
		}
		for n := 0; n < len(full); n++ {
			if err := os.WriteFile(path, full[:n], 0o644); err != nil {
				t.Fatal(err)
			}
			want := ErrCorrupt
			if n < v5HeaderSize {
				want = ErrNotMAT
			}
			err := openAndReadAll(path)
			if boundary[n] && err == nil {
				continue // a cut between elements leaves a valid file with fewer variables
			}
			checkFileError(t, err, path, want)
		}
	}
}

// TestCorruptBytes flips every byte of a small file in turn. Most flips land in values and
// give a valid file; the others must fail with a one-line error wrapping a sentinel.
func TestCorruptBytes(t *testing.T) {
	for _, compress := range []bool{false, true} {
		full := smallFile(t, compress)
		path := filepath.Join(t.TempDir(), "flip.mat")
		for i := range full {
			b := bytes.Clone(full)
			b[i] ^= 0xa5
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			err := openAndReadAll(path)
			if err == nil {
				continue
			}
			wrapped := false
			for _, s := range sentinels {
				wrapped = wrapped || errors.Is(err, s)
			}
			if !wrapped || strings.Contains(err.Error(), "\n") ||
				!strings.Contains(err.Error(), path) {
				t.Fatalf("byte %d flipped: error %q wraps no sentinel or names no file", i, err)
			}
		}
	}
}

// TestBadInput covers files that are not MAT-files, wrong names and size limits.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("not MAT", func(t *testing.T) {
		for name, b := range map[string][]byte{
			"empty.mat": nil,
			"text.mat":  bytes.Repeat([]byte("hello, world\n"), 20),
			"v4.mat":    append([]byte{0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0}, make([]byte, 200)...),
		} {
			p := write(name, b)
			_, err := Open(p)
			checkFileError(t, err, p, ErrNotMAT)
		}
	})

	t.Run("v7.3 header without HDF5", func(t *testing.T) {
		h := v5Builder{binary.LittleEndian}.header()
		binary.LittleEndian.PutUint16(h[124:], 0x0200)
		p := write("fake73.mat", append(h, make([]byte, 600)...))
		_, err := Open(p)
		checkFileError(t, err, p, ErrCorrupt)
	})

	good := write("good.mat", smallFile(t, true))
	f, err := Open(good)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	t.Run("no variable", func(t *testing.T) {
		_, _, err := f.ReadComplex64("kspace", nil)
		checkFileError(t, err, good, ErrNoVariable)
		if !strings.Contains(err.Error(), "k, mask_ab, n") {
			t.Errorf("error %q does not list the variables", err)
		}
	})

	t.Run("complex as real", func(t *testing.T) {
		_, _, err := f.ReadFloat32("k", nil)
		checkFileError(t, err, good, ErrComplex)
	})

	t.Run("MaxBytes", func(t *testing.T) {
		_, _, err := f.ReadComplex64("k", &ReadOptions{MaxBytes: 47})
		checkFileError(t, err, good, ErrTooLarge)
		if _, _, err := f.ReadComplex64("k", &ReadOptions{MaxBytes: 48}); err != nil {
			t.Errorf("48-byte read with MaxBytes 48: %v", err)
		}
	})

	t.Run("first numeric", func(t *testing.T) {
		d, dims, err := f.ReadFloat64("", nil)
		if err == nil || !errors.Is(err, ErrComplex) {
			t.Errorf(`ReadFloat64("") = %v %v %v; want ErrComplex for k, the first variable`, d,
				dims, err)
		}
	})

	t.Run("closed", func(t *testing.T) {
		g, err := Open(good)
		if err != nil {
			t.Fatal(err)
		}
		g.Close()
		if _, _, err := g.ReadComplex64("k", nil); err == nil {
			t.Error("read after Close succeeded")
		}
		if err := g.Close(); err != nil {
			t.Errorf("second Close: %v", err)
		}
	})
}

// TestHostileSizes builds elements whose declared sizes would make a reader allocate far
// more than the file holds; each must be refused before allocating.
func TestHostileSizes(t *testing.T) {
	b := v5Builder{binary.LittleEndian}
	dir := t.TempDir()

	// dims claim 2^31-1 x 2^31-1 x 16 doubles: more elements than any memory.
	huge := b.matrix(mxDOUBLE, []int{1<<31 - 1, 1<<31 - 1, 16}, "x",
		b.elem(miDOUBLE, b.values(miDOUBLE, 1), false))
	// dims claim 2^31-1 x 2^31-1 doubles with 8 bytes of data.
	short := b.matrix(mxDOUBLE, []int{1<<31 - 1, 1<<31 - 1}, "x",
		b.elem(miDOUBLE, b.values(miDOUBLE, 1), false))
	// a compressed element whose inner tag claims 4 GiB.
	bomb := b.compressed(append([]byte{miMATRIX, 0, 0, 0, 0xf8, 0xff, 0xff, 0xff},
		make([]byte, 64)...))
	// data of the right size for the dims, stored with an unknown type.
	odd := b.matrix(mxDOUBLE, []int{1, 1}, "x", b.elem(8, b.values(miDOUBLE, 1), false))

	for name, c := range map[string]struct {
		elem []byte
		want error
	}{
		"huge":  {huge, ErrTooLarge},
		"short": {short, ErrCorrupt},
		"bomb":  {bomb, ErrCorrupt},
		"odd":   {odd, ErrUnsupported},
	} {
		p := filepath.Join(dir, name+".mat")
		if err := os.WriteFile(p, append(b.header(), c.elem...), 0o644); err != nil {
			t.Fatal(err)
		}
		checkFileError(t, openAndReadAll(p), p, c.want)
	}
}

// TestWriteV5Errors checks argument validation, the 4 GiB element limit and that a failed
// write leaves neither a partial file nor a temporary one, and keeps an existing file.
func TestWriteV5Errors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.mat")
	if err := os.WriteFile(path, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}

	bad := [][]Array{
		nil,
		{{Name: "1x", Dims: []int{1}, Data: []float64{1}}},
		{{Name: "a b", Dims: []int{1}, Data: []float64{1}}},
		{{Name: strings.Repeat("a", 64), Dims: []int{1}, Data: []float64{1}}},
		{{Name: "x", Dims: []int{2}, Data: []float64{1}}},
		{{Name: "x", Dims: nil, Data: []float64{1}}},
		{{Name: "x", Dims: []int{-1}, Data: []float64{}}},
		{{Name: "x", Dims: []int{1}, Data: []string{"a"}}},
		{{Name: "x", Dims: []int{1}, Data: []float64{1}}, {Name: "x", Dims: []int{1},
			Data: []float64{1}}},
	}
	for _, arrays := range bad {
		if err := WriteV5(path, true, arrays...); err == nil ||
			!strings.Contains(err.Error(), path) {
			t.Errorf("WriteV5(%+v): error %v, want one naming the file", arrays, err)
		}
	}

	kinds := []arrayKind{{class: mxDOUBLE, mi: miDOUBLE, size: 8, complex: true, n: 1 << 28}}
	_, err := v5Sizes(path, []Array{{Name: "big"}}, kinds, [][]int{{1 << 14, 1 << 14}})
	checkFileError(t, err, path, ErrTooLarge)
	if !strings.Contains(err.Error(), "WriteV73") {
		t.Errorf("error %q does not suggest WriteV73", err)
	}
	kinds[0].n = 1<<28 - 8
	if _, err := v5Sizes(path, []Array{{Name: "big"}}, kinds, [][]int{{1<<28 - 8}}); err != nil {
		t.Errorf("4 GiB - 128 bytes refused: %v", err)
	}

	failed := errors.New("disk full")
	if err := writeAtomic(path, func(*os.File) error { return failed }); !errors.Is(err, failed) {
		t.Errorf("writeAtomic error %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "previous" {
		t.Errorf("existing file changed to %q", b)
	}
	checkNoTemp(t, dir)
}
