package fftbench

import (
	"math"
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

// timeLoop runs f under b.Loop and reports cpu-ns/op. With keep not nil it rescales the data
// every keep.every calls, so that repeated in-place transforms time finite data. The
// rescaling is followed by one more call of f, and both are left out of the time and of the
// CPU time: the rescaling takes longer than fft's helpers keep polling for work
// (fft/parallel.go), and the untimed call has them polling again when the timer restarts.
func timeLoop(b *testing.B, f func(), keep *finite) {
	var skipped int64
	calls := 0
	c0 := cpuNanos()
	for b.Loop() {
		f()
		calls++
		if keep != nil && calls%keep.every == 0 {
			r0 := cpuNanos()
			b.StopTimer()
			keep.rescale()
			f()
			b.StartTimer()
			skipped += cpuNanos() - r0
		}
	}
	b.ReportMetric(float64(cpuNanos()-c0-skipped)/float64(b.N), "cpu-ns/op")
}

// finite says how timeLoop keeps the data of repeated unnormalised transforms finite: an
// unnormalised transform of length n multiplies the data's RMS by sqrt(n), so without
// rescaling complex64 data overflow to Inf and NaN after about a dozen 2-D transforms. That
// is not harmless: on batch 10 of 256x256, two threads over one measured 1.54x with the
// overflowing data and 1.73x with finite ones (8 interleaved rounds each, bench/README.md).
type finite struct {
	every   int    // calls between rescalings
	rescale func() // sets the data's RMS to 1
}

// keepFinite returns the rescaling for x, transformed over length n by every call. It
// rescales after 200/log2(n) - 1 timed calls (and timeLoop's one untimed call), so that the
// RMS grows by at most 2^100 in between, leaving float32's range (2^128) a margin of 2^28 for
// the peaks.
func keepFinite[T complex64 | complex128](x []T, n int) *finite {
	every := 1
	if n > 1 {
		every = max(1, int(200/math.Log2(float64(n)))-1)
	}
	return &finite{every: every, rescale: func() {
		k := T(complex(1/rms(x), 0))
		for i := range x {
			x[i] *= k
		}
	}}
}

// rms returns the root mean square of x, and panics if it is not finite and positive.
func rms[T complex64 | complex128](x []T) float64 {
	var s float64
	for _, v := range x {
		c := complex128(v)
		s += real(c)*real(c) + imag(c)*imag(c)
	}
	r := math.Sqrt(s / float64(len(x)))
	if !(r > 0) || math.IsInf(r, 0) {
		panic("fftbench: the benchmark data are not finite")
	}
	return r
}
