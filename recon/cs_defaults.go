package recon

// MaskKind is the family of a sampling pattern, as CS's defaults distinguish them.
type MaskKind string

// The mask kinds.
const (
	// MaskLines: the same phase-encoding lines in every frame (the challenge's Uniform).
	MaskLines MaskKind = "lines"

	// MaskKtLines: phase-encoding lines that change from frame to frame (ktGaussian,
	// ktUniform).
	MaskKtLines MaskKind = "kt-lines"

	// MaskKt2D: a 2-D pattern that is not a set of full lines (ktRadial).
	MaskKt2D MaskKind = "kt-2d"
)

// ClassifyMask returns the kind of m and its acceleration, the number of k-space positions
// over the number sampled (over all frames).
func ClassifyMask(m *Mask) (MaskKind, float64) {
	n := m.NX * m.NY
	kind := MaskLines
	sampled := 0.0
	for it := range m.NT {
		f := m.Frame(it)
		for i, v := range f {
			if v != 0 {
				sampled++
			}
			if (v != 0) != (f[i-i%m.NX] != 0) {
				kind = MaskKt2D
			}
		}
		if kind == MaskLines && it > 0 {
			prev := m.Frame(it - 1)
			for i, v := range f {
				if (v != 0) != (prev[i] != 0) {
					kind = MaskKtLines
					break
				}
			}
		}
	}
	r := 0.0
	if sampled > 0 {
		r = float64(n*m.NT) / sampled
	}
	return kind, r
}

// csDefault is one row of the table of default regularisers: for masks of Kind with an
// acceleration up to MaxR.
type csDefault struct {
	Kind MaskKind
	MaxR float64
	Regs []Regularizer
}

// csDefaults are the default regularisers per mask kind and acceleration, chosen by
// measurement on the multi-coil cine phantom (see QUALITY.md for the sweep and the command
// that reproduces it). Rows of one kind are in increasing MaxR; the last row of a kind also
// serves higher accelerations.
var csDefaults = []csDefault{
	{MaskLines, 1e9, []Regularizer{{RegWavelet, 0.005}, {RegTTV, 0.01}}},
	{MaskKtLines, 1e9, []Regularizer{{RegWavelet, 0.005}, {RegTTV, 0.01}}},
	{MaskKt2D, 1e9, []Regularizer{{RegWavelet, 0.005}, {RegTTV, 0.01}}},
}

// DefaultRegularizers returns the regularisers CS uses for mask m when none are given: the
// row of the measured table (see QUALITY.md) for the mask's kind and acceleration. The
// values were tuned on cine; for other modalities they are untested guesses.
func DefaultRegularizers(m *Mask) []Regularizer {
	kind, r := ClassifyMask(m)
	var best []Regularizer
	for _, d := range csDefaults {
		if d.Kind != kind {
			continue
		}
		best = d.Regs
		if r <= d.MaxR {
			break
		}
	}
	return append([]Regularizer(nil), best...)
}
