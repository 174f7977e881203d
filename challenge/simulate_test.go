package challenge

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"math"
	"math/cmplx"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/phantom"
)

// TestSimulate checks every file Simulate writes against an independent construction: the
// kus file is the source k-space times the mask file, sample by sample; the mask is
// GenerateMask's for the scenario; the ground truth is the root sum of squares of a float64
// direct inverse DFT (the challenge's ifft2c) of the source's coil planes, with the ranking
// selection and crop.
func TestSimulate(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train")
	o := smallPhantom()
	srcs, err := WritePhantomSet(train, 1, o)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "sim")
	scen := []Scenario{{Uniform, 8}, {KtRadial, 16}, {KtGaussian, 24}}
	files, err := Simulate(train, out, SimulateOptions{Task: "TaskR2", Set: "TestSet",
		Scenarios: scen, PerFile: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}

	// Two sources (cine_sax, T1map) with two scenarios each, dealt cyclically.
	var got []string
	for _, f := range files {
		got = append(got, filepath.Base(f.KSpace))
	}
	want := []string{"cine_sax_kus_Uniform8.mat", "cine_sax_kus_ktRadial16.mat",
		"T1map_kus_ktGaussian24.mat", "T1map_kus_Uniform8.mat"}
	if !slices.Equal(got, want) {
		t.Fatalf("kus files %v, want %v", got, want)
	}

	for _, f := range files {
		rel, err := filepath.Rel(out, f.KSpace)
		if err != nil || !strings.HasPrefix(rel, filepath.Join("TaskR2", "MultiCoil")) ||
			!strings.Contains(rel, filepath.Join("TestSet", "UnderSample_TaskR2",
				"Center001", "UIH_30T_umr780", "P001")) {
			t.Errorf("kus file %s is not in the test set's layout", f.KSpace)
		}
		if m, err := MaskPath(f.KSpace); err != nil || m != f.Mask {
			t.Errorf("mask %s, want %s (%v)", f.Mask, m, err)
		}
		src := srcs[0]
		if strings.HasPrefix(filepath.Base(f.KSpace), "T1map") {
			src = srcs[1]
		}
		if f.Source != src {
			t.Errorf("source %s, want %s", f.Source, src)
		}
		checkSimulated(t, f, o)
	}

	// Nothing but the tree is left: no staging folder.
	left, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 1 || left[0].Name() != "TaskR2" {
		t.Errorf("output holds %v, want only TaskR2", left)
	}
}

