package mat

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// fuzzMaxBytes is the ReadOptions.MaxBytes of the fuzz targets.
const fuzzMaxBytes = 1 << 22

// readBound is the most one read of a file of n bytes may allocate: the output (at most
// fuzzMaxBytes), the bounded working set of the package doc (256 KiB buffers, per worker for
// v7.3), and for HDF5 chunks two inflate buffers whose size the deflate ratio bounds by the
// stored bytes, plus metadata in proportion to the file.
func readBound(n int) uint64 {
	return fuzzMaxBytes + 3*1032*uint64(n) + 16<<20
}

// allocated returns the bytes allocated by the process so far.
func allocated() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

// readAllKinds opens path and reads every variable in every precision, checking each error
// (one line, naming path, wrapping a sentinel), the length of each result against its dims,
// and the memory each step allocates against readBound of the file's size n.
func readAllKinds(t *testing.T, path string, n int) {
	t.Helper()
	before := allocated()
	f, err := Open(path)
	if got := allocated() - before; got > readBound(n) {
		t.Fatalf("Open of %d bytes allocated %d bytes", n, got)
	}
	if err != nil {
		checkFuzzError(t, err, path)
		return
	}
	defer f.Close()

	opt := &ReadOptions{MaxBytes: fuzzMaxBytes, Workers: 2}
	for _, v := range f.Vars() {
		for _, kind := range []outKind{kindF32, kindF64, kindC64, kindC128} {
			before := allocated()
			d, dims, err := f.read(v.Name, kind, opt)
			if got := allocated() - before; got > readBound(n) {
				t.Fatalf("reading %q (%d bytes of file) allocated %d bytes", v.Name, n, got)
			}
			if err != nil {
				checkFuzzError(t, err, path)
				continue
			}
			if m := dimsProduct(dims, 1<<40); m != int64(lenOf(d)) {
				t.Fatalf("%s: %d values for dims %v", v.Name, lenOf(d), dims)
			}
		}
	}
}

// checkFuzzError fails unless err is one line that names path and wraps a sentinel. (For a
// BART pair, path is the common base of the .hdr and .cfl, whichever is at fault.)
func checkFuzzError(t *testing.T, err error, path string) {
	t.Helper()
	checkSentinel(t, err)
	if !strings.Contains(err.Error(), path) {
		t.Fatalf("error %q does not name %s", err, path)
	}
}

// FuzzOpen writes arbitrary bytes to a file and reads it through Open, which detects MATLAB
// v5, v7.3 and plain HDF5, then reads every variable in every precision. No input may panic,
// hang, or allocate more than readBound; errors are one line, name the file and wrap a
// sentinel.
//
// Seeds: files of the package's writers, the hand-built compact v5 files, the HDF5 seeds
// committed for package hdf5, and testdata/fuzz/FuzzOpen (scipy-written v5 files of every
// class, from testdata/gen_fuzz_seeds.py). A long run:
//
//	go test ./mat -run '^$' -fuzz FuzzOpen -fuzztime 10m -parallel 1
func FuzzOpen(f *testing.F) {
	f.Add(smallFile(f, false))
	f.Add(smallFile(f, true))
	for _, order := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		f.Add(compactFile(v5Builder{order}, false))
		f.Add(compactFile(v5Builder{order}, true))
	}
	f.Add(v73Seed(f))
	for _, b := range hdf5Seeds(f) {
		f.Add(b)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.mat")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		readAllKinds(t, path, len(data))
	})
}

