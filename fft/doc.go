// Package fft computes discrete Fourier transforms of complex arrays: 1-D, 2-D and batched,
// plain and centred, with plans built once per shape.
//
// # Plans
//
// A [Plan] transforms column-major arrays of one shape (axis 0 fastest) along some of their
// axes; the other axes are a batch (coils, frames, slices). [NewPlan2D] is the common case of
// one complex64 image. Transforms run in place or out of place, forward or inverse, plain,
// orthonormal ([Ortho]) or centred ([Centered]: the origin of every axis at n/2, the
// challenge's fft2c and ifft2c being [Plan.CenteredForward] and [Plan.CenteredInverse]). A
// plan is immutable and safe for concurrent use; transforms allocate nothing once its scratch
// pool is warm, and [Plan.WithWorkers] spreads each one over goroutines.
//
// Every axis is transformed by a mixed-radix Stockham algorithm (no bit reversal) with
// butterflies for radix 2, 3, 4, 5, 7 and 8, a generic odd-radix butterfly, and Bluestein's
// algorithm for large primes, so any length is O(n log n). The transforms of an axis are done
// several lines at a time ("lanes", side by side in a small buffer), which is what the SIMD
// kernels vectorise: a vector holds the same element of neighbouring lines, so no shuffles
// are needed. Centring is folded into the moves in and out of that buffer as a rotation of
// the index by n/2, exact for every length, so it costs no extra pass over the data: a
// centred 2-D transform takes 1.02x to 1.03x the time of a plain one, where fftshift copies
// around the plain one take 1.11x to 1.27x (BenchmarkCentering; bench/README.md, "Centring").
//
// A plan with one transformed axis also offers [Plan.Filter], a filter in the Fourier
// domain (forward transform, a change of the spectrum in the lane buffer, inverse transform)
// block by block of lines with the block kept in cache in between, and
// [Plan.TransformPitched], for lines along axis 0 that lie further apart than their length.
//
// # Planning
//
// [NewPlan] chooses each axis's decomposition (the radices and their order, and the lanes per
// block) by a fixed rule and times nothing. [MeasurePlan] times the candidate decompositions
// of every axis on this machine, as part of the whole transform and with the active kernels,
// and keeps the fastest, like FFTW's MEASURE planner. Its choices go into a [Wisdom], which
// [Wisdom.Save] writes (atomically) and [LoadWisdom] reads back, so later runs build the same
// plans with [NewPlanWisdom] (or MeasurePlan) without timing again.
//
// # Kernels
//
// The stage kernels and moves exist in pure Go, the reference, and in assembly for AVX2+FMA
// and AVX-512 (amd64) and NEON (arm64), for both element types. The stage kernels are
// generated (asmgen_test.go, neongen_test.go) from one butterfly description per radix, the
// complex128 ones in double precision with half as many elements per vector. Which runs is
// chosen per CPU at start-up by package asm and can be forced at run time ([asm.Force]); the
// purego build tag leaves the assembly out. Accuracy tests (relative RMS error against a
// float64 direct DFT below 1e-6 for complex64 and 1e-14 for complex128) and differential fuzz
// targets run on every path in both precisions; bench/README.md has the speed beside FFTW and
// gonum.
package fft
