// Package recon reconstructs images from multi-coil, undersampled Cartesian k-space: the
// zero-filled root-sum-of-squares baseline, ESPIRiT coil sensitivities from the
// autocalibration region, and CG-SENSE.
//
// Arrays follow MATLAB's column-major layout with the challenge's dimension order
// (nx, ny, nc, nz, nt); see [KSpace].
package recon