func checkSimulated(t *testing.T, f SimulatedFile, o phantom.Options) {
	t.Helper()
	src, err := ReadKSpace(f.Source, Layout{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	kus, err := ReadKSpace(f.KSpace, Layout{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ReadMask(f.Mask, nil)
	if err != nil {
		t.Fatal(err)
	}

	kt, err := ParseTreePath(f.KSpace)
	if err != nil {
		t.Fatal(err)
	}
	o.NT = src.NT // the mapping source has the T1-mapping series' frames
	wantMask, err := GenerateMask(MaskSpec{Pattern: f.Scenario.Pattern, NX: o.NX, NY: o.NY,
		NT: o.NT, R: f.Scenario.R, Seed: maskSeed(3, kt)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Data, wantMask.Data) {
		t.Errorf("%s: not GenerateMask's %s mask", f.Mask, f.Scenario)
	}
	if r := EffectiveR(m); r != f.EffectiveR {
		t.Errorf("effective R %v, reported %v", r, f.EffectiveR)
	}

	if kus.Dims != src.Dims {
		t.Fatalf("kus dims %+v, source %+v", kus.Dims, src.Dims)
	}
	plane := o.NX * o.NY
	for i, v := range kus.Data {
		it := i / (plane * o.NC * o.NZ)
		w := complex64(0)
		if m.Data[it*plane+i%plane] != 0 {
			w = src.Data[i]
		}
		if v != w {
			t.Fatalf("%s: sample %d is %v, want %v", f.KSpace, i, v, w)
		}
	}

	gt, err := ReadImage(f.GroundTruth, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := rssReference(src.Data, o, filepath.Base(f.GroundTruth))
	if !slices.Equal(gt.Dims, want.Dims) {
		t.Fatalf("ground truth dims %v, want %v", gt.Dims, want.Dims)
	}
	// The float32 FFT and the float64 DFT agree to a few float32 ulps of the image's
	// largest value; 1e-5 of it leaves a margin of about 10 and still catches a pixel off by
	// one (neighbouring pixels differ by percent).
	peak := float64(slices.Max(want.Data))
	for i := range gt.Data {
		if d := math.Abs(float64(gt.Data[i] - want.Data[i])); d > 1e-5*peak {
			t.Fatalf("%s: pixel %d is %v, want %v", f.GroundTruth, i, gt.Data[i],
				want.Data[i])
		}
	}
}

// rssReference computes the ranking ground truth of fully sampled k-space (nx, ny, nc, nz,
// nt) in float64: per coil plane the unitary centred inverse DFT (ifft2c: the k-space centre
// at floor(n/2) maps to the image centre), the root sum of squares over coils, then the
// slices and frames that RankingSelection keeps for the file name (ranking_test.go checks
// those rules), and the centred crop of round(n/3) × round(n/2) from floor(n/2) −
// floor(s/2), worked out here from §4.2.
func rssReference(k []complex64, o phantom.Options, name string) Array {
	nx, ny, nc, nz, nt := o.NX, o.NY, o.NC, o.NZ, o.NT
	sel, err := RankingSelection(name, nx, ny, nz, nt)
	if err != nil {
		panic(err)
	}
	idft := func(n int) [][]complex128 {
		w := make([][]complex128, n)
		for x := range n {
			w[x] = make([]complex128, n)
			for kk := range n {
				ph := 2 * math.Pi * float64((x-n/2)*(kk-n/2)) / float64(n)
				w[x][kk] = cmplx.Exp(complex(0, ph)) / complex(math.Sqrt(float64(n)), 0)
			}
		}
		return w
	}
	wx, wy := idft(nx), idft(ny)
	rss := func(iz, it int) []float64 {
		sum := make([]float64, nx*ny)
		tmp := make([]complex128, nx*ny)
		for ic := range nc {
			p := k[nx*ny*(ic+nc*(iz+nz*it)):]
			for y := range ny {
				for x := range nx {
					var s complex128
					for kx := range nx {
						s += wx[x][kx] * complex128(p[kx+nx*y])
					}
					tmp[x+nx*y] = s
				}
			}
			for x := range nx {
				for y := range ny {
					var s complex128
					for ky := range ny {
						s += wy[y][ky] * tmp[x+nx*ky]
					}
					a := cmplx.Abs(s)
					sum[x+nx*y] += a * a
				}
			}
		}
		return sum
	}

	cx, cy := int(math.Round(float64(nx)/3)), int(math.Round(float64(ny)/2))
	x0, y0 := nx/2-cx/2, ny/2-cy/2
	out := Array{Dims: sel.Dims}
	for _, it := range sel.Frames {
		for _, iz := range sel.Slices {
			img := rss(iz, it)
			for y := y0; y < y0+cy; y++ {
				for x := x0; x < x0+cx; x++ {
					out.Data = append(out.Data, float32(math.Sqrt(img[x+nx*y])))
				}
			}
		}
	}
	if len(out.Data) != cx*cy*len(sel.Slices)*len(sel.Frames) {
		panic("selection size")
	}
	return out
}

// TestSimulateFailureLeavesNoOutput: a source that cannot be read fails the simulation
// with its name, and the output folder is left as it was (here: holding one file of the
// user's), with the input untouched.
func TestSimulateFailureLeavesNoOutput(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train")
	srcs, err := WritePhantomSet(train, 2, smallPhantom())
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(srcs[3])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(srcs[3], b[:len(b)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeDigest(t, train)

	out := filepath.Join(dir, "sim")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, err := Simulate(train, out, SimulateOptions{})
	if err == nil || !strings.Contains(err.Error(), srcs[3]) {
		t.Fatalf("error %v, want one naming %s", err, srcs[3])
	}
	if files != nil {
		t.Errorf("files %v returned with the error", files)
	}
	if got := treeDigest(t, out); len(got) != 1 || got["notes.txt"] == "" {
		t.Errorf("output after a failure holds %v, want only notes.txt", got)
	}
	if after := treeDigest(t, train); !maps.Equal(before, after) {
		t.Error("the input tree changed")
	}
}

// TestSimulateDuplicateSources: two sources that would make the same files are refused.
func TestSimulateDuplicateSources(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train")
	srcs, err := WritePhantomSet(train, 1, smallPhantom())
	if err != nil {
		t.Fatal(err)
	}
	twin := strings.Replace(srcs[0], trainingSet, "ValidationSet", 1)
	if err := os.MkdirAll(filepath.Dir(twin), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(srcs[0], twin); err != nil {
		t.Fatal(err)
	}
	_, err = Simulate(train, filepath.Join(dir, "sim"), SimulateOptions{})
	if err == nil || !strings.Contains(err.Error(), "would both make") {
		t.Errorf("error %v, want one about two sources making the same files", err)
	}

	for _, o := range []SimulateOptions{{Task: "TaskX"}, {Set: "TrainingSet"},
		{GroundTruth: "half"}} {
		if _, err := Simulate(train, filepath.Join(dir, "sim2"), o); err == nil {
			t.Errorf("options %+v: no error", o)
		}
	}
	if _, err := Simulate(filepath.Join(dir, "sim"), filepath.Join(dir, "sim3"),
		SimulateOptions{}); err == nil || !strings.Contains(err.Error(), "no fully sampled") {
		t.Errorf("empty input: error %v", err)
	}
}

// treeDigest maps each regular file below root (relative path) to its SHA-256.
func treeDigest(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
