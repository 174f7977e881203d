package metric

import (
	"errors"
	"math"
	"math/big"
	"slices"
	"sort"
	"testing"
)

// randImage returns an nx×ny image of phantom plus noise from the golden tests' generator.
func randImage(nx, ny int, seed uint64, sigma float64) []float32 {
	rng := &splitMix64{seed}
	return columnMajor([]int{nx, ny}, func(i []int) float64 {
		return phantom(i[0], i[1], nx, ny, int(seed%3)) + float64(sigma*rng.noise())
	})
}

func TestPairwiseSumAccuracy(t *testing.T) {
	rng := &splitMix64{1}
	for _, n := range []int{0, 1, 7, 8, 9, 127, 128, 129, 1000, 8192, 8193, 20000} {
		x := make([]float64, n)
		exact := new(big.Float).SetPrec(2000)
		for i := range x {
			x[i] = (rng.uniform() - 0.3) * math.Ldexp(1, int(rng.next()%40)-20)
			exact.Add(exact, big.NewFloat(x[i]))
		}
		want, _ := exact.Float64()

		// Pairwise summation's error bound is about log2(n)·eps·Σ|x|.
		var abs float64
		for _, v := range x {
			abs += math.Abs(v)
		}
		bound := 2 * math.Log2(float64(n)+2) * 0x1p-52 * abs
		if got := numpySum(x); math.Abs(got-want) > bound {
			t.Errorf("n=%d: sum %v, exact %v, bound %v", n, got, want, bound)
		}
	}
}

func TestNumpySumBlocks(t *testing.T) {
	// numpy feeds reductions in blocks of 8192 values and adds the block sums in turn.
	rng := &splitMix64{2}
	x := make([]float64, 3*numpyBuffer+5)
	for i := range x {
		x[i] = math.Ldexp(rng.uniform(), int(rng.next()%60)-30)
	}
	want := pairwiseSum(x[:numpyBuffer])
	want += pairwiseSum(x[numpyBuffer : 2*numpyBuffer])
	want += pairwiseSum(x[2*numpyBuffer : 3*numpyBuffer])
	want += pairwiseSum(x[3*numpyBuffer:])
	if got := numpySum(x); got != want {
		t.Errorf("numpySum %v, want block-wise %v", got, want)
	}

	// Eight interleaved partial sums, then the tail: with 2^53 first, sequential addition
	// loses every 1 (2^53+1 rounds to 2^53), while the pairwise order keeps the pairs: the
	// partial sums give 2^53 + 2 + 4, and the ninth 1 rounds 2^53+7 to even, 2^53+8.
	y := []float64{0x1p53, 1, 1, 1, 1, 1, 1, 1, 1}
	if got := pairwiseSum(y); got != 0x1p53+8 {
		t.Errorf("pairwiseSum = 2^53%+v, want 2^53+8", got-0x1p53)
	}
	if got := pairwiseSum(y[:7]); got != 0x1p53 {
		t.Errorf("sequential pairwiseSum of 7 = 2^53%+v, want 2^53", got-0x1p53)
	}
}

// percentileRef is numpy's linear percentile written directly from its definition on a fully
// sorted copy.
func percentileRef(src []float32) float64 {
	v := make([]float64, len(src))
	for i, x := range src {
		v[i] = float64(abs32(x))
	}
	sort.Float64s(v)
	pos := float64(float64(len(v)-1) * 0.995) // no FMA: numpy rounds the product
	i := int(math.Floor(pos))
	if i >= len(v)-1 {
		return v[len(v)-1]
	}
	f := pos - float64(i)
	d := float64(float32(v[i+1]) - float32(v[i]))
	if f >= 0.5 {
		return v[i+1] - float64(d*(1-f))
	}
	return v[i] + float64(d*f)
}

func TestNormalizePercentileAgainstSort(t *testing.T) {
	rng := &splitMix64{3}
	for trial := range 300 {
		n := 1 + int(rng.next()%2000)
		src := make([]float32, n)
		for i := range src {
			switch trial % 3 {
			case 0:
				src[i] = float32(rng.uniform() - 0.5)
			case 1:
				src[i] = float32(rng.next() % 5) // many ties
			default:
				src[i] = stressValue(rng, 40)
			}
		}
		dst := make([]float32, n)
		p := NormalizePercentile(dst, src)
		if want := percentileRef(src); p != want {
			t.Fatalf("trial %d n=%d: percentile %v, want %v", trial, n, p, want)
		}

		for i, v := range src {
			want := abs32(v)
			if p != 0 {
				want /= float32(p)
			}
			if dst[i] != want {
				t.Fatalf("trial %d: dst[%d] = %v, want %v", trial, i, dst[i], want)
			}
		}
	}
}

