package hdf5

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzHDF5 opens arbitrary bytes as an HDF5 file and reads everything reachable from the root
// group, with checksums verified and not. It must never panic or hang; every error must be one
// line wrapping one of the package's sentinels; and the memory a read allocates must stay
// within a bound set by the file's size (the datasets read are capped at maxExerciseElems).
//
// The seeds are the generated files of corpus (scigolib, a MATLAB user block, the h5py
// fixtures when h5py is installed) and the committed files under testdata/fuzz/FuzzHDF5,
// written by testdata/gen_fuzz_seeds.py. A long run:
//
//	go test ./mat/hdf5 -run '^$' -fuzz FuzzHDF5 -fuzztime 10m -parallel 1
func FuzzHDF5(f *testing.F) {
	for _, b := range corpus(f) {
		f.Add(b)
	}

	f.Fuzz(func(t *testing.T, b []byte) {
		defer watchdog(hangLimit)()
		for _, verify := range []bool{true, false} {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			err := exercise(b, verify)
			runtime.ReadMemStats(&after)

			if err != nil {
				checkError(t, err)
			}
			if n := after.TotalAlloc - before.TotalAlloc; n > allocBound(len(b)) {
				t.Fatalf("reading %d bytes (verify %v) allocated %d bytes, bound %d",
					len(b), verify, n, allocBound(len(b)))
			}
		}
	})
}

// hangLimit is how long one fuzz input may take. Reading any input of a few kilobytes takes
// milliseconds; a minute means a loop that does not end.
const hangLimit = time.Minute

// watchdog crashes the process with every goroutine's stack if the returned stop function is
// not called within limit. Go's fuzzing engine has no time limit per input, so without it a
// hang stalls the fuzzer silently; a crash makes it record the input as a failure.
func watchdog(limit time.Duration) (stop func()) {
	t := time.AfterFunc(limit, func() {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		panic(fmt.Sprintf("fuzz input not done after %v:\n%s", limit, buf[:n]))
	})
	return func() { t.Stop() }
}

// allocBound is the most that exercise may allocate for a file of n bytes: the datasets it
// reads (maxExerciseElems values of 16 bytes, once as the destination), two chunk work
// buffers per worker of at most that size plus a decompressed copy, and metadata proportional
// to the file. A read that allocates more sized a buffer from a declared size without checking
// it against the file.
func allocBound(n int) uint64 {
	const out = maxExerciseElems * 16
	return 8*out + 64*uint64(n) + 8<<20
}

// checkError fails unless err is one line, names the file and wraps a sentinel error.
func checkError(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	if strings.Contains(msg, "\n") || !strings.Contains(msg, "fuzz.h5") {
		t.Fatalf("error %q: want one line naming fuzz.h5", msg)
	}
	for _, s := range []error{ErrNotHDF5, ErrUnsupported, ErrCorrupt, ErrType, ErrNotFound} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error %q wraps no sentinel", msg)
}

// readSeed returns the bytes of a committed seed file of FuzzHDF5, in the file format of Go's
// fuzzing engine: a header line, then one []byte literal.
func readSeed(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "fuzz", "FuzzHDF5", name))
	if err != nil {
		t.Fatal(err)
	}
	_, lit, ok := strings.Cut(string(raw), "\n")
	lit = strings.TrimSpace(lit)
	if !ok || !strings.HasPrefix(lit, "[]byte(") || !strings.HasSuffix(lit, ")") {
		t.Fatalf("%s: not a []byte seed", name)
	}
	s, err := strconv.Unquote(lit[len("[]byte(") : len(lit)-1])
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return []byte(s)
}

// generatedSeeds are the seeds that testdata/gen_fuzz_seeds.py writes.
var generatedSeeds = []string{"contiguous_v0", "contiguous_latest", "compact_latest",
	"filters_v0", "filters_latest", "single_chunk", "implicit", "fixed_array",
	"extensible_array", "btree2", "groups_v0", "groups_latest", "matlab_v73"}

// TestFuzzSeeds reads every generated seed: each is a valid file that must read without
// error, so that the fuzzer starts from every storage feature rather than from a rejection.
func TestFuzzSeeds(t *testing.T) {
	for _, name := range generatedSeeds {
		if err := exercise(readSeed(t, name), true); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestShuffleHugeElementSize is the regression test of a hang FuzzHDF5 found: a shuffle
// filter whose element size parameter is 2^31-1 made unshuffle loop over 2^31 byte planes of
// an 8-byte chunk. The chunk is now copied as it is (as the HDF5 library does when a chunk is
// shorter than one element) and the size check that follows reports the problem.
func TestShuffleHugeElementSize(t *testing.T) {
	src := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	dst := make([]byte, len(src))
	unshuffle(dst, src, 1<<31-1)
	if !bytes.Equal(dst, src) {
		t.Fatalf("unshuffle with a huge element size gave %v, want %v", dst, src)
	}

	// The same through a file: filters_latest's shuffle filter (id 2, one parameter, the
	// element size 4) patched to claim 2^31-1-byte elements.
	b := readSeed(t, "filters_latest")
	shuffle := []byte{2, 0, 1, 0, 1, 0, 4, 0, 0, 0}
	i := bytes.Index(b, shuffle)
	if i < 0 {
		t.Fatal("no shuffle filter found in filters_latest")
	}
	copy(b[i+6:], []byte{0xff, 0xff, 0xff, 0x7f})
	if err := exercise(b, false); err == nil {
		t.Fatal("a shuffled chunk with 2^31-1-byte elements read without error")
	}
}

// TestContiguousPastEOF declares a contiguous dataset of 16 MiB in a 2 KB file, with a layout
// size to match: opening the dataset must fail before any reader sizes a buffer from it.
func TestContiguousPastEOF(t *testing.T) {
	b := readSeed(t, "contiguous_v0")
	le := binary.LittleEndian
	dims := binary.LittleEndian.AppendUint64(le.AppendUint64(nil, 4), 6)
	huge := binary.LittleEndian.AppendUint64(le.AppendUint64(nil, 4), 1<<20)
	i := bytes.Index(b, dims)
	if i < 0 || !bytes.Equal(b[i+16:i+32], dims) {
		t.Fatal("no 4x6 dataspace (dims, max dims) found in contiguous_v0")
	}
	copy(b[i:], huge)
	copy(b[i+16:], huge)

	// Layout message version 3, class contiguous: address, then the size 4*6*4 = 96.
	j := bytes.Index(b[i:], []byte{3, 1})
	if j < 0 || le.Uint64(b[i+j+10:]) != 96 {
		t.Fatal("no contiguous layout of 96 bytes found after the dataspace")
	}
	le.PutUint64(b[i+j+10:], 16<<20)

	f, err := newFile(bytes.NewReader(b), int64(len(b)), "fuzz.h5", true)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Dataset("a")
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("16 MiB of contiguous data in a %d-byte file: error %v, want ErrCorrupt",
			len(b), err)
	}
	checkError(t, err)
}
