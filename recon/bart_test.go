package recon

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// These helpers run Debian's BART (the bart command) as an independent reference. Its .cfl
// files are raw little-endian complex64 in column-major order, described by a .hdr text
// file "# Dimensions\n<dims>\n".

// bartPath returns the bart executable or skips the test.
func bartPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("bart")
	if err != nil {
		t.Skip("bart not installed")
	}
	return p
}

// writeCFL writes data with the given dims as base.cfl and base.hdr.
func writeCFL(t testing.TB, base string, dims []int, data []complex64) {
	t.Helper()
	n := 1
	var hdr strings.Builder
	hdr.WriteString("# Dimensions\n")
	for i, d := range dims {
		n *= d
		if i > 0 {
			hdr.WriteString(" ")
		}
		hdr.WriteString(strconv.Itoa(d))
	}
	hdr.WriteString("\n")
	if n != len(data) {
		t.Fatalf("writeCFL %s: dims %v need %d values, have %d", base, dims, n, len(data))
	}

	var buf bytes.Buffer
	if err := binary.Write(&buf, binary.LittleEndian, data); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".hdr", []byte(hdr.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(base+".cfl", buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// readCFL reads base.cfl and base.hdr.
func readCFL(t *testing.T, base string) ([]int, []complex64) {
	t.Helper()
	hdr, err := os.ReadFile(base + ".hdr")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(hdr), "\n")
	if len(lines) < 2 || !strings.HasPrefix(lines[0], "# Dimensions") {
		t.Fatalf("%s.hdr: unexpected header %q", base, hdr)
	}
	var dims []int
	n := 1
	for _, f := range strings.Fields(lines[1]) {
		d, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("%s.hdr: %v", base, err)
		}
		dims = append(dims, d)
		n *= d
	}

	raw, err := os.ReadFile(base + ".cfl")
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 8*n {
		t.Fatalf("%s.cfl: %d bytes, dims %v need %d", base, len(raw), dims, 8*n)
	}
	data := make([]complex64, n)
	for i := range data {
		re := math.Float32frombits(binary.LittleEndian.Uint32(raw[8*i:]))
		im := math.Float32frombits(binary.LittleEndian.Uint32(raw[8*i+4:]))
		data[i] = complex(re, im)
	}
	return dims, data
}

// runBART runs bart with args in dir.
func runBART(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command(bartPath(t), args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bart %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// bartECalib runs "bart ecalib -m1" on one slice of k (all coils, one frame) and returns
// the maps (nc planes of nx*ny) and the eigenvalue map.
func bartECalib(t *testing.T, k *KSpace, iz, it int, extra ...string) ([]complex64,
	[]complex64) {
	t.Helper()
	dir := t.TempDir()
	n := k.NX * k.NY
	data := make([]complex64, 0, n*k.NC)
	for c := range k.NC {
		data = append(data, k.Plane(c, iz, it)...)
	}
	writeCFL(t, filepath.Join(dir, "ksp"), []int{k.NX, k.NY, 1, k.NC}, data)

	args := append([]string{"ecalib", "-m1"}, extra...)
	args = append(args, "ksp", "sens", "ev")
	runBART(t, dir, args...)

	dims, sens := readCFL(t, filepath.Join(dir, "sens"))
	if fmt.Sprint(dims[:4]) != fmt.Sprint([]int{k.NX, k.NY, 1, k.NC}) {
		t.Fatalf("bart sens dims %v", dims)
	}
	_, ev := readCFL(t, filepath.Join(dir, "ev"))
	return sens, ev
}
