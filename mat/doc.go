// Package mat reads and writes the array files of MRI reconstruction: MATLAB MAT-files of
// level 5 (what MATLAB's save -v6 and -v7 and scipy.io.savemat write), MATLAB v7.3
// MAT-files (HDF5 behind a 512-byte MATLAB header, what the CMRxRecon challenge ships), plain
// HDF5 files, and BART .cfl/.hdr pairs.
//
// Open detects the format from the content and lists the variables with their MATLAB class
// and dims; ReadComplex64, ReadComplex128, ReadFloat32 and ReadFloat64 decode one variable
// into a new slice in MATLAB's column-major order (x fastest), whatever class and storage
// type the file uses. WriteV5 writes numeric arrays as a MATLAB level 5 file (the format of
// the challenge's submissions), WriteV73 as a MATLAB v7.3 file, and WriteCFL as a BART pair.
// Writers never leave a partial file: they write a temporary file in the same folder and
// rename it.
//
// Dims follow MATLAB's size(): trailing singleton dims are dropped, and at least two remain.
// HDF5 stores the same bytes with the dims reversed; the package reverses them. An empty
// array reads as a slice of length zero with its dims, in every format (MATLAB v7.3 stores
// such an array's dims in place of its values and marks it MATLAB_empty).
//
// Memory: a read costs the output slice plus a bounded working set (256 KiB buffers; a
// compressed MAT v5 element is inflated as a stream, never as a whole). Before allocating,
// the declared size is checked against the file (a raw element must fit in it, a compressed
// one cannot expand more than deflate's ratio of about 1032) and against
// ReadOptions.MaxBytes.
//
// Errors are one line that names the file and the problem, and wrap one of the sentinel
// errors (ErrNotMAT, ErrCorrupt, ErrNoVariable, ErrNotNumeric, ErrComplex, ErrTooLarge,
// ErrUnsupported) for errors.Is. NaN and Inf are values like any other: the caller decides
// what to do with them.
//
// MATLAB level 5 support: both byte orders, miCOMPRESSED (zlib) elements, the small data
// element format, every numeric storage type for every numeric class (MATLAB stores a double
// array as miUINT8 or miINT16 when its values fit), complex and logical arrays. Char, cell,
// struct, sparse, object and function handle arrays are listed by Vars with their class,
// but reading them as numbers fails with ErrNotNumeric.
package mat
