// Package phantom generates deterministic multi-coil cardiac data, cine by default and T1
// mapping, T2 mapping, T1rho mapping, first-pass perfusion or phase-contrast flow on
// request: cmrecon's stand-in for CMRxRecon k-space, which cannot be redistributed. The
// demo, many tests and the benchmarks run on it.
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
// Over the NT frames of a cine, one cardiac cycle (frame 0 at end-diastole, end-systole at 35 %
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
// # Contrasts
//
// Options.Contrast selects the series. Its zero value, like ContrastCine, is the cine
// described above, whose frames are cardiac phases. ContrastFlow (FlowOptions) is the same
// cine with the flowing blood velocity-encoded, as in the velocity-encoded images of a
// through-plane phase-contrast series: the small flow-related phase 2 atan(f) of the
// descending aorta and the two ventricular blood pools becomes 2 atan(5 f), which peaks at
// 1.97 rad in the aorta at peak ejection and reaches about 1.1 rad in the left-ventricular
// and 0.9 rad in the right-ventricular blood pool (signed: the pools reverse in diastole).
// The pulmonary and hepatic vessels carry no flow phase. The magnitudes are the cine's; the
// lower blood-to-myocardium contrast of a spoiled gradient echo and inflow enhancement are
// left out, and so are the reference images of a phase-contrast acquisition, which have no
// velocity phase.
//
// ContrastT1Map, ContrastT2Map, ContrastT1rho and ContrastPerfusion model breath-held,
// ECG-triggered acquisitions: every frame shows the heart at cardiac phase 0.75 (diastasis
// in mid-diastole), so the frames differ in contrast only and the labels are the same in
// all of them. Each frame is the cine image at that phase with the magnitude of every
// structure multiplied by a factor of its tissue and the frame. The smooth magnitude
// changes inside the tissues, the background phase and the blood's flow phase at that phase
// (below 0.03 rad) are kept. The factors use the T1, T2 and T1rho at 3 T listed with the
// Tissue constants and act on the cine magnitudes, not on proton densities:
//
//   - T1 mapping (MOLLI-like; T1MapOptions): 1 - 2 exp(-TI/T1) at inversion time TI. The
//     factor is signed, so the complex image changes sign through the null at
//     TI = T1 ln 2, as phase-sensitive reconstructions show; the challenge scores the
//     magnitude. The default TIs are MOLLI 4(1)3(1)2's at 60 beats a minute: 100, 180,
//     260, 1100, 1180, 1260, 2100, 2180 and 3100 ms. This is ideal inversion recovery: the
//     Look-Locker readout, which shortens real MOLLI's apparent T1, and the incomplete
//     recovery between the inversions are left out.
//
//   - T2 mapping (T2MapOptions): exp(-TE/T2) after a T2 preparation of duration TE, by
//     default 0, 35 and 55 ms. The frame at 0 ms is the cine image at phase 0.75.
//
//   - T1rho mapping (T1rhoOptions): exp(-TSL/T1rho) after a spin lock of duration TSL, by
//     default 0, 12, 24, 36 and 48 ms. The frame at 0 ms is the cine image at phase 0.75.
//
//   - Perfusion (PerfusionOptions): one saturation-recovery image a heartbeat, frame t at
//     time tau = t/(NT-1) of the series (tau = 0 when NT is 1). Every tissue has the
//     baseline factor 1 - exp(-100 ms/T1) of saturation recovery, scaled so that
//     myocardium has 0.15 (blood 0.096, liver 0.22, fat 0.43). The blood pools, the
//     vessels and myocardium add a bolus, whose parameters are in the table below.
//
// A perfusion bolus adds amp x (g(s) + recirculation x smoothStep((s-1)/2)) to its tissue's
// factor, where g(s) = (s exp(1-s))^alpha of s = (tau-t0)/(tp-t0) is a gamma variate that
// starts at t0 and peaks at 1 at tp. The vessels are the pulmonary and hepatic ones, which
// share one curve:
//
//	tissue       amp    t0     tp    alpha  recirculation
//	RV blood     0.75   0.15   0.30  3      0.2
//	vessels      0.4    0.20   0.37  3      0.2
//	LV blood     0.7    0.25   0.45  3      0.2
//	aorta        0.65   0.27   0.48  3      0.2
//	myocardium   0.5    0.30   0.65  2      0
//	defect       0.2    0.30   0.65  2      0
//
// The other tissues keep their baseline. Any series of NT >= 8 frames has at least two
// identical baseline frames (tau < 0.15), then the right-ventricular peak, the
// left-ventricular one and, last, myocardium's; with NT = 16 they fall in frames 5, 7 and
// 10, where left-ventricular blood gains about 0.67 over its baseline and myocardium 0.10
// (from 0.033). The first pass is compressed into the series so that series of 8 or more
// frames show all of it (one of NT 1 or 2 shows only the baseline and the recirculation); a
// real one spans some 20 to 30 of a series' 40 to 60 heartbeats. The defect is a
// subendocardial region of the inferior wall, about a sixth of the circumference and the
// inner 60 % of the wall thick at its middle, labelled Myocardium, that enhances 0.4 as
// much as the rest of the wall.
//
// The noise does not change with the contrast: Options.SNR is still relative to
// left-ventricular blood in the cine image. At the default SNR of 150, myocardium's SNR is
// about 33 in the cine, 28 at TI 3100 ms and 0 at its null (830 ms), 10 at TE 55 ms, 5 at
// perfusion baseline and 20 at its perfusion peak.
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
// 27 MB of k-space. T1MapOptions, T2MapOptions, T1rhoOptions and PerfusionOptions are the
// same with 9, 3, 5 and 16 frames of their contrast, FlowOptions with 12 velocity-encoded
// cardiac phases. CMRxReconOptions is shaped like a CMRxRecon 2025
// short-axis cine slice, 448x162 with 10 coils and 12 frames, for benchmarks; a full
// 14-slice file would hold 1 GB of k-space.
package phantom
