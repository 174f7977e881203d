package recon

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Defaults of the ESPIRiT options: those of BART's ecalib (src/calib/calib.c: ecalib_defaults,
// src/ecalib.c).
const (
	DefaultKernel          = 6     // kernel width along kx and ky
	DefaultCalibSize       = 24    // largest calibration region edge
	DefaultThreshold       = 0.001 // keep kernels with (sigma/sigma_max)^2 > threshold
	DefaultCrop            = 0.8   // zero the maps where the eigenvalue is at most this
	DefaultPowerIterations = 30    // power iterations per pixel
)

// ESPIRiTOptions configures ESPIRiT. Zero values select the defaults above.
type ESPIRiTOptions struct {
	// Kernel is the kernel width in samples along kx and ky (default 6).
	Kernel int

	// CalibSize caps each edge of the calibration region (default 24). EstimateMaps uses
	// the centred part of the region found in the mask; ESPIRiT uses its input as given.
	CalibSize int

	// Threshold sets the signal subspace: kernels whose singular value sigma satisfies
	// sigma > sqrt(Threshold) * sigma_max are kept, BART's rule (default 0.001).
	Threshold float64

	// Crop zeroes the maps at pixels whose eigenvalue is at most Crop (default 0.8). A
	// negative value keeps every pixel.
	Crop float64

	// Iterations is the largest number of power iterations per pixel (default 30, BART's
	// count); a pixel stops earlier once its eigenvector has converged.
	Iterations int

	// Maps is the number of sets of maps: 1 (values below 1 too) keeps the dominant
	// eigenvector of each pixel, 2 also the second one (BART's ecalib -m2), which models
	// pixels where two tissue positions overlap, as in an image that aliases because its
	// field of view is too small. A second set that the crop zeroes everywhere is dropped.
	Maps int

	// Threads bounds the goroutines used (values below 1: one per CPU).
	Threads int
}

// withDefaults returns o with zero fields replaced by the defaults, or an error for values
// that cannot work.
func (o ESPIRiTOptions) withDefaults() (ESPIRiTOptions, error) {
	if o.Kernel == 0 {
		o.Kernel = DefaultKernel
	}
	if o.CalibSize == 0 {
		o.CalibSize = DefaultCalibSize
	}
	if o.Threshold == 0 {
		o.Threshold = DefaultThreshold
	}
	if o.Crop == 0 {
		o.Crop = DefaultCrop
	}
	if o.Iterations == 0 {
		o.Iterations = DefaultPowerIterations
	}

	switch {
	case o.Kernel < 1:
		return o, fmt.Errorf("recon: ESPIRiT kernel %d is not positive", o.Kernel)
	case o.CalibSize < o.Kernel:
		return o, fmt.Errorf("recon: ESPIRiT calibration size %d is smaller than kernel %d",
			o.CalibSize, o.Kernel)
	case !(o.Threshold > 0 && o.Threshold < 1):
		return o, fmt.Errorf("recon: ESPIRiT threshold %v is not in (0, 1)", o.Threshold)
	case math.IsNaN(o.Crop) || o.Crop >= 1:
		return o, fmt.Errorf("recon: ESPIRiT crop %v is not below 1", o.Crop)
	case o.Iterations < 1:
		return o, fmt.Errorf("recon: ESPIRiT iterations %d is not positive", o.Iterations)
	case o.Maps > 2:
		return o, fmt.Errorf("recon: ESPIRiT maps %d: at most 2 sets are estimated", o.Maps)
	}
	return o, nil
}

// CoilMaps holds coil sensitivity maps for every slice, column-major (nx, ny, nc, nz) with x
// fastest, and the eigenvalue map ESPIRiT found at each pixel, (nx, ny, nz). With NM = 2 it
// holds two sets (see ESPIRiTOptions.Maps), one after the other: Data is
// (nx, ny, nc, nz, 2) and Eigen (nx, ny, nz, 2). NM = 0 means one set. SENSE uses the first
// set only; CS uses every set.
type CoilMaps struct {
	NX, NY, NC, NZ int
	NM             int
	Data           []complex64
	Eigen          []float32
}

