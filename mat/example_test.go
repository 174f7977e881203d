package mat_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/cmrecon/cmrecon/mat"
)

// ExampleWriteV5 writes a single-precision image the way the challenge's submissions store
// img4ranking, and lists the file.
func ExampleWriteV5() {
	dir, err := os.MkdirTemp("", "mat-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// A 3x2 image with 2 slices, column-major (x fastest).
	img := []float32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	path := filepath.Join(dir, "cine_sax_kus_Uniform8.mat")
	arr := mat.Array{Name: "img4ranking", Dims: []int{3, 2, 2}, Data: img}
	if err := mat.WriteV5(path, true, arr); err != nil {
		log.Fatal(err)
	}

	f, err := mat.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	fmt.Println(f.Format())
	for _, v := range f.Vars() {
		fmt.Printf("%s %s complex=%v %v\n", v.Name, v.Class, v.Complex, v.Dims)
	}
	// Output:
	// MATLAB v5
	// img4ranking single complex=false [3 2 2]
}

// ExampleOpen opens a file, whatever its format, and reads its k-space as complex64.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "mat-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Make a small k-space file: 2x2 samples, 2 coils, complex double.
	path := filepath.Join(dir, "kspace.mat")
	k := []complex128{1 + 1i, 2, 3, 4i, 5, 6, 7, 8 - 2i} // x fastest, then y, then coil
	err = mat.WriteV5(path, false, mat.Array{Name: "kus", Dims: []int{2, 2, 2}, Data: k})
	if err != nil {
		log.Fatal(err)
	}

	f, err := mat.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()

	// "" reads the first numeric variable; the CMRxRecon files hold only one.
	data, dims, err := f.ReadComplex64("", nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dims, data[0], data[7])
	// Output:
	// [2 2 2] (1+1i) (8-2i)
}

// ExampleWriteCFL writes a BART .cfl/.hdr pair and reads it back.
func ExampleWriteCFL() {
	dir, err := os.MkdirTemp("", "mat-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	base := filepath.Join(dir, "ksp")
	if err := mat.WriteCFL(base, []int{2, 1, 1, 2}, []complex64{1, 2i, 3, 4}); err != nil {
		log.Fatal(err)
	}

	data, dims, err := mat.ReadCFL(base + ".cfl")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(dims[:4], data)
	// Output:
	// [2 1 1 2] [(1+0i) (0+2i) (3+0i) (4+0i)]
}
