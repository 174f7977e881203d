package fftbench

import (
	"syscall"
	"testing"
)

// cpuNanos returns the user+system CPU time of the process in nanoseconds, or 0 where
// getrusage fails. The benchmarks report it per operation beside wall time: on a shared
// machine CPU time moves much less than wall time when other processes compete for the cores.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// timeLoop runs f under b.Loop and reports cpu-ns/op.
func timeLoop(b *testing.B, f func()) {
	c0 := cpuNanos()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(cpuNanos()-c0)/float64(b.N), "cpu-ns/op")
}
