package mat

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestWriteV73 writes every type with WriteV73 and checks the file with h5py (user block,
// MATLAB_class, dims, every value against the source data), with h5dump when installed, and
// with this package's reader.
func TestWriteV73(t *testing.T) {
	arrays := testArrays()
	path := filepath.Join(t.TempDir(), "out.mat")
	if err := WriteV73(path, arrays...); err != nil {
		t.Fatal(err)
	}
	checkNoTemp(t, filepath.Dir(path))

	head, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(head[:19]) != "MATLAB 7.3 MAT-file" || string(head[124:128]) != "\x00\x02IM" ||
		string(head[512:520]) != string(hdf5Signature) {
		t.Fatalf("header % x", head[:16])
	}

	if h5dump, err := exec.LookPath("h5dump"); err == nil {
		if out, err := exec.Command(h5dump, "-H", path).CombinedOutput(); err != nil {
			t.Fatalf("h5dump: %v\n%s", err, out)
		}
	}

	ref, dir := reference(t, path, "h5py")
	byName := make(map[string]pyVar)
	for _, r := range ref {
		byName[r.Name] = r
	}
	for _, a := range arrays {
		r, ok := byName[a.Name]
		if !ok {
			t.Errorf("h5py does not list %s", a.Name)
			continue
		}
		if r.Class != wantClass[a.Name] {
			t.Errorf("%s: MATLAB_class %q, want %q", a.Name, r.Class, wantClass[a.Name])
		}
		if a.Name == "empty" {
			continue // the dataset holds the dims, checked below
		}
		if !equalInts(matlabDims(r.Shape), matlabDims(a.Dims)) {
			t.Errorf("%s: h5py shape reversed %v, want %v", a.Name, r.Shape, a.Dims)
		}
		checkSource(t, a, loadC128(t, filepath.Join(dir, a.Name+".c128")))
	}

	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Format() != FormatV73 {
		t.Errorf("format %v", f.Format())
	}
	for _, v := range f.Vars() {
		if v.Class != wantClass[v.Name] {
			t.Errorf("%s: class %q, want %q", v.Name, v.Class, wantClass[v.Name])
		}
		got, dims, err := f.ReadComplex128(v.Name, nil)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		for _, a := range arrays {
			if a.Name == v.Name {
				if !equalInts(dims, matlabDims(a.Dims)) {
					t.Errorf("%s: dims %v, want %v", v.Name, dims, a.Dims)
				}
				checkSource(t, a, got)
			}
		}
	}
}

// TestWriteV73Errors checks that bad arguments and an unwritable folder fail with an error
// naming the file and leave no temporary file.
func TestWriteV73Errors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.mat")
	if err := WriteV73(path, Array{Name: "_x", Dims: []int{1}, Data: []float64{1}}); err == nil {
		t.Error("invalid name accepted")
	}
	if err := WriteV73(path, Array{Name: "x", Dims: []int{1}, Data: []string{"a"}}); err == nil {
		t.Error("[]string accepted")
	}
	missing := filepath.Join(dir, "missing", "out.mat")
	if err := WriteV73(missing, Array{Name: "x", Dims: []int{1}, Data: []float64{1}}); err == nil {
		t.Error("write into a missing folder succeeded")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("failed writes left %s", path)
	}
	checkNoTemp(t, dir)
}
