package metric

import "math"

// SSIM window and constants of scikit-image's structural_similarity defaults.
const (
	// Window is the side of the uniform SSIM window.
	Window = 7
	// K1 and K2 set the SSIM stabilising constants C1 = (K1·R)² and C2 = (K2·R)².
	K1 = 0.01
	K2 = 0.03

	half = Window / 2
)

// sampleCovNorm is 49/48 as a float64 variable: numpy rounds it to float32 from the float64
// value, and so does the SSIM code.
var sampleCovNorm = float64(Window*Window) / float64(Window*Window-1)

// SSIM returns the structural similarity of image x to the reference image ref, both nx×ny
// and column-major (x fastest), exactly as the 2025 scorer gets it from
// skimage.metrics.structural_similarity(ref, x, data_range=ref.max()) on float32 images.
//
// With U the 7×7 mean filter, μ = U(img), v = 49/48·(U(img²) - μ²) (sample variance) and
// c = 49/48·(U(ref·x) - μref·μx), each pixel scores
//
//	S = (2·μref·μx + C1)(2·c + C2) / ((μref² + μx² + C1)(vref + vx + C2)),
//
// with C1 = (0.01·R)², C2 = (0.03·R)², R = max(ref). SSIM is the mean of S over the interior
// pixels [3, nx-3) × [3, ny-3), so borders never matter. Like scikit-image on float32 input,
// every array operation is rounded to float32; U is scipy's separable running-sum filter
// (float64 sums along x, rounded to float32, then along y), so the cost is O(nx·ny) whatever
// the window. The interior mean is summed in float64 in numpy's order.
//
// SSIM returns an error if len(ref) or len(x) is not nx·ny or if nx or ny is below 7. All-zero
// images give NaN (0/0), as in scikit-image.
func SSIM(ref, x []float32, nx, ny int) (float64, error) {
	if err := checkImages(ref, x, nx, ny); err != nil {
		return 0, err
	}

	var w ssimWork
	return w.ssim(ref, x, nx, ny, maxPropagateNaN(ref)), nil
}

// ssimWork holds the buffers of one SSIM computation, reused across images.
type ssimWork struct {
	pass [5][]float32 // U along x of ref, x, ref², x², ref·x
	acc  [5][]float64 // running sums along y, one per interior column
	line []float64    // one reflected line along x
	s    []float64    // interior S values in numpy's summation order
}

// grow returns s resized to n, reusing its storage when it is large enough.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

// ssim computes SSIM with data range r; the images have been checked.
func (w *ssimWork) ssim(ref, x []float32, nx, ny int, r float32) float64 {
	n := nx * ny
	for k := range w.pass {
		w.pass[k] = grow(w.pass[k], n)
		w.acc[k] = grow(w.acc[k], nx)
	}
	w.line = grow(w.line, nx+2*half)
	inx, iny := nx-2*half, ny-2*half
	w.s = grow(w.s, inx*iny)

	w.filterX(ref, x, nx, ny)

	k1r := K1 * float64(r)
	k2r := K2 * float64(r)
	c1 := float32(k1r * k1r)
	c2 := float32(k2r * k2r)
	covNorm := float32(sampleCovNorm)

	ux, uy, uxx, uyy, uxy := w.acc[0], w.acc[1], w.acc[2], w.acc[3], w.acc[4]
	for y := range ny {
		w.filterYStep(y, nx, ny)
		if y < half || y >= ny-half {
			continue
		}

		for i := half; i < nx-half; i++ {
			mx := float32(ux[i] / Window)
			my := float32(uy[i] / Window)
			mxx := float32(uxx[i] / Window)
			myy := float32(uyy[i] / Window)
			mxy := float32(uxy[i] / Window)

			mx2 := float32(mx * mx)
			my2 := float32(my * my)
			vx := float32(covNorm * (mxx - mx2))
			vy := float32(covNorm * (myy - my2))
			vxy := float32(covNorm * (mxy - float32(mx*my)))

			a1 := float32(float32(2*mx)*my) + c1
			a2 := float32(2*vxy) + c2
			b1 := (mx2 + my2) + c1
			b2 := (vx + vy) + c2
			d := float32(b1 * b2)
			w.s[(i-half)*iny+(y-half)] = float64(float32(a1*a2) / d)
		}
	}

	return numpySum(w.s) / float64(len(w.s))
}

