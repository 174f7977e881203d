package main

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/challenge"
	"github.com/cmrecon/cmrecon/internal/realdata"
	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/phantom"
	"github.com/cmrecon/cmrecon/recon"
)

// cli runs the command line in-process and returns its exit status and output streams.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// smallCine writes a small fully sampled phantom cine in the challenge's v7.3 layout and
// returns its path and the phantom.
func smallCine(t *testing.T, dir, name string) (string, *phantom.Cine) {
	t.Helper()
	o := phantom.DefaultOptions()
	o.NX, o.NY, o.NC, o.NZ, o.NT = 96, 48, 6, 3, 4
	c, err := phantom.New(o)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	k := c.KSpace
	err = mat.WriteV73(p, mat.Array{Name: "kspace", Dims: []int{k.NX, k.NY, k.NC, k.NZ, k.NT},
		Data: k.Data})
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

// lastLine returns the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestUsage(t *testing.T) {
	if code, _, errOut := cli(t); code != 2 || !strings.Contains(errOut, "Commands:") {
		t.Errorf("no arguments: exit %d, stderr %q", code, errOut)
	}
	if code, _, _ := cli(t, "frobnicate"); code != 2 {
		t.Errorf("unknown command: exit %d, want 2", code)
	}
	if code, _, _ := cli(t, "recon", "only-one-arg"); code != 2 {
		t.Errorf("missing argument: exit %d, want 2", code)
	}
	if code, _, _ := cli(t, "recon", "--method", "magic", "a", "b"); code != 2 {
		t.Errorf("bad method: exit %d, want 2", code)
	}
	for _, bad := range [][]string{{"--reg", "wavelet"}, {"--reg", "sparkle=1"},
		{"--reg", "tv=-1"}, {"--reg", "tv=0"}, {"--cs-solver", "magic"}, {"--noise-floor", "on"},
		{"--lambda-scaling", "snr"},
		{"--reg", "lplus=1,tv=0.01"}, {"--reg", "splus=0.01"}, {"--reg", "tv=0.01,p=0"},
		{"--reg", "tv=0.01,p=1.5"}, {"--reg", "llr=0.01,p=0.5"}, {"--reg", " "},
		{"--reg", "p=1"}} {
		args := append([]string{"recon", "--method", "cs"}, bad...)
		code, _, errOut := cli(t, append(args, "a", "b")...)
		if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("recon %v: exit %d, want 2 and one line, stderr %q", bad, code, errOut)
		}
	}
	for reg, want := range map[string]string{" ": "--reg is blank",
		"p=1": "no regulariser with a lambda above 0"} {
		_, _, errOut := cli(t, "recon", "--method", "cs", "--reg", reg, "a", "b")
		if !strings.Contains(errOut, want) {
			t.Errorf("--reg %q: the message %q does not say %q", reg, errOut, want)
		}
	}
	_, _, errOut := cli(t, "recon", "--method", "cs", "--cs-solver", "magic", "a", "b")
	if !strings.Contains(errOut, "fista, pogm, admm, pd") {
		t.Errorf("--cs-solver magic: the message %q does not list the solvers", errOut)
	}
	if code, _, _ := cli(t, "info", "-h"); code != 0 {
		t.Errorf("info -h: exit %d, want 0", code)
	}
}