func TestNormalizePercentileInPlaceAndEdges(t *testing.T) {
	src := []float32{-4, 3, 0, 1, -2, 8, 5}
	want := make([]float32, len(src))
	p := NormalizePercentile(want, src)
	got := slices.Clone(src)
	if q := NormalizePercentile(got, got); q != p || !slices.Equal(got, want) {
		t.Errorf("in place: %v %v, want %v %v", q, got, want, p)
	}

	// n = 7: pos = 0.995·6 = 5.97, between the sorted values 5 and 8 with f >= 0.5.
	if want := 8 - float64(8-5)*(1-0.995*6+5); math.Abs(p-want) > 1e-15 {
		t.Errorf("percentile %v, want %v", p, want)
	}

	zeros := make([]float32, 1000)
	zeros[10] = -7
	out := make([]float32, len(zeros))
	if p := NormalizePercentile(out, zeros); p != 0 || out[10] != 7 {
		t.Errorf("percentile 0: p=%v, out[10]=%v; want 0 and the magnitude 7", p, out[10])
	}

	if p := NormalizePercentile(nil, nil); !math.IsNaN(p) {
		t.Errorf("empty: %v, want NaN", p)
	}
	nan := []float32{1, float32(math.NaN()), 2}
	if p := NormalizePercentile(make([]float32, 3), nan); !math.IsNaN(p) {
		t.Errorf("NaN input: %v, want NaN", p)
	}

	defer func() {
		if recover() == nil {
			t.Error("length mismatch did not panic")
		}
	}()
	NormalizePercentile(make([]float32, 2), src)
}

// ssimDirect is SSIM from its definition in float64 with explicit 7×7 window sums over every
// interior pixel: an independent O(49·N) reference. covNorm is 49/48 for the sample
// covariance scikit-image uses, 1 for the population covariance.
func ssimDirect(ref, x []float32, nx, ny int, covNorm float64) float64 {
	r := float64(slices.Max(ref))
	c1, c2 := (K1*r)*(K1*r), (K2*r)*(K2*r)
	var total float64
	count := 0
	for j := half; j < ny-half; j++ {
		for i := half; i < nx-half; i++ {
			var sa, sb, saa, sbb, sab float64
			for dj := -half; dj <= half; dj++ {
				for di := -half; di <= half; di++ {
					a := float64(ref[(j+dj)*nx+i+di])
					b := float64(x[(j+dj)*nx+i+di])
					sa += a
					sb += b
					saa += a * a
					sbb += b * b
					sab += a * b
				}
			}
			const np = Window * Window
			ma, mb := sa/np, sb/np
			va := (saa/np - ma*ma) * covNorm
			vb := (sbb/np - mb*mb) * covNorm
			cab := (sab/np - ma*mb) * covNorm
			total += (2*ma*mb + c1) * (2*cab + c2) / ((ma*ma + mb*mb + c1) * (va + vb + c2))
			count++
		}
	}
	return total / float64(count)
}

func TestSSIMAgainstDirectFloat64(t *testing.T) {
	// The package reproduces scikit-image's float32 arithmetic, which moves SSIM by up to
	// 6.8e-7 from the float64 value on the golden cases (3e-7 here); 2e-6 bounds that with
	// margin. As a check that the bound can catch a real error, the population covariance
	// (a plausible mistake) must fall outside it.
	const tol = 2e-6
	sizes := [][2]int{{7, 7}, {7, 30}, {30, 7}, {8, 9}, {33, 21}, {64, 47}}
	for k, sz := range sizes {
		nx, ny := sz[0], sz[1]
		for _, sigma := range []float64{0.01, 0.1, 0.5} {
			ref := randImage(nx, ny, uint64(10+k), 0.02)
			x := randImage(nx, ny, uint64(20+k), sigma)
			for i, v := range x {
				x[i] = v + 0.3*ref[i]
			}
			got, err := SSIM(ref, x, nx, ny)
			if err != nil {
				t.Fatal(err)
			}

			sample := ssimDirect(ref, x, nx, ny, 49.0/48)
			if math.Abs(got-sample) > tol {
				t.Errorf("%dx%d sigma %v: SSIM %.9f, direct float64 %.9f",
					nx, ny, sigma, got, sample)
			}
			if pop := ssimDirect(ref, x, nx, ny, 1); math.Abs(got-pop) <= tol {
				t.Errorf("%dx%d sigma %v: population covariance %.9f is within the bound",
					nx, ny, sigma, pop)
			}
		}
	}
}

