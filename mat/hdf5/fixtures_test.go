package hdf5

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// python is the interpreter that has h5py (Debian's python3-h5py).
const python = "/usr/bin/python3"

// fixtureDirs holds the folders of generated fixtures, removed by TestMain.
var fixtureDirs []string

func TestMain(m *testing.M) {
	code := m.Run()
	for _, d := range fixtureDirs {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// manifest lists the datasets that testdata/h5py_fixtures.py wrote and what h5py reads.
type manifest struct {
	Datasets []struct {
		File     string            `json:"file"`
		Path     string            `json:"path"`
		Shape    []int             `json:"shape"`
		MaxShape []int             `json:"maxshape"`
		Chunks   []int             `json:"chunks"`
		Kind     string            `json:"kind"`
		Attrs    map[string]string `json:"attrs"`
		Bin      string            `json:"bin"`
	} `json:"datasets"`
	Names   map[string][]string `json:"names"`
	NotHDF5 []string            `json:"not_hdf5"`
}

// h5pyRun is one run of the fixture generator.
type h5pyRun struct {
	once    sync.Once
	dir     string
	err     error
	missing bool // h5py is not installed
}

var h5pyRuns [2]h5pyRun

// generateH5py runs the fixture generator once per test binary (large adds the slow
// many-chunk fixtures) and returns its folder.
func generateH5py(large bool) *h5pyRun {
	r := &h5pyRuns[0]
	if large {
		r = &h5pyRuns[1]
	}
	r.once.Do(func() {
		if err := exec.Command(python, "-c", "import h5py").Run(); err != nil {
			r.missing, r.err = true, err
			return
		}
		dir, err := os.MkdirTemp("", "hdf5-h5py-")
		if err != nil {
			r.err = err
			return
		}
		fixtureDirs = append(fixtureDirs, dir)
		args := []string{filepath.Join("testdata", "h5py_fixtures.py"), dir}
		if large {
			args = append(args, "--large")
		}
		if out, err := exec.Command(python, args...).CombinedOutput(); err != nil {
			r.err = fmt.Errorf("fixture generator failed: %v\n%s", err, out)
			return
		}
		r.dir = dir
	})
	return r
}

// h5pyFixtures returns the folder and manifest of the h5py fixtures, skipping the test when
// h5py is not installed.
func h5pyFixtures(t testing.TB, large bool) (string, *manifest) {
	t.Helper()
	r := generateH5py(large)
	if r.missing {
		t.Skip("h5py not available: ", r.err)
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r.dir, readManifest(t, r.dir)
}

// h5pyFixturesIfAny returns the folder of the h5py fixtures, or "" when h5py is absent.
func h5pyFixturesIfAny(t testing.TB) string {
	t.Helper()
	r := generateH5py(false)
	if r.err != nil && !r.missing {
		t.Fatal(r.err)
	}
	return r.dir
}

// readManifest reads the manifest.json of a generator run.
func readManifest(t testing.TB, dir string) *manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return &m
}

// fixturePath returns the path of a file named in a manifest: absolute for --dump runs,
// inside dir otherwise.
func fixturePath(dir, file string) string {
	if filepath.IsAbs(file) {
		return file
	}
	return filepath.Join(dir, file)
}

// readExpected reads little-endian float64 values written by the generator.
func readExpected(t testing.TB, path string) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// sameFloat compares exactly, treating two NaNs as equal.
func sameFloat(a, b float64) bool {
	return a == b || math.IsNaN(a) && math.IsNaN(b)
}

// checkAgainst reads dataset d in every precision and with 1 and 3 workers, and compares
// element for element with want (h5py's values as float64, complex as re, im pairs). The
// float64 and complex128 reads must match exactly; the float32 and complex64 reads must equal
// want rounded to float32, which is what a correct conversion gives.
func checkAgainst(t *testing.T, d *Dataset, complexData bool, want []float64) {
	t.Helper()
	for _, workers := range []int{1, 3} {
		opt := &ReadOptions{Workers: workers}
		if complexData {
			if len(want) != 2*d.Len() {
				t.Fatalf("%s: %d expected values for %d elements", d.Name(), len(want), d.Len())
			}
			c128 := make([]complex128, d.Len())
			if err := d.ReadComplex128(c128, opt); err != nil {
				t.Fatal(err)
			}
			c64 := make([]complex64, d.Len())
			if err := d.ReadComplex64(c64, opt); err != nil {
				t.Fatal(err)
			}
			for i := range c128 {
				wr, wi := want[2*i], want[2*i+1]
				if !sameFloat(real(c128[i]), wr) || !sameFloat(imag(c128[i]), wi) {
					t.Fatalf("%s[%d] = %v, h5py reads (%v, %v)", d.Name(), i, c128[i], wr, wi)
				}
				if !sameFloat(float64(real(c64[i])), float64(float32(wr))) ||
					!sameFloat(float64(imag(c64[i])), float64(float32(wi))) {
					t.Fatalf("%s[%d] as complex64 = %v, want (%v, %v)", d.Name(), i, c64[i],
						float32(wr), float32(wi))
				}
			}
			var fl = make([]float32, d.Len())
			if err := d.ReadFloat32(fl, opt); err == nil {
				t.Fatalf("%s: reading complex data as float32 did not fail", d.Name())
			}
			continue
		}

		if len(want) != d.Len() {
			t.Fatalf("%s: %d expected values for %d elements", d.Name(), len(want), d.Len())
		}
		f64 := make([]float64, d.Len())
		if err := d.ReadFloat64(f64, opt); err != nil {
			t.Fatal(err)
		}
		f32 := make([]float32, d.Len())
		if err := d.ReadFloat32(f32, opt); err != nil {
			t.Fatal(err)
		}
		c64 := make([]complex64, d.Len())
		if err := d.ReadComplex64(c64, opt); err != nil {
			t.Fatal(err)
		}
		for i := range f64 {
			if !sameFloat(f64[i], want[i]) {
				t.Fatalf("%s[%d] = %v, h5py reads %v", d.Name(), i, f64[i], want[i])
			}
			if !sameFloat(float64(f32[i]), float64(float32(want[i]))) {
				t.Fatalf("%s[%d] as float32 = %v, want %v", d.Name(), i, f32[i],
					float32(want[i]))
			}
			if !sameFloat(float64(real(c64[i])), float64(float32(want[i]))) || imag(c64[i]) != 0 {
				t.Fatalf("%s[%d] as complex64 = %v, want (%v, 0)", d.Name(), i, c64[i],
					float32(want[i]))
			}
		}
	}
}

// checkManifest opens every dataset of m and compares it with what h5py reported.
func checkManifest(t *testing.T, dir string, m *manifest) {
	files := map[string]*File{}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()

	for _, e := range m.Datasets {
		t.Run(e.File+":"+e.Path, func(t *testing.T) {
			f := files[e.File]
			if f == nil {
				var err error
				if f, err = Open(fixturePath(dir, e.File)); err != nil {
					t.Fatal(err)
				}
				files[e.File] = f
			}
			d, err := f.Dataset(e.Path)
			if err != nil {
				t.Fatal(err)
			}

			if !equalInts(d.Shape(), e.Shape) {
				t.Errorf("shape %v, h5py %v", d.Shape(), e.Shape)
			}
			if !equalInts(d.MaxShape(), e.MaxShape) {
				t.Errorf("max shape %v, h5py %v", d.MaxShape(), e.MaxShape)
			}
			if !equalInts(d.Chunks(), e.Chunks) {
				t.Errorf("chunks %v, h5py %v", d.Chunks(), e.Chunks)
			}
			if d.IsComplex() != (e.Kind == "complex") {
				t.Errorf("IsComplex %v, h5py kind %s", d.IsComplex(), e.Kind)
			}
			for k, v := range e.Attrs {
				if got, ok := d.StringAttr(k); !ok || got != v {
					t.Errorf("attribute %s = %q (%v), h5py %q", k, got, ok, v)
				}
			}
			checkAgainst(t, d, e.Kind == "complex", readExpected(t, filepath.Join(dir, e.Bin)))
		})
	}

	for file, want := range m.Names {
		f, err := Open(fixturePath(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Names(); !equalStrings(got, want) {
			t.Errorf("%s: names %v, h5py %v", file, got, want)
		}
		f.Close()
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestH5py compares every dataset of the h5py fixtures (old and newest format, every chunk
// index, filters, compound complex, MATLAB user block) with what h5py reads.
func TestH5py(t *testing.T) {
	dir, m := h5pyFixtures(t, false)
	checkManifest(t, dir, m)
}

// TestH5pyLarge compares an extensible array index with paged data blocks (more than 131060
// chunks, several seconds to write) with what h5py reads.
func TestH5pyLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 140000 chunks")
	}
	dir, m := h5pyFixtures(t, true)
	for _, e := range m.Datasets {
		if e.File != "ext_paged.h5" {
			continue
		}
		f, err := Open(filepath.Join(dir, e.File))
		if err != nil {
			t.Fatal(err)
		}
		d, err := f.Dataset(e.Path)
		if err != nil {
			t.Fatal(err)
		}
		if d.layout.index != indexExtArray {
			t.Errorf("index type %d, want extensible array", d.layout.index)
		}
		checkAgainst(t, d, false, readExpected(t, filepath.Join(dir, e.Bin)))
		f.Close()
	}
}

// TestFixtureStructures checks that the h5py fixtures use the structures the comparison
// tests claim to cover: superblock and object header versions, each chunk index, dense
// groups and dense attributes.
func TestFixtureStructures(t *testing.T) {
	dir, _ := h5pyFixtures(t, false)
	open := func(name string) *File {
		f, err := Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}

	old, latest, mat := open("old.h5"), open("latest.h5"), open("matlab.mat")
	if old.SuperblockVersion() != 0 || latest.SuperblockVersion() != 3 {
		t.Errorf("superblock versions %d and %d, want 0 and 3", old.SuperblockVersion(),
			latest.SuperblockVersion())
	}
	if mat.UserBlockSize() != 512 || old.UserBlockSize() != 0 {
		t.Errorf("user blocks %d and %d, want 512 and 0", mat.UserBlockSize(),
			old.UserBlockSize())
	}

	index := map[string]int{"single_gzip": indexSingle, "single_plain": indexSingle,
		"fixed": indexFixed, "fixed_plain": indexFixed, "fixed_bigmax": indexFixed,
		"fixed_paged": indexFixed, "ext": indexExtArray, "ext_mid": indexExtArray,
		"ext_plain": indexExtArray, "bt2": indexBTree2, "bt2_plain": indexBTree2,
		"bt2_deep": indexBTree2, "implicit": indexImplicit}
	for name, want := range index {
		d, err := latest.Dataset(name)
		if err != nil {
			t.Fatal(err)
		}
		if d.layout.class != layoutChunked || d.layout.index != want {
			t.Errorf("%s: layout class %d index %d, want chunked index %d", name,
				d.layout.class, d.layout.index, want)
		}
	}
	layouts := map[string]int{"contig": layoutContiguous, "compact_u8": layoutCompact}
	for name, want := range layouts {
		d, err := latest.Dataset(name)
		if err != nil {
			t.Fatal(err)
		}
		if d.layout.class != want {
			t.Errorf("%s: layout class %d, want %d", name, d.layout.class, want)
		}
	}

	d, err := old.Dataset("c64")
	if err != nil {
		t.Fatal(err)
	}
	if d.layout.index != indexBTree1 {
		t.Errorf("old format chunk index %d, want v1 B-tree", d.layout.index)
	}

	// The v2 B-tree of bt2_deep must have internal nodes.
	d, err = latest.Dataset("bt2_deep")
	if err != nil {
		t.Fatal(err)
	}
	bt, err := latest.openBTree2(d.layout.addr)
	if err != nil {
		t.Fatal(err)
	}
	if bt.depth < 1 {
		t.Errorf("bt2_deep B-tree has depth %d, want internal nodes", bt.depth)
	}

	// Dense storage: the group "dense" and the root of dense_root.h5 keep links in a fractal
	// heap; many_attrs keeps its attributes there.
	for _, c := range []struct {
		f    *File
		addr func() uint64
	}{
		{latest, func() uint64 { l, _ := findLink(latest.root, "dense"); return l.addr }},
		{open("dense_root.h5"), nil},
	} {
		addr := c.f.rootAddr
		if c.addr != nil {
			addr = c.addr()
		}
		o, err := c.f.readObject(addr)
		if err != nil {
			t.Fatal(err)
		}
		if !o.has(msgLinkInfo) || o.has(msgLink) {
			t.Errorf("group at 0x%x is not stored densely", addr)
		}
	}
	d, err = latest.Dataset("many_attrs")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Attrs()) != 21 {
		t.Errorf("many_attrs has %d attributes, want 21", len(d.Attrs()))
	}
	if v, _ := d.StringAttr("a13"); v != "value 13" {
		t.Errorf("a13 = %q, want %q", v, "value 13")
	}
}

// TestAttributes checks decoded attribute values of several types against the values the
// generator wrote.
func TestAttributes(t *testing.T) {
	dir, _ := h5pyFixtures(t, false)
	f, err := Open(filepath.Join(dir, "old.h5"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := f.Dataset("contig_f32")
	if err != nil {
		t.Fatal(err)
	}

	got := map[string]any{}
	for _, a := range d.Attrs() {
		got[a.Name] = a.Value
	}
	if got["vlen_str"] != "variable length" || got["fixed_str"] != "fixed" {
		t.Errorf("string attributes %q, %q", got["vlen_str"], got["fixed_str"])
	}
	if got["int_attr"] != int64(-42) {
		t.Errorf("int_attr = %#v, want int64(-42)", got["int_attr"])
	}
	arr, ok := got["float_arr"].([]float64)
	if !ok || len(arr) != 3 || arr[0] != 1.5 || arr[2] != 3.5 {
		t.Errorf("float_arr = %#v, want [1.5 2.5 3.5]", got["float_arr"])
	}

	d, err = f.Dataset("u8_logical")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := d.StringAttr("MATLAB_class"); v != "logical" {
		t.Errorf("MATLAB_class = %q", v)
	}
	if typ := d.Type(); typ.Class != Integer || typ.Size != 1 || typ.Signed {
		t.Errorf("u8_logical type %v", typ)
	}
}
