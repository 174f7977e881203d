package phantom_test

import (
	"fmt"
	"math/cmplx"

	"github.com/cmrecon/cmrecon/phantom"
)

func ExampleNew() {
	o := phantom.DefaultOptions()
	o.NX, o.NY, o.NC, o.NT = 128, 54, 4, 4 // smaller than the demo, to run fast
	c, err := phantom.New(o)
	if err != nil {
		fmt.Println(err)
		return
	}

	fmt.Println("k-space", c.KSpace.Dims, "noise sigma", c.Sigma)
	for it := range o.NT {
		n := 0
		for _, t := range c.Labels.Plane(0, it) {
			if t == phantom.LVBlood {
				n++
			}
		}
		fmt.Printf("frame %d, cardiac phase %.2f: %d LV blood pixels\n", it, o.CyclePhase(it), n)
	}
	// Output:
	// k-space 128x54x4x1x4 noise sigma 0.006666666666666667
	// frame 0, cardiac phase 0.00: 49 LV blood pixels
	// frame 1, cardiac phase 0.25: 23 LV blood pixels
	// frame 2, cardiac phase 0.50: 27 LV blood pixels
	// frame 3, cardiac phase 0.75: 42 LV blood pixels
}

func ExampleRender() {
	o := phantom.DefaultOptions()
	o.NT = 1
	img, labels, err := phantom.Render(o)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The pixel at the centre of the left ventricle, 22 mm right of and 5 mm above the
	// middle of the FOV.
	hx, hy := o.FOVX/float64(o.NX), o.FOVY/float64(o.NY)
	ix := o.NX/2 + int(22/hx+0.5)
	iy := o.NY/2 - int(5/hy+0.5)
	v := img.Plane(0, 0)[ix+o.NX*iy]
	fmt.Printf("%v, |value| %.2f\n", labels.Plane(0, 0)[ix+o.NX*iy], cmplx.Abs(complex128(v)))
	// Output: LV blood, |value| 1.00
}
