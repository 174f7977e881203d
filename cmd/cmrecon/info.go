package main

import (
	"encoding/json"
	"fmt"
	"math/cmplx"
	"strings"

	"github.com/cmrecon/cmrecon/mat"
)

// infoVar is one variable in the output of info.
type infoVar struct {
	Name    string     `json:"name"`
	Class   string     `json:"class"`
	Complex bool       `json:"complex"`
	Sparse  bool       `json:"sparse,omitempty"`
	Dims    []int      `json:"dims"`
	Stats   *infoStats `json:"stats,omitempty"`
}

// infoStats is the --stats summary of a numeric variable.
type infoStats struct {
	Count   int     `json:"count"`
	NaN     int     `json:"nan"`
	Inf     int     `json:"inf"`
	NonZero int     `json:"nonzero"`
	MaxAbs  float64 `json:"max_abs"`
	SumAbs2 float64 `json:"sum_abs2"`
	SumRe   float64 `json:"sum_real"`
	SumIm   float64 `json:"sum_imag"`
}

func runInfo(e *env, args []string) error {
	fs := newFlags(e, "info", "[--json] [--stats] FILE")
	asJSON := fs.Bool("json", false, "print one JSON object")
	stats := fs.Bool("stats", false, "read every numeric variable and summarise its values")
	pos, err := parse(fs, args, 1)
	if err != nil {
		return err
	}

	f, err := mat.Open(pos[0])
	if err != nil {
		return err
	}
	defer f.Close()

	var vars []infoVar
	for _, v := range f.Vars() {
		iv := infoVar{Name: v.Name, Class: v.Class, Complex: v.Complex, Sparse: v.Sparse,
			Dims: v.Dims}
		if *stats && numericClass(v) {
			s, err := f.Stats(v.Name, nil)
			if err != nil {
				return err
			}
			iv.Stats = &infoStats{Count: s.Count, NaN: s.NaN, Inf: s.Inf, NonZero: s.NonZero,
				MaxAbs: s.MaxAbs, SumAbs2: s.SumAbs2, SumRe: real(s.Sum), SumIm: imag(s.Sum)}
		}
		vars = append(vars, iv)
	}

	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			File      string    `json:"file"`
			Format    string    `json:"format"`
			Variables []infoVar `json:"variables"`
		}{pos[0], f.Format().String(), vars})
	}

	fmt.Fprintf(e.stdout, "%s: %s, %d variable(s)\n", pos[0], f.Format(), len(vars))
	for _, v := range vars {
		kind := "real"
		if v.Complex {
			kind = "complex"
		}
		if v.Sparse {
			kind += " sparse"
		}
		fmt.Fprintf(e.stdout, "  %-14s %-8s %-8s %s\n", v.Name, v.Class, kind, dimsText(v.Dims))
		if s := v.Stats; s != nil {
			fmt.Fprintf(e.stdout, "    %d values, %d non-zero, %d NaN, %d Inf, max |x| %.6g, "+
				"sum |x|^2 %.6g, sum %.6g\n", s.Count, s.NonZero, s.NaN, s.Inf, s.MaxAbs,
				s.SumAbs2, cmplx.Abs(complex(s.SumRe, s.SumIm)))
		}
	}
	return nil
}

// numericClass reports whether a variable can be summarised as numbers.
func numericClass(v mat.VarInfo) bool {
	if v.Sparse {
		return false
	}
	switch v.Class {
	case "char", "cell", "struct", "object", "function_handle", "opaque":
		return false
	}
	return true
}

func dimsText(dims []int) string {
	parts := make([]string, len(dims))
	for i, n := range dims {
		parts[i] = fmt.Sprint(n)
	}
	return strings.Join(parts, "x")
}
