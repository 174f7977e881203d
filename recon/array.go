package recon

import "fmt"

// Dims are the sizes of a k-space array in the challenge's MATLAB order
// (nx readout, ny phase encoding, nc coils, nz slices, nt frames).
type Dims struct {
	NX, NY, NC, NZ, NT int
}

// Len returns the number of elements of an array with these dims.
func (d Dims) Len() int { return d.NX * d.NY * d.NC * d.NZ * d.NT }

// Valid reports whether every size is at least 1.
func (d Dims) Valid() bool {
	return d.NX >= 1 && d.NY >= 1 && d.NC >= 1 && d.NZ >= 1 && d.NT >= 1
}

// String formats the dims as MATLAB would print them, e.g. "448x162x10x14x12".
func (d Dims) String() string {
	return fmt.Sprintf("%dx%dx%dx%dx%d", d.NX, d.NY, d.NC, d.NZ, d.NT)
}

// KSpace is multi-coil Cartesian k-space stored column-major as MATLAB stores it: element
// (ix, iy, ic, iz, it) sits at ix + NX*(iy + NY*(ic + NC*(iz + NZ*it))). The k-space centre of
// an axis of length n is at index n/2 (integer division), as in the challenge's ifft2c.
type KSpace struct {
	Dims
	Data []complex64
}

// Plane returns the nx*ny plane of coil ic, slice iz and frame it, sharing Data.
func (k *KSpace) Plane(ic, iz, it int) []complex64 {
	n := k.NX * k.NY
	off := n * (ic + k.NC*(iz+k.NZ*it))
	return k.Data[off : off+n : off+n]
}

// Mask is a sampling pattern over (nx, ny, nt), column-major, shared by all coils and
// slices. NT is 1 when one pattern serves every frame. Values are sampling weights, 0 or 1
// for the challenge's masks.
type Mask struct {
	NX, NY, NT int
	Data       []float32
}

// Frame returns the nx*ny pattern of frame it, sharing Data. A mask with NT == 1 returns
// its only frame for every it.
func (m *Mask) Frame(it int) []float32 {
	if m.NT == 1 {
		it = 0
	}
	n := m.NX * m.NY
	return m.Data[it*n : (it+1)*n : (it+1)*n]
}

// Image is a real-valued image series (nx, ny, nz, nt), column-major, x fastest: the
// magnitude output of a reconstruction.
type Image struct {
	NX, NY, NZ, NT int
	Data           []float32
}

// Plane returns the nx*ny image of slice iz and frame it, sharing Data.
func (im *Image) Plane(iz, it int) []float32 {
	n := im.NX * im.NY
	off := n * (iz + im.NZ*it)
	return im.Data[off : off+n : off+n]
}

// ComplexImage is a complex image series (nx, ny, nz, nt), column-major, x fastest: the
// coil-combined output of a SENSE or compressed-sensing reconstruction.
type ComplexImage struct {
	NX, NY, NZ, NT int
	Data           []complex64
}

// Plane returns the nx*ny image of slice iz and frame it, sharing Data.
func (im *ComplexImage) Plane(iz, it int) []complex64 {
	n := im.NX * im.NY
	off := n * (iz + im.NZ*it)
	return im.Data[off : off+n : off+n]
}
