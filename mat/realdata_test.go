package mat

import (
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/internal/realdata"
)

// realFiles are the third-party samples in the shared real-data folder (SOURCES.md there
// describes each), with the format, variable, class and MATLAB dims that SOURCES.md states.
var realFiles = []struct {
	rel     string
	format  Format
	ref     string // independent reader: scipy, h5py or cfl
	name    string
	class   string
	complex bool
	dims    []int
}{
	{"cmrxrecon2024/cine_sax.mat", FormatV5, "scipy", "kspace_full", "single", true,
		[]int{512, 246}},
	{"cmrxrecon2024/cine_sax_mask_Uniform8.mat", FormatV73, "h5py", "mask", "double", false,
		[]int{512, 246}},
	{"grappa-bo-li/kdata.mat", FormatV5, "scipy", "KSpaceDATA", "double", true,
		[]int{64, 64, 16}},
	{"grappa-bo-li/refscan.mat", FormatV5, "scipy", "refscan", "double", true,
		[]int{64, 24, 16}},
	{"lustig-spirit-via-mripy/brain_alias_8ch.mat", FormatV5, "scipy", "DATA", "double", true,
		[]int{320, 256, 8}},
	{"mchiew-sense-tutorial/raw_data.mat", FormatV73, "h5py", "raw", "double", true,
		[]int{96, 96, 1, 16}},
	{"marcsous-parallel/phantom.mat", FormatV73, "h5py", "data", "single", true,
		[]int{256, 256, 8}},
	{"bart-workshop/ksp.cfl", FormatCFL, "cfl", "ksp", "single", true, []int{1, 180, 230, 8}},
	{"bart-workshop/img.hdr", FormatCFL, "cfl", "img", "single", true,
		[]int{1, 180, 230, 1, 2}},
	{"enlive/ksp_phan.hdr", FormatCFL, "cfl", "ksp_phan", "single", true, []int{256, 256, 1, 6}},
}

// TestRealFiles opens every real sample, checks the listing against SOURCES.md and
// compares every value with scipy.io.loadmat (v5), h5py (v7.3) or numpy.fromfile (cfl).
func TestRealFiles(t *testing.T) {
	for _, rf := range realFiles {
		t.Run(rf.rel, func(t *testing.T) {
			path := realdata.Path(t, rf.rel)
			if rf.rel == "enlive/ksp_phan.hdr" {
				path = strings.TrimSuffix(path, ".hdr") // open a cfl pair by its base name
			}

			f, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if f.Format() != rf.format {
				t.Errorf("format %v, want %v", f.Format(), rf.format)
			}

			vars := f.Vars()
			if len(vars) != 1 {
				t.Fatalf("Vars = %+v, want one variable", vars)
			}
			v := vars[0]
			if v.Name != rf.name || v.Class != rf.class || v.Complex != rf.complex ||
				!equalInts(v.Dims, rf.dims) {
				t.Errorf("Vars = %+v, want %s %s complex=%v %v", v, rf.name, rf.class,
					rf.complex, rf.dims)
			}

			checkAgainstReference(t, path, rf.ref)
		})
	}
}