// TestChallengeTree runs the main job on a small challenge-style tree: a mask made by the
// mask command in the Mask_TaskR1 folder, picked up by recon without --mask, both methods,
// both output modes, scored by eval against the fully sampled k-space.
func TestChallengeTree(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join("MultiCoil", "Cine", "ValidationSet")
	pat := filepath.Join("Center001", "UIH_30T_umr780", "P001")
	kdir := filepath.Join(dir, sub, "UnderSample_TaskR1", pat)
	mdir := filepath.Join(dir, sub, "Mask_TaskR1", pat)
	for _, d := range []string{kdir, mdir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	full, _ := smallCine(t, dir, "cine_sax.mat")
	kus := filepath.Join(kdir, "cine_sax_kus_ktRadial8.mat")
	if err := os.Link(full, kus); err != nil {
		t.Fatal(err)
	}
	maskFile := filepath.Join(mdir, "cine_sax_mask_ktRadial8.mat")
	if code, _, errOut := cli(t, "mask", "--pattern", "ktradial", "--accel", "8",
		"--size", "96x48x4", maskFile); code != 0 {
		t.Fatalf("mask: exit %d: %s", code, errOut)
	}

	scores := map[string]float64{}
	for _, method := range []string{"zf", "sense", "cs"} {
		for _, mode := range []string{"ranking", "full"} {
			out := filepath.Join(dir, method+"_"+mode+".mat")
			args := []string{"recon", "--method", method, "--output-mode", mode,
				"--threads", "2", kus, out}
			if method == "cs" && mode == "full" {
				args = append(args, "--reg", "wavelet=0.005,ttv=0.01,p=0.5", "--cs-solver",
					"admm")
			}
			code, _, errOut := cli(t, args...)
			if code != 0 {
				t.Fatalf("recon %s %s: exit %d: %s", method, mode, code, errOut)
			}
			if !strings.Contains(errOut, "mask_source=implied") {
				t.Errorf("recon did not use the implied mask: %s", errOut)
			}

			code, stdout, errOut := cli(t, "eval", "--json", full, out)
			if code != 0 {
				t.Fatalf("eval: exit %d: %s", code, errOut)
			}
			var r struct {
				SSIM, PSNR, NMSE float64
				Dims             []int
				PerImageSSIM     []float64 `json:"per_image_ssim"`
			}
			if err := json.Unmarshal([]byte(stdout), &r); err != nil {
				t.Fatalf("eval --json: %v\n%s", err, stdout)
			}
			wantImages := 2 * 3 // ranking: 2 central slices x 3 frames
			if mode == "full" {
				wantImages = 3 * 4
			}
			if len(r.PerImageSSIM) != wantImages {
				t.Errorf("%s %s: %d images scored, want %d (dims %v)", method, mode,
					len(r.PerImageSSIM), wantImages, r.Dims)
			}
			scores[method+" "+mode] = r.SSIM
		}
	}

	// SENSE and CS must beat zero filling clearly on 6 coils at this acceleration; the
	// margin is far below what the phantom gives (about 0.2) so that the test is not
	// fragile. CS (default table in ranking mode, --reg in full mode) must not lose to SENSE.
	for _, mode := range []string{"ranking", "full"} {
		if scores["sense "+mode] < scores["zf "+mode]+0.05 {
			t.Errorf("%s: SENSE SSIM %.4f is not clearly above zero-filled %.4f", mode,
				scores["sense "+mode], scores["zf "+mode])
		}
		if scores["cs "+mode] < scores["sense "+mode] {
			t.Errorf("%s: CS SSIM %.4f is below SENSE %.4f", mode, scores["cs "+mode],
				scores["sense "+mode])
		}
	}
}

// TestFullySampledEval checks that a zero-filled reconstruction of fully sampled data scores
// perfectly against its own k-space: the ground truth is made the same way.
func TestFullySampledEval(t *testing.T) {
	dir := t.TempDir()
	full, _ := smallCine(t, dir, "cine_sax.mat")
	out := filepath.Join(dir, "out.mat")
	if code, _, errOut := cli(t, "recon", "--method", "zf", full, out); code != 0 {
		t.Fatalf("recon: %s", errOut)
	}
	code, stdout, errOut := cli(t, "eval", "--json", full, out)
	if code != 0 {
		t.Fatalf("eval: %s", errOut)
	}
	var r struct{ SSIM, NMSE float64 }
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatal(err)
	}
	if r.SSIM != 1 || r.NMSE != 0 {
		t.Errorf("fully sampled zf against itself: SSIM %v NMSE %v, want 1 and 0", r.SSIM, r.NMSE)
	}
}

