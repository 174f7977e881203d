package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/challenge"
)

// testPhaseInput simulates a test-set tree (ground truth at full size) and copies what the
// test phase mounts at /input, the UnderSample_ and Mask_ folders of TaskR1, into a new
// folder standing in for /input. It returns that folder and the simulated tree (the ground
// truth).
func testPhaseInput(t *testing.T) (input, sim string) {
	t.Helper()
	sim = filepath.Join(t.TempDir(), "sim")
	code, _, errOut := cli(t, "simulate", "--phantom", "3", "--phantom-size", phantomSize,
		"--output", sim, "--set", "TestSet", "--gt-mode", "full")
	if code != 0 {
		t.Fatalf("simulate: %s", errOut)
	}
	input = filepath.Join(t.TempDir(), "input")
	for _, rel := range listFiles(t, filepath.Join(sim, "TaskR1")) {
		if strings.Contains(rel, "UnderSample_TaskR1") || strings.Contains(rel, "Mask_TaskR1") {
			copyFile(t, filepath.Join(sim, "TaskR1", rel), filepath.Join(input, "TaskR1", rel))
		}
	}
	return input, sim
}

// digest maps every file and folder below root to a hash of its content (folders: "dir").
func digest(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		b, err := os.ReadFile(p)
		sum := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(sum[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestContainerCommand runs the image's entrypoint as the test phase runs it, with
// temporary folders standing in for /input (made read-only) and /output: every file is
// reconstructed at full size into /output/<Task>/.../TestSet/UnderSample_<Task>/, the check
// passes, the input is left exactly as it was, and the test-phase scorer finds every
// submission valid against the full-size ground truth.
func TestContainerCommand(t *testing.T) {
	input, sim := testPhaseInput(t)
	before := digest(t, input)
	readOnly(t, input)
	out := filepath.Join(t.TempDir(), "output")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}

	code, stdout, errOut := cli(t, "container", "--input", input, "--output", out,
		"--method", "zf")
	if code != 0 {
		t.Fatalf("container: exit %d: %s", code, errOut)
	}
	if !strings.Contains(stdout, "6 files: 6 done") ||
		!strings.Contains(stdout, "6 of 6 outputs complete") {
		t.Errorf("container output:\n%s", stdout)
	}
	if !strings.Contains(errOut, "msg=container") || !strings.Contains(errOut,
		"output_mode=full") {
		t.Errorf("container log:\n%s", errOut)
	}
	subs := listFiles(t, filepath.Join(out, "TaskR1"))
	if len(subs) != 6 {
		t.Fatalf("submissions %v", subs)
	}
	layout := regexp.MustCompile(`^MultiCoil/(Cine|Mapping)/TestSet/UnderSample_TaskR1/` +
		`Center00[12]/[^/]+/P00[123]/(cine_sax|T1map)_kus_\w+\.mat$`)
	for _, s := range subs {
		if !layout.MatchString(filepath.ToSlash(s)) {
			t.Errorf("submission %s is not where the test-phase scorer looks", s)
		}
		a, err := challenge.ReadImage(filepath.Join(out, "TaskR1", s), nil)
		if err != nil {
			t.Fatal(err)
		}
		want := []int{64, 48, 3, 4} // cine
		if strings.Contains(s, "T1map") {
			want[3] = 9 // the T1-mapping series of WritePhantomSet
		}
		if !slices.Equal(a.Dims, want) {
			t.Errorf("%s has dims %v, want the full size %v", s, a.Dims, want)
		}
	}
	if after := digest(t, input); !maps.Equal(before, after) {
		t.Error("the container changed its input")
	}

	r := scoreTree(t, "--test", "--gt", sim, "--submission", out)
	if s := r.Tasks[0].Summary; s.ValidFiles != 6 || s.Files != 6 {
		t.Errorf("test-phase score: %d of %d files valid", s.ValidFiles, s.Files)
	}

	// The environment alone configures the entrypoint, as docker run -e does.
	out2 := filepath.Join(t.TempDir(), "output")
	t.Setenv("CMRECON_INPUT", input)
	t.Setenv("CMRECON_OUTPUT", out2)
	t.Setenv("CMRECON_OUTPUT_MODE", "ranking")
	t.Setenv("CMRECON_METHOD", "zf")
	t.Setenv("CMRECON_THREADS", "1")
	code, _, errOut = cli(t, "container")
	if code != 0 {
		t.Fatalf("container from the environment: exit %d: %s", code, errOut)
	}
	for _, s := range listFiles(t, filepath.Join(out2, "TaskR1")) {
		a, err := challenge.ReadImage(filepath.Join(out2, "TaskR1", s), nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Dims[0] != 21 || a.Dims[1] != 24 {
			t.Errorf("%s: dims %v, want the ranking crop 21x24", s, a.Dims)
		}
	}
}

// readOnly removes the write permissions below root (which binds only when the tests do not
// run as root; the digests check the input in any case) and restores them at the end.
func readOnly(t *testing.T, root string) {
	t.Helper()
	var paths []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		paths = append(paths, p)
		return err
	})
	for _, p := range paths {
		if err := os.Chmod(p, 0o555); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		for _, p := range paths {
			os.Chmod(p, 0o755)
		}
	})
}

