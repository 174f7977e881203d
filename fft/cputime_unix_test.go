//go:build unix

package fft

import "syscall"

// cpuNanos returns the user+system CPU time of the process in nanoseconds. Benchmarks report
// it per operation next to wall time because the machines they run on are shared: CPU time
// moves much less than wall time when other processes compete for the cores.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
