// Package recon reconstructs images from multi-coil, undersampled Cartesian k-space: the
// zero-filled root-sum-of-squares baseline, ESPIRiT coil sensitivities from the
// autocalibration region, CG-SENSE and compressed sensing.
//
// Arrays follow MATLAB's column-major layout with the challenge's dimension order
// (nx, ny, nc, nz, nt); see [KSpace]. Transforms are the challenge's orthonormal, centred
// fft2c/ifft2c (package fft), so a fully sampled k-space gives the challenge's ground truth
// with [ZeroFilled].
//
// The pieces, from the top:
//   - [Reconstruct] checks its inputs and runs a [Method] on k-space plus mask.
//   - [ZeroFilled] and [ApplyMask]: the baseline and the undersampling step.
//   - [FindCalibration], [CalibrationData], [EstimateMaps] and [ESPIRiT]: coil maps as
//     BART's "ecalib -m1" computes them.
//   - [SENSE] solves (A^H A + lambda I) x = A^H y per slice and frame with
//     [ConjugateGradient] on the operator [SenseOp], whose Forward, Adjoint and Normal
//     methods other solvers can reuse.
//   - [CS] minimises data consistency plus any combination of regularisers ([RegKind]:
//     l1 wavelet, spatial TV, temporal TV, temporal Fourier l1, locally low rank) over all
//     frames of a slice with [FISTA] or [ADMM], built from [Prox] and [LinearOp] parts.
//     [CSTable] holds the measured defaults per modality, mask kind and acceleration;
//     [CSMagnitude] adds the reference's noise floor ([ResidualNoise]).
//
// Image scale: ESPIRiT maps have unit root sum of squares over coils, so where they are
// accurate a SENSE image has the magnitude of the RSS ground truth.
package recon
