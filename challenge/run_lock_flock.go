//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package challenge

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"syscall"
)

// lockOutput takes the locks of a run on the output folder dir. The tree lock
// .cmrecon-run.lock is taken exclusively by an unsharded run and shared by sharded runs,
// which also take their shard's lock exclusively: two runs of the same shard, or an
// unsharded run and any other run, cannot work on one tree at once, while the shards of a
// job array can. The locks are flock(2) locks, released by the kernel when the process dies,
// so a killed run leaves no stale lock behind. Over NFS, Linux maps flock to POSIX locks,
// which NFSv4 servers honour.
func lockOutput(dir string, s Shard) (*runLock, error) {
	l := &runLock{}
	how := syscall.LOCK_EX
	if s.Count > 0 {
		how = syscall.LOCK_SH
	}
	if err := l.take(dir, treeLockName, how); err != nil {
		return nil, err
	}
	if s.Count > 0 {
		if err := l.take(dir, shardLockName(s), syscall.LOCK_EX); err != nil {
			l.release()
			return nil, err
		}
	}
	return l, nil
}

// take opens and flocks one lock file without waiting.
func (l *runLock) take(dir, name string, how int) error {
	path := lockPath(dir, name)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("challenge: lock %s: %w", path, err)
	}

	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("challenge: %s: %w (lock %s is held)", dir, ErrLocked, path)
		}
		return fmt.Errorf("challenge: lock %s: %w", path, err)
	}

	if how == syscall.LOCK_EX {
		if err := f.Truncate(0); err == nil {
			f.WriteAt([]byte("pid "+strconv.Itoa(os.Getpid())+"\n"), 0)
		}
	}
	l.files = append(l.files, f)
	return nil
}

// release drops the locks. The lock files stay: removing a flock'd file would let a third
// run lock a new file of the same name while a second one holds the old.
func (l *runLock) release() {
	for _, f := range l.files {
		f.Close()
	}
	l.files = nil
}
