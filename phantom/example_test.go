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

func ExampleT1MapOptions() {
	o := phantom.T1MapOptions()
	img, labels, err := phantom.Render(o) // the true image: no coils, no noise
	if err != nil {
		fmt.Println(err)
		return
	}

	// Two pixels on the line through the centre of the left ventricle: its blood pool and
	// its lateral wall, 22 and 49 mm right of the middle of the FOV.
	hx, hy := o.FOVX/float64(o.NX), o.FOVY/float64(o.NY)
	iy := o.NY/2 - int(5/hy+0.5)
	blood := o.NX/2 + int(22/hx+0.5) + o.NX*iy
	wall := o.NX/2 + int(49/hx+0.5) + o.NX*iy
	fmt.Println(labels.Plane(0, 0)[blood], "and", labels.Plane(0, 0)[wall], "in every frame")

	// The sign of the real part shows the magnetisation's: negative before the null.
	for it, ti := range o.FrameTimes() {
		p := img.Plane(0, it)
		fmt.Printf("TI %4.0f ms: blood %+.3f, myocardium %+.3f\n", ti,
			signedMagnitude(p[blood], img.Plane(0, o.NT-1)[blood]),
			signedMagnitude(p[wall], img.Plane(0, o.NT-1)[wall]))
	}
	// Output:
	// LV blood and myocardium in every frame
	// TI  100 ms: blood -0.897, myocardium -0.190
	// TI  180 ms: blood -0.819, myocardium -0.163
	// TI  260 ms: blood -0.744, myocardium -0.138
	// TI 1100 ms: blood -0.121, myocardium +0.045
	// TI 1180 ms: blood -0.075, myocardium +0.057
	// TI 1260 ms: blood -0.030, myocardium +0.068
	// TI 2100 ms: blood +0.338, myocardium +0.147
	// TI 2180 ms: blood +0.365, myocardium +0.152
	// TI 3100 ms: blood +0.609, myocardium +0.192
}

// signedMagnitude returns |v| with the sign of its projection on ref.
func signedMagnitude(v, ref complex64) float64 {
	m := cmplx.Abs(complex128(v))
	if real(complex128(v)*cmplx.Conj(complex128(ref))) < 0 {
		return -m
	}
	return m
}
