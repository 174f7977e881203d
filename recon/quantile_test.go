package recon

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestSelectKth checks selectKth against sorting, for every rank of small inputs and
// about 24 ranks of larger ones (the smallest and largest among them), with many ties
// (values from a few levels), sorted and reversed input, and one value repeated
// throughout.
func TestSelectKth(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	inputs := map[string][]float32{"one": {3}, "same": slices.Repeat([]float32{2}, 1000)}
	for _, n := range []int{2, 3, 7, 50, 1001, 100000} {
		v := make([]float32, n)
		ties := make([]float32, n)
		for i := range v {
			v[i] = rng.Float32()
			ties[i] = float32(rng.IntN(5))
		}
		up := slices.Clone(v)
		slices.Sort(up)
		down := slices.Clone(up)
		slices.Reverse(down)
		inputs["random"+strconv.Itoa(n)] = v
		inputs["ties"+strconv.Itoa(n)] = ties
		inputs["sorted"+strconv.Itoa(n)] = up
		inputs["reversed"+strconv.Itoa(n)] = down
	}
	for name, v := range inputs {
		want := slices.Clone(v)
		slices.Sort(want)
		step := max(1, len(v)/11)
		for k := 0; k < len(v); k += step {
			for _, kk := range []int{k, len(v) - 1 - k} {
				w := slices.Clone(v)
				if got := selectKth(w, kk); got != want[kk] {
					t.Fatalf("%s: rank %d: got %v, want %v", name, kk, got, want[kk])
				}
				slices.Sort(w)
				if !slices.Equal(w, want) {
					t.Fatalf("%s: rank %d: values lost or changed", name, kk)
				}
			}
		}
	}
}
