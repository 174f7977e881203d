package challenge

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cmrecon/cmrecon/mat"
	"github.com/cmrecon/cmrecon/recon"
)

// FuzzReadMask writes arbitrary bytes as a mask file and takes it the way the pipeline does:
// ReadMask, MatchMask against the k-space it claims to fit, CheckMask, and a zero-filled
// reconstruction of a small k-space of that size. No input may panic; every error must name
// the mask file (or, from recon, describe the mask); an accepted mask must give a finite
// image, never NaN.
//
// Seeds: masks written by WriteMask (v5) and mat.WriteV73, with one and several frames, one
// with a non-binary weight and one with NaN. A long run:
//
//	go test ./challenge -run '^$' -fuzz FuzzReadMask -fuzztime 5m -parallel 1
func FuzzReadMask(f *testing.F) {
	for _, b := range maskSeeds(f) {
		f.Add(b)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "mask.mat")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := ReadMask(path, &mat.ReadOptions{MaxBytes: 1 << 20})
		if err != nil {
			if !strings.Contains(err.Error(), path) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error %q: want one line naming %s", err, path)
			}
			return
		}
		if len(m.Data) != m.NX*m.NY*m.NT || m.NX < 1 || m.NY < 1 || m.NT < 1 {
			t.Fatalf("mask %dx%dx%d with %d values accepted", m.NX, m.NY, m.NT, len(m.Data))
		}

		d := recon.Dims{NX: m.NX, NY: m.NY, NC: 2, NZ: 1, NT: m.NT}
		if err := MatchMask(path, m, d); err != nil {
			t.Fatalf("mask does not match the k-space made for it: %v", err)
		}
		bad := d
		bad.NY++
		if err := MatchMask(path, m, bad); !errors.Is(err, ErrMaskSize) {
			t.Fatalf("MatchMask against %v: error %v, want ErrMaskSize", bad, err)
		}
		_ = CheckMask(m)

		if d.Len() > 1<<16 {
			return
		}
		k := &recon.KSpace{Dims: d, Data: make([]complex64, d.Len())}
		for i := range k.Data {
			k.Data[i] = complex(float32(i%7)-3, float32(i%5))
		}
		img, err := recon.Reconstruct(k, m, recon.Options{Threads: 1})
		if err != nil {
			return // recon refuses weights that are negative, NaN or infinite
		}
		for i, v := range img.Data {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("image value %v at %d from an accepted mask", v, i)
			}
		}
	})
}

// maskSeeds returns small mask files made by the package's writers.
func maskSeeds(t testing.TB) [][]byte {
	t.Helper()
	dir := t.TempDir()
	line := &recon.Mask{NX: 4, NY: 6, NT: 1, Data: make([]float32, 24)}
	for i := range line.Data {
		if y := i / 4; y%2 == 0 || y == 3 {
			line.Data[i] = 1
		}
	}
	frames := &recon.Mask{NX: 3, NY: 4, NT: 2, Data: make([]float32, 24)}
	for i := range frames.Data {
		frames.Data[i] = float32((i / 3) % 2)
	}
	weighted := &recon.Mask{NX: 2, NY: 2, NT: 1, Data: []float32{0.5, 1, 0, 2}}
	nan := &recon.Mask{NX: 2, NY: 2, NT: 1, Data: []float32{1, float32(math.NaN()), 0, 1}}

	var paths []string
	for i, m := range []*recon.Mask{line, frames, weighted, nan} {
		p := filepath.Join(dir, "m"+string(rune('a'+i))+".mat")
		if err := WriteMask(p, m); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	p := filepath.Join(dir, "v73.mat")
	data := make([]float64, len(frames.Data))
	for i, v := range frames.Data {
		data[i] = float64(v)
	}
	err := mat.WriteV73(p, mat.Array{Name: "mask", Dims: []int{3, 4, 2}, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	paths = append(paths, p)

	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}
