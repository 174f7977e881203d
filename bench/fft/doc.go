// Package fftbench holds the side-by-side benchmarks of cmrecon's FFT engine: cmrecon's fft
// package on every kernel path this machine runs, gonum's dsp/fourier, and, when built with the
// fftw tag (cgo and Debian's libfftw3-dev), FFTW 3 in single precision with MEASURE plans.
// The normal build leaves FFTW out and stays pure Go. run.sh runs them interleaved and prints
// the ratio tables; see bench/README.md for the figures.
package fftbench
