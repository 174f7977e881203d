// Package challenge holds the rules of the CMRxRecon challenge that sit around a
// reconstruction: the undersampling masks of the 2025 mask generator, the detection of the
// calibration (ACS) region of a given mask, the slice, frame and crop selection of the
// ranking submission (img4ranking), and the file names and folder trees of the challenge
// data.
//
// Dimensions follow the challenge's MATLAB order: a mask is (nx, ny, nt), an image series is
// (nx, ny, nz, nt), column-major with x fastest, and every index this package returns is
// 0-based. Where MATLAB rounds, this package rounds half away from zero as MATLAB's round
// does (Go's math.Round), not half to even as Python's round does.
//
// The package depends only on package recon. It produces arrays and MATLAB dims; writing
// them to a MAT file is left to the caller.
package challenge
