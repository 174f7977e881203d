package recon

import (
	"bufio"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
)

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

var maskKinds = []MaskKind{MaskLines, MaskKtLines, MaskKt2D}

// ClassifyMask returns the kind of m and its acceleration outside the calibration region:
// the number of k-space positions outside the region FindCalibration finds (all of them
// when it finds none) over the number sampled there, over all frames. For the challenge's
// Uniform and ktGaussian masks this stays within about 10% of the nominal R whatever the
// matrix size (Uniform 8: 7.8 to 8.3 over the challenge's sizes; the acceleration over the
// whole of k-space, calibration lines included, does not), which lets defaults tuned on one
// size serve others. A ktRadial mask has as many spokes at every size, so its acceleration
// grows with the matrix (ktRadial 8: 4.7 at 256x108, 7.4 at 448x162, 9.3 at 512x246), and
// a table row is then that of the undersampling actually done, not of the nominal R. A mask
// of one frame made of full lines is MaskLines.
func ClassifyMask(m *Mask) (MaskKind, float64) {
	inCalib := func(int) bool { return false }
	if r, err := FindCalibration(m); err == nil {
		inCalib = func(i int) bool {
			x, y := i%m.NX, i/m.NX
			return x >= r.X0 && x < r.X0+r.NX && y >= r.Y0 && y < r.Y0+r.NY
		}
	}
	kind := MaskLines
	sampled, total := 0.0, 0.0
	for it := range m.NT {
		f := m.Frame(it)
		for i, v := range f {
			if !inCalib(i) {
				total++
				if v != 0 {
					sampled++
				}
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
		r = total / sampled
	}
	return kind, r
}

// AnyModality is the modality of a CSTable row that applies to every modality without a row
// of its own.
const AnyModality = "*"

// CSTableRow is one row of a CSTable: the regularisers for data of Modality (a challenge
// modality folder name such as Cine or Mapping, or AnyModality) sampled with a mask of Kind
// whose acceleration outside the calibration region (see ClassifyMask) is at most MaxR.
type CSTableRow struct {
	Modality string
	Kind     MaskKind
	MaxR     float64
	Regs     []Regularizer

	// Note is free text kept with the row, such as the score that chose it.
	Note string
}

// CSTable is a table of default CS regularisers per modality, mask kind and acceleration.
// Its text form, which ParseCSTable reads and WriteTo writes, has one row per line:
//
//	modality  kind  max_r  regularisers  [note...]
//
// separated by blanks, e.g. "Cine kt-2d 8 wavelet=0.004,ttv=0.02 ssim=0.91"; max_r may be
// "inf". Lines starting with # are comments. Modalities match whatever their case; two rows
// of one modality, kind and max_r are refused. cmrecon tune writes such tables; the table
// built into cmrecon is DefaultCSTable. A table may cover only some modalities and masks:
// CSOptions.Regs takes the built-in row for the others.
type CSTable struct {
	Rows []CSTableRow
}

//go:embed cs_defaults.tsv
var defaultTableText string

var defaultTable = sync.OnceValue(func() *CSTable {
	t, err := ParseCSTable(strings.NewReader(defaultTableText))
	if err != nil {
		panic("recon: built-in CS table: " + err.Error())
	}
	return t
})

// TODO: the built-in Cine, Mapping, T1rho, Perfusion and Flow2d rows were tuned on package
// phantom's series at 256x108, not on real hearts nor at the challenge's matrix sizes (at
// 448x162 other rows score up to 0.004 higher; QUALITY.md, Tuning), and the rows for every
// other modality (LGE, black blood, T1w/T2w, and the 2024 Aorta and Tagging, whose frames
// get no temporal term from them) on three static brain and phantom files; retune with
// cmrecon tune on the challenge's training data.

// DefaultCSTable returns the built-in table of CS defaults (the file cs_defaults.tsv of this
// package, written by bench/cs/run.sh tune with challenge.Tune, the library of cmrecon tune;
// see QUALITY.md for how it was measured). Its lambdas
// were tuned with CS's default LambdaNoise scaling. The caller must not modify it.
func DefaultCSTable() *CSTable { return defaultTable() }

// ParseCSTable reads a table in the text form described at CSTable.
func ParseCSTable(r io.Reader) (*CSTable, error) {
	t := &CSTable{}
	sc := bufio.NewScanner(r)
	line := 0
	seen := map[string]int{} // modality (lower case), kind and max_r: the line of that row
	for sc.Scan() {
		line++
		s := sc.Text()
		if line == 1 {
			s = strings.TrimPrefix(s, "\ufeff") // a byte-order mark some editors write
		}
		s = strings.TrimSpace(s)
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Fields(s)
		if len(f) < 4 {
			return nil, fmt.Errorf("recon: CS table line %d: want modality, kind, max_r and "+
				"regularisers, got %q", line, s)
		}
		row := CSTableRow{Modality: f[0], Kind: MaskKind(f[1]), Note: strings.Join(f[4:], " ")}
		if !slices.Contains(maskKinds, row.Kind) {
			return nil, fmt.Errorf("recon: CS table line %d: unknown mask kind %q (want "+
				"lines, kt-lines or kt-2d)", line, f[1])
		}
		v, err := strconv.ParseFloat(f[2], 64)
		if err != nil || !(v > 0) {
			return nil, fmt.Errorf("recon: CS table line %d: max_r %q is not a positive "+
				"number or inf", line, f[2])
		}
		row.MaxR = v
		row.Regs, err = ParseRegularizers(f[3])
		if err == nil && len(row.Regs) == 0 {
			err = errors.New("no regulariser")
		}
		if err == nil {
			err = checkLPlusS(row.Regs)
		}
		if err == nil {
			err = checkTGVLPlusS(row.Regs)
		}
		if len(f) > 4 && (err != nil || regsWord(f[4])) && splitRegs(f[3], f[4]) {
			return nil, fmt.Errorf("recon: CS table line %d: the regularisers are one "+
				"comma-separated field with no blanks, got %q", line, f[3]+" "+f[4])
		}
		if err != nil {
			return nil, fmt.Errorf("recon: CS table line %d: %s", line,
				strings.TrimPrefix(err.Error(), "recon: "))
		}
		key := strings.ToLower(row.Modality) + " " + string(row.Kind) + " " +
			strconv.FormatFloat(row.MaxR, 'g', -1, 64)
		if prev, ok := seen[key]; ok {
			return nil, fmt.Errorf("recon: CS table line %d: a second row for %s %s max_r "+
				"%s (the first is line %d)", line, row.Modality, row.Kind, f[2], prev)
		}
		seen[key] = line
		t.Rows = append(t.Rows, row)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("recon: CS table: %w", err)
	}
	if len(t.Rows) == 0 {
		return nil, fmt.Errorf("recon: CS table has no rows")
	}
	return t, nil
}

// splitRegs reports whether a row's regularisers regs and the first word of its note are
// together a valid list, as one cut in two by a blank is.
func splitRegs(regs, note string) bool {
	rs, err := ParseRegularizers(strings.TrimSuffix(regs, ",") + "," +
		strings.TrimPrefix(note, ","))
	return err == nil && len(rs) > 0 && checkLPlusS(rs) == nil
}

// regsWord reports whether the first word of a row's note starts with a regulariser or the
// exponent (kind=...), which a note never does: a list cut in two by a blank, even where its
// first half parses alone.
func regsWord(note string) bool {
	k, _, ok := strings.Cut(strings.TrimPrefix(note, ","), "=")
	k = strings.ToLower(strings.TrimSpace(k))
	return ok && (k == ExponentName || slices.Contains(regKinds, RegKind(k)))
}

// WriteTo writes t in the text form ParseCSTable reads.
func (t *CSTable) WriteTo(w io.Writer) (int64, error) {
	var b strings.Builder
	b.WriteString("# modality\tkind\tmax_r\tregularisers\tnote\n")
	for _, r := range t.Rows {
		maxR := "inf"
		if !math.IsInf(r.MaxR, 1) {
			maxR = strconv.FormatFloat(r.MaxR, 'g', -1, 64)
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s", r.Modality, r.Kind, maxR, FormatRegularizers(r.Regs))
		if r.Note != "" {
			b.WriteString("\t" + r.Note)
		}
		b.WriteString("\n")
	}
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}

// Lookup returns the regularisers for data of the given modality sampled with m, those of
// Row, or nil when it finds none.
func (t *CSTable) Lookup(modality string, m *Mask) []Regularizer {
	row := t.Row(modality, m)
	if row == nil {
		return nil
	}
	return slices.Clone(row.Regs)
}

// Row returns the row for data of the given modality sampled with m: among the rows of m's
// kind for that modality (or, when it has none, for AnyModality), the one with the smallest
// MaxR not below m's acceleration (ClassifyMask), else the one with the largest MaxR. When
// no row has m's kind, the rows of the nearest kind serve in the same way (kt-lines and
// lines stand in for each other, as both sample whole phase-encoding lines; any kind for
// kt-2d). It returns nil only for a table with no row for the modality or AnyModality. The
// row is the table's own: the caller must not modify it.
func (t *CSTable) Row(modality string, m *Mask) *CSTableRow {
	kind, r := ClassifyMask(m)
	for _, k := range kindFallback[kind] {
		if row := t.row(modality, k, r); row != nil {
			return row
		}
	}
	return nil
}

// kindFallback lists, for each mask kind, the kinds whose rows Row tries in order.
var kindFallback = map[MaskKind][]MaskKind{
	MaskLines:   {MaskLines, MaskKtLines, MaskKt2D},
	MaskKtLines: {MaskKtLines, MaskLines, MaskKt2D},
	MaskKt2D:    {MaskKt2D, MaskKtLines, MaskLines},
}

// row is Row for one kind of mask of acceleration r.
func (t *CSTable) row(modality string, kind MaskKind, r float64) *CSTableRow {
	pick := func(mod string) *CSTableRow {
		var best *CSTableRow
		for i := range t.Rows {
			row := &t.Rows[i]
			if !strings.EqualFold(row.Modality, mod) || row.Kind != kind {
				continue
			}
			switch {
			case best == nil:
				best = row
			case best.MaxR < r:
				if row.MaxR > best.MaxR {
					best = row
				}
			case row.MaxR >= r && row.MaxR < best.MaxR:
				best = row
			}
		}
		return best
	}
	if row := pick(modality); row != nil {
		return row
	}
	return pick(AnyModality)
}

// DefaultRegularizers returns the regularisers CS uses for data of the given modality
// sampled with mask m when none are given: DefaultCSTable().Lookup(modality, m).
func DefaultRegularizers(modality string, m *Mask) []Regularizer {
	return DefaultCSTable().Lookup(modality, m)
}
