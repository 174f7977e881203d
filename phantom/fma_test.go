package phantom

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestNoFusedMultiplyAdd compiles this package for two targets whose compilers fuse x*y+z
// (arm64, and amd64 with GOAMD64=v3) and fails if any fused multiply-add, or any call to a
// math function whose result may differ between platforms, appears in the package's own
// code. Such code would break the bit-identical output that TestGolden pins down. It runs
// the go command (about 30 s with a cold build cache), so -short skips it.
func TestNoFusedMultiplyAdd(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles the package for other targets; skipped in -short mode")
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not found")
	}

	fused := regexp.MustCompile(`\b(V?F(N)?M(ADD|SUB)[0-9A-Z]*)\b`)
	// Calls allowed: exact operations (no rounding) only.
	call := regexp.MustCompile(`CALL\s+math\.(\w+)`)
	exact := map[string]bool{"frexp": true, "archMax": true, "archMin": true,
		"Round": true, "Abs": true, "Float64bits": true, "max": true, "min": true}

	for _, env := range [][]string{
		{"GOARCH=arm64"},
		{"GOARCH=amd64", "GOAMD64=v3"},
	} {
		cmd := exec.Command(gobin, "build", "-gcflags=github.com/cmrecon/cmrecon/phantom=-S",
			"-o", os.DevNull, ".")
		cmd.Env = append(os.Environ(), append(env, "CGO_ENABLED=0")...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v go build: %v\n%s", env, err, out)
		}

		n := 0
		sc := bufio.NewScanner(bytes.NewReader(out))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			// The listing holds this package's functions only, with the code inlined into
			// them; instruction lines carry a source position.
			if !strings.Contains(line, ".go:") {
				continue
			}
			n++
			if m := fused.FindStringSubmatch(line); m != nil {
				t.Errorf("%v: fused multiply-add %s: %s", env, m[1], strings.TrimSpace(line))
			}
			if m := call.FindStringSubmatch(line); m != nil && !exact[m[1]] {
				t.Errorf("%v: call to math.%s: %s", env, m[1], strings.TrimSpace(line))
			}
		}
		if n < 1000 {
			t.Errorf("%v: only %d instructions of the package in the listing", env, n)
		}
	}
}
