package mat

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"

	sghdf5 "github.com/scigolib/hdf5"
)

// v73HeaderText starts the 512-byte MATLAB header of the files WriteV73 writes; MATLAB ends
// its own text with the HDF5 schema version, as here.
var v73HeaderText = "MATLAB 7.3 MAT-file, Platform: " + runtime.GOOS + "-" + runtime.GOARCH +
	", Created by: cmrecon HDF5 schema 1.00 ."

// v73UserBlock is the size of the MATLAB header in front of the HDF5 superblock.
const v73UserBlock = 512

// WriteV73 writes arrays to a MATLAB v7.3 MAT-file: a 512-byte MATLAB header followed by
// HDF5 written with github.com/scigolib/hdf5. Each array is a root dataset with the MATLAB
// dims reversed and a MATLAB_class attribute; complex data are a compound of "real" and
// "imag"; logical arrays are uint8 with MATLAB_int_decode 1; empty arrays hold their dims
// and carry MATLAB_empty, as MATLAB stores them. Datasets are contiguous and uncompressed.
// Writing holds one encoded copy of the largest array in memory besides the data. The file
// is written under a temporary name in the same folder and renamed when complete.
//
// BUG: scigolib/hdf5 writes string attributes with the terminating NUL counted in their size
// and a one-element dataspace, where MATLAB writes a scalar dataspace and no NUL. h5py,
// h5dump and this package read them; reading by MATLAB itself has not been verified.
func WriteV73(path string, arrays ...Array) error {
	kinds, dims, err := checkArrays(path, arrays)
	if err != nil {
		return err
	}

	if err := checkTarget(path); err != nil {
		return err
	}
	tmp, err := createTemp(path + ".h5")
	if err != nil {
		return err
	}
	h5name := tmp.Name()
	tmp.Close()
	defer os.Remove(h5name)

	if err := writeHDF5(h5name, arrays, kinds, dims); err != nil {
		return fmt.Errorf("mat: %s: write HDF5: %w", path, err)
	}

	return writeAtomic(path, func(f *os.File) error {
		return prependMATLABHeader(f, h5name)
	})
}

// writeHDF5 writes the arrays as root datasets of a plain HDF5 file with superblock version
// 0, the version MATLAB writes.
func writeHDF5(name string, arrays []Array, kinds []arrayKind, dims [][]int) error {
	fw, err := sghdf5.CreateForWrite(name, sghdf5.CreateTruncate,
		sghdf5.WithSuperblockVersion(sghdf5.SuperblockV0))
	if err != nil {
		return err
	}

	for i, a := range arrays {
		if err := writeDataset(fw, a, kinds[i], dims[i]); err != nil {
			fw.Close()
			return fmt.Errorf("variable %q: %w", a.Name, err)
		}
	}
	return fw.Close()
}

// writeDataset writes one array with its MATLAB attributes.
func writeDataset(fw *sghdf5.FileWriter, a Array, k arrayKind, dims []int) error {
	class := classNames[k.class]
	if k.logical {
		class = "logical"
	}

	if k.n == 0 {
		ds, err := fw.CreateDataset("/"+a.Name, sghdf5.Uint64, []uint64{uint64(len(dims))})
		if err != nil {
			return err
		}
		sizes := make([]uint64, len(dims))
		for i, d := range dims {
			sizes[i] = uint64(d)
		}
		if err := ds.Write(sizes); err != nil {
			return err
		}
		if err := ds.WriteAttribute("MATLAB_class", class); err != nil {
			return err
		}
		return ds.WriteAttribute("MATLAB_empty", uint8(1))
	}

	shape := make([]uint64, len(dims))
	for i, d := range dims {
		shape[len(dims)-1-i] = uint64(d)
	}

	var ds *sghdf5.DatasetWriter
	var err error
	if k.complex {
		// scigolib/hdf5 takes the compound type as a pointer to a struct of its internal
		// package; the one way to name that type from outside is the result type of an
		// exported method, NamedDatatype.Datatype, which newOf allocates.
		var nd sghdf5.NamedDatatype
		dt := newOf(nd.Datatype())
		dt.Class = 6 // compound
		dt.Version = 1
		dt.Size = uint32(2 * k.size)
		dt.ClassBitField = 2 // number of members
		dt.Properties = complexMembers(k.size)
		ds, err = fw.CreateCompoundDataset("/"+a.Name, dt, shape)
		if err == nil {
			err = ds.WriteRaw(interleave(a.Data))
		}
	} else {
		ds, err = fw.CreateDataset("/"+a.Name, h5Type(k), shape)
		if err == nil {
			err = ds.Write(h5Data(a.Data))
		}
	}
	if err != nil {
		return err
	}

	if err := ds.WriteAttribute("MATLAB_class", class); err != nil {
		return err
	}
	if k.logical {
		return ds.WriteAttribute("MATLAB_int_decode", int32(1))
	}
	return nil
}

