package hdf5

import (
	"errors"
	"fmt"
)

// ErrNotHDF5 reports that a file has no HDF5 superblock at any of the offsets where one may
// start (0, 512, 1024, 2048, ...). A MATLAB MAT-file of version 5 or 7 gives this error.
var ErrNotHDF5 = errors.New("not an HDF5 file")

// ErrUnsupported reports a valid HDF5 feature that this package does not read, such as the
// szip filter, a virtual dataset or an external link.
var ErrUnsupported = errors.New("unsupported HDF5 feature")

// ErrCorrupt reports a structure that breaks the HDF5 format: an address past the end of the
// file, a bad signature or checksum, a size that does not add up.
var ErrCorrupt = errors.New("corrupt HDF5 file")

// fileError is the error type of the package: one line naming the file and the problem,
// wrapping one of the sentinel errors (or an I/O error) for errors.Is.
type fileError struct {
	file string
	msg  string
	kind error
}

func (e *fileError) Error() string {
	return "hdf5: " + e.file + ": " + e.msg
}

func (e *fileError) Unwrap() error {
	return e.kind
}

// newError formats a message about file and wraps kind.
func newError(file string, kind error, format string, args ...any) error {
	return &fileError{file: file, msg: fmt.Sprintf(format, args...), kind: kind}
}

// corruptf returns an ErrCorrupt error about the file of f.
func (f *File) corruptf(format string, args ...any) error {
	return newError(f.name, ErrCorrupt, format, args...)
}

// unsupportedf returns an ErrUnsupported error about the file of f.
func (f *File) unsupportedf(format string, args ...any) error {
	return newError(f.name, ErrUnsupported, format, args...)
}

// ErrType reports a read that does not fit the dataset: a complex dataset read as real, a
// string dataset read as numbers, or a destination of the wrong length.
var ErrType = errors.New("dataset does not fit the read")
