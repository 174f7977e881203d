package recon

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// TestCSNoiseScaling runs CS on one simulated slice at two noise levels four times apart
// (the same noise draw, scaled) and checks the noise scaling of the lambdas:
//   - the noise level it reports is within 0.6 to 1.1 of the true one, sqrt(nc)·sigma over
//     the scale s (the CG-SENSE start fits part of the noise, which lowers the estimate;
//     measured 0.79 and 0.82), and the two levels are 4 apart within 10% (measured 3.82);
//   - the factor applied is noiseFactor of that level;
//   - the image is the one CS makes with LambdaSignal and the lambdas times that factor,
//     bit for bit;
//   - with WarmStart -1 (no CG-SENSE start) or 2, the level, from 10 CG-SENSE steps, is
//     within 10% of that from the 30-step start, and so is LambdaNoise given explicitly;
//   - an unknown LambdaScaling is refused.
func TestCSNoiseScaling(t *testing.T) {
	const nx, ny, nc = 40, 32, 4
	m := lineMask(nx, ny, 1, 3, 12, false)
	regs := []Regularizer{{Kind: RegWavelet, Lambda: 0.002}, {Kind: RegTV, Lambda: 0.001}}
	level := map[float64]float64{}
	var k *KSpace
	var maps *CoilMaps
	for _, sigma := range []float64{0.005, 0.02} {
		_, k = noisyCine(nx, ny, nc, 1, 1, sigma)
		var err error
		if maps, err = EstimateMaps(k, m, ESPIRiTOptions{Maps: 1}); err != nil {
			t.Fatal(err)
		}
		opts := CSOptions{Regularizers: regs, Threads: 1}
		img, got := csFinished(t, k, m, maps, opts)

		p, err := newCSSlice(k, m, maps, 0, 1)
		if err != nil {
			t.Fatal(err)
		}
		truth := math.Sqrt(nc) * sigma / p.scale
		if r := got.Noise / truth; !(r > 0.6 && r < 1.1) {
			t.Errorf("sigma %g: noise level %.4g, true %.4g (ratio %.3f)", sigma, got.Noise,
				truth, r)
		}
		if want := noiseFactor(got.Noise); got.LambdaFactor != want {
			t.Errorf("sigma %g: lambda factor %v, want noiseFactor(%v) = %v", sigma,
				got.LambdaFactor, got.Noise, want)
		}
		level[sigma] = got.Noise
		t.Logf("sigma %g: noise level %.4g (true %.4g), factor %.3f", sigma, got.Noise, truth,
			got.LambdaFactor)

		plain := opts
		plain.LambdaScaling = LambdaSignal
		plain.Regularizers = scaleLambdas(regs, got.LambdaFactor)
		same, err := CS(k, m, maps, plain)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(img.Data, same.Data) {
			t.Errorf("sigma %g: CS differs from LambdaSignal with the lambdas times %v", sigma,
				got.LambdaFactor)
		}
	}
	if r := level[0.02] / level[0.005]; !(r > 3.6 && r < 4.4) {
		t.Errorf("noise levels %v: ratio %.3f, want 4", level, r)
	}

	// Starting from A^H y or from a start shorter than noiseFitSteps, the estimate comes
	// from noiseFitSteps CG-SENSE steps of its own; LambdaNoise spelt out is the default. k
	// and maps are those of sigma 0.02.
	for _, o := range []CSOptions{{WarmStart: -1}, {WarmStart: 2},
		{LambdaScaling: LambdaNoise}} {
		o.Regularizers, o.Threads = regs, 1
		_, got := csFinished(t, k, m, maps, o)
		if r := got.Noise / level[0.02]; !(r > 0.9 && r < 1.1) {
			t.Errorf("WarmStart %d, LambdaScaling %q: noise level %.4g, with the 30-step "+
				"start %.4g", o.WarmStart, o.LambdaScaling, got.Noise, level[0.02])
		}
	}
	_, err := CS(k, m, maps, CSOptions{Regularizers: regs, LambdaScaling: "snr"})
	if err == nil || !strings.Contains(err.Error(), "lambda scaling") {
		t.Errorf("LambdaScaling snr: error %v, want one naming the lambda scaling", err)
	}
}

// csFinished runs CS with opts and returns its image and the Finished report of its (one)
// slice.
func csFinished(t *testing.T, k *KSpace, m *Mask, maps *CoilMaps, opts CSOptions) (
	*ComplexImage, Progress) {
	t.Helper()
	var got Progress
	opts.Progress = func(p Progress) {
		if p.Finished {
			got = p
		}
	}
	img, err := CS(k, m, maps, opts)
	if err != nil {
		t.Fatal(err)
	}
	return img, got
}

func TestNoiseFactor(t *testing.T) {
	for _, c := range []struct{ q, want float64 }{
		{NoiseReference, 1},
		{2 * NoiseReference, math.Pow(2, NoiseExponent)},
		{NoiseReference / 2, math.Pow(0.5, NoiseExponent)},
		{100 * NoiseReference, math.Pow(4, NoiseExponent)},
		{0, math.Pow(0.25, NoiseExponent)},
		{math.NaN(), 1},
	} {
		if got := noiseFactor(c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("noiseFactor(%v) = %v, want %v", c.q, got, c.want)
		}
	}
	for _, s := range []string{"", "noise", "signal"} {
		if _, err := ParseLambdaScaling(s); err != nil {
			t.Errorf("ParseLambdaScaling(%q): %v", s, err)
		}
	}
	if _, err := ParseLambdaScaling("snr"); err == nil {
		t.Error("ParseLambdaScaling accepted snr")
	}
}
