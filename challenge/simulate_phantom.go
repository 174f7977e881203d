package challenge

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/phantom"
)

// phantomSites are the centre and vendor folders that WritePhantomSet deals its patients to,
// two of the 2025 training set's.
var phantomSites = [][2]string{
	{"Center001", "UIH_30T_umr780"},
	{"Center002", "Siemens_30T_CIMA.X"},
}

// PhantomSeries are the series of package phantom that stand in for challenge files, by
// name: each with its options at the demo size and the challenge file name it is read as
// (which gives its modality, ModalityFolder, and its ranking rules).
var PhantomSeries = []struct {
	Name    string
	File    string
	Options func() phantom.Options
}{
	{"cine", DemoName, phantom.DefaultOptions},
	{"T1map", "T1map.mat", phantom.T1MapOptions},
	{"T2map", "T2map.mat", phantom.T2MapOptions},
	{"T1rho", "T1rho.mat", phantom.T1rhoOptions},
	{"perfusion", "perfusion.mat", phantom.PerfusionOptions},
	{"flow2d", "flow2d.mat", phantom.FlowOptions},
}

// LookupPhantomSeries returns the options and the challenge file name of the phantom
// series called name, in any case (see PhantomSeries).
func LookupPhantomSeries(name string) (phantom.Options, string, bool) {
	for _, s := range PhantomSeries {
		if strings.EqualFold(s.Name, name) {
			return s.Options(), s.File, true
		}
	}
	return phantom.Options{}, "", false
}

// WritePhantomSet writes a fully sampled training tree of phantom data below dir, in the
// 2025 layout, for Simulate to start from where no real data are at hand:
//
//	dir/MultiCoil/Cine/TrainingSet/FullSample/<Center>/<Vendor>/P###/cine_sax.mat
//	dir/MultiCoil/Mapping/TrainingSet/FullSample/<Center>/<Vendor>/P###/T1map.mat
//
// for patients P001 to P<patients>, dealt in turn to Center001 (UIH_30T_umr780) and
// Center002 (Siemens_30T_CIMA.X). Each file holds the variable kspace, complex single,
// (nx, ny, nc, nz, nt), MATLAB v7.3, from package phantom with options o and the noise seed
// o.Seed plus the file's number. The cine file holds the cine phantom of o (its Contrast and
// Times are ignored); the T1map file its T1-mapping series (phantom.ContrastT1Map with its 9
// default inversion times, so NT 9), which exercises the ranking's mapping rule (all frames
// kept) and the Mapping rows of the CS defaults. It returns the paths written.
func WritePhantomSet(dir string, patients int, o phantom.Options) ([]string, error) {
	if patients < 1 {
		return nil, fmt.Errorf("challenge: phantom set: %d patients: want at least 1",
			patients)
	}
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("challenge: phantom set: %w", err)
	}

	var paths []string
	for p := range patients {
		site := phantomSites[p%len(phantomSites)]
		for j, f := range [][2]string{{"Cine", "cine_sax.mat"}, {"Mapping", "T1map.mat"}} {
			po := o
			po.Seed = o.Seed + uint64(2*p+j)
			if f[0] == "Mapping" {
				po.Contrast, po.Times = phantom.ContrastT1Map, nil
				po.NT = len(po.FrameTimes())
			} else {
				po.Contrast, po.Times = phantom.ContrastCine, nil
			}
			c, err := phantom.New(po)
			if err != nil {
				return paths, fmt.Errorf("challenge: phantom set: %w", err)
			}

			path := filepath.Join(dir, "MultiCoil", f[0], trainingSet, fullSampleFolder,
				site[0], site[1], fmt.Sprintf("P%03d", p+1), f[1])
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				return paths, fmt.Errorf("challenge: phantom set: %w", err)
			}
			k := c.KSpace
			err = mat.WriteV73(path, mat.Array{Name: "kspace",
				Dims: []int{k.NX, k.NY, k.NC, k.NZ, k.NT}, Data: k.Data})
			if err != nil {
				return paths, err
			}
			paths = append(paths, path)
		}
	}
	return paths, nil
}