// TestBadInput feeds broken inputs to recon and checks for a one-line error naming the file,
// exit status 1, and no output file.
func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	full, c := smallCine(t, dir, "cine_sax.mat")

	raw, err := os.ReadFile(full)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	truncated := write("truncated.mat", raw[:len(raw)*2/3])
	notMAT := write("notes.mat", []byte("these are my notes, not a MATLAB file\n"))
	badTable := write("table.tsv", []byte("Cine kt-2d 8 wavelet=lots\n"))

	nan := append([]complex64(nil), c.KSpace.Data...)
	nan[12345] = complex(float32(math.NaN()), 0)
	nanFile := filepath.Join(dir, "nan.mat")
	k := c.KSpace
	if err := mat.WriteV5(nanFile, true, mat.Array{Name: "kspace",
		Dims: []int{k.NX, k.NY, k.NC, k.NZ, k.NT}, Data: nan}); err != nil {
		t.Fatal(err)
	}

	wrongMask := filepath.Join(dir, "mask_wrong.mat")
	m, err := challenge.GenerateMask(challenge.MaskSpec{Pattern: challenge.Uniform, NX: 96,
		NY: 50, NT: 4, R: 4})
	if err != nil {
		t.Fatal(err)
	}
	if err := challenge.WriteMask(wrongMask, m); err != nil {
		t.Fatal(err)
	}

	badMask := func(name string, v func(i int) float64) string {
		p := filepath.Join(dir, name)
		data := make([]float64, k.NX*k.NY)
		for i := range data {
			data[i] = v(i)
		}
		if err := mat.WriteV5(p, true, mat.Array{Name: "mask", Dims: []int{k.NX, k.NY},
			Data: data}); err != nil {
			t.Fatal(err)
		}
		return p
	}
	nanMask := badMask("mask_nan.mat", func(i int) float64 {
		if i == 77 {
			return math.NaN()
		}
		return 1
	})
	zeroMask := badMask("mask_zero.mat", func(int) float64 { return 0 })
	silent := filepath.Join(dir, "silent.mat")
	err = mat.WriteV5(silent, true, mat.Array{Name: "kspace",
		Dims: []int{k.NX, k.NY, k.NC, k.NZ, k.NT}, Data: make([]complex64, len(k.Data))})
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name, in, blame string
		extra           []string
	}{
		{"truncated", truncated, truncated, nil},
		{"NaN mask", full, nanMask, []string{"--mask", nanMask}},
		{"empty mask", full, zeroMask, []string{"--mask", zeroMask, "--method", "zf"}},
		{"k-space as mask", full, full, []string{"--mask", full}},
		{"no samples", silent, silent, []string{"--method", "zf"}},
		{"not MATLAB", notMAT, notMAT, nil},
		{"missing", filepath.Join(dir, "absent.mat"), "absent.mat", nil},
		{"NaN", nanFile, nanFile, []string{"--method", "zf"}},
		{"mask size", full, wrongMask, []string{"--mask", wrongMask}},
		{"memory", full, full, []string{"--max-memory", "1M"}},
		{"memory plan", full, full, []string{"--max-memory", "3M"}},
		{"CS table", full, badTable, []string{"--method", "cs", "--cs-table", badTable}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(dir, "out_"+strings.ReplaceAll(tc.name, " ", "_")+".mat")
			args := append([]string{"recon"}, tc.extra...)
			code, _, errOut := cli(t, append(args, tc.in, out)...)
			if code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", code, errOut)
			}
			msg := lastLine(errOut)
			if !strings.HasPrefix(msg, "cmrecon recon: ") || !strings.Contains(msg, tc.blame) {
				t.Errorf("error line %q does not name %s", msg, tc.blame)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("output file exists after a failure")
			}
			leftovers, _ := filepath.Glob(filepath.Join(dir, ".*"))
			if len(leftovers) > 0 {
				t.Errorf("temporary files left behind: %v", leftovers)
			}
		})
	}
}

