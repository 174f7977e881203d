package mat

import (
	"fmt"
	"os"
	"path/filepath"
)

// checkTarget refuses an output path that exists and is not a regular file (a folder, a
// device such as /dev/null, a pipe): renaming a new file over it would replace it.
func checkTarget(path string) error {
	st, err := os.Stat(path)
	if err != nil || st.Mode().IsRegular() {
		return nil
	}
	return fmt.Errorf("mat: %s: output exists and is not a regular file (%s)", path,
		st.Mode().Type())
}

// createTemp creates a temporary file in the folder of path, so that a rename can put it in
// place atomically.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("mat: %s: %w", path, err)
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("mat: %s: %w", path, err)
	}
	return f, nil
}

// finishTemp syncs and closes a temporary file made by createTemp. On success it returns the
// name to rename; on failure it removes the file.
func finishTemp(f *os.File, path string, werr error) (string, error) {
	name := f.Name()
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(name)
		return "", fmt.Errorf("mat: %s: %w", path, werr)
	}
	return name, nil
}

// writeAtomic writes a file through write into a temporary file in the same folder and
// renames it to path only when everything succeeded, so path never holds a partial file.
// Errors from write must not name the file: writeAtomic adds the name.
func writeAtomic(path string, write func(f *os.File) error) error {
	if err := checkTarget(path); err != nil {
		return err
	}
	f, err := createTemp(path)
	if err != nil {
		return err
	}

	name, err := finishTemp(f, path, write(f))
	if err != nil {
		return err
	}

	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("mat: %s: %w", path, err)
	}
	return nil
}