// v73Seed returns a small WriteV73 file.
func v73Seed(t testing.TB) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.mat")
	err := WriteV73(path,
		Array{Name: "k", Dims: []int{3, 2, 2}, Data: []complex64{1, 2i, 3, 4, 5, 6i, 7, 8, 9,
			10, 11, 12i}},
		Array{Name: "m", Dims: []int{2, 2}, Data: []float64{1, 0, 0, 1}},
		Array{Name: "e", Dims: []int{0, 3}, Data: []float32{}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// hdf5Seeds returns the committed seed files of package hdf5's FuzzHDF5.
func hdf5Seeds(t testing.TB) [][]byte {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("hdf5", "testdata", "fuzz", "FuzzHDF5", "*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no FuzzHDF5 seeds found: %v", err)
	}
	var out [][]byte
	for _, p := range paths {
		out = append(out, readGoFuzzBytes(t, p))
	}
	return out
}

// readGoFuzzBytes returns the one []byte value of a file in the format of Go's fuzzing
// engine ("go test fuzz v1", then a []byte literal).
func readGoFuzzBytes(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, lit, ok := strings.Cut(string(raw), "\n")
	lit = strings.TrimSpace(lit)
	if !ok || !strings.HasPrefix(lit, "[]byte(") || !strings.HasSuffix(lit, ")") {
		t.Fatalf("%s: not a []byte seed", path)
	}
	s, err := strconv.Unquote(lit[len("[]byte(") : len(lit)-1])
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return []byte(s)
}

// FuzzCFL writes an arbitrary .hdr and .cfl pair and reads it through Open (in both complex
// precisions) and ReadCFL. No input may panic or allocate more than the .cfl's size allows;
// accepted data must have as many values as the dims say.
//
//	go test ./mat -run '^$' -fuzz FuzzCFL -fuzztime 5m -parallel 1
func FuzzCFL(f *testing.F) {
	f.Add([]byte("# Dimensions\n2 3 1 1 1 1 1 1 1 1 1 1 1 1 1 1 \n"), make([]byte, 48))
	f.Add([]byte("# Dimensions\n1 2 \n# Command\nbart ones\n"), make([]byte, 16))
	f.Add([]byte("# Dimensions\n0 4 \n"), []byte{})
	f.Add([]byte("# Dimensions\n4294967296 4294967296 \n"), make([]byte, 8))

	f.Fuzz(func(t *testing.T, hdr, cfl []byte) {
		dir := t.TempDir()
		base := filepath.Join(dir, "k")
		if err := os.WriteFile(base+".hdr", hdr, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(base+".cfl", cfl, 0o644); err != nil {
			t.Fatal(err)
		}
		readAllKinds(t, base, len(hdr)+len(cfl))

		before := allocated()
		data, dims, err := ReadCFL(base)
		if got := allocated() - before; got > 2*uint64(len(cfl))+1<<20 {
			t.Fatalf("ReadCFL of a %d-byte .cfl allocated %d bytes", len(cfl), got)
		}
		if err != nil {
			checkSentinel(t, err)
			if !strings.Contains(err.Error(), base) {
				t.Fatalf("error %q does not name %s", err, base)
			}
			return
		}
		if n := dimsProduct(dims, 1<<40); n != int64(len(data)) || 8*n != int64(len(cfl)) {
			t.Fatalf("dims %v with %d values from %d bytes", dims, len(data), len(cfl))
		}
	})
}

// TestOpenFuzzSeeds reads every committed FuzzOpen seed: each is a valid file (scipy-written)
// that must open, so that fuzzing starts from every class rather than from a rejection. The
// MATLAB v4 seed, a format the package does not read, must be refused with ErrNotMAT.
func TestOpenFuzzSeeds(t *testing.T) {
	paths, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzOpen", "scipy_*"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no committed FuzzOpen seeds: %v", err)
	}
	dir := t.TempDir()
	for _, p := range paths {
		path := filepath.Join(dir, filepath.Base(p)+".mat")
		if err := os.WriteFile(path, readGoFuzzBytes(t, p), 0o644); err != nil {
			t.Fatal(err)
		}
		f, err := Open(path)
		if strings.HasSuffix(p, "_unsupported") {
			if !errors.Is(err, ErrNotMAT) {
				t.Errorf("%s: error %v, want ErrNotMAT", p, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		for _, v := range f.Vars() {
			_, _, err := f.ReadComplex128(v.Name, nil)
			if err != nil && !errors.Is(err, ErrNotNumeric) {
				t.Errorf("%s: %s: %v", p, v.Name, err)
			}
		}
		f.Close()
	}
}