// TestMemoryPlanLogged checks that recon states its memory plan before the work starts,
// within the --max-memory budget, and that the ranking output reconstructs only the
// problems and columns the submission keeps (2 central slices of 3, 3 frames of 4, a third
// of the columns with the per-column solver), and refuses an unknown --solver.
func TestMemoryPlanLogged(t *testing.T) {
	dir := t.TempDir()
	full, _ := smallCine(t, dir, "cine_sax.mat")
	out := filepath.Join(dir, "out.mat")
	code, _, errOut := cli(t, "recon", "--threads", "2", "--max-memory", "64M", full, out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	plan := strings.Index(errOut, "memory plan")
	progress := strings.Index(errOut, "msg=done")
	if plan < 0 || progress < plan {
		t.Fatalf("no memory plan logged before the end:\n%s", errOut)
	}
	line := errOut[plan:]
	line = line[:strings.IndexByte(line, '\n')]
	for _, want := range []string{"budget=\"64.0 MiB\"", "solver=columns", "problems=6",
		"columns=32", "at_once=2"} {
		if !strings.Contains(line, want) {
			t.Errorf("plan line lacks %s: %s", want, line)
		}
	}

	code, _, errOut = cli(t, "recon", "--solver", "fastest", full, out)
	if code != 2 || !strings.Contains(errOut, "--solver") {
		t.Errorf("unknown solver: exit %d: %s", code, errOut)
	}
}

// TestMaskCommand checks the generated file against the library's generator.
func TestMaskCommand(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "m.mat")
	code, _, errOut := cli(t, "mask", "--pattern", "ktGaussian", "--accel", "16", "--size",
		"64x40x5", "--seed", "7", p)
	if code != 0 {
		t.Fatalf("mask: %s", errOut)
	}
	got, err := challenge.ReadMask(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	want, err := challenge.GenerateMask(challenge.MaskSpec{Pattern: challenge.KtGaussian,
		NX: 64, NY: 40, NT: 5, R: 16, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got.NX != 64 || got.NY != 40 || got.NT != 5 {
		t.Fatalf("mask file is %dx%dx%d", got.NX, got.NY, got.NT)
	}
	for i := range want.Data {
		if got.Data[i] != want.Data[i] {
			t.Fatalf("mask file differs from GenerateMask at %d", i)
		}
	}

	for _, bad := range [][]string{
		{"--pattern", "Spiral", "--accel", "4", "--size", "8x8"},
		{"--pattern", "Uniform", "--accel", "4", "--size", "8by8"},
	} {
		if code, _, _ := cli(t, append(append([]string{"mask"}, bad...), p)...); code != 2 {
			t.Errorf("mask %v: exit %d, want 2", bad, code)
		}
	}
}

// TestInfoRealData reads every .mat and .cfl file of the real sample folder with
// "info --json --stats" and compares the dims and value summaries with an independent reader:
// h5py for HDF5 files, scipy.io.loadmat for MATLAB v5 files, numpy for BART cfl.
func TestInfoRealData(t *testing.T) {
	root := realDataDir(t)
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import h5py, scipy.io, numpy").Run(); err != nil {
		t.Skip("python3 with h5py, scipy and numpy not available")
	}

	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && (strings.HasSuffix(p, ".mat") || strings.HasSuffix(p, ".cfl")) {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Skip("no sample files")
	}

	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, stdout, errOut := cli(t, "info", "--json", "--stats", f)
			if code != 0 {
				t.Fatalf("info: %s", errOut)
			}
			var got struct {
				Variables []infoVar
			}
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatal(err)
			}

			out, err := exec.Command(py, "-c", pyStats, f).CombinedOutput()
			if err != nil {
				t.Fatalf("python: %v\n%s", err, out)
			}
			var want []struct {
				Name    string
				Dims    []int
				Complex bool
				Stats   infoStats
			}
			if err := json.Unmarshal(out, &want); err != nil {
				t.Fatalf("python output: %v\n%s", err, out)
			}
			if len(got.Variables) != len(want) {
				t.Fatalf("%d variables, python finds %d", len(got.Variables), len(want))
			}
			for i, w := range want {
				g := got.Variables[i]
				if g.Name != w.Name || g.Complex != w.Complex || dimsText(g.Dims) !=
					dimsText(w.Dims) {
					t.Errorf("variable %q %v complex=%v, python: %q %v complex=%v", g.Name,
						g.Dims, g.Complex, w.Name, w.Dims, w.Complex)
				}
				checkStats(t, g.Name, g.Stats, w.Stats)
			}
		})
	}
}

// checkStats compares value summaries. Counts must be equal; sums are accumulated in a
// different order by numpy (pairwise) and here (sequential), in float64, so they may differ
// by a few units of 1e-12 relative to the sum of magnitudes: 1e-9 leaves ample room and still
// catches any misread element, which changes the sums far more.
func checkStats(t *testing.T, name string, g *infoStats, w infoStats) {
	t.Helper()
	if g == nil {
		t.Errorf("%s: no stats", name)
		return
	}
	if g.Count != w.Count || g.NonZero != w.NonZero || g.NaN != w.NaN || g.Inf != w.Inf {
		t.Errorf("%s: counts %+v, python %+v", name, *g, w)
	}
	close := func(a, b, scale float64) bool { return math.Abs(a-b) <= 1e-9*scale }
	absScale := math.Sqrt(w.SumAbs2 * float64(w.Count))
	if g.MaxAbs != w.MaxAbs && !close(g.MaxAbs, w.MaxAbs, w.MaxAbs) {
		t.Errorf("%s: max |x| %v, python %v", name, g.MaxAbs, w.MaxAbs)
	}
	if !close(g.SumAbs2, w.SumAbs2, w.SumAbs2) {
		t.Errorf("%s: sum |x|^2 %v, python %v", name, g.SumAbs2, w.SumAbs2)
	}
	if !close(g.SumRe, w.SumRe, absScale) || !close(g.SumIm, w.SumIm, absScale) {
		t.Errorf("%s: sum %v%+vi, python %v%+vi", name, g.SumRe, g.SumIm, w.SumRe, w.SumIm)
	}
}

