package recon

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/internal/realdata"
	"github.com/cmrecon/cmrecon/mat"
)

// loadBrain reads the 16-coil, fully sampled 96x96 brain k-space of the SENSE tutorial
// (mchiew-sense-tutorial/raw_data.mat: MATLAB v7.3, variable "raw", MATLAB size
// 96x96x1x16). It uses the project's reader and, while that cannot read the file, falls
// back to /usr/bin/python3 with h5py. It skips when the file or both readers are missing.
func loadBrain(t *testing.T) *KSpace {
	t.Helper()
	path := realdata.Path(t, "mchiew-sense-tutorial/raw_data.mat")
	d := Dims{NX: 96, NY: 96, NC: 16, NZ: 1, NT: 1}

	data, dims, err := readMAT(path, "raw")
	if err != nil {
		t.Logf("mat cannot read the brain data (%v); using h5py", err)
		data, dims = readH5py(t, path, "raw")
	}
	if len(dims) != 4 || dims[0] != 96 || dims[1] != 96 || dims[2] != 1 || dims[3] != 16 {
		t.Fatalf("%s: raw has MATLAB dims %v, want [96 96 1 16]", path, dims)
	}
	return &KSpace{Dims: d, Data: data}
}

// readMAT reads a complex variable with package mat.
func readMAT(path, name string) ([]complex64, []int, error) {
	f, err := mat.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	return f.ReadComplex64(name, nil)
}

// readH5py reads a complex variable of a MATLAB v7.3 file with h5py, which dumps it as raw
// complex64 in MATLAB's column-major order (HDF5's C order of the reversed dims), and
// returns it with its MATLAB dims.
func readH5py(t *testing.T, path, name string) ([]complex64, []int) {
	t.Helper()
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("/usr/bin/python3 not present")
	}

	out := filepath.Join(t.TempDir(), "raw.bin")
	script := `
import sys
try:
    import h5py
except ImportError:
    sys.exit(3)
with h5py.File(sys.argv[1], "r") as f:
    d = f[sys.argv[2]][()]
a = (d["real"] + 1j * d["imag"]).astype("<c8")
a.tofile(sys.argv[3])
print(" ".join(str(n) for n in reversed(a.shape)))
`
	cmd := exec.Command(py, "-c", script, path, name, out)
	msg, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 3 {
			t.Skip("h5py not available to /usr/bin/python3")
		}
		t.Fatalf("reading %s with h5py: %v", path, err)
	}

	var dims []int
	n := 1
	for _, f := range strings.Fields(string(msg)) {
		v, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("h5py printed dims %q", msg)
		}
		dims = append(dims, v)
		n *= v
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 8*n {
		t.Fatalf("h5py dump has %d bytes, dims %v need %d", len(raw), dims, 8*n)
	}
	data := make([]complex64, n)
	for i := range data {
		re := math.Float32frombits(binary.LittleEndian.Uint32(raw[8*i:]))
		im := math.Float32frombits(binary.LittleEndian.Uint32(raw[8*i+4:]))
		data[i] = complex(re, im)
	}
	return data, dims
}
