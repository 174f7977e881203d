package hdf5

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// maxExerciseElems bounds the datasets that exercise reads, so that a corrupt file claiming
// huge dims cannot make a test allocate much.
const maxExerciseElems = 1 << 20

// exercise opens b as an HDF5 file and reads everything in it: every dataset reachable from
// the root (groups followed a few levels deep), its attributes and its data. It returns the
// first error. It must never panic or hang, whatever b holds.
func exercise(b []byte, verify bool) error {
	f, err := newFile(bytes.NewReader(b), int64(len(b)), "fuzz.h5", verify)
	if err != nil {
		return err
	}

	var first error
	note := func(err error) {
		if first == nil {
			first = err
		}
	}
	var walk func(links []link, path string, depth int)
	walk = func(links []link, path string, depth int) {
		for _, l := range links {
			p := path + "/" + l.name
			addr, err := f.resolve(l, 0)
			if err != nil {
				note(err)
				continue
			}
			o, err := f.readObject(addr)
			if err != nil {
				note(err)
				continue
			}
			if o.isGroup() && depth < 4 {
				sub, err := f.groupLinksOf(o, p)
				if err != nil {
					note(err)
					continue
				}
				walk(sub, p, depth+1)
			}
			if o.isDataset() {
				note(readAny(f, p))
			}
		}
	}
	walk(f.root, "", 0)
	return first
}

// readAny reads dataset p with the read method its type calls for.
func readAny(f *File, p string) error {
	d, err := f.Dataset(p)
	if err != nil {
		return err
	}
	_ = d.Attrs()
	_, _ = d.StringAttr("MATLAB_class")
	if d.Len() > maxExerciseElems {
		return nil
	}
	opt := &ReadOptions{Workers: 2}
	if d.IsComplex() {
		return d.ReadComplex64(make([]complex64, d.Len()), opt)
	}
	return d.ReadFloat64(make([]float64, d.Len()), opt)
}

// corpus returns small valid files to corrupt: scigolib files with each superblock version,
// one with a MATLAB user block, and the h5py fixtures when h5py is installed.
func corpus(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	dir := t.TempDir()
	for _, v := range []uint8{0, 2, 3} {
		p := filepath.Join(dir, fmt.Sprintf("sg%d.h5", v))
		writeScigolib(t, p, v)
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[fmt.Sprintf("scigolib-v%d", v)] = b
		if v == 0 {
			out["matlab-userblock"] = append(matlabHeader(), b...)
		}
	}

	if hdir := h5pyFixturesIfAny(t); hdir != "" {
		for _, name := range []string{"small_old.h5", "small_latest.h5", "matlab.mat"} {
			b, err := os.ReadFile(filepath.Join(hdir, name))
			if err != nil {
				t.Fatal(err)
			}
			out["h5py-"+name] = b
		}
	}
	return out
}

// TestTruncated cuts each corpus file at many lengths: every cut must give an error (the
// superblock records the file's length), never a panic.
func TestTruncated(t *testing.T) {
	for name, b := range corpus(t) {
		step := max(len(b)/300, 1)
		for n := 0; n < len(b); n += step {
			if err := exercise(b[:n], true); err == nil {
				t.Errorf("%s cut at %d of %d bytes: no error", name, n, len(b))
			}
		}
	}
}

// TestZeroedTail keeps each file's length but zeroes everything from an offset on, so the
// parsers meet zeros where structures should be. Each case must end, without panicking.
func TestZeroedTail(t *testing.T) {
	for name, b := range corpus(t) {
		step := max(len(b)/200, 1)
		c := make([]byte, len(b))
		for n := 0; n < len(b); n += step {
			copy(c, b[:n])
			clear(c[n:])
			_ = exercise(c, true)
			_ = exercise(c, false)
		}
		_ = name
	}
}

// TestFlippedBytes flips bytes all over each file, with checksums verified and not (so that
// flips reach the parsers behind the checksums of newer structures). Each case must end,
// without panicking, within a bounded time.
func TestFlippedBytes(t *testing.T) {
	for name, b := range corpus(t) {
		step := max(len(b)/800, 1)
		c := make([]byte, len(b))
		start := time.Now()
		for i := 0; i < len(b); i += step {
			for _, x := range []byte{0xff, 0x04} {
				copy(c, b)
				c[i] ^= x
				_ = exercise(c, true)
				_ = exercise(c, false)
			}
		}
		t.Logf("%s: %d bytes, %v", name, len(b), time.Since(start))
	}
}

// TestChecksums flips one byte inside each checksummed metadata block of a newest-format
// file: the checksum must catch it and name the problem.
func TestChecksums(t *testing.T) {
	dir, _ := h5pyFixtures(t, false)
	b, err := os.ReadFile(filepath.Join(dir, "latest.h5"))
	if err != nil {
		t.Fatal(err)
	}
	if err := exercise(b, true); err != nil {
		t.Fatalf("intact file: %v", err)
	}

	caught := 0
	for _, sig := range []string{"OHDR", "FRHP", "BTHD", "BTLF", "BTIN", "FAHD", "FADB",
		"EAHD", "EAIB", "FHIB"} {
		i := bytes.Index(b, []byte(sig))
		if i < 0 {
			continue
		}
		c := bytes.Clone(b)
		c[i+5] ^= 0x40
		err := exercise(c, true)
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s at %d flipped: error %v, want ErrCorrupt", sig, i, err)
			continue
		}
		caught++
	}
	if caught < 6 {
		t.Errorf("only %d checksummed structures found and caught", caught)
	}
}
