package hdf5

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/cmrecon/cmrecon/internal/realdata"
)

// TestRealData opens every file among the third-party samples. Those that h5py calls HDF5
// (the MATLAB v7.3 files) must open, and every root dataset must match h5py element for
// element; the others (MATLAB v5, BART cfl) must be refused with ErrNotHDF5.
func TestRealData(t *testing.T) {
	realdata.Path(t, "cmrxrecon2024/cine_sax_mask_Uniform8.mat")
	if err := exec.Command(python, "-c", "import h5py").Run(); err != nil {
		t.Skip("h5py not available")
	}
	var paths []string
	err := filepath.WalkDir(realdata.Dir(), func(p string, e fs.DirEntry, err error) error {
		if err == nil && e.Type().IsRegular() && filepath.Ext(p) != ".md" {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	args := append([]string{filepath.Join("testdata", "h5py_fixtures.py"), dir, "--dump"},
		paths...)
	if out, err := exec.Command(python, args...).CombinedOutput(); err != nil {
		t.Fatalf("h5py: %v\n%s", err, out)
	}
	m := readManifest(t, dir)
	if len(m.Names) < 3 {
		t.Fatalf("h5py found only %d HDF5 files among %d samples", len(m.Names), len(paths))
	}
	t.Logf("%d HDF5 files, %d datasets, %d other files", len(m.Names), len(m.Datasets),
		len(m.NotHDF5))
	checkManifest(t, dir, m)

	for p := range m.Names {
		f, err := Open(p)
		if err != nil {
			t.Fatal(err)
		}
		if f.UserBlockSize() != 512 {
			t.Errorf("%s: user block %d, want 512 (MATLAB)", p, f.UserBlockSize())
		}
		f.Close()
	}
	for _, p := range m.NotHDF5 {
		if _, err := Open(p); !errors.Is(err, ErrNotHDF5) {
			t.Errorf("%s: error %v, want ErrNotHDF5", p, err)
		}
	}
}

// TestOpenMissing checks that a missing file gives the operating system's error.
func TestOpenMissing(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "absent.mat"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v, want os.ErrNotExist", err)
	}
}
