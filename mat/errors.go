package mat

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error the package returns names the file and the problem in one line
// and wraps one of these when it applies, for errors.Is.
var (
	// ErrNotMAT reports a file that is not a MATLAB, HDF5 or BART cfl file at all.
	ErrNotMAT = errors.New("not a MATLAB, HDF5 or BART cfl file")

	// ErrCorrupt reports a file of a known format whose content is truncated or malformed.
	ErrCorrupt = errors.New("corrupt or truncated file")

	// ErrNoVariable reports a variable name that the file does not hold, or a file with no
	// variable readable as numbers when the name "" asks for the first one.
	ErrNoVariable = errors.New("no such variable")

	// ErrNotNumeric reports a variable that cannot be read as numbers: char, cell, struct,
	// sparse, object or function handle arrays.
	ErrNotNumeric = errors.New("variable is not a numeric array")

	// ErrComplex reports a real-valued read of a complex variable.
	ErrComplex = errors.New("variable is complex")

	// ErrTooLarge reports an array larger than ReadOptions.MaxBytes, than the file can hold,
	// or than the format can store.
	ErrTooLarge = errors.New("array too large")

	// ErrUnsupported reports a valid file that uses a feature this package does not handle.
	ErrUnsupported = errors.New("unsupported file feature")
)

// fileError formats a one-line error that names the file, wrapping sentinel.
func fileError(path string, sentinel error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if sentinel == nil {
		return fmt.Errorf("mat: %s: %s", path, msg)
	}
	return fmt.Errorf("mat: %s: %s: %w", path, msg, sentinel)
}
