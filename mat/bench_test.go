package mat

import (
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"testing"
)

// benchKSpace is one CMRxRecon-sized multi-coil slice: 448 x 162 samples, 10 coils, complex
// single (5.8 MB as complex64).
func benchKSpace() Array {
	rng := rand.New(rand.NewPCG(5, 6))
	d := make([]complex64, 448*162*10)
	for i := range d {
		d[i] = complex(float32(rng.NormFloat64()), float32(rng.NormFloat64()))
	}
	return Array{Name: "kus", Dims: []int{448, 162, 10}, Data: d}
}

// TestReadMemory checks that reading a compressed variable allocates little beyond its
// output: the element is inflated as a stream, not into a second buffer.
func TestReadMemory(t *testing.T) {
	a := benchKSpace()
	path := filepath.Join(t.TempDir(), "k.mat")
	if err := WriteV5(path, true, a); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	d, _, err := f.ReadComplex64("kus", nil)
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}

	// Output 5.8 MB; the working set is a 256 KiB chunk, its decode scratch, the bufio
	// and zlib buffers: 2 MB is generous and far below a second copy of the element.
	out := uint64(8 * len(d))
	if extra := after.TotalAlloc - before.TotalAlloc - out; extra > 2<<20 {
		t.Errorf("read allocated %d bytes beyond its %d-byte output", extra, out)
	}
}

// Benchmarks of the readers and writers on one CMRxRecon-sized slice. Reproduce with
//
//	go test ./mat -run '^$' -bench . -benchtime 10x
func benchRead(b *testing.B, path string) {
	b.Helper()
	f, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(448 * 162 * 10 * 8)
	b.ResetTimer()
	for range b.N {
		if _, _, err := f.ReadComplex64("", nil); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadV5(b *testing.B) {
	path := filepath.Join(b.TempDir(), "k.mat")
	if err := WriteV5(path, false, benchKSpace()); err != nil {
		b.Fatal(err)
	}
	benchRead(b, path)
}

func BenchmarkReadV5Compressed(b *testing.B) {
	path := filepath.Join(b.TempDir(), "k.mat")
	if err := WriteV5(path, true, benchKSpace()); err != nil {
		b.Fatal(err)
	}
	benchRead(b, path)
}

func BenchmarkReadV73(b *testing.B) {
	path := filepath.Join(b.TempDir(), "k.mat")
	if err := WriteV73(path, benchKSpace()); err != nil {
		b.Fatal(err)
	}
	benchRead(b, path)
}

func BenchmarkReadCFL(b *testing.B) {
	a := benchKSpace()
	path := filepath.Join(b.TempDir(), "k")
	if err := WriteCFL(path, a.Dims, a.Data.([]complex64)); err != nil {
		b.Fatal(err)
	}
	benchRead(b, path)
}

func benchWrite(b *testing.B, write func(path string, a Array) error) {
	b.Helper()
	a := benchKSpace()
	path := filepath.Join(b.TempDir(), "out.mat")
	b.SetBytes(448 * 162 * 10 * 8)
	b.ResetTimer()
	for range b.N {
		if err := write(path, a); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteV5(b *testing.B) {
	benchWrite(b, func(p string, a Array) error { return WriteV5(p, false, a) })
}

func BenchmarkWriteV5Compressed(b *testing.B) {
	benchWrite(b, func(p string, a Array) error { return WriteV5(p, true, a) })
}

func BenchmarkWriteV73(b *testing.B) {
	benchWrite(b, func(p string, a Array) error { return WriteV73(p, a) })
}

func BenchmarkWriteCFL(b *testing.B) {
	benchWrite(b, func(p string, a Array) error {
		return WriteCFL(p, a.Dims, a.Data.([]complex64))
	})
}
