//go:build !linux

package fft

import "time"

// startClock returns wall time: this system has no thread CPU clock the planner reads (see
// clock_linux.go).
func startClock() (now func() time.Duration, stop func()) {
	return wallClock()
}