// pyStats prints the variables of a file with their MATLAB dims and value summaries, read by
// h5py (HDF5, dims reversed to MATLAB order), scipy (MAT v5) or numpy (BART cfl).
const pyStats = `
import json, sys, numpy as np
p = sys.argv[1]
out = []
def add(name, a):
    a = np.asarray(a)
    z = a.astype(np.complex128).ravel(order='F')
    fin = np.isfinite(z)
    nan = np.isnan(z.real) | np.isnan(z.imag)
    out.append(dict(name=name, dims=list(a.shape), complex=bool(np.iscomplexobj(a)), stats=dict(
        count=int(z.size), nan=int(nan.sum()), inf=int((~fin & ~nan).sum()),
        nonzero=int((z[fin] != 0).sum()), max_abs=float(np.abs(z[fin]).max(initial=0)),
        sum_abs2=float((np.abs(z[fin])**2).sum()),
        sum_real=float(z[fin].real.sum()), sum_imag=float(z[fin].imag.sum()))))
if p.endswith('.cfl'):
    base = p[:-4]
    dims = [int(x) for x in open(base + '.hdr').read().split('\n')[1].split()]
    while len(dims) > 2 and dims[-1] == 1: dims.pop()
    a = np.fromfile(p, dtype='<c8').reshape(dims, order='F')
    add(base.split('/')[-1], a)
else:
    head = open(p, 'rb').read(512)
    if b'HDF' in open(p, 'rb').read(2048)[:2048] and head[:10] != b'MATLAB 5.0':
        import h5py
        with h5py.File(p, 'r') as f:
            for name in sorted(f.keys()):
                d = f[name][()]
                if d.dtype.names and 'real' in d.dtype.names:
                    d = d['real'] + 1j * d['imag']
                a = np.asarray(d).T
                while a.ndim > 2 and a.shape[-1] == 1: a = a[..., 0]
                add(name, a)
    else:
        import scipy.io
        for name, a in scipy.io.loadmat(p).items():
            if not name.startswith('__'):
                add(name, a)
print(json.dumps(out))
`

// realDataDir returns the real sample folder or skips the test.
func realDataDir(t *testing.T) string {
	t.Helper()
	d := realdata.Dir()
	if d == "" {
		t.Skip("real sample data folder not present; set " + realdata.EnvVar)
	}
	return d
}

// TestOutputReplacesNothing checks that recon refuses an output path that would replace its
// input (the same path, or another name for the same file) or a file that is not a regular
// one, and leaves them as they were.
func TestOutputReplacesNothing(t *testing.T) {
	dir := t.TempDir()
	in, _ := smallCine(t, dir, "cine_sax.mat")
	before, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.mat")
	if err := os.Symlink(in, link); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "folder.mat")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}

	roundabout := dir + "/../" + filepath.Base(dir) + "/cine_sax.mat"
	for _, out := range []string{in, link, roundabout, sub} {
		code, _, errOut := cli(t, "recon", "--method", "zf", in, out)
		if code != 1 || !strings.Contains(lastLine(errOut), out) {
			t.Errorf("recon %s %s: exit %d, stderr %q; want 1 naming the output", in, out,
				code, lastLine(errOut))
		}
	}

	after, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Errorf("the input file changed")
	}
	if st, err := os.Stat(sub); err != nil || !st.IsDir() {
		t.Errorf("the folder given as output was replaced")
	}
}

// TestThreadsFlag checks that a count of goroutines below 1 is a usage error.
func TestThreadsFlag(t *testing.T) {
	dir := t.TempDir()
	in, _ := smallCine(t, dir, "cine_sax.mat")
	for _, args := range [][]string{
		{"recon", "--threads", "-1", in, filepath.Join(dir, "o.mat")},
		{"recon", "--threads", "0", in, filepath.Join(dir, "o.mat")},
		{"demo", "--threads", "-3"},
	} {
		code, _, errOut := cli(t, args...)
		if code != 2 || !strings.Contains(errOut, "--threads") {
			t.Errorf("%v: exit %d, stderr %q; want 2 naming --threads", args, code, errOut)
		}
	}
}

