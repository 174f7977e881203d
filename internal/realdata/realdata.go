// Package realdata locates the third-party sample files that tests use when they are present
// on the machine, and skips those tests when they are not.
package realdata

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// EnvVar names the environment variable that overrides the sample folder.
const EnvVar = "CMRECON_REAL_DATA"

// Dir returns the folder of real sample files: $CMRECON_REAL_DATA if set, otherwise
// ../shared/data/real next to the repository. It returns "" when the folder is absent.
func Dir() string {
	if d := os.Getenv(EnvVar); d != "" {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
		return ""
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	d := filepath.Join(root, "..", "shared", "data", "real")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d
	}
	return ""
}

// Path returns the path of rel inside the sample folder, or skips the test when the folder or
// the file is absent.
func Path(t testing.TB, rel string) string {
	t.Helper()
	d := Dir()
	if d == "" {
		t.Skip("real sample data folder not present; set " + EnvVar)
	}
	p := filepath.Join(d, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("real sample %s not present", rel)
	}
	return p
}
