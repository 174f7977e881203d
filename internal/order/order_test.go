package order

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestSelectNth checks SelectNth against sorting, for every rank of small inputs and about 24
// ranks of larger ones (the smallest and largest among them): v[k] is the sorted k-th value,
// nothing larger stands before it and nothing smaller after it, and no value is lost. The
// inputs include many ties (a few levels, two values), sorted, reversed and organ-pipe orders
// (which defeat simple pivots) and one value repeated throughout.
func TestSelectNth(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	inputs := map[string][]float32{"one": {3}, "same": slices.Repeat([]float32{2}, 1000)}
	for _, n := range []int{2, 3, 7, 17, 50, 1001, 5000, 100000} {
		v := make([]float32, n)
		ties := make([]float32, n)
		pipe := make([]float32, n)
		two := make([]float32, n)
		for i := range v {
			v[i] = rng.Float32()
			ties[i] = float32(rng.IntN(5))
			pipe[i] = float32(min(i, n-i))
			two[i] = float32(i % 2)
		}
		up := slices.Clone(v)
		slices.Sort(up)
		down := slices.Clone(up)
		slices.Reverse(down)
		s := strconv.Itoa(n)
		inputs["random"+s], inputs["ties"+s], inputs["sorted"+s] = v, ties, up
		inputs["reversed"+s], inputs["organpipe"+s], inputs["twovalues"+s] = down, pipe, two
	}
	for name, v := range inputs {
		want := slices.Clone(v)
		slices.Sort(want)
		step := max(1, len(v)/11)
		for k := 0; k < len(v); k += step {
			for _, kk := range []int{k, len(v) - 1 - k} {
				w := slices.Clone(v)
				SelectNth(w, kk)
				if w[kk] != want[kk] {
					t.Fatalf("%s: rank %d: got %v, want %v", name, kk, w[kk], want[kk])
				}
				if slices.Max(w[:kk+1]) > w[kk] || slices.Min(w[kk:]) < w[kk] {
					t.Fatalf("%s: rank %d: not partitioned around it", name, kk)
				}
				slices.Sort(w)
				if !slices.Equal(w, want) {
					t.Fatalf("%s: rank %d: values lost or changed", name, kk)
				}
			}
		}
	}
}