// TestTuneCommand tunes on a small fully sampled cine, checks that the table it writes has
// one row per scenario with the best of the grid, and that recon reads it back.
func TestTuneCommand(t *testing.T) {
	dir := t.TempDir()
	full, _ := smallCine(t, dir, "cine_sax.mat")
	table := filepath.Join(dir, "table.tsv")
	code, _, errOut := cli(t, "tune", "--out", table, "--scenarios",
		"ktRadial8,Uniform8", "--grid", "wavelet=0.001:0.01,ttv=0:0.01,p=1:0.5", "--iters", "10",
		"--threads", "2", full)
	if code != 0 {
		t.Fatalf("tune: exit %d: %s", code, errOut)
	}
	tab := readTable(t, table)
	if len(tab.Rows) != 2 || tab.Rows[0].Modality != "Cine" {
		t.Fatalf("table rows %+v, want 2 Cine rows", tab.Rows)
	}
	if fi, err := os.Stat(table); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("table file: %v, mode %v: want 0644 (readable in a container run as "+
			"another user)", err, fi)
	}
	if got := strings.Count(errOut, "msg=tried"); got != 2*8 {
		t.Errorf("%d evaluations logged, want 16 (2 scenarios x 8 grid points)", got)
	}
	if got := strings.Count(errOut, ",p=0.5"); got != 2*4 {
		t.Errorf("%d evaluations with p=0.5 logged, want 8", got)
	}

	out := filepath.Join(dir, "cs.mat")
	pngDir := filepath.Join(dir, "png")
	if code, _, errOut := cli(t, "recon", "--method", "cs", "--cs-table", table, "--iters",
		"10", "--png", pngDir, full, out); code != 0 {
		t.Fatalf("recon with the tuned table: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(pngDir, "cine_sax.png")); err != nil {
		t.Errorf("recon --png: %v", err)
	}
	if code, _, _ := cli(t, "tune", "--out", table); code != 2 {
		t.Errorf("tune without data: exit %d, want 2", code)
	}

	// An --out that cannot be written fails before the search, naming the path given.
	for _, bad := range []string{filepath.Join(dir, "absent", "t.tsv"), dir} {
		code, _, errOut := cli(t, "tune", "--out", bad, "--scenarios", "Uniform8", "--iters",
			"10", full)
		msg := lastLine(errOut)
		if code != 1 || !strings.Contains(msg, "--out: "+bad+": ") ||
			strings.Contains(msg, ".tmp") || strings.Contains(errOut, "msg=tried") {
			t.Errorf("tune --out %s: exit %d, %q: want exit 1 naming the path, before any "+
				"evaluation", bad, code, msg)
		}
	}
}

// TestUnusedFlagWarning: a flag the chosen method does not read is named in a warning, and
// the reconstruction still runs.
func TestUnusedFlagWarning(t *testing.T) {
	dir := t.TempDir()
	full, _ := smallCine(t, dir, "cine_sax.mat")
	for _, c := range []struct {
		args []string
		flag string
	}{
		{[]string{"--method", "zf", "--tol", "0.01"}, "--tol"},
		{[]string{"--method", "zf", "--iters", "5"}, "--iters"},
		{[]string{"--method", "sense", "--reg", "wavelet=0.001"}, "--reg"},
	} {
		out := filepath.Join(dir, "out.mat")
		code, _, errOut := cli(t, append(append([]string{"recon"}, c.args...), full, out)...)
		if code != 0 || !strings.Contains(errOut, "flag not used") ||
			!strings.Contains(errOut, c.flag) {
			t.Errorf("recon %v: exit %d, %q; want 0 and a warning naming %s", c.args, code,
				errOut, c.flag)
		}
	}

	// A bad value of an unused flag is refused without first being called unused.
	code, _, errOut := cli(t, "recon", "--method", "sense", "--reg", "tv=0.01,p=2", full,
		filepath.Join(dir, "bad.mat"))
	if code != 2 || strings.Contains(errOut, "flag not used") {
		t.Errorf("recon --method sense --reg p=2: exit %d, %q; want 2 and no unused-flag "+
			"warning", code, errOut)
	}
}

