// Package fft computes discrete Fourier transforms of complex arrays: 1-D, 2-D and batched,
// plain and centred, with plans built once per shape.
package fft