// h5Type returns the scigolib datatype of a real array.
func h5Type(k arrayKind) sghdf5.Datatype {
	switch k.mi {
	case miDOUBLE:
		return sghdf5.Float64
	case miSINGLE:
		return sghdf5.Float32
	case miINT8:
		return sghdf5.Int8
	case miUINT8:
		return sghdf5.Uint8
	case miINT16:
		return sghdf5.Int16
	case miUINT16:
		return sghdf5.Uint16
	case miINT32:
		return sghdf5.Int32
	case miUINT32:
		return sghdf5.Uint32
	case miINT64:
		return sghdf5.Int64
	}
	return sghdf5.Uint64
}

// h5Data returns data in a form scigolib writes: logical arrays become uint8.
func h5Data(data any) any {
	b, ok := data.([]bool)
	if !ok {
		return data
	}
	out := make([]uint8, len(b))
	for i, x := range b {
		if x {
			out[i] = 1
		}
	}
	return out
}

// interleave returns complex data as little-endian {real, imag} records.
func interleave(data any) []byte {
	switch d := data.(type) {
	case []complex128:
		out := make([]byte, 16*len(d))
		for i, x := range d {
			binary.LittleEndian.PutUint64(out[16*i:], math.Float64bits(real(x)))
			binary.LittleEndian.PutUint64(out[16*i+8:], math.Float64bits(imag(x)))
		}
		return out
	case []complex64:
		out := make([]byte, 8*len(d))
		for i, x := range d {
			binary.LittleEndian.PutUint32(out[8*i:], math.Float32bits(real(x)))
			binary.LittleEndian.PutUint32(out[8*i+4:], math.Float32bits(imag(x)))
		}
		return out
	}
	return nil
}

// newOf allocates a zero value of the type p points to.
func newOf[T any](*T) *T { return new(T) }

// complexMembers returns the member list of the HDF5 compound datatype {real, imag} of IEEE
// little-endian floats of size 4 or 8 (datatype message version 1, HDF5 format
// specification section IV.A.2.d).
func complexMembers(size int64) []byte {
	return append(compoundMember("real", 0, size), compoundMember("imag", uint32(size),
		size)...)
}

// compoundMember encodes one member of a version 1 compound datatype: the name padded to 8
// bytes, the byte offset, an unused array description, then the member's float datatype.
func compoundMember(name string, offset uint32, size int64) []byte {
	var b bytes.Buffer
	b.WriteString(name)
	b.Write(make([]byte, 8-len(name)%8))

	var fixed [32]byte
	binary.LittleEndian.PutUint32(fixed[0:], offset)
	b.Write(fixed[:])

	// Float datatype, version 1: little-endian, implied leading mantissa bit (0x20), the
	// sign bit in bits 8-15 of the class bit field; then bit offset, precision, exponent
	// location and size, mantissa location and size, exponent bias.
	var ft [20]byte
	bits := uint32(8 * size)
	expSize, mantSize, bias := uint32(11), uint32(52), uint32(1023)
	if size == 4 {
		expSize, mantSize, bias = 8, 23, 127
	}
	binary.LittleEndian.PutUint32(ft[0:], 1|1<<4|(0x20|(bits-1)<<8)<<8)
	binary.LittleEndian.PutUint32(ft[4:], uint32(size))
	binary.LittleEndian.PutUint16(ft[10:], uint16(bits))
	ft[12], ft[13], ft[14], ft[15] = byte(mantSize), byte(expSize), 0, byte(mantSize)
	binary.LittleEndian.PutUint32(ft[16:], bias)
	b.Write(ft[:])
	return b.Bytes()
}

// prependMATLABHeader writes the 512-byte MATLAB header to w, then the HDF5 file h5name with
// its version 0 superblock's base address set to 512 and its end-of-file address moved by
// 512, as the HDF5 library writes files with a user block.
func prependMATLABHeader(w io.Writer, h5name string) error {
	src, err := os.Open(h5name)
	if err != nil {
		return err
	}
	defer src.Close()

	var sb [56]byte
	if _, err := io.ReadFull(src, sb[:]); err != nil {
		return err
	}
	if !bytes.Equal(sb[:8], hdf5Signature) || sb[8] != 0 || sb[13] != 8 {
		return fmt.Errorf("scigolib/hdf5 wrote an unexpected superblock % x", sb[:16])
	}
	le := binary.LittleEndian
	if le.Uint64(sb[24:]) != 0 {
		return fmt.Errorf("scigolib/hdf5 wrote base address %d", le.Uint64(sb[24:]))
	}
	le.PutUint64(sb[24:], v73UserBlock)
	le.PutUint64(sb[40:], le.Uint64(sb[40:])+v73UserBlock)

	head := make([]byte, v73UserBlock)
	for i := range 116 {
		head[i] = ' '
	}
	copy(head, v73HeaderText)
	le.PutUint16(head[124:], 0x0200)
	copy(head[126:], "IM")

	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.Write(head); err != nil {
		return err
	}
	if _, err := bw.Write(sb[:]); err != nil {
		return err
	}
	if _, err := io.Copy(bw, src); err != nil {
		return err
	}
	return bw.Flush()
}