// Sets returns the number of sets of maps, at least 1.
func (s *CoilMaps) Sets() int { return max(s.NM, 1) }

// Set returns set im as a CoilMaps of one set, sharing Data.
func (s *CoilMaps) Set(im int) *CoilMaps {
	n := s.NX * s.NY * s.NC * s.NZ
	out := &CoilMaps{NX: s.NX, NY: s.NY, NC: s.NC, NZ: s.NZ, Data: s.Data[im*n : (im+1)*n]}
	if e := s.NX * s.NY * s.NZ; len(s.Eigen) >= (im+1)*e {
		out.Eigen = s.Eigen[im*e : (im+1)*e]
	}
	return out
}

// Plane returns the nx*ny map of coil ic in slice iz, sharing Data.
func (s *CoilMaps) Plane(ic, iz int) []complex64 {
	n := s.NX * s.NY
	off := n * (ic + s.NC*iz)
	return s.Data[off : off+n : off+n]
}

// Slice returns the maps of every coil of slice iz (nc planes of nx*ny), sharing Data.
func (s *CoilMaps) Slice(iz int) []complex64 {
	n := s.NX * s.NY * s.NC
	return s.Data[iz*n : (iz+1)*n : (iz+1)*n]
}

// EstimateMaps estimates ESPIRiT coil sensitivities for every slice of k: it finds the
// calibration region of m (FindCalibration), keeps at most opts.CalibSize x opts.CalibSize
// samples of it around the k-space centre, averages them over the frames (CalibrationData)
// and runs ESPIRiT. Errors about the calibration region wrap ErrNoCalibration. (BART's
// ecalib centres the window along ky too, but slides it along the readout kx to where the
// data have the most energy.)
func EstimateMaps(k *KSpace, m *Mask, opts ESPIRiTOptions) (*CoilMaps, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkKSpace(k); err != nil {
		return nil, err
	}
	if err := checkMask(m, k.NX, k.NY, k.NT); err != nil {
		return nil, err
	}

	r, err := FindCalibration(m)
	if err != nil {
		return nil, err
	}
	r = limitRegion(r, o.CalibSize, o.CalibSize, k.NX, k.NY)
	cal, err := CalibrationData(k, m, r)
	if err != nil {
		return nil, err
	}
	return ESPIRiT(cal, k.NX, k.NY, o)
}

