package mat

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// killWriterEnv tells a re-executed test binary to be the writer that TestKillDuringWrite
// kills: it writes a large file to the path the variable holds and never returns early.
const killWriterEnv = "CMRECON_TEST_KILL_WRITER"

// TestKillDuringWrite kills a process with SIGKILL while WriteV5 is in the middle of a large
// file, in both write paths (v5 and v7.3), and checks what is left: the destination must not
// exist (a reader or a resumed run finds nothing to accept), and the only thing in the
// folder is the writer's temporary file, hidden by its leading dot.
func TestKillDuringWrite(t *testing.T) {
	if p := os.Getenv(killWriterEnv); p != "" {
		writeForKill(p)
		return
	}
	if testing.Short() {
		t.Skip("writes hundreds of megabytes")
	}

	for _, format := range []string{"v5", "v73"} {
		dir := t.TempDir()
		dst := filepath.Join(dir, "out_"+format+".mat")
		cmd := exec.Command(os.Args[0], "-test.run", "^TestKillDuringWrite$")
		cmd.Env = append(os.Environ(), killWriterEnv+"="+dst)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}

		tmp := waitForTemp(t, dir, 20*time.Second)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		cmd.Wait()

		if _, err := os.Stat(dst); !os.IsNotExist(err) {
			t.Errorf("%s: the destination exists after the writer was killed (%v)", format,
				err)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name()[0] != '.' {
				t.Errorf("%s: visible file %s left by the killed writer", format, e.Name())
			}
		}
		t.Logf("%s: killed with %s partly written", format, tmp)
	}
}

// waitForTemp waits until a temporary file with some bytes in it appears in dir and returns
// its name.
func waitForTemp(t *testing.T, dir string, limit time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if info, err := e.Info(); err == nil && e.Name()[0] == '.' && info.Size() > 1<<20 {
				return e.Name()
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("no temporary file grew in %s within %v", dir, limit)
	return ""
}

// writeForKill writes a 256 MiB array to path, in the format its name says, and exits.
func writeForKill(path string) {
	data := make([]float64, 32<<20)
	for i := range data {
		data[i] = float64(i%977) * 1.25
	}
	a := Array{Name: "img4ranking", Dims: []int{4096, 8192}, Data: data}
	var err error
	if strings.HasSuffix(path, "_v73.mat") {
		err = WriteV73(path, a)
	} else {
		err = WriteV5(path, true, a)
	}
	if err != nil {
		os.Exit(3)
	}
	os.Exit(0)
}
