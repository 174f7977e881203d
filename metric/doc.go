// Package metric reproduces the CMRxRecon 2025 image-quality metric: per-image PSNR, SSIM and
// NMSE after a 99.5th-percentile normalisation, the per-file means, and the challenge's group
// aggregation with its missing-file penalty.
//
// # Definition
//
// The official scorer (the challenge's Evaluation.py calmetric, run with scikit-image 0.21,
// numpy 1.24 and scipy 1.10) scores every 2-D image of a file separately:
//
//  1. Each image, ground truth and submission alike, is replaced by |img| / p, where p is the
//     99.5th percentile of |img| over all pixels (numpy's default "linear" method); an image
//     whose percentile is 0 is left as |img|. See [NormalizePercentile].
//  2. One of the two normalised images is the reference A, the other is B. R = max(A).
//  3. PSNR = 10 log10(R² / MSE), MSE = mean((A-B)²). See [PSNR].
//  4. SSIM is scikit-image's structural_similarity with its defaults: a 7x7 uniform window,
//     K1 = 0.01, K2 = 0.03, sample covariance (49/48), data_range R, averaged over the interior
//     [3, nx-3) x [3, ny-3) only. See [SSIM].
//  5. NMSE = ||A-B||² / ||A||². See [NMSE].
//
// A file's scores are the plain means of its per-image PSNR, SSIM and NMSE ([Evaluate]). Files
// are then grouped (centre and vendor, or disease), each group's means are adjusted for
// missing files, and the groups are averaged ([Aggregate]).
//
// # Quirks reproduced
//
//   - Reference order: the scorer calls calmetric(gt, submission) although its parameters are
//     named (pred, gt), so for 4-D and 5-D arrays the submission is the reference A (its maximum
//     is R and its norm is the NMSE denominator), while the 2-D and 3-D branches swap back and
//     use the ground truth. [OrderOfficial] does the same; [OrderTextbook] always uses the
//     ground truth.
//   - Dimensions are taken as the file stores them: a (cx, cy, 1, 3) array is 4-D. The 2025
//     test-phase scorer squeezes singleton dimensions first, so the same array becomes 3-D and
//     changes reference ([Options].Squeeze).
//   - The scorer keeps float32 data: the normalised images are float32, and scikit-image
//     computes SSIM in float32 (its uniform filter sums in float64 and rounds each pass to
//     float32). This package repeats every float32 rounding of that computation, the filter's
//     summation order and numpy's pairwise summation of the means: on the test cases its SSIM
//     is identical to scikit-image's and its PSNR within 2e-16 (relative). An SSIM computed
//     in float64 would differ by up to 7e-7.
//   - NMSE: numpy.linalg.norm of a float32 array sums squares in float32 through the BLAS
//     library, in an order that depends on the BLAS build and the processor, so the official
//     NMSE itself varies between machines by a few 1e-7 (relative). This package sums in
//     float64, the centre of that spread (see [NMSE]).
//   - The 99.5th percentile is computed exactly as numpy does, including its interpolation
//     formula for a fraction of at least 0.5, in float64 from float32 neighbours whose
//     difference is rounded to float32.
//   - The group aggregation divides SSIM and PSNR sums by the expected file count, inflates the
//     mean NMSE by (2 - n_valid/N), and leaves groups without any valid file out of the final
//     mean.
//
// Images smaller than 7 pixels in either dimension are an error, as in scikit-image. Identical
// images give PSNR +Inf; an all-zero pair gives NaN scores, as in the scorer.
package metric
