package mat

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// pythonBin is the interpreter with numpy, scipy and h5py (Debian's python3-scipy and
// python3-h5py); the tests skip when it or a module is missing.
const pythonBin = "/usr/bin/python3"

var (
	pythonOnce sync.Once
	pythonErr  string
)

// python runs a Python script with arguments and returns its standard output. It skips the
// test when the interpreter cannot import numpy, scipy.io and h5py.
func python(t *testing.T, script string, args ...string) []byte {
	t.Helper()
	pythonOnce.Do(func() {
		out, err := exec.Command(pythonBin, "-c", "import numpy, scipy.io, h5py").CombinedOutput()
		if err != nil {
			pythonErr = strings.TrimSpace(string(out)) + " " + err.Error()
		}
	})
	if pythonErr != "" {
		t.Skipf("%s with numpy, scipy and h5py not available: %s", pythonBin, pythonErr)
	}

	cmd := exec.Command(pythonBin, append([]string{"-c", script}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, stderr.String())
	}
	return out
}

// pyDump is a Python program that loads a file with an independent reader and dumps every
// numeric variable it finds: argv[1] is the file, argv[2] a folder, argv[3] the reader
// ("scipy", "h5py" or "cfl"). For each variable it writes <name>.c128 (complex128) and
// <name>.c64 (complex64, each part rounded once from the stored class) in MATLAB's
// column-major order, and prints a JSON list of {name, shape, class, dtype, numeric}.
const pyDump = `
import sys, os, json
import numpy as np
path, out, how = sys.argv[1], sys.argv[2], sys.argv[3]

def dump(name, v):
    flat = np.ravel(v, order="F")
    c128 = flat.astype(np.complex128)
    c64 = np.empty(flat.shape, np.complex64)
    c64.real = np.real(flat).astype(np.float32)
    c64.imag = np.imag(flat).astype(np.float32) if np.iscomplexobj(flat) else 0
    c128.astype("<c16").tofile(os.path.join(out, name + ".c128"))
    c64.astype("<c8").tofile(os.path.join(out, name + ".c64"))

res = []
if how == "scipy":
    import scipy.io as sio
    d = sio.loadmat(path)
    for name, shape, cls in sio.whosmat(path):
        v = d[name]
        e = {"name": name, "shape": list(shape), "class": cls, "dtype": v.dtype.name}
        e["numeric"] = isinstance(v, np.ndarray) and v.dtype.kind in "biufc"
        if e["numeric"]:
            dump(name, v)
        res.append(e)
elif how == "h5py":
    import h5py
    with h5py.File(path, "r") as f:
        for name in sorted(f.keys()):
            ds = f[name]
            if not isinstance(ds, h5py.Dataset):
                res.append({"name": name, "shape": [], "class": "group", "numeric": False})
                continue
            v = ds[()]
            if v.dtype.names == ("real", "imag"):
                v = v["real"] + 1j * v["imag"]
            inferred = {"float64": "double", "float32": "single", "complex128": "double",
                        "complex64": "single"}.get(v.dtype.name, v.dtype.name)
            cls = ds.attrs.get("MATLAB_class", inferred.encode())
            if isinstance(cls, np.ndarray) and cls.size == 1:
                cls = cls.reshape(-1)[0]  # a one-element attribute, as scigolib/hdf5 writes
            cls = cls.decode() if isinstance(cls, bytes) else str(cls)
            e = {"name": name, "shape": list(ds.shape[::-1]), "class": cls, "dtype": v.dtype.name}
            e["numeric"] = (v.dtype.kind in "biufc" and "MATLAB_empty" not in ds.attrs and
                            cls not in ("char", "cell", "function_handle"))
            if e["numeric"]:
                # h5py's C order over reversed dims is MATLAB's column-major order.
                dump(name, np.ravel(v, order="C"))
            res.append(e)
elif how == "cfl":
    base = path[:-4] if path.endswith((".cfl", ".hdr")) else path
    lines = open(base + ".hdr").read().split("\n")
    dims = [int(x) for x in lines[lines.index("# Dimensions") + 1].split()]
    v = np.fromfile(base + ".cfl", dtype="<c8")
    name = os.path.basename(base)
    dump(name, v)
    res.append({"name": name, "shape": dims, "class": "single", "dtype": "complex64",
                "numeric": True})
print(json.dumps(res))
`

// pyVar is one entry of pyDump's listing.
type pyVar struct {
	Name    string `json:"name"`
	Shape   []int  `json:"shape"`
	Class   string `json:"class"`
	DType   string `json:"dtype"`
	Numeric bool   `json:"numeric"`
}

// reference loads path with an independent reader and returns its listing and the folder
// of value dumps.
func reference(t *testing.T, path, how string) ([]pyVar, string) {
	t.Helper()
	dir := t.TempDir()
	out := python(t, pyDump, path, dir, how)
	var vars []pyVar
	if err := json.Unmarshal(out, &vars); err != nil {
		t.Fatalf("python listing %q: %v", out, err)
	}
	return vars, dir
}

// loadC128 reads a little-endian complex128 dump.
func loadC128(t *testing.T, path string) []complex128 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]complex128, len(b)/16)
	for i := range out {
		re := math.Float64frombits(binary.LittleEndian.Uint64(b[16*i:]))
		im := math.Float64frombits(binary.LittleEndian.Uint64(b[16*i+8:]))
		out[i] = complex(re, im)
	}
	return out
}

