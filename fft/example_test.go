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

// A low-pass filter along the columns of an 8×16 image: each column's spectrum keeps its
// lowest frequencies only. Filter hands over the spectra of a block of neighbouring
// columns at a time, element k of the b-th column at spec[k*lanes+b]; the result is the
// unnormalised inverse, so the filter divides by the length.
func ExamplePlan_Filter() {
	const nx, ny = 8, 16
	p := fft.NewPlan[complex64]([]int{nx, ny}, 1)
	img := make([]complex64, nx*ny)
	for y := range ny {
		for x := range nx {
			img[x+nx*y] = complex(float32(1+y%2), 0) // 1, 2, 1, 2, ... down every column
		}
	}
	p.Filter(img, 0, p.LineBlocks(), func(spec []complex64, line, lanes int) {
		for k := range ny {
			w := float32(0)
			if k < 2 || k > ny-2 {
				w = 1.0 / ny
			}
			for b := range lanes {
				spec[k*lanes+b] *= complex(w, 0)
			}
		}
	})
	fmt.Printf("column 0: %.2f %.2f, column 7: %.2f %.2f\n", real(img[0]), real(img[nx]),
		real(img[7]), real(img[7+nx]))
	// Output:
	// column 0: 1.50 1.50, column 7: 1.50 1.50
}
