package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cmrecon/cmrecon/challenge"
)

func TestBarLine(t *testing.T) {
	for _, c := range []struct {
		done, total  int
		elapsed, eta time.Duration
		current      string
		width        int
		want         string
	}{
		{0, 8, 0, -1, "P001/a.mat", 200,
			"[>               ] 0/8 files   0%, 0:00 elapsed, ETA --:--, P001/a.mat"},
		{3, 8, 42 * time.Second, 70 * time.Second, "", 200,
			"[======>         ] 3/8 files  38%, 0:42 elapsed, ETA 1:10"},
		{8, 8, 2*time.Hour + 3*time.Minute + 4*time.Second, 0, "", 200,
			"[================] 8/8 files 100%, 2:03:04 elapsed, ETA 0:00"},
		{1, 2, 0, 0, "P001/long_name.mat", 30, "[========>       ] 1/2 files  "},
	} {
		got := barLine(c.done, c.total, c.elapsed, c.eta, c.current, c.width)
		if got != c.want {
			t.Errorf("barLine(%d, %d, %v, %v, %q, %d)\n got %q\nwant %q", c.done, c.total,
				c.elapsed, c.eta, c.current, c.width, got, c.want)
		}
	}
}

// TestRunProgress runs a tree with the bar forced on (standard error is a buffer here, so
// auto would choose the log) and checks what it draws: every count up to 6, the file in
// progress, an ETA once files are done, and the error of a broken file logged on a line of
// its own above the bar; then the log display, with one line per file.
func TestRunProgress(t *testing.T) {
	sim := simulateTree(t, 3)
	files, err := challenge.FindTreeFiles(sim, "")
	if err != nil {
		t.Fatal(err)
	}
	broken := files[3].KSpace
	good, err := os.ReadFile(broken)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(broken, good[:len(good)/2], 0o644); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(t.TempDir(), "bar")
	t.Setenv("COLUMNS", "200")
	code, _, errOut := cli(t, "run", "--input", sim, "--output", out, "--method", "zf",
		"--jobs", "1", "--progress", "bar")
	if code != 1 {
		t.Fatalf("exit %d, want 1 for the broken file: %s", code, errOut)
	}
	// The broken file fails when the run plans its work, before any file is reconstructed.
	failed := regexp.MustCompile(`\r\x1b\[Ktime=[^\r\n]* level=ERROR msg="file failed" ` +
		`done=\d/6 file=[^\r\n]*` + regexp.QuoteMeta(filepath.Base(broken)) + `[^\r\n]*\n\r\[`)
	if !failed.MatchString(errOut) {
		t.Errorf("the failure is not logged on its own line above the bar:\n%q", errOut)
	}
	frames := strings.Split(failed.ReplaceAllString(errOut, "\r["), "\r")
	seen := map[string]bool{}
	re := regexp.MustCompile(`^\[[=> ]{16}\] (\d)/6 files +\d+%, \d:\d\d elapsed, ` +
		`ETA (--:--|\d:\d\d)(, P00\d/\w+_kus_\w+\.mat)?\x1b\[K`)
	for _, f := range frames[1:] {
		if f == "\x1b[K" {
			continue
		}
		if strings.HasPrefix(f, "time=") {
			continue
		}
		m := re.FindStringSubmatch(f)
		if m == nil {
			t.Fatalf("bar frame %q does not parse", f)
		}
		seen[m[1]] = true
		if m[2] != "--:--" {
			seen["eta"] = true
		}
		if m[3] != "" {
			seen["current"] = true
		}
	}
	// The count starts at 1: the broken file is counted when the run plans its work.
	for _, k := range []string{"1", "2", "3", "4", "5", "6", "current", "eta"} {
		if !seen[k] {
			t.Errorf("the bar never showed %s", k)
		}
	}
	if !strings.Contains(errOut, "\x1b[K\n") {
		t.Error("the bar does not end on a line of its own")
	}

	if err := os.WriteFile(broken, good, 0o644); err != nil {
		t.Fatal(err)
	}
	out = filepath.Join(t.TempDir(), "log")
	code, _, errOut = cli(t, "run", "--input", sim, "--output", out, "--method", "zf")
	if code != 0 || strings.Contains(errOut, "\r") || strings.Count(errOut, "msg=file ") != 6 ||
		!strings.Contains(errOut, "done=6/6") || !strings.Contains(errOut, " eta=") {
		t.Errorf("log display (exit %d):\n%s", code, errOut)
	}

	if code, _, errOut := cli(t, "run", "--input", sim, "--output", out, "--progress",
		"fancy"); code != 2 || !strings.Contains(errOut, "--progress") {
		t.Errorf("--progress fancy: exit %d, %q", code, errOut)
	}
}