func TestSSIMProperties(t *testing.T) {
	const nx, ny = 40, 31
	a := randImage(nx, ny, 5, 0.1)
	b := randImage(nx, ny, 6, 0.1)

	// Identical images: every pixel's numerator and denominator round identically.
	if s, err := SSIM(a, a, nx, ny); err != nil || s != 1 {
		t.Errorf("SSIM(a, a) = %v, %v; want exactly 1", s, err)
	}

	// Only R depends on the order, so with equal maxima the order does not matter at all.
	b[0] = slices.Max(a)
	for i := range b {
		b[i] = min(b[i], b[0])
	}
	s1, _ := SSIM(a, b, nx, ny)
	s2, _ := SSIM(b, a, nx, ny)
	if s1 != s2 || s1 >= 1 || s1 <= 0 {
		t.Errorf("SSIM(a,b) = %v, SSIM(b,a) = %v; want equal, in (0, 1)", s1, s2)
	}

	// Border pixels are not scored but enter the windows of interior pixels: the corner
	// (0,0) is in the window of (3,3).
	c := slices.Clone(b)
	c[0] += 5
	if s3, _ := SSIM(a, c, nx, ny); s3 == s1 {
		t.Error("SSIM ignored a pixel inside the window of an interior pixel")
	}

	zero := make([]float32, nx*ny)
	if s, _ := SSIM(zero, zero, nx, ny); !math.IsNaN(s) {
		t.Errorf("all-zero SSIM = %v, want NaN as scikit-image", s)
	}
}

func TestSSIMErrors(t *testing.T) {
	img := make([]float32, 6*10)
	if _, err := SSIM(img, img, 6, 10); !errors.Is(err, ErrTooSmall) {
		t.Errorf("6x10: %v, want ErrTooSmall", err)
	}
	if _, err := SSIM(img, img, 10, 6); !errors.Is(err, ErrTooSmall) {
		t.Errorf("10x6: %v, want ErrTooSmall", err)
	}
	if _, err := SSIM(img, img[:59], 7, 7); !errors.Is(err, ErrLength) {
		t.Errorf("short image: %v, want ErrLength", err)
	}
}

func TestPSNRAndNMSEAgainstFloat64(t *testing.T) {
	ref := randImage(50, 40, 8, 0.0)
	x := randImage(50, 40, 9, 0.05)

	var mse, num, den float64
	r := float64(slices.Max(ref))
	for i := range ref {
		d := float64(ref[i]) - float64(x[i])
		mse += d * d
		num += d * d
		den += float64(ref[i]) * float64(ref[i])
	}
	mse /= float64(len(ref))

	// The package rounds differences and squares to float32 as numpy does; that moves PSNR
	// by about 1e-7 relative of the MSE, i.e. about 1e-6 dB, and NMSE by about 1e-7 relative.
	p, err := PSNR(ref, x)
	if want := 10 * math.Log10(r*r/mse); err != nil || math.Abs(p-want) > 1e-5 {
		t.Errorf("PSNR %v (%v), float64 %v", p, err, want)
	}
	e, err := NMSE(ref, x)
	if want := num / den; err != nil || math.Abs(e-want) > 1e-6*want {
		t.Errorf("NMSE %v (%v), float64 %v", e, err, want)
	}

	if p, _ := PSNR(ref, ref); !math.IsInf(p, 1) {
		t.Errorf("PSNR of identical images = %v, want +Inf", p)
	}
	if e, _ := NMSE(ref, ref); e != 0 {
		t.Errorf("NMSE of identical images = %v, want 0", e)
	}
	if _, err := PSNR(ref, x[1:]); err == nil {
		t.Error("PSNR accepted images of different lengths")
	}
	if _, err := NMSE(nil, nil); err == nil {
		t.Error("NMSE accepted empty images")
	}
}
