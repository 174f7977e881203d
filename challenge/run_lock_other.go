//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package challenge

import (
	"errors"
	"fmt"
	"os"
	"strconv"
)

// lockOutput takes the lock of a run on the output folder dir where flock(2) is missing: it
// creates the shard's lock file exclusively and removes it when the run ends. A run that is
// killed leaves the file behind; remove it by hand once no run uses the tree. Unlike the
// flock version, an unsharded run does not exclude sharded runs.
func lockOutput(dir string, s Shard) (*runLock, error) {
	path := lockPath(dir, shardLockName(s))
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("challenge: %s: %w (lock file %s exists; remove it if no run "+
			"is using the tree)", dir, ErrLocked, path)
	}
	if err != nil {
		return nil, fmt.Errorf("challenge: lock %s: %w", path, err)
	}
	f.WriteString("pid " + strconv.Itoa(os.Getpid()) + "\n")
	return &runLock{files: []*os.File{f}, remove: []string{path}}, nil
}

// release closes and removes the lock file.
func (l *runLock) release() {
	for _, f := range l.files {
		f.Close()
	}
	for _, p := range l.remove {
		os.Remove(p)
	}
	l.files, l.remove = nil, nil
}