// readTable reads the CS table that tune wrote to path.
func readTable(t *testing.T, path string) *recon.CSTable {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tab, err := recon.ParseCSTable(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return tab
}

// TestTunePhantomSeries: --phantom-series adds the phantom's other series under their
// challenge names, so a T2 map gives Mapping rows; an unknown series is a usage error.
func TestTunePhantomSeries(t *testing.T) {
	if testing.Short() {
		t.Skip("tunes on a 256x108 series")
	}
	dir := t.TempDir()
	table := filepath.Join(dir, "table.tsv")
	code, _, errOut := cli(t, "tune", "--out", table, "--phantom", "--phantom-series",
		"T2map, t1rho", "--scenarios", "Uniform8", "--grid", "wavelet=0.001", "--iters", "3")
	if code != 0 {
		t.Fatalf("tune: exit %d: %s", code, errOut)
	}
	tab := readTable(t, table)
	var mods []string
	for _, r := range tab.Rows {
		mods = append(mods, r.Modality)
	}
	if !slices.Equal(mods, []string{"Mapping", "T1rho"}) {
		t.Errorf("table rows of %v, want a Mapping and a T1rho row", mods)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--phantom", "--phantom-series", "cine,T3map"}, "T3map"},
		{[]string{"--phantom", "--phantom-series", "T2map,t2MAP"}, "twice"},
		{[]string{"--phantom", "--phantom-series", "T2map,,T1map"}, "empty"},
		{[]string{"--phantom-series", "T2map", "x.mat"}, "needs --phantom"},
		{[]string{"--phantom", "--iters", "-1"}, "--iters -1"},
	} {
		code, _, errOut := cli(t, append([]string{"tune", "--out", table}, c.args...)...)
		if code != 2 || !strings.Contains(errOut, c.want) {
			t.Errorf("tune %v: exit %d, %q; want 2 and a line with %q", c.args, code, errOut,
				c.want)
		}
	}
}

// TestTuneSolverMismatch: a grid point the chosen solver cannot take ends tune with a line
// that names the point, not only the file (the grid's other points may be fine).
func TestTuneSolverMismatch(t *testing.T) {
	dir := t.TempDir()
	full, _ := smallCine(t, dir, "cine_sax.mat")
	code, _, errOut := cli(t, "tune", "--out", filepath.Join(dir, "table.tsv"),
		"--scenarios", "Uniform8", "--grid", "lplus=1,splus=0.01,tv=0:0.002", "--iters", "2",
		"--cs-solver", "pogm", full)
	msg := lastLine(errOut)
	if code != 1 || !strings.Contains(msg, "tv=0.002") || !strings.Contains(msg, "pogm") {
		t.Errorf("exit %d, error line %q: want exit 1 and a line naming pogm and the grid "+
			"point with tv=0.002", code, msg)
	}
}

// TestCSOneFrameWarning: --reg with temporal terms only (here the L+S pair) on a file of one
// frame leaves CS nothing to solve, so its output is the CG-SENSE start; recon says so in a
// warning instead of passing that off as CS. Temporal terms beside spatial ones are named as
// ignored, and left out of the regularisers the progress log reports.
func TestCSOneFrameWarning(t *testing.T) {
	dir := t.TempDir()
	o := phantom.DefaultOptions()
	o.NX, o.NY, o.NC, o.NZ, o.NT = 64, 48, 4, 1, 1
	c, err := phantom.New(o)
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "lge.mat")
	k := c.KSpace
	if err := mat.WriteV73(in, mat.Array{Name: "kspace",
		Dims: []int{k.NX, k.NY, k.NC, k.NZ, k.NT}, Data: k.Data}); err != nil {
		t.Fatal(err)
	}
	const warning = "one frame"
	for _, c := range []struct {
		reg  string
		warn bool
	}{{"lplus=1,splus=0.01", true}, {"ttv=0.01,tfft=0.01", true}, {"wavelet=0.002,ttv=0.01",
		true}, {"wavelet=0.002,tv=0.001", false}} {
		code, _, errOut := cli(t, "recon", "--method", "cs", "--reg", c.reg, "--iters", "2",
			"--output-mode", "full", in, filepath.Join(dir, "out.mat"))
		if code != 0 {
			t.Fatalf("--reg %s: exit %d: %s", c.reg, code, errOut)
		}
		got := strings.Contains(errOut, "level=WARN") && strings.Contains(errOut, warning)
		if got != c.warn {
			t.Errorf("--reg %s on one frame: warning %v, want %v; stderr:\n%s", c.reg, got,
				c.warn, errOut)
		}
		if c.reg == "wavelet=0.002,ttv=0.01" && (!strings.Contains(errOut,
			`ignored="ttv=0.01"`) || !strings.Contains(errOut, `regs="wavelet=0.002"`)) {
			t.Errorf("--reg %s on one frame: want ttv named as ignored and left out of the "+
				"regularisers logged; stderr:\n%s", c.reg, errOut)
		}
	}
}

