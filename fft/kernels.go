package fft

// kernelSet is the butterfly implementation a plan uses: one kernel per specialised radix,
// the generic odd radix, Bluestein, and the moves in and out of the
// lane-interleaved buffers. A plan records its set when it is
// built; SIMD sets are meant to replace entries one by one and be tested against the pure-Go
// sets (kernelsC64 and kernelsC128).
type kernelSet[T Complex] struct {
	radix   [9]kernel[T]
	odd     kernel[T]
	blue    kernel[T]
	gather  func(m *moveArgs[T])
	scatter func(m *moveArgs[T])
	name    string
	simd    bool // stage kernels dispatch on asm.Active (complex64 on amd64)
}

// kernelsFor returns the kernel set for element type T.
func kernelsFor[T Complex]() *kernelSet[T] {
	var z T
	if _, ok := any(z).(complex64); ok {
		return any(&kernelsC64).(*kernelSet[T])
	}
	return any(&kernelsC128).(*kernelSet[T])
}