// TestContainerBadInput: the default folders are /input and /output; a missing input, an
// input without k-space files, or an output that is a file each end with exit 1 and one
// line naming the problem.
func TestContainerBadInput(t *testing.T) {
	for _, v := range []string{"CMRECON_INPUT", "CMRECON_OUTPUT"} {
		t.Setenv(v, "")
	}
	if _, err := os.Stat(challenge.ContainerInput); os.IsNotExist(err) {
		code, stdout, errOut := cli(t, "container")
		if code != 1 || stdout != "" || !strings.Contains(lastLine(errOut), "/input") {
			t.Errorf("no /input: exit %d, %q", code, lastLine(errOut))
		}
	}

	input, _ := testPhaseInput(t)
	file := filepath.Join(t.TempDir(), "output")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in, out, want string
	}{
		{filepath.Join(input, "absent"), t.TempDir(), "absent"},
		{t.TempDir(), t.TempDir(), "no undersampled k-space files"},
		{input, file, file},
	} {
		code, _, errOut := cli(t, "container", "--input", c.in, "--output", c.out)
		msg := lastLine(errOut)
		if code != 1 || !strings.HasPrefix(msg, "cmrecon container: ") ||
			!strings.Contains(msg, c.want) {
			t.Errorf("container --input %s --output %s: exit %d, %q; want 1 and %q", c.in,
				c.out, code, msg, c.want)
		}
	}
}

// TestDockerfile checks the Dockerfile against the code, since Docker cannot run here: a
// multi-stage build of a static binary (CGO_ENABLED=0) with the Go version of go.mod, copied
// into a static base image, whose entrypoint is the container command.
func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(mod)
	if goVersion == nil {
		t.Fatal("no go line in go.mod")
	}

	var from []string
	var build, entry, copyFrom string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "FROM "):
			from = append(from, line)
		case strings.HasPrefix(line, "RUN CGO_ENABLED=0 go build"):
			build = line
		case strings.HasPrefix(line, "ENTRYPOINT "):
			entry = line
		case strings.HasPrefix(line, "COPY --from=build "):
			copyFrom = line
		}
	}
	if len(from) != 2 || !strings.HasPrefix(from[0], "FROM golang:"+string(goVersion[1])) ||
		!strings.HasSuffix(from[0], " AS build") ||
		!regexp.MustCompile(`distroless/static|alpine`).MatchString(from[1]) {
		t.Errorf("stages %q: want golang:%s AS build, then a static base image", from,
			goVersion[1])
	}
	out := regexp.MustCompile(`-o (\S+) \./cmd/cmrecon`).FindStringSubmatch(build)
	if out == nil {
		t.Fatalf("build line %q does not build ./cmd/cmrecon with cgo off", build)
	}
	cp := strings.Fields(copyFrom)
	if len(cp) != 4 || cp[2] != out[1] {
		t.Fatalf("COPY line %q does not copy %s", copyFrom, out[1])
	}
	want := `ENTRYPOINT ["` + cp[3] + `", "container"]`
	if entry != want {
		t.Errorf("entrypoint %q, want %q", entry, want)
	}
	if !slices.ContainsFunc(commands(), func(c command) bool { return c.name == "container" }) {
		t.Error("no container command")
	}
}

// TestNoNetworkCode checks that the command does not link the net package, so it can open
// no connection: the test phase runs the container without a network.
func TestNoNetworkCode(t *testing.T) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}
	out, err := exec.Command(goCmd, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for dep := range strings.FieldsSeq(string(out)) {
		if dep == "net" || strings.HasPrefix(dep, "net/") || dep == "crypto/tls" {
			t.Errorf("cmrecon depends on %s", dep)
		}
	}
}

// TestContainerCSFromEnvironment: the CS settings come from the environment too (docker run
// -e CMRECON_REG=...), reach the reconstruction (the output folder records them), and a bad
// value is a usage error that names the flag it stands for.
func TestContainerCSFromEnvironment(t *testing.T) {
	input, _ := testPhaseInput(t)
	out := filepath.Join(t.TempDir(), "output")
	t.Setenv("CMRECON_INPUT", input)
	t.Setenv("CMRECON_OUTPUT", out)
	t.Setenv("CMRECON_OUTPUT_MODE", "ranking")
	t.Setenv("CMRECON_METHOD", "cs")
	t.Setenv("CMRECON_THREADS", "2")
	t.Setenv("CMRECON_REG", "wavelet=0.004")
	t.Setenv("CMRECON_CS_SOLVER", "pogm")
	t.Setenv("CMRECON_NOISE_FLOOR", "off")
	t.Setenv("CMRECON_LAMBDA_SCALING", "signal")
	code, _, errOut := cli(t, "container", "--iters", "3", "--warm-start", "2")
	if code != 0 {
		t.Fatalf("container with CS from the environment: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(filepath.Join(out, challenge.SettingsName))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"wavelet=0.004", "pogm", "off", "lambda-scaling=signal"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("recorded settings %q lack %q", strings.TrimSpace(string(b)), want)
		}
	}

	t.Setenv("CMRECON_OUTPUT", filepath.Join(t.TempDir(), "output"))
	t.Setenv("CMRECON_CS_SOLVER", "newton")
	code, _, errOut = cli(t, "container")
	if msg := lastLine(errOut); code != 2 || !strings.Contains(msg, "--cs-solver") {
		t.Errorf("CMRECON_CS_SOLVER=newton: exit %d, %q; want 2 naming --cs-solver", code, msg)
	}
}