// TestCSLogsRegularizers: recon's progress log names the regularisers CS solved each slice
// with as --reg reads them, before the noise scaling (whose factor it logs beside them), so
// that a run of the table's defaults can be repeated or varied by hand.
func TestCSLogsRegularizers(t *testing.T) {
	dir := t.TempDir()
	in, _ := smallCine(t, dir, "cine_sax.mat")
	for _, c := range []struct {
		scaling, want string
		factor        bool
	}{{"noise", `regs="wavelet=0.002,tv=0.001,p=0.5"`, true},
		{"signal", `regs="wavelet=0.002,tv=0.001,p=0.5"`, false}} {
		code, _, errOut := cli(t, "recon", "--method", "cs", "--reg",
			"wavelet=0.002,tv=0.001,p=0.5", "--lambda-scaling", c.scaling, "--iters", "2",
			"--output-mode", "full", in, filepath.Join(dir, "out.mat"))
		if code != 0 {
			t.Fatalf("--lambda-scaling %s: exit %d: %s", c.scaling, code, errOut)
		}
		var last string
		for l := range strings.Lines(errOut) {
			if strings.Contains(l, "msg=progress") {
				last = l
			}
		}
		if !strings.Contains(last, c.want) ||
			strings.Contains(last, "lambda_factor=") != c.factor {
			t.Errorf("--lambda-scaling %s: last progress line %q: want %s and a "+
				"lambda_factor %v", c.scaling, last, c.want, c.factor)
		}
	}
}

// TestCSTableMissing: a --cs-table file that cannot be opened is named with the flag, as a
// malformed one is.
func TestCSTableMissing(t *testing.T) {
	dir := t.TempDir()
	full, _ := smallCine(t, dir, "cine_sax.mat")
	table := filepath.Join(dir, "absent.tsv")
	code, _, errOut := cli(t, "recon", "--method", "cs", "--cs-table", table, full,
		filepath.Join(dir, "out.mat"))
	if msg := lastLine(errOut); code != 1 || !strings.Contains(msg, "--cs-table "+table) {
		t.Errorf("exit %d, error line %q: want exit 1 and a line naming --cs-table %s", code,
			msg, table)
	}
}

// TestNumericFlags checks that sizes and solver settings out of range are usage errors
// whatever the method, rather than silently replaced or ignored.
func TestNumericFlags(t *testing.T) {
	dir := t.TempDir()
	in, _ := smallCine(t, dir, "cine_sax.mat")
	out := filepath.Join(dir, "o.mat")
	for _, args := range [][]string{
		{"--max-memory", "9223372036854775808"}, {"--max-memory", "NaN"},
		{"--max-memory", "Inf"}, {"--max-memory", "8589934592G"}, {"--max-memory", "0.1"},
		{"--method", "cs", "--lambda", "-1"}, {"--method", "zf", "--lambda", "NaN"},
		{"--iters", "-5"}, {"--tol", "-1"},
	} {
		code, _, errOut := cli(t, append(append([]string{"recon"}, args...), in, out)...)
		if code != 2 || !strings.Contains(errOut, args[len(args)-2]) {
			t.Errorf("recon %v: exit %d, stderr %q; want 2 naming %s", args, code,
				lastLine(errOut), args[len(args)-2])
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a refused command wrote %s", out)
	}
}

// TestShellJoin: the command recorded in a tune table's header pastes back into a shell, as
// /bin/sh reading it back shows.
func TestShellJoin(t *testing.T) {
	args := []string{"--grid", "wavelet=0.002, tv = 0.003", "", "it's", "a/b.mat", "$HOME",
		"x;y", `back\slash`}
	got := shellJoin(args)
	if want := `--grid 'wavelet=0.002, tv = 0.003' '' 'it'\''s' a/b.mat`; !strings.HasPrefix(got,
		want) {
		t.Errorf("shellJoin = %s, want it to start %s", got, want)
	}
	out, err := exec.Command("/bin/sh", "-c", `printf '%s|' `+got).Output()
	if err != nil {
		t.Skipf("no /bin/sh: %v", err)
	}
	if want := strings.Join(args, "|") + "|"; string(out) != want {
		t.Errorf("sh reads %q back as %q, want %q", got, out, want)
	}
}