// loadC64 reads a little-endian complex64 dump.
func loadC64(t *testing.T, path string) []complex64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]complex64, len(b)/8)
	for i := range out {
		re := math.Float32frombits(binary.LittleEndian.Uint32(b[8*i:]))
		im := math.Float32frombits(binary.LittleEndian.Uint32(b[8*i+4:]))
		out[i] = complex(re, im)
	}
	return out
}

// same64 reports bit-for-bit equal values, treating any two NaNs as equal.
func same64(a, b float64) bool {
	return a == b && math.Signbit(a) == math.Signbit(b) || math.IsNaN(a) && math.IsNaN(b)
}

// same32 is same64 for float32.
func same32(a, b float32) bool { return same64(float64(a), float64(b)) }

// checkAgainstReference opens path with this package and compares its listing and every
// value of every numeric variable exactly with the reference dumps. The reference rounds
// each value once from its stored class, as the package does, so equality is exact.
func checkAgainstReference(t *testing.T, path, how string) {
	t.Helper()
	ref, dir := reference(t, path, how)

	f, err := Open(path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer f.Close()

	vars := f.Vars()
	if len(vars) != len(ref) {
		t.Fatalf("%s: %d variables, reference lists %d: %+v vs %+v", path, len(vars),
			len(ref), vars, ref)
	}
	byName := make(map[string]VarInfo)
	for _, v := range vars {
		byName[v.Name] = v
	}

	for _, r := range ref {
		v, ok := byName[r.Name]
		if !ok {
			t.Errorf("%s: variable %q missing from Vars %+v", path, r.Name, vars)
			continue
		}
		checkInfo(t, path, v, r)
		if r.Numeric {
			checkValues(t, f, v, filepath.Join(dir, r.Name))
		}
	}
}

// checkInfo compares one VarInfo with the reference listing.
func checkInfo(t *testing.T, path string, v VarInfo, r pyVar) {
	t.Helper()
	// scipy keeps trailing singleton dims that MATLAB's size() drops, and lists a char array
	// by its number of strings.
	wantDims := matlabDims(r.Shape)
	if !equalInts(v.Dims, wantDims) && r.Class != "char" {
		t.Errorf("%s: %q dims %v, reference %v", path, v.Name, v.Dims, wantDims)
	}

	wantClass := r.Class
	if r.Class == "sparse" {
		wantClass = "double"
		if r.DType == "bool" {
			wantClass = "logical"
		}
		if !v.Sparse {
			t.Errorf("%s: %q not reported sparse", path, v.Name)
		}
	}
	if v.Class != wantClass && r.Class != "object" {
		t.Errorf("%s: %q class %q, reference %q", path, v.Name, v.Class, wantClass)
	}
	if r.Numeric && v.Complex != strings.HasPrefix(r.DType, "complex") {
		t.Errorf("%s: %q complex %v, reference dtype %s", path, v.Name, v.Complex, r.DType)
	}
}

// checkValues reads a numeric variable in all four precisions and compares every value.
func checkValues(t *testing.T, f *File, v VarInfo, dump string) {
	t.Helper()
	want128 := loadC128(t, dump+".c128")
	want64 := loadC64(t, dump+".c64")

	got128, dims, err := f.ReadComplex128(v.Name, nil)
	if err != nil {
		t.Fatalf("ReadComplex128(%q): %v", v.Name, err)
	}
	if !equalInts(dims, v.Dims) || len(got128) != len(want128) {
		t.Fatalf("%q: dims %v, %d values; want %v, %d", v.Name, dims, len(got128), v.Dims,
			len(want128))
	}
	for i := range want128 {
		if !same64(real(got128[i]), real(want128[i])) || !same64(imag(got128[i]),
			imag(want128[i])) {
			t.Fatalf("%q complex128 [%d] = %v, reference %v", v.Name, i, got128[i], want128[i])
		}
	}

	got64, _, err := f.ReadComplex64(v.Name, nil)
	if err != nil {
		t.Fatalf("ReadComplex64(%q): %v", v.Name, err)
	}
	for i := range want64 {
		if !same32(real(got64[i]), real(want64[i])) || !same32(imag(got64[i]), imag(want64[i])) {
			t.Fatalf("%q complex64 [%d] = %v, reference %v", v.Name, i, got64[i], want64[i])
		}
	}

	if v.Complex {
		if _, _, err := f.ReadFloat32(v.Name, nil); err == nil {
			t.Errorf("ReadFloat32 of complex %q succeeded", v.Name)
		}
		return
	}

	g32, _, err := f.ReadFloat32(v.Name, nil)
	if err != nil {
		t.Fatalf("ReadFloat32(%q): %v", v.Name, err)
	}
	g64, _, err := f.ReadFloat64(v.Name, nil)
	if err != nil {
		t.Fatalf("ReadFloat64(%q): %v", v.Name, err)
	}
	for i := range want64 {
		if !same32(g32[i], real(want64[i])) || !same64(g64[i], real(want128[i])) {
			t.Fatalf("%q real [%d] = %v / %v, reference %v / %v", v.Name, i, g32[i], g64[i],
				real(want64[i]), real(want128[i]))
		}
	}
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
