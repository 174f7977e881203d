//go:build fftw && cgo

package fftbench

/*
#cgo LDFLAGS: -lfftw3f_threads -lfftw3f -lfftw3 -lm -lpthread
#include <fftw3.h>

static int cm_init_threads(void) { return fftwf_init_threads(); }

// cm_plan plans an in-place forward 2-D transform of batch column-major nx*ny arrays (x
// fastest) with FFTW_MEASURE on nthreads threads.
static fftwf_plan cm_plan(fftwf_complex *x, int nx, int ny, int batch, int nthreads) {
	int n[2] = {ny, nx};
	fftwf_plan_with_nthreads(nthreads);
	return fftwf_plan_many_dft(2, n, batch, x, NULL, 1, nx * ny, x, NULL, 1, nx * ny,
		FFTW_FORWARD, FFTW_MEASURE);
}

// cm_plan_d is cm_plan in double precision (one thread).
static fftw_plan cm_plan_d(fftw_complex *x, int nx, int ny, int batch) {
	int n[2] = {ny, nx};
	return fftw_plan_many_dft(2, n, batch, x, NULL, 1, nx * ny, x, NULL, 1, nx * ny,
		FFTW_FORWARD, FFTW_MEASURE);
}
*/
import "C"

import (
	"errors"
	"unsafe"
)

// haveFFTW reports whether this build links FFTW.
const haveFFTW = true

func init() {
	if C.cm_init_threads() == 0 {
		panic("fftbench: fftwf_init_threads failed")
	}
}

// fftwPlan is an FFTW MEASURE plan for in-place forward 2-D transforms of a batch, with the
// FFTW-allocated (SIMD-aligned) array it runs on.
type fftwPlan struct {
	p C.fftwf_plan
	x []complex64
}

// newFFTWPlan plans batch transforms of nx*ny complex64 arrays on threads threads. Planning
// with MEASURE overwrites the array, so fill it afterwards.
func newFFTWPlan(nx, ny, batch, threads int) (*fftwPlan, error) {
	n := nx * ny * batch
	mem := C.fftwf_malloc(C.size_t(n * 8))
	if mem == nil {
		return nil, errors.New("fftbench: fftwf_malloc failed")
	}
	x := unsafe.Slice((*complex64)(mem), n)
	p := C.cm_plan((*C.fftwf_complex)(mem), C.int(nx), C.int(ny), C.int(batch), C.int(threads))
	if p == nil {
		C.fftwf_free(mem)
		return nil, errors.New("fftbench: FFTW could not plan the transform")
	}
	return &fftwPlan{p: p, x: x}, nil
}

// execute runs the plan on its own array.
func (f *fftwPlan) execute() { C.fftwf_execute(f.p) }

// fftwPlanD is an FFTW MEASURE plan in double precision (fftw3, one thread) for in-place
// forward 2-D transforms of a batch, with the FFTW-allocated array it runs on.
type fftwPlanD struct {
	p C.fftw_plan
	x []complex128
}

// newFFTWPlanD plans batch transforms of nx*ny complex128 arrays. Planning with MEASURE
// overwrites the array, so fill it afterwards.
func newFFTWPlanD(nx, ny, batch int) (*fftwPlanD, error) {
	n := nx * ny * batch
	mem := C.fftw_malloc(C.size_t(n * 16))
	if mem == nil {
		return nil, errors.New("fftbench: fftw_malloc failed")
	}
	x := unsafe.Slice((*complex128)(mem), n)
	p := C.cm_plan_d((*C.fftw_complex)(mem), C.int(nx), C.int(ny), C.int(batch))
	if p == nil {
		C.fftw_free(mem)
		return nil, errors.New("fftbench: FFTW could not plan the transform")
	}
	return &fftwPlanD{p: p, x: x}, nil
}

// execute runs the plan on its own array.
func (f *fftwPlanD) execute() { C.fftw_execute(f.p) }
