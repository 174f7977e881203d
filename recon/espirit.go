package recon

import (
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/mat"

	"github.com/cmrecon/cmrecon/asm"
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

	// Iterations is the number of power iterations per pixel (default 30, BART's count).
	Iterations int

	// Maps is the number of sets of maps: 1 (values below 1 too) keeps the dominant
	// eigenvector of each pixel, 2 also the second one (BART's ecalib -m2), which models
	// pixels where two tissue positions overlap, as in an image that aliases because its
	// field of view is too small. A second set that the crop zeroes everywhere is dropped.
	Maps int

	// Threads bounds the goroutines used (values below 1: one per CPU).
	Threads int

	// Keep, when not nil, reports whether the maps of slice iz are needed; the maps of the
	// other slices are left zero (EstimateMaps and ESPIRiT skip them).
	Keep func(iz int) bool
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
//  1. Every Kernel x Kernel x nc patch of cal is a row of the calibration matrix A. The
//     Gram matrix of the patches, C = sum over patches x x^H (nk x nk, nk = Kernel^2 nc),
//     is accumulated from summed-area tables of the products of coil pairs at each of the
//     (2 Kernel - 1)^2 relative shifts, without forming A. C is reduced to real
//     tridiagonal form by Householder reflections in complex float64 arithmetic; its
//     eigenvalues mu = sigma^2 (sigma the singular values of A) come from gonum's QL
//     iteration, and only the eigenvectors with sigma > sqrt(Threshold) * sigma_max, which
//     span the signal subspace with projector P, are computed, by inverse iteration.
//  2. The image-domain matrix of pixel r is G(r) = sum over kernel offsets d, d' of
//     P[(c,d),(c',d')] exp(2 pi i (d-d').r) / Kernel^2, an nc x nc Hermitian matrix whose
//     entries are trigonometric polynomials of degree Kernel-1. They are evaluated exactly at
//     full resolution, separably along x and y (no FFT, no interpolation: this equals BART's
//     zero-padded low-resolution FFT followed by sinc interpolation), the x part in float64
//     once per slice, the y part per image row in float32.
//  3. The map at r is the eigenvector of G(r) for its largest eigenvalue, found by
//     Iterations power iterations from the column of G(r) with the largest diagonal entry
//     and normalised to unit root sum of squares over coils. Where the data agree with the
//     model the eigenvalue is close to 1. The iterations run in float32 on a whole segment
//     of an image row at once, entry by entry of G, on the SIMD kernels of package asm.
//  4. Phase: each pixel's map is rotated so that its projection onto the first principal
//     component of the calibration data across coils (the dominant eigenvector u of
//     sum y y^H over calibration samples y) is real and positive: sum_c conj(u_c) s_c > 0,
//     BART's default rotation. The maps are thus fixed up to one phase per slice, that of u,
//     chosen so that u's largest entry is real and positive.
//  5. Crop: maps are zeroed where the eigenvalue is at most Crop (Crop < 0 keeps all).
//
// The result agrees with the straightforward computation (dense eigen-decomposition, float64
// power iteration pixel by pixel; see TestESPIRiTMatchesReference) to float32 precision where
// the power iteration has converged. Slices are calibrated in parallel, and the pixel rows of
// step 3 are spread over at most opts.Threads goroutines.
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

	var kept []int
	for iz := range cal.NZ {
		if o.Keep == nil || o.Keep(iz) {
			kept = append(kept, iz)
		}
	}
	perSlice := make([]*espiritCal, cal.NZ)
	errs := make([]error, cal.NZ)
	parallelFor(len(kept), o.Threads, func(_, i int) {
		iz := kept[i]
		perSlice[iz], errs[iz] = calibrate(cal, iz, nx, o)
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
	workers := min(threadCount(o.Threads), max(1, len(kept)*ny))
	scratch := make([]*rowEigen, workers)
	parallelFor(len(kept)*ny, workers, func(w, job int) {
		iz, y := kept[job/ny], job%ny
		if scratch[w] == nil {
			scratch[w] = newRowEigen(nc, min(nx, eigenSegment))
		}
		s := perSlice[iz]
		for x0 := 0; x0 < nx; x0 += eigenSegment {
			seg := min(eigenSegment, nx-x0)
			re := scratch[w].resize(seg)
			re.matrices(s, ey[y*s.width:(y+1)*s.width], x0)
			re.dominant(o.Iterations)
			re.store(out, 0, s.ref, iz, x0+nx*y, o.Crop)
			if nm == 2 {
				re.second(o.Iterations)
				re.store(out, 1, s.ref, iz, x0+nx*y, o.Crop)
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

// eigenSegment is the number of pixels of an image row whose eigenvectors are iterated
// together: the nc^2 planes of G for 128 pixels and 10 coils take 100 KiB, which stays in
// the L2 cache over the iterations, and the kernel calls are long enough to amortise.
const eigenSegment = 128

// espiritCal is the result of the calibration step for one slice: the entries of G(x, y)
// summed over the x frequencies, and the phase reference.
type espiritCal struct {
	nc    int
	width int // 2*kernel - 1 frequencies per axis

	// h[e] holds, for the lower-triangle entry e = c*(c+1)/2 + d (c >= d) of G, the
	// complex64 values at pixel column x for y frequency j at j*nx + x.
	h  [][]complex64
	nx int

	ref []complex128 // first principal component of the calibration data, unit norm
}

// calibrate runs steps 1 and 2 of ESPIRiT on slice iz of cal, for images nx wide.
func calibrate(cal *KSpace, iz, nx int, o ESPIRiTOptions) (*espiritCal, error) {
	kw, nc := o.Kernel, cal.NC
	kk := kw * kw

	vecs, err := signalSubspace(cal, iz, kw, o.Threshold)
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
					var p complex128
					for _, v := range vecs {
						p += v[t+kk*c] * cmplx.Conj(v[u+kk*d])
					}
					g[e][j] += p
				}
			}
			for j := range g[e] {
				g[e][j] /= complex(float64(kk), 0)
			}
		}
	}
	ex := trigTable(nx, kw)
	h := make([][]complex64, ntri)
	for e := range ntri {
		h[e] = make([]complex64, width*nx)
		for x := range nx {
			for jy := range width {
				var s complex128
				for jx := range width {
					s += ex[x*width+jx] * g[e][jx+width*jy]
				}
				h[e][jy*nx+x] = complex64(s)
			}
		}
	}

	ref, err := principalComponent(cal, iz)
	if err != nil {
		return nil, err
	}
	return &espiritCal{nc: nc, width: width, h: h, nx: nx, ref: ref}, nil
}

// calibGram returns the Gram matrix C = sum over patches p of x_p x_p^H of slice iz of cal,
// row-major nk x nk with nk = kw*kw*nc, where index t + kw*kw*c stands for coil c at kernel
// offset t = tx + kw*ty and x_p[(c, t)] = cal_c(p + t) for the (cal.NX-kw+1) x
// (cal.NY-kw+1) patch positions p.
//
// For coils c, d and the shift delta = u - t, C[(c,t),(d,u)] is the sum of
// z(q) = cal_c(q) conj(cal_d(q + delta)) over the window of positions q = p + t, so one
// summed-area table of z per (c, d, delta) gives every entry with that shift by four
// lookups: (2 kw - 1)^2 tables of the calibration size per coil pair, instead of a sum over
// all patches per entry.
func calibGram(cal *KSpace, iz, kw int) []complex128 {
	nc := cal.NC
	kk := kw * kw
	nk := kk * nc
	cx, cy := cal.NX, cal.NY
	px, py := cx-kw+1, cy-kw+1

	planes := make([][]complex128, nc)
	for c := range nc {
		planes[c] = make([]complex128, cx*cy)
		for i, v := range cal.Plane(c, iz, 0) {
			planes[c][i] = complex128(v)
		}
	}

	gram := make([]complex128, nk*nk)
	st := make([]complex128, (cx+1)*(cy+1)) // st[(y)*(cx+1)+x]: sum of z over [0,x) x [0,y)
	w := cx + 1
	for c := range nc {
		for d := 0; d <= c; d++ {
			pc, pd := planes[c], planes[d]
			for dy := -(kw - 1); dy < kw; dy++ {
				for dx := -(kw - 1); dx < kw; dx++ {
					for y := range cy {
						var run complex128
						for x := range cx {
							qx, qy := x+dx, y+dy
							if qx >= 0 && qx < cx && qy >= 0 && qy < cy {
								run += pc[x+cx*y] * cmplx.Conj(pd[qx+cx*qy])
							}
							st[(y+1)*w+x+1] = st[y*w+x+1] + run
						}
					}
					box := func(x0, y0 int) complex128 {
						return st[(y0+py)*w+x0+px] - st[y0*w+x0+px] - st[(y0+py)*w+x0] +
							st[y0*w+x0]
					}
					for ty := max(0, -dy); ty < min(kw, kw-dy); ty++ {
						for tx := max(0, -dx); tx < min(kw, kw-dx); tx++ {
							a := tx + kw*ty + kk*c
							b := (tx + dx) + kw*(ty+dy) + kk*d
							v := box(tx, ty)
							gram[a*nk+b] = v
							gram[b*nk+a] = cmplx.Conj(v)
						}
					}
				}
			}
		}
	}
	return gram
}

// signalSubspace returns unit eigenvectors spanning the signal subspace of the calibration
// matrix of slice iz: those of the Gram matrix (calibGram) whose eigenvalue mu satisfies
// mu > threshold * mu_max, BART's rule sigma > sqrt(threshold) * sigma_max on the singular
// values sigma = sqrt(mu). Each vector has kw*kw*nc entries, indexed as in calibGram.
func signalSubspace(cal *KSpace, iz, kw int, threshold float64) ([][]complex128, error) {
	nk := kw * kw * cal.NC
	tri := tridiagonalize(calibGram(cal, iz, kw), nk)
	vals, err := tri.eigenvalues()
	if err != nil {
		return nil, fmt.Errorf("recon: ESPIRiT slice %d: %w", iz, err)
	}
	if !(vals[0] > 0) {
		return nil, fmt.Errorf("%w: slice %d: the calibration data hold no signal",
			ErrNoCalibration, iz)
	}
	n := 0
	for n < len(vals) && vals[n] > threshold*vals[0] {
		n++
	}
	return tri.vectors(vals[:n]), nil
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

// rowEigen is per-worker scratch for the dominant eigenvectors of G over one segment of an
// image row: every entry of G, of the iterate v and of G v is a plane of seg pixels.
type rowEigen struct {
	nc, seg int
	hc      [][]complex64 // hc[c*nc+d] = G[d][c], so that (G v)_c = sum_d conj(hc) v_d
	v, w    [][]complex64
	nrm     []float32
	ones    []complex64
	start   []int
	lambda  []float64
	cap     int

	// first holds the dominant eigenvectors while second iterates orthogonally to them
	// (deflated is then true), and proj the projections onto them.
	first    [][]complex64
	proj     []complex64
	deflated bool
}

// newRowEigen allocates scratch for nc coils and segments of up to n pixels.
func newRowEigen(nc, n int) *rowEigen {
	re := &rowEigen{nc: nc, cap: n, hc: make([][]complex64, nc*nc),
		v: make([][]complex64, nc), w: make([][]complex64, nc), nrm: make([]float32, n),
		ones: make([]complex64, n), start: make([]int, n), lambda: make([]float64, n)}
	for i := range re.hc {
		re.hc[i] = make([]complex64, n)
	}
	re.first, re.proj = make([][]complex64, nc), make([]complex64, n)
	for c := range nc {
		re.v[c], re.w[c], re.first[c] = make([]complex64, n), make([]complex64, n),
			make([]complex64, n)
	}
	for i := range re.ones {
		re.ones[i] = 1
	}
	return re
}

// resize returns re for segments of seg <= cap pixels.
func (re *rowEigen) resize(seg int) *rowEigen {
	re.seg = seg
	return re
}

// matrices sets the planes of G for the pixels x0 .. x0+seg-1 of the row whose y table is
// ey, from the x-summed entries of s: G_e = sum_j ey[j] h_e[j].
func (re *rowEigen) matrices(s *espiritCal, ey []complex128, x0 int) {
	nc, seg := re.nc, re.seg
	for c := range nc {
		for d := 0; d <= c; d++ {
			e := c*(c+1)/2 + d
			lower := re.hc[d*nc+c][:seg] // G[c][d], stored where (G v)_d needs conj(G[c][d])
			clear(lower)
			for j, f := range ey {
				asm.Axpy(complex64(f), s.h[e][j*s.nx+x0:j*s.nx+x0+seg], lower)
			}
			if c != d {
				asm.MulConj(re.hc[c*nc+d][:seg], lower, re.ones[:seg])
			}
		}
	}
}

// normalizeInto sets v = w / |w| pixel by pixel (zero where w is zero).
func (re *rowEigen) normalizeInto(v, w [][]complex64) {
	seg := re.seg
	nrm := re.nrm[:seg]
	clear(nrm)
	for c := range re.nc {
		asm.AddAbs2(nrm, w[c][:seg])
	}
	asm.Sqrt(nrm)
	for i, n := range nrm {
		if n > 0 {
			nrm[i] = 1 / n
		}
	}
	for c := range re.nc {
		asm.MaskCopy(v[c][:seg], w[c][:seg], nrm)
	}
}

// apply sets w = G v, and after second has started, projects w orthogonally to the first
// eigenvectors: that is G deflated by its dominant eigenpair, (G - lambda1 v1 v1^H) v, for
// the v orthogonal to v1 that second iterates.
func (re *rowEigen) apply() {
	nc, seg := re.nc, re.seg
	for c := range nc {
		w := re.w[c][:seg]
		clear(w)
		for d := range nc {
			asm.MulConjAcc(w, re.hc[c*nc+d][:seg], re.v[d][:seg])
		}
	}
	if re.deflated {
		re.orthogonalize(re.w)
	}
}

// orthogonalize removes from each pixel's vector of planes u its component along the first
// eigenvector of the pixel: u -= v1 (v1^H u).
func (re *rowEigen) orthogonalize(u [][]complex64) {
	seg := re.seg
	p := re.proj[:seg]
	clear(p)
	for c := range re.nc {
		asm.MulConjAcc(p, re.first[c][:seg], u[c][:seg])
	}
	for c := range re.nc {
		uc, fc := u[c][:seg], re.first[c][:seg]
		for i, v := range p {
			uc[i] -= fc[i] * v
		}
	}
}

// second finds the second eigenvectors of the segment's matrices (BART's second set of
// maps), after dominant: power iterations on G deflated by the dominant eigenpair, from the
// column of the deflated G with the largest diagonal entry, leaving v and lambda as
// dominant does. The dominant eigenvectors must still be in v.
func (re *rowEigen) second(iters int) {
	nc, seg := re.nc, re.seg
	for c := range nc {
		copy(re.first[c][:seg], re.v[c][:seg])
	}
	for i := range seg {
		l1 := complex(float32(re.lambda[i]), 0)
		best, bestDiag := -1, float32(0)
		for c := range nc {
			f := re.first[c][i]
			d := real(re.hc[c*nc+c][i]) - real(l1)*(real(f)*real(f)+imag(f)*imag(f))
			if d > bestDiag {
				best, bestDiag = c, d
			}
		}
		for c := range nc {
			var v complex64
			if best >= 0 {
				fb := re.first[best][i]
				v = re.hc[best*nc+c][i] - l1*re.first[c][i]*complex(real(fb), -imag(fb))
			}
			re.w[c][i] = v
		}
	}
	re.deflated = true
	defer func() { re.deflated = false }()
	re.orthogonalize(re.w)
	re.normalizeInto(re.v, re.w)

	for range iters {
		re.apply()
		re.normalizeInto(re.v, re.w)
	}

	re.apply()
	for i := range seg {
		var rq float64
		for c := range nc {
			v, w := re.v[c][i], re.w[c][i]
			rq += float64(real(v))*float64(real(w)) + float64(imag(v))*float64(imag(w))
		}
		re.lambda[i] = rq
	}
}

// dominant runs iters power iterations from the column of G with the largest diagonal
// entry, leaving the unit eigenvector estimates in v and their Rayleigh quotients in lambda.
// A pixel whose G has no positive diagonal entry gets v = 0 and eigenvalue 0.
func (re *rowEigen) dominant(iters int) {
	nc, seg := re.nc, re.seg
	for i := range seg {
		best := 0
		for c := 1; c < nc; c++ {
			if real(re.hc[c*nc+c][i]) > real(re.hc[best*nc+best][i]) {
				best = c
			}
		}
		if !(real(re.hc[best*nc+best][i]) > 0) {
			best = -1
		}
		re.start[i] = best
		for c := range nc {
			var v complex64
			if best >= 0 {
				v = re.hc[best*nc+c][i] // G[c][best]
			}
			re.w[c][i] = v
		}
	}
	re.normalizeInto(re.v, re.w)

	for range iters {
		re.apply()
		re.normalizeInto(re.v, re.w)
	}

	re.apply()
	for i := range seg {
		var rq float64
		for c := range nc {
			v, w := re.v[c][i], re.w[c][i]
			rq += float64(real(v))*float64(real(w)) + float64(imag(v))*float64(imag(w))
		}
		re.lambda[i] = rq
	}
}

// store rotates each pixel's map to the phase reference ref, crops it and writes it and
// its eigenvalue to set im of the maps of slice iz from pixel offset off.
func (re *rowEigen) store(out *CoilMaps, im int, ref []complex128, iz, off int,
	crop float64) {
	set := out.Set(im)
	nc := re.nc
	for i := range re.seg {
		var p complex128
		for c := range nc {
			p += cmplx.Conj(ref[c]) * complex128(re.v[c][i])
		}
		rot := complex(1, 0)
		if a := cmplx.Abs(p); a > 0 {
			rot = cmplx.Conj(p) / complex(a, 0)
		}
		lambda := re.lambda[i]
		if crop >= 0 && lambda <= crop {
			rot = 0
		}
		set.Eigen[off+i+out.NX*out.NY*iz] = float32(lambda)
		for c := range nc {
			set.Plane(c, iz)[off+i] = complex64(complex128(re.v[c][i]) * rot)
		}
	}
}
