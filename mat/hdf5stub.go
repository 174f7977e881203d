package mat

import "io"

// openHDF5 is replaced when the mat/hdf5 reader lands.
func openHDF5(r io.ReaderAt, size int64, path string, format Format) (*File, error) {
	return nil, fileError(path, ErrUnsupported, "%s reading is not available yet", format)
}
