package recon

// SliceNormalApply exposes the CS normal operator of one slice (sliceNormal) to the
// benchmarks and tests of package recon_test, which may import package challenge for its
// masks.
func SliceNormalApply(nx, ny, nc, nt int, sets [][]complex64, m *Mask,
	threads int) func(dst, x []complex64) {
	return newSliceNormal(nx, ny, nc, nt, sets, m, threads).apply
}

// WithThreads exposes withThreads to package recon_test.
func (a *SenseOp) WithThreads(threads int) *SenseOp { return a.withThreads(threads) }