// filterX runs the 7-tap running mean along x over every column of the five SSIM inputs,
// storing float32 results in w.pass. The products ref², x², ref·x are rounded to float32 first,
// as numpy forms them before filtering.
func (w *ssimWork) filterX(ref, x []float32, nx, ny int) {
	inner := w.line[half : half+nx]
	for y := range ny {
		a := ref[y*nx : (y+1)*nx]
		b := x[y*nx : (y+1)*nx]
		out := func(k int) {
			reflectLine(w.line, nx)
			runningMean(w.pass[k][y*nx:(y+1)*nx], w.line)
		}

		for i, v := range a {
			inner[i] = float64(v)
		}
		out(0)

		for i, v := range b {
			inner[i] = float64(v)
		}
		out(1)

		for i, v := range a {
			inner[i] = float64(float32(v * v))
		}
		out(2)

		for i, v := range b {
			inner[i] = float64(float32(v * v))
		}
		out(3)

		for i, v := range a {
			inner[i] = float64(float32(v * b[i]))
		}
		out(4)
	}
}

// reflectLine fills the 3 values on each side of line[3:3+n] by scipy's "reflect" rule
// (d c b | a b c d | d c b): the edge value is repeated.
func reflectLine(line []float64, n int) {
	for j := range half {
		line[half-1-j] = line[half+j]
		line[half+n+j] = line[half+n-1-j]
	}
}

// runningMean writes the 7-tap means of the reflected line into dst (len(line) = len(dst)+6),
// as scipy's uniform_filter1d computes them: a float64 running sum, updated by adding
// (incoming - outgoing), divided by 7 for each output and rounded to float32.
func runningMean(dst []float32, line []float64) {
	var s float64
	for _, v := range line[:Window] {
		s += v
	}
	dst[0] = float32(s / Window)
	for i := 1; i < len(dst); i++ {
		s += line[i+Window-1] - line[i-1]
		dst[i] = float32(s / Window)
	}
}

// filterYStep advances the running sums along y of the interior columns to row y: row 0 sums
// the 7 reflected rows -3..3, and each later row adds row y+3 and removes row y-4 (indices
// reflected at the borders). The means are the sums divided by 7, left to the caller.
func (w *ssimWork) filterYStep(y, nx, ny int) {
	for k := range w.pass {
		p := w.pass[k]
		acc := w.acc[k]

		if y == 0 {
			for i := half; i < nx-half; i++ {
				var s float64
				for e := -half; e <= half; e++ {
					s += float64(p[reflectIndex(e, ny)*nx+i])
				}
				acc[i] = s
			}
			continue
		}

		in := p[reflectIndex(y+half, ny)*nx:]
		out := p[reflectIndex(y-half-1, ny)*nx:]
		for i := half; i < nx-half; i++ {
			acc[i] += float64(in[i]) - float64(out[i])
		}
	}
}

// reflectIndex maps an index in [-3, n+3) to [0, n) by the "reflect" rule.
func reflectIndex(e, n int) int {
	switch {
	case e < 0:
		return -e - 1
	case e >= n:
		return 2*n - 1 - e
	default:
		return e
	}
}

// maxPropagateNaN returns the largest value of v, or NaN if v holds a NaN, as numpy's max.
func maxPropagateNaN(v []float32) float32 {
	m := float32(math.Inf(-1))
	for _, x := range v {
		if x != x {
			return x
		}
		if x > m {
			m = x
		}
	}
	return m
}
