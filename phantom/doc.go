// Package phantom generates deterministic multi-coil cardiac cine data: cmrecon's stand-in
// for CMRxRecon cine k-space, which cannot be redistributed. The demo, many tests and the
// benchmarks run on it.
//
// # Scene
//
// A short-axis-like slice through an elliptical body (330 x 240 mm) seen with
// balanced-SSFP-like contrast: a bright subcutaneous fat layer and a darker muscle layer
// form the body wall; two dark lungs with small bright vessels flank the heart; the liver
// lies at the back on the patient's right (image left), with the stomach opposite it in
// apical slices; the spine, spinal canal, descending aorta, sternum and ribs complete the
// chest. The heart has a bright left-ventricular blood pool with two papillary muscles,
// ringed by a grey myocardium, and a right ventricle that wraps around it as a crescent,
// with small epicardial fat pads at the junctions.
//
// Over the NT frames of one cardiac cycle (frame 0 at end-diastole, end-systole at 35 %
// of the cycle, then rapid filling, diastasis and the atrial kick, all with continuous
// first and second derivatives) the left-ventricular cavity radius shrinks from 24 to
// 15 mm while the myocardial area is kept, so the wall thickens from 8 to 11 mm; the right
// ventricle shrinks too, the heart shifts by 3 mm and the papillary muscles turn by 5
// degrees. Blood in the ventricles and the aorta carries a phase that follows the
// ejection and filling rate. There is no through-plane motion and no breathing: tissue
// away from the heart is bit-identical in every frame.
//
// Slices are centred on the mid-ventricle, SliceGap apart, from base (slice 0) to apex.
// Each ventricle is a half-ellipsoid along the long axis, so the cavities narrow toward
// the apex and vanish beyond it (LV cavity at +45 mm, RV at +35 mm, LV wall at +55 mm);
// above -45 mm the basal size is kept. The lungs shrink and the liver and stomach grow
// toward the apex.
//
// Every structure is an ellipse (or elliptical ring) defined in millimetres and drawn
// with a smooth outline 1.5 pixels wide, so the scene is the same at any matrix size and
// free of staircase aliasing. Magnitudes vary smoothly inside tissues, and the whole image
// carries a smooth phase of about -0.9 to 1.1 rad: real MR images are not real-valued.
//
// # Geometry and scale
//
// x runs along the readout (the patient's left toward +x) and y along the phase encoding
// (anterior toward -y); pixel (NX/2, NY/2) is the origin, the centre of the centred FFT.
// Options.FOVX and FOVY set the extent. The default 720 mm readout FOV models 2x readout
// oversampling: the body fills the central half of x, as in CMRxRecon data, and the heart
// lies in the challenge's central crop of round(NX/3) x round(NY/2) pixels.
//
// Magnitudes are on a fixed, documented scale rather than CMRxRecon's (whose coil-combined
// images peak near 0.001 to 0.005): left-ventricular blood is 1 in the true image (see
// the Tissue constants for the others), and the coil maps' root-sum-of-squares is 1 at
// the centre of the left ventricle at end-diastole in the mid-ventricular plane (between
// about 1 and 2 over the body). So the noiseless coil-combined image is 1 there, and
// Options.SNR is exactly that signal over the noise standard deviation.
//
// # Coils, k-space and noise
//
// NC coils sit on an ellipse around the body, alternating between two rings 70 mm apart
// along the long axis. Each map is a smooth falloff with distance, (1 + r^2/(110 mm)^2)
// to the power -1.5, times a constant phase and a smooth phase ramp (about 1 rad across
// the body). Coil image c of
// slice z and frame t is map(c, z) x image(z, t) plus complex white Gaussian noise of
// standard deviation 1/SNR per sample (half the variance in each of the real and imaginary
// parts, independent between coils, pixels, slices and frames), drawn from a stream
// seeded by (Seed, c, z, t); its centred forward FFT is the k-space plane. The FFT is
// unitary, so the k-space noise is white with the same standard deviation.
//
// Cine.GroundTruth is the root-sum-of-squares of the noisy coil images, as the
// challenge's reference is the root-sum-of-squares of the measured (noisy), fully sampled
// coil images: a reconstruction is scored against a reference that contains the noise
// realisation. Cine.Noiseless, Cine.Image and Cine.Maps give the noise-free truth for tests
// that need it.
//
// # Determinism
//
// For the same Options every output is bit-identical across runs and thread counts, and
// everything except KSpace is bit-identical across platforms: the package uses no map
// iteration, fixed seeds, an integer random generator (SplitMix64), its own sine, cosine
// and logarithm built from correctly rounded operations, and explicit rounding that keeps
// the compiler from fusing multiply-adds (checked by a test that compiles the package for
// arm64 and amd64 v3). KSpace is as reproducible as package fft.
//
// # Sizes
//
// DefaultOptions is the demo's case: 256x108 (2.8 mm pixels), 10 coils, 1 slice, 12 frames,
// 27 MB of k-space. CMRxReconOptions is shaped like a CMRxRecon 2025 short-axis cine slice,
// 448x162 with 10 coils and 12 frames, for benchmarks; a full 14-slice file would hold 1 GB
// of k-space.
package phantom
