package mat

import "math"

// Stats summarises the values of a numeric variable, so that a reader's output can be
// checked against another reader without comparing every element.
type Stats struct {
	Count   int     // elements
	NaN     int     // elements with a NaN part
	Inf     int     // elements with an infinite part and no NaN part
	NonZero int     // elements other than 0
	MaxAbs  float64 // largest magnitude among the finite elements
	SumAbs2 float64 // sum of squared magnitudes of the finite elements
	Sum     complex128
}

// Stats reads a numeric variable in double precision and summarises it. The name "" selects
// the first numeric variable, as in ReadComplex64.
func (f *File) Stats(name string, opt *ReadOptions) (Stats, error) {
	var s Stats
	data, _, err := f.ReadComplex128(name, opt)
	if err != nil {
		return s, err
	}

	s.Count = len(data)
	for _, v := range data {
		re, im := real(v), imag(v)
		switch {
		case math.IsNaN(re) || math.IsNaN(im):
			s.NaN++
			continue
		case math.IsInf(re, 0) || math.IsInf(im, 0):
			s.Inf++
			continue
		}
		if v != 0 {
			s.NonZero++
		}
		a2 := re*re + im*im
		s.SumAbs2 += a2
		s.MaxAbs = max(s.MaxAbs, math.Sqrt(a2))
		s.Sum += v
	}
	return s, nil
}
