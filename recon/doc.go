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
//   - [SENSE] solves (A^H A + lambda I) x = A^H y per slice and frame by conjugate
//     gradients: on the column-decoupled operator for line masks (one problem per image
//     column with [SolverColumns]), on the 2-D operator [SenseOp] otherwise, whose Forward,
//     Adjoint and Normal methods other solvers can reuse with [ConjugateGradient].
//   - [PlanReconstruction], [PlanSENSE] and [PlanCS] state the work and memory of a reconstruction
//     before it starts, and a [Subset] restricts it to what an output needs.
//   - [CS] minimises data consistency plus any combination of regularisers ([RegKind]:
//     l1 wavelet, spatial TV, temporal TV, temporal Fourier l1, locally low rank, low rank
//     plus sparse with [LPlusS]; the l1 terms optionally with the nonconvex p-shrinkage
//     [PShrink], see [Regularizer]) over all frames of a slice with [FISTA], [POGM], [ADMM]
//     or [PrimalDual] ([CSSolver]), built from [Prox] and [LinearOp] parts.
//     [CSTable] holds the measured defaults per modality, mask kind and acceleration;
//     [CSMagnitude] adds the reference's noise floor ([ResidualNoise]).
//
// The hot loops run on the SIMD vector kernels of package asm.
//
// Image scale: ESPIRiT maps have unit root sum of squares over coils, so where they are
// accurate a SENSE image has the magnitude of the RSS ground truth.
package recon
