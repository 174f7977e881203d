package mat

import (
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// randomC64 returns n complex64 values with random parts.
func randomC64(n int, seed uint64) []complex64 {
	rng := rand.New(rand.NewPCG(seed, 99))
	out := make([]complex64, n)
	for i := range out {
		out[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	return out
}

// TestCFLRoundTrip writes cfl pairs and reads them back with ReadCFL and Open, through
// every way of naming them.
func TestCFLRoundTrip(t *testing.T) {
	dir := t.TempDir()
	dims := []int{7, 5, 1, 3}
	data := randomC64(7*5*3, 1)
	data[0] = complex(float32(math.NaN()), float32(math.Inf(-1)))

	for _, name := range []string{"a", "b.cfl", "c.hdr"} {
		path := filepath.Join(dir, name)
		if err := WriteCFL(path, dims, data); err != nil {
			t.Fatal(err)
		}
		base := cflBase(path)
		hdr, err := os.ReadFile(base + ".hdr")
		if err != nil {
			t.Fatal(err)
		}
		if want := "# Dimensions\n7 5 1 3 1 1 1 1 1 1 1 1 1 1 1 1 \n"; string(hdr) != want {
			t.Errorf("header %q, want %q", hdr, want)
		}

		for _, open := range []string{base, base + ".cfl", base + ".hdr"} {
			got, gdims, err := ReadCFL(open)
			if err != nil {
				t.Fatal(err)
			}
			if !equalInts(gdims, append(dims, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1)) {
				t.Errorf("ReadCFL dims %v", gdims)
			}
			checkC64(t, got, data)

			f, err := Open(open)
			if err != nil {
				t.Fatal(err)
			}
			v := f.Vars()
			if f.Format() != FormatCFL || len(v) != 1 || v[0].Name != filepath.Base(base) ||
				!equalInts(v[0].Dims, []int{7, 5, 1, 3}) || !v[0].Complex {
				t.Errorf("Open(%s): %v %+v", open, f.Format(), v)
			}
			got, _, err = f.ReadComplex64(v[0].Name, nil)
			if err != nil {
				t.Fatal(err)
			}
			checkC64(t, got, data)
			if _, _, err := f.ReadFloat32("", nil); !isErr(err, ErrComplex) {
				t.Errorf("ReadFloat32 of cfl: %v, want ErrComplex", err)
			}
			f.Close()
		}
	}
}

func checkC64(t *testing.T, got, want []complex64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d values, want %d", len(got), len(want))
	}
	for i := range want {
		if !same32(real(got[i]), real(want[i])) || !same32(imag(got[i]), imag(want[i])) {
			t.Fatalf("[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestCFLWithBART checks both directions against the BART toolbox: BART reads a pair that
// WriteCFL wrote and scales it by 2 (exact in float32), and ReadCFL reads BART's output;
// BART's phantom is compared with numpy.fromfile through Open.
func TestCFLWithBART(t *testing.T) {
	bart, err := exec.LookPath("bart")
	if err != nil {
		t.Skip("bart not installed")
	}
	dir := t.TempDir()
	dims := []int{16, 12, 1, 4}
	data := randomC64(16*12*4, 2)
	in, out := filepath.Join(dir, "in"), filepath.Join(dir, "out")
	if err := WriteCFL(in, dims, data); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bart, "scale", "2", in, out).CombinedOutput(); err != nil {
		t.Fatalf("bart scale: %v\n%s", err, b)
	}

	got, gdims, err := ReadCFL(out)
	if err != nil {
		t.Fatal(err)
	}
	if !equalInts(matlabDims(gdims), dims) {
		t.Errorf("dims %v, want %v", gdims, dims)
	}
	want := make([]complex64, len(data))
	for i, x := range data {
		want[i] = 2 * x
	}
	checkC64(t, got, want)

	ph := filepath.Join(dir, "phantom")
	if b, err := exec.Command(bart, "phantom", "-k", "-x", "24", "-s", "3", ph).
		CombinedOutput(); err != nil {
		t.Fatalf("bart phantom: %v\n%s", err, b)
	}
	checkAgainstReference(t, ph, "cfl")
}

// TestCFLHeaderErrors checks that bad headers give one-line errors wrapping ErrCorrupt.
func TestCFLHeaderErrors(t *testing.T) {
	cases := []string{
		"",
		"# Dimensions\n",
		"# Dimensions\n\n",
		"# Dimension\n3 4\n",
		"# Dimensions\n3 -4\n",
		"# Dimensions\n3 x\n",
		"# Dimensions\n3 99999999999999999999\n",
		"# Dimensions\n1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1\n",
		"garbage\x00\xff",
	}
	for _, c := range cases {
		_, err := parseCFLHeader([]byte(c), "x.hdr")
		if !isErr(err, ErrCorrupt) || strings.Contains(err.Error(), "\n") ||
			!strings.Contains(err.Error(), "x.hdr") {
			t.Errorf("header %q: error %v, want a one-line ErrCorrupt naming x.hdr", c, err)
		}
	}

	dims, err := parseCFLHeader([]byte("# Command\nfoo\n# Dimensions\r\n2 3 \r\n# Files\n"), "h")
	if err != nil || !equalInts(dims, []int{2, 3}) {
		t.Errorf("dims %v, %v; want [2 3]", dims, err)
	}
}

// TestCFLFileErrors checks a .cfl whose size does not match its header, a missing .cfl or
// .hdr, and bad arguments to WriteCFL.
func TestCFLFileErrors(t *testing.T) {
	dir := t.TempDir()
	base := filepath.Join(dir, "x")
	if err := WriteCFL(base, []int{4, 4}, randomC64(16, 3)); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(base+".cfl", 8*16-4); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadCFL(base); !isErr(err, ErrCorrupt) ||
		!strings.Contains(err.Error(), "x.cfl") {
		t.Errorf("short cfl: %v", err)
	}
	if _, err := Open(base + ".cfl"); !isErr(err, ErrCorrupt) {
		t.Errorf("Open short cfl: %v", err)
	}

	os.Remove(base + ".cfl")
	if _, _, err := ReadCFL(base); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing cfl: %v", err)
	}
	if _, err := Open(filepath.Join(dir, "nothing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}

	if err := WriteCFL(base, []int{4, 5}, randomC64(16, 3)); err == nil {
		t.Error("WriteCFL with wrong dims succeeded")
	}
	if err := WriteCFL(base, make([]int, 17), nil); err == nil {
		t.Error("WriteCFL with 17 dims succeeded")
	}
	if err := WriteCFL(filepath.Join(dir, "no", "dir"), []int{1}, randomC64(1, 3)); err == nil {
		t.Error("WriteCFL into a missing folder succeeded")
	}
	checkNoTemp(t, dir)
}

// checkNoTemp fails when a temporary file of an atomic write is left in dir.
func checkNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}
