package fft

// Plan2D is a plan for complex64 arrays; NewPlan2D makes one for 2-D transforms of nx×ny
// arrays (x fastest).
type Plan2D = Plan[complex64]

// NewPlan2D returns a plan for 2-D transforms of nx*ny complex64 arrays stored column-major,
// element (ix, iy) at ix + nx*iy. It panics if nx or ny is less than 1. For batches (coils,
// frames) or complex128, use NewPlan.
func NewPlan2D(nx, ny int) *Plan2D {
	return NewPlan[complex64]([]int{nx, ny})
}
