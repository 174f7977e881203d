//go:build !fftw || !cgo

package fftbench

import "errors"

// haveFFTW reports whether this build links FFTW; build with -tags fftw (and cgo) to do so.
const haveFFTW = false

// fftwPlan stands in for the FFTW plan in builds without the fftw tag; it cannot be made.
type fftwPlan struct {
	x []complex64
}

func newFFTWPlan(nx, ny, batch, threads int) (*fftwPlan, error) {
	return nil, errors.New("fftbench: built without the fftw tag")
}

func (f *fftwPlan) execute() {}

// fftwPlanD stands in for the double-precision FFTW plan; it cannot be made either.
type fftwPlanD struct {
	x []complex128
}

func newFFTWPlanD(nx, ny, batch int) (*fftwPlanD, error) {
	return nil, errors.New("fftbench: built without the fftw tag")
}

func (f *fftwPlanD) execute() {}