// ESPIRiT estimates one set of coil sensitivity maps per slice (BART's "ecalib -m1") for
// images of nx x ny pixels from cal, a fully sampled calibration block of k-space
// (cal.NX x cal.NY samples per coil and slice, one frame; see CalibrationData). Its position
// in k-space does not matter.
//
// Per slice:
//  1. Every Kernel x Kernel x nc patch of cal is a row of the calibration matrix A. Its
//     singular vectors come from the eigen-decomposition of the Gram matrix, done in float64
//     as the real symmetric problem of twice the size; those with
//     sigma > sqrt(Threshold) * sigma_max span the signal subspace, with projector P.
//  2. The image-domain matrix of pixel r is G(r) = sum over kernel offsets d, d' of
//     P[(c,d),(c',d')] exp(2 pi i (d-d').r) / Kernel^2, an nc x nc Hermitian matrix whose
//     entries are trigonometric polynomials of degree Kernel-1. They are evaluated exactly at
//     full resolution, separably along x and y (no FFT, no interpolation: this equals BART's
//     zero-padded low-resolution FFT followed by sinc interpolation).
//  3. The map at r is the eigenvector of G(r) for its largest eigenvalue, found by power
//     iteration (at most Iterations steps, from the column of G(r) with the largest
//     diagonal entry) and normalised to unit root sum of squares over coils. Where the
//     data agree with the model the eigenvalue is close to 1.
//  4. Phase: each pixel's map is rotated so that its projection onto the first principal
//     component of the calibration data across coils (the dominant eigenvector u of
//     sum y y^H over calibration samples y) is real and positive: sum_c conj(u_c) s_c > 0,
//     BART's default rotation. The maps are thus fixed up to one phase per slice, that of u,
//     chosen so that u's largest entry is real and positive.
//  5. Crop: maps are zeroed where the eigenvalue is at most Crop (Crop < 0 keeps all).
//
// Slices are estimated in parallel, and so are the pixel rows of step 3, on at most
// opts.Threads goroutines; gonum's matrix products in step 1 may add goroutines of their own.
func ESPIRiT(cal *KSpace, nx, ny int, opts ESPIRiTOptions) (*CoilMaps, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	if err := checkKSpace(cal); err != nil {
		return nil, err
	}
	if cal.NT != 1 {
		return nil, fmt.Errorf("recon: ESPIRiT calibration data has %d frames, want 1 "+
			"(average them with CalibrationData)", cal.NT)
	}
	if cal.NX < o.Kernel || cal.NY < o.Kernel {
		return nil, fmt.Errorf("%w: %dx%d calibration region is smaller than the %dx%d "+
			"ESPIRiT kernel", ErrNoCalibration, cal.NX, cal.NY, o.Kernel, o.Kernel)
	}
	if nx < cal.NX || ny < cal.NY {
		return nil, fmt.Errorf("recon: %dx%d image is smaller than the %dx%d calibration "+
			"region", nx, ny, cal.NX, cal.NY)
	}

	perSlice := make([]*espiritSlice, cal.NZ)
	errs := make([]error, cal.NZ)
	parallelFor(cal.NZ, o.Threads, func(_, iz int) {
		perSlice[iz], errs[iz] = newESPIRiTSlice(cal, iz, nx, o)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	nc := cal.NC
	nm := max(o.Maps, 1)
	out := &CoilMaps{
		NX: nx, NY: ny, NC: nc, NZ: cal.NZ, NM: nm,
		Data:  make([]complex64, nx*ny*nc*cal.NZ*nm),
		Eigen: make([]float32, nx*ny*cal.NZ*nm),
	}
	setLen, eigLen := nx*ny*nc*cal.NZ, nx*ny*cal.NZ
	ey := trigTable(ny, o.Kernel)
	workers := min(threadCount(o.Threads), cal.NZ*ny)
	scratch := make([]*pixelEigen, workers)
	for w := range scratch {
		scratch[w] = newPixelEigen(nc)
	}

	parallelFor(cal.NZ*ny, workers, func(w, job int) {
		iz, y := job/ny, job%ny
		s, pe := perSlice[iz], scratch[w]
		for x := range nx {
			s.matrix(pe.g, x, ey[y*s.width:(y+1)*s.width])
			pe.orth = false
			for im := range nm {
				if im > 0 {
					pe.deflate()
				}
				lambda := pe.dominant(o.Iterations)
				pe.keep(lambda)
				pe.rotate(s.ref)
				if o.Crop >= 0 && lambda <= o.Crop {
					clear(pe.v)
				}

				out.Eigen[im*eigLen+x+nx*(y+ny*iz)] = float32(lambda)
				for c := range nc {
					out.Data[im*setLen+nx*ny*(c+nc*iz)+x+nx*y] = complex64(pe.v[c])
				}
			}
		}
	})
	if nm == 2 {
		second := out.Data[setLen:]
		if !slices.ContainsFunc(second, func(v complex64) bool { return v != 0 }) {
			out.NM, out.Data, out.Eigen = 1, out.Data[:setLen], out.Eigen[:eigLen]
		}
	}
	return out, nil
}

// espiritSlice is the result of the calibration step for one slice: the image-domain
// matrices G(x, y) partly evaluated along x, and the phase reference.
type espiritSlice struct {
	nc    int
	width int // 2*kernel - 1 frequencies per axis

	// h[e][x*width+j] is the lower-triangle entry e = c*(c+1)/2 + d (c >= d) of G at pixel
	// column x, summed over the x frequencies, for y frequency j.
	h [][]complex128

	ref []complex128 // first principal component of the calibration data, unit norm
}

// newESPIRiTSlice runs steps 1 and 2 of ESPIRiT on slice iz of cal, for images nx wide.
func newESPIRiTSlice(cal *KSpace, iz, nx int, o ESPIRiTOptions) (*espiritSlice, error) {
	kw, nc := o.Kernel, cal.NC
	kk := kw * kw
	nk := kk * nc

	proj, err := signalProjector(cal, iz, kw, o.Threshold)
	if err != nil {
		return nil, err
	}

	width := 2*kw - 1
	ntri := nc * (nc + 1) / 2
	g := make([][]complex128, ntri)
	for c := range nc {
		for d := 0; d <= c; d++ {
			e := c*(c+1)/2 + d
			g[e] = make([]complex128, width*width)
			for t := range kk {
				tx, ty := t%kw, t/kw
				for u := range kk {
					ux, uy := u%kw, u/kw
					j := (tx - ux + kw - 1) + width*(ty-uy+kw-1)
					g[e][j] += proj[(t+kk*c)*nk+u+kk*d]
				}
			}
			for j := range g[e] {
				g[e][j] /= complex(float64(kk), 0)
			}
		}
	}

	ex := trigTable(nx, kw)
	h := make([][]complex128, ntri)
	for e := range ntri {
		h[e] = make([]complex128, nx*width)
		for x := range nx {
			for jy := range width {
				var s complex128
				for jx := range width {
					s += ex[x*width+jx] * g[e][jx+width*jy]
				}
				h[e][x*width+jy] = s
			}
		}
	}

	ref, err := principalComponent(cal, iz)
	if err != nil {
		return nil, err
	}
	return &espiritSlice{nc: nc, width: width, h: h, ref: ref}, nil
}

// matrix fills the full Hermitian nc x nc matrix g (row-major) with G at pixel (x, y), given
// the row of the y table for y.
func (s *espiritSlice) matrix(g []complex128, x int, ey []complex128) {
	nc, w := s.nc, s.width
	for c := range nc {
		for d := 0; d <= c; d++ {
			hv := s.h[c*(c+1)/2+d][x*w : (x+1)*w]
			var v complex128
			for j, e := range ey {
				v += e * hv[j]
			}
			g[c*nc+d] = v
			g[d*nc+c] = cmplx.Conj(v)
		}
		g[c*nc+c] = complex(real(g[c*nc+c]), 0)
	}
}

// trigTable returns exp(2 pi i f (p - n/2) / n) for p in [0, n) and the 2*kw-1 frequencies
// f in [-(kw-1), kw-1], laid out as table[p*(2*kw-1) + f + kw-1].
func trigTable(n, kw int) []complex128 {
	width := 2*kw - 1
	t := make([]complex128, n*width)
	for p := range n {
		for j := range width {
			f := j - (kw - 1)
			phase := 2 * math.Pi * float64(f*(p-n/2)%n) / float64(n)
			t[p*width+j] = cmplx.Rect(1, phase)
		}
	}
	return t
}

// signalProjector returns the projector P onto the signal subspace of the calibration matrix
// of slice iz, as a row-major nk x nk complex matrix with nk = kw*kw*nc. Index t + kw*kw*c
// stands for coil c at kernel offset t = tx + kw*ty.
//
// The patches x_p (p < np) span the signal subspace, so it is the dominant eigenspace of
// C = X X^H, where column p of the nk x np matrix X is x_p. When there are fewer patches
// than kernel entries, the np x np matrix X^H X (same non-zero eigenvalues, eigenvectors w)
// is decomposed instead and P = X Q X^H with Q = sum over kept w w^H / eigenvalue.
func signalProjector(cal *KSpace, iz, kw int, threshold float64) ([]complex128, error) {
	nc := cal.NC
	kk := kw * kw
	nk := kk * nc
	px, py := cal.NX-kw+1, cal.NY-kw+1
	np := px * py

	xr := mat.NewDense(nk, np, nil)
	xi := mat.NewDense(nk, np, nil)
	for c := range nc {
		plane := cal.Plane(c, iz, 0)
		for t := range kk {
			tx, ty := t%kw, t/kw
			a := t + kk*c
			for y := range py {
				for x := range px {
					v := plane[(x+tx)+cal.NX*(y+ty)]
					xr.Set(a, x+px*y, float64(real(v)))
					xi.Set(a, x+px*y, float64(imag(v)))
				}
			}
		}
	}

	// TODO: this dense eigen-decomposition (gonum, pure Go) takes 0.4-0.6 s per slice of
	// 10 coils, half of ESPIRiT's time (BenchmarkESPIRiT), although only the signal
	// subspace is needed.
	if np >= nk {
		// C = X X^H: real part Xr Xr^T + Xi Xi^T, imaginary part Xi Xr^T - Xr Xi^T.
		gr, gi := hermProduct(xr, xi, false)
		vals, vecs, err := hermEigen(gr, gi)
		if err != nil {
			return nil, fmt.Errorf("recon: ESPIRiT slice %d: %w", iz, err)
		}
		n, err := signalCount(vals, threshold)
		if err != nil {
			return nil, fmt.Errorf("%w: slice %d: %v", ErrNoCalibration, iz, err)
		}
		pr, pi := topProjector(vals, vecs, n, false)
		return toComplex(pr, pi), nil
	}

	// D = X^H X: real part Xr^T Xr + Xi^T Xi, imaginary part Xr^T Xi - Xi^T Xr.
	dr, di := hermProduct(xr, xi, true)
	vals, vecs, err := hermEigen(dr, di)
	if err != nil {
		return nil, fmt.Errorf("recon: ESPIRiT slice %d: %w", iz, err)
	}
	n, err := signalCount(vals, threshold)
	if err != nil {
		return nil, fmt.Errorf("%w: slice %d: %v", ErrNoCalibration, iz, err)
	}
	qr, qi := topProjector(vals, vecs, n, true)

	// T = X Q, then P = T X^H.
	tr, ti := new(mat.Dense), new(mat.Dense)
	tr.Mul(xr, qr)
	tr.Sub(tr, mul(xi, qi))
	ti.Mul(xr, qi)
	ti.Add(ti, mul(xi, qr))

	pr, pi := new(mat.Dense), new(mat.Dense)
	pr.Mul(tr, xr.T())
	pr.Add(pr, mul(ti, xi.T()))
	pi.Mul(ti, xr.T())
	pi.Sub(pi, mul(tr, xi.T()))
	return toComplex(pr, pi), nil
}

// hermProduct returns the real and imaginary parts of X X^H, or of X^H X when inner is
// true, for X = xr + i xi:
//
//	X X^H = (xr xr^T + xi xi^T) + i (xi xr^T - xr xi^T)
//	X^H X = (xr^T xr + xi^T xi) + i (xr^T xi - xi^T xr)
func hermProduct(xr, xi *mat.Dense, inner bool) (re, im *mat.Dense) {
	re, im = new(mat.Dense), new(mat.Dense)
	if inner {
		re.Mul(xr.T(), xr)
		re.Add(re, mul(xi.T(), xi))
		im.Mul(xr.T(), xi)
		im.Sub(im, mul(xi.T(), xr))
		return re, im
	}

	re.Mul(xr, xr.T())
	re.Add(re, mul(xi, xi.T()))
	im.Mul(xi, xr.T())
	im.Sub(im, mul(xr, xi.T()))
	return re, im
}

// mul returns the matrix product a b.
func mul(a, b mat.Matrix) *mat.Dense {
	var p mat.Dense
	p.Mul(a, b)
	return &p
}

// hermEigen decomposes the Hermitian matrix re + i im through the real symmetric matrix
// [[re, -im], [im, re]] of twice the size, whose eigenvalues are those of the Hermitian
// matrix, each twice; eigenvector [x; y] stands for x + i y. Eigenvalues are ascending and
// eigenvectors are the columns of vecs.
func hermEigen(re, im *mat.Dense) ([]float64, *mat.Dense, error) {
	n, _ := re.Dims()
	m := mat.NewSymDense(2*n, nil)
	for a := range n {
		for b := 0; b <= a; b++ {
			r, i := (re.At(a, b)+re.At(b, a))/2, (im.At(a, b)-im.At(b, a))/2
			m.SetSym(a, b, r)
			m.SetSym(n+a, n+b, r)
			m.SetSym(n+a, b, i)
			m.SetSym(n+b, a, -i)
		}
	}

	var eig mat.EigenSym
	if !eig.Factorize(m, true) {
		return nil, nil, errors.New("eigen-decomposition did not converge")
	}
	vecs := new(mat.Dense)
	eig.VectorsTo(vecs)
	return eig.Values(nil), vecs, nil
}

// signalCount returns how many eigenvalues mu of the Hermitian matrix behind vals (as
// hermEigen returns them) satisfy mu > threshold * mu_max, BART's rule
// sigma > sqrt(threshold) * sigma_max on the singular values sigma = sqrt(mu).
func signalCount(vals []float64, threshold float64) (int, error) {
	n2 := len(vals)
	top := (vals[n2-1] + vals[n2-2]) / 2
	if !(top > 0) {
		return 0, errors.New("the calibration data hold no signal")
	}

	n := 0
	for i := range n2 / 2 {
		if (vals[n2-1-2*i]+vals[n2-2-2*i])/2 > threshold*top {
			n++
		}
	}
	return n, nil
}

// topProjector returns the real and imaginary parts of sum over the n dominant eigenvectors
// w of w w^H, each divided by its eigenvalue when weighted is true. It takes the 2n
// dominant real eigenvectors u of the embedding: sum u u^T is [[Re, -Im], [Im, Re]] of the
// complex sum, whatever basis the solver chose inside a repeated eigenvalue.
func topProjector(vals []float64, vecs *mat.Dense, n int, weighted bool) (re, im *mat.Dense) {
	n2 := len(vals)
	u := vecs.Slice(0, n2, n2-2*n, n2).(*mat.Dense)
	scaled := u
	if weighted {
		scaled = mat.NewDense(n2, 2*n, nil)
		scaled.Apply(func(_, j int, v float64) float64 { return v / vals[n2-2*n+j] }, u)
	}

	var full mat.Dense
	full.Mul(scaled, u.Slice(0, n2/2, 0, 2*n).T())
	re = mat.DenseCopyOf(full.Slice(0, n2/2, 0, n2/2))
	im = mat.DenseCopyOf(full.Slice(n2/2, n2, 0, n2/2))
	return re, im
}

// toComplex joins real and imaginary parts into a row-major complex matrix.
func toComplex(re, im *mat.Dense) []complex128 {
	r, c := re.Dims()
	out := make([]complex128, r*c)
	for i := range r {
		for j := range c {
			out[i*c+j] = complex(re.At(i, j), im.At(i, j))
		}
	}
	return out
}

// principalComponent returns the dominant eigenvector u (unit norm) of the coil covariance
// sum y y^H over the calibration samples y of slice iz, with its largest entry made real
// and positive.
func principalComponent(cal *KSpace, iz int) ([]complex128, error) {
	nc := cal.NC
	cov := make([]complex128, nc*nc)
	for c := range nc {
		pc := cal.Plane(c, iz, 0)
		for d := 0; d <= c; d++ {
			pd := cal.Plane(d, iz, 0)
			var s complex128
			for i, v := range pc {
				s += complex128(v) * cmplx.Conj(complex128(pd[i]))
			}
			cov[c*nc+d] = s
			cov[d*nc+c] = cmplx.Conj(s)
		}
	}

	m := mat.NewSymDense(2*nc, nil)
	for c := range nc {
		for d := range nc {
			v := cov[c*nc+d]
			m.SetSym(c, d, real(v))
			m.SetSym(nc+c, nc+d, real(v))
			m.SetSym(nc+c, d, imag(v))
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(m, true) {
		return nil, fmt.Errorf("recon: eigen-decomposition of slice %d coil covariance failed",
			iz)
	}
	var vecs mat.Dense
	eig.VectorsTo(&vecs)

	u := make([]complex128, nc)
	big := 0
	for c := range nc {
		u[c] = complex(vecs.At(c, 2*nc-1), vecs.At(nc+c, 2*nc-1))
		if cmplx.Abs(u[c]) > cmplx.Abs(u[big]) {
			big = c
		}
	}
	rot := cmplx.Conj(u[big]) / complex(cmplx.Abs(u[big]), 0)
	var norm float64
	for c := range u {
		u[c] *= rot
		norm += real(u[c])*real(u[c]) + imag(u[c])*imag(u[c])
	}
	for c := range u {
		u[c] /= complex(math.Sqrt(norm), 0)
	}
	return u, nil
}

// pixelEigen is per-worker scratch for the per-pixel eigenvector.
type pixelEigen struct {
	nc      int
	g       []complex128 // nc x nc, row-major
	v, w    []complex128
	last    []complex128 // the last eigenvector found (see keep)
	lastVal float64
	orth    bool // keep v orthogonal to last (after deflate)
}

// newPixelEigen allocates scratch for nc coils.
func newPixelEigen(nc int) *pixelEigen {
	return &pixelEigen{
		nc:   nc,
		g:    make([]complex128, nc*nc),
		v:    make([]complex128, nc),
		w:    make([]complex128, nc),
		last: make([]complex128, nc),
	}
}

// keep records the eigenpair just found (before rotate), for deflate.
func (pe *pixelEigen) keep(lambda float64) {
	copy(pe.last, pe.v)
	pe.lastVal = lambda
}

// deflate removes the kept eigenpair from g: g -= lambda v v^H, so that dominant then
// finds the next eigenvector, kept orthogonal to the removed one at every step.
func (pe *pixelEigen) deflate() {
	pe.orth = true
	nc := pe.nc
	for c := range nc {
		for d := range nc {
			pe.g[c*nc+d] -= complex(pe.lastVal, 0) * pe.last[c] * cmplx.Conj(pe.last[d])
		}
	}
}

// dominant runs at most iters power iterations on g, leaving the unit eigenvector estimate
// in v, and returns its Rayleigh quotient. It stops early once an iteration moves v by less
// than 1e-9 (in norm), far below the float32 precision of the maps. A zero matrix gives
// v = 0 and eigenvalue 0.
func (pe *pixelEigen) dominant(iters int) float64 {
	nc, g := pe.nc, pe.g
	start := 0
	for c := range nc {
		if real(g[c*nc+c]) > real(g[start*nc+start]) {
			start = c
		}
	}
	if !(real(g[start*nc+start]) > 0) {
		clear(pe.v)
		return 0
	}
	for c := range nc {
		pe.v[c] = g[c*nc+start]
	}
	normalize(pe.v)

	for range iters {
		pe.apply()
		if normalize(pe.w) == 0 {
			clear(pe.v)
			return 0
		}
		var moved float64
		for c, w := range pe.w {
			d := w - pe.v[c]
			moved += real(d)*real(d) + imag(d)*imag(d)
		}
		pe.v, pe.w = pe.w, pe.v
		if moved < 1e-18 {
			break
		}
	}

	pe.apply()
	var rq float64
	for c, vc := range pe.v {
		rq += real(vc)*real(pe.w[c]) + imag(vc)*imag(pe.w[c])
	}
	return rq
}

// apply sets w = g v, projected orthogonally to the deflated vector after deflate.
func (pe *pixelEigen) apply() {
	nc := pe.nc
	for c := range nc {
		row := pe.g[c*nc : (c+1)*nc]
		var s complex128
		for d, vd := range pe.v {
			s += row[d] * vd
		}
		pe.w[c] = s
	}
	if pe.orth {
		var p complex128
		for c, l := range pe.last {
			p += cmplx.Conj(l) * pe.w[c]
		}
		for c, l := range pe.last {
			pe.w[c] -= p * l
		}
	}
}

// rotate multiplies v by the unit phase that makes sum_c conj(ref_c) v_c real and positive.
func (pe *pixelEigen) rotate(ref []complex128) {
	var p complex128
	for c, vc := range pe.v {
		p += cmplx.Conj(ref[c]) * vc
	}
	a := cmplx.Abs(p)
	if a == 0 {
		return
	}
	rot := cmplx.Conj(p) / complex(a, 0)
	for c := range pe.v {
		pe.v[c] *= rot
	}
}

// normalize scales v to unit norm and returns its former norm (leaving v alone when it is 0).
func normalize(v []complex128) float64 {
	var s float64
	for _, x := range v {
		s += real(x)*real(x) + imag(x)*imag(x)
	}
	n := math.Sqrt(s)
	if n > 0 {
		inv := 1 / n
		for i, x := range v {
			v[i] = complex(real(x)*inv, imag(x)*inv)
		}
	}
	return n
}
