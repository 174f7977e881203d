package fft

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// startClock starts the clock the measuring planner times candidates with and returns a
// function that reads it and a function that stops it. On Linux this is the CPU time of the
// calling thread, to which the goroutine is locked meanwhile: on a shared machine it moves
// much less than wall time, since time spent waiting for the CPU while other processes run is
// not counted. If the thread clock cannot be read it falls back to wall time.
func startClock() (now func() time.Duration, stop func()) {
	runtime.LockOSThread()
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		runtime.UnlockOSThread()
		return wallClock()
	}
	return func() time.Duration {
		unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts)
		return time.Duration(ts.Nano())
	}, runtime.UnlockOSThread
}
