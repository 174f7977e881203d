package fft_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/cmrecon/cmrecon/fft"
)

// A centred, orthonormal 2-D transform of one 6×4 image and back, as the reconstruction does
// for each coil: CenteredForward is the challenge's fft2c and CenteredInverse its ifft2c.
func ExampleNewPlan2D() {
	const nx, ny = 6, 4
	p := fft.NewPlan2D(nx, ny)
	img := make([]complex64, nx*ny)
	img[nx/2+nx*(ny/2)] = 1 // a point at the centre
	p.CenteredForward(img)
	fmt.Printf("k-space is flat: %.4f ... %.4f\n", img[0], img[nx*ny-1])
	p.CenteredInverse(img)
	fmt.Printf("back at the centre: %.4f\n", img[nx/2+nx*(ny/2)])
	// Output:
	// k-space is flat: (0.2041+0.0000i) ... (0.2041+0.0000i)
	// back at the centre: (1.0000+0.0000i)
}

// Measure the best decomposition of a batched 2-D transform once, keep the choices in a
// wisdom file, and reuse them in a later run without timing anything.
func ExampleMeasurePlan() {
	dir, err := os.MkdirTemp("", "wisdom")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "fft.wisdom")

	// First run: time the candidates (a fraction of a second) and save what was chosen.
	w := &fft.Wisdom{}
	shape := []int{448, 204, 10} // readout × phase encoding × coils
	p := fft.MeasurePlan[complex64](w, shape, 0, 1)
	if err := w.Save(file); err != nil {
		log.Fatal(err)
	}

	// A later run: plans made from the loaded wisdom are as cheap as NewPlan's.
	loaded, err := fft.LoadWisdom(file)
	if err != nil {
		log.Fatal(err)
	}
	q := fft.NewPlanWisdom[complex64](loaded, shape, 0, 1)
	fmt.Println("choices saved:", loaded.Len())
	fmt.Println("same decomposition:", q.Decomposition() == p.Decomposition())

	x := make([]complex64, q.Len())
	for i := range x {
		x[i] = 1
	}
	q.Transform(x, x, fft.Ortho)
	fmt.Printf("DC of a constant coil image: %.1f\n", real(x[0]))
	// Output:
	// choices saved: 2
	// same decomposition: true
	// DC of a constant coil image: 302.3
}
