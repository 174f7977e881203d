package hdf5

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// signature is the 8-byte HDF5 format signature that starts the superblock.
var signature = []byte{0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'}

// File is an open HDF5 file. Its methods may be called from several goroutines at once.
type File struct {
	r      io.ReaderAt
	closer io.Closer
	size   int64  // bytes in the whole file, user block included
	name   string // used in error messages

	base      int64 // absolute offset of the superblock; file addresses are relative to it
	sbVersion int
	offSize   int
	lenSize   int
	rootAddr  uint64 // object header of the root group
	verify    bool   // check metadata checksums

	root []link // root-group members, sorted by name
}

// Open opens the HDF5 file at path, finds its superblock (at offset 0, 512, 1024, 2048, ...)
// and reads the root group. It returns an error wrapping ErrNotHDF5 when there is no
// superblock, for instance for a MATLAB v5 MAT-file.
func Open(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("hdf5: %w", err)
	}

	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("hdf5: %w", err)
	}

	f, err := newFile(fh, st.Size(), path, true)
	if err != nil {
		fh.Close()
		return nil, err
	}
	f.closer = fh
	return f, nil
}

// NewFile reads an HDF5 file of size bytes from r. The name is used in error messages only.
// Close does not close r.
func NewFile(r io.ReaderAt, size int64, name string) (*File, error) {
	return newFile(r, size, name, true)
}

// newFile is NewFile with the choice to skip metadata checksums (the fuzz target does, so
// that mutated inputs reach the parsers behind the checksums).
func newFile(r io.ReaderAt, size int64, name string, verify bool) (*File, error) {
	f := &File{r: r, size: size, name: name, verify: verify}
	if size < 0 {
		return nil, f.corruptf("negative file size %d", size)
	}

	if err := f.findSuperblock(); err != nil {
		return nil, err
	}

	links, err := f.groupLinks(f.rootAddr, "/")
	if err != nil {
		return nil, err
	}
	f.root = links
	return f, nil
}

// Close closes the file opened by Open. For a File made by NewFile it does nothing.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	err := f.closer.Close()
	f.closer = nil
	return err
}

// UserBlockSize returns the number of bytes before the superblock: 512 for a MATLAB v7.3
// MAT-file, 0 for a plain HDF5 file.
func (f *File) UserBlockSize() int64 {
	return f.base
}

// SuperblockVersion returns the version of the superblock: 0 for files written by MATLAB and
// by default by h5py, 2 or 3 for files written with the newest format.
func (f *File) SuperblockVersion() int {
	return f.sbVersion
}

// Names returns the names of the root group's members (datasets, groups and links), sorted.
func (f *File) Names() []string {
	names := make([]string, len(f.root))
	for i, l := range f.root {
		names[i] = l.name
	}
	return names
}

// findSuperblock looks for the signature at 0 and at 512 times each power of two, then
// decodes the superblock found.
func (f *File) findSuperblock() error {
	sig := make([]byte, len(signature))
	for off := int64(0); off+int64(len(signature)) <= f.size; {
		if _, err := f.r.ReadAt(sig, off); err != nil {
			return f.ioError(err, off)
		}
		if bytes.Equal(sig, signature) {
			f.base = off
			return f.readSuperblock()
		}

		if off == 0 {
			off = 512
		} else {
			off *= 2
		}
	}
	return newError(f.name, ErrNotHDF5, "no HDF5 superblock (not a MATLAB v7.3 file)")
}

// ioError wraps a read error at absolute offset off.
func (f *File) ioError(err error, off int64) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return f.corruptf("unexpected end of file at offset 0x%x", off)
	}
	return &fileError{file: f.name, msg: fmt.Sprintf("read at offset 0x%x: %v", off, err),
		kind: err}
}

// readSuperblock decodes the superblock at f.base.
func (f *File) readSuperblock() error {
	head := make([]byte, 16)
	if f.base+int64(len(head)) > f.size {
		return f.corruptf("superblock at offset 0x%x is truncated", f.base)
	}
	if _, err := f.r.ReadAt(head, f.base); err != nil {
		return f.ioError(err, f.base)
	}

	f.sbVersion = int(head[8])
	switch f.sbVersion {
	case 0, 1:
		f.offSize, f.lenSize = int(head[13]), int(head[14])
	case 2, 3:
		f.offSize, f.lenSize = int(head[9]), int(head[10])
	default:
		return f.unsupportedf("superblock version %d", f.sbVersion)
	}
	if !validFieldSize(f.offSize) || !validFieldSize(f.lenSize) {
		return f.corruptf("superblock gives sizes of offsets %d and lengths %d (want 2, 4 or 8)",
			f.offSize, f.lenSize)
	}

	if f.sbVersion >= 2 {
		return f.readSuperblockV2()
	}
	return f.readSuperblockV0()
}

func validFieldSize(n int) bool {
	return n == 2 || n == 4 || n == 8
}

// readSuperblockV0 decodes superblock versions 0 and 1, which end with the root group's
// symbol table entry.
func (f *File) readSuperblockV0() error {
	n := 24 + 4*f.offSize + f.symbolEntrySize()
	if f.sbVersion == 1 {
		n += 4
	}
	b, err := f.readAbs(f.base, n, "superblock")
	if err != nil {
		return err
	}

	c := f.newCursor(b)
	c.skip(24)
	if f.sbVersion == 1 {
		c.skip(4)
	}
	stored := c.addr() // base address: the superblock's own position is used instead
	c.addr()           // free-space info
	eof := c.addr()
	c.addr() // driver info
	c.addr() // root link name offset
	f.rootAddr = c.addr()
	if c.bad {
		return f.corruptf("superblock is truncated")
	}
	return f.checkEOF(eof, stored)
}

// readSuperblockV2 decodes superblock versions 2 and 3.
func (f *File) readSuperblockV2() error {
	n := 12 + 4*f.offSize + 4
	b, err := f.readAbs(f.base, n, "superblock")
	if err != nil {
		return err
	}
	if err := f.checkSum(b, "superblock", 0); err != nil {
		return err
	}

	c := f.newCursor(b)
	c.skip(12)
	stored := c.addr()
	c.addr() // superblock extension: file-space and B-tree settings, not needed to read
	eof := c.addr()
	f.rootAddr = c.addr()
	return f.checkEOF(eof, stored)
}

// checkEOF reports a file shorter than the end of file recorded in its superblock. As the
// HDF5 library does, the recorded end moves with the superblock when the superblock is not
// where its stored base address says (a user block added after writing).
func (f *File) checkEOF(eof, storedBase uint64) error {
	if eof == undef || storedBase == undef {
		return nil
	}
	end := eof + uint64(f.base) - storedBase
	if end > uint64(f.size) {
		return f.corruptf("file is truncated: superblock records %d bytes, file has %d",
			end, f.size)
	}
	return nil
}

// symbolEntrySize returns the size of a symbol table entry.
func (f *File) symbolEntrySize() int {
	return 2*f.offSize + 4 + 4 + 16
}

// readAbs reads n bytes at absolute file offset off.
func (f *File) readAbs(off int64, n int, what string) ([]byte, error) {
	if n < 0 || off < 0 || off > f.size || int64(n) > f.size-off {
		return nil, f.corruptf("%s at offset 0x%x (%d bytes) extends past end of file",
			what, off, n)
	}
	b := make([]byte, n)
	if _, err := f.r.ReadAt(b, off); err != nil {
		return nil, f.ioError(err, off)
	}
	return b, nil
}

// checkRange verifies that n bytes at file address addr lie inside the file.
func (f *File) checkRange(addr, n uint64, what string) error {
	if addr == undef {
		return f.corruptf("%s has an undefined address", what)
	}
	end := uint64(f.size - f.base)
	if addr > end || n > end-addr {
		return f.corruptf("%s at 0x%x (%d bytes) extends past end of file", what, addr, n)
	}
	return nil
}

// read reads n bytes at file address addr (relative to the superblock).
func (f *File) read(addr uint64, n uint64, what string) ([]byte, error) {
	if err := f.checkRange(addr, n, what); err != nil {
		return nil, err
	}
	return f.readAbs(f.base+int64(addr), int(n), what)
}

// readAt fills p from file address addr, which the caller has range-checked.
func (f *File) readAt(p []byte, addr uint64) error {
	off := f.base + int64(addr)
	if _, err := f.r.ReadAt(p, off); err != nil {
		return f.ioError(err, off)
	}
	return nil
}

// checkSum verifies the lookup3 checksum stored in the last 4 bytes of b, which holds a
// structure read at address addr.
func (f *File) checkSum(b []byte, what string, addr uint64) error {
	if !f.verify || len(b) < 4 {
		return nil
	}
	n := len(b) - 4
	want := uint32(b[n]) | uint32(b[n+1])<<8 | uint32(b[n+2])<<16 | uint32(b[n+3])<<24
	if lookup3(b[:n]) != want {
		return f.corruptf("checksum mismatch in %s at 0x%x", what, addr)
	}
	return nil
}

// checkSignature verifies the 4-byte signature that starts a structure.
func (f *File) checkSignature(b []byte, sig string, what string, addr uint64) error {
	if len(b) < 4 || string(b[:4]) != sig {
		return f.corruptf("%s at 0x%x lacks its %q signature", what, addr, sig)
	}
	return nil
}

// Dataset returns the dataset called name in the root group. A path such as "/a/b" or "a/b"
// names a dataset inside groups.
func (f *File) Dataset(name string) (*Dataset, error) {
	parts := splitPath(name)
	if len(parts) == 0 {
		return nil, newError(f.name, ErrNotFound, "%q is not a dataset name", name)
	}

	links := f.root
	var obj *object
	for i, p := range parts {
		l, ok := findLink(links, p)
		if !ok {
			return nil, newError(f.name, ErrNotFound, "no object %q in group %q", p,
				"/"+strings.Join(parts[:i], "/"))
		}

		addr, err := f.resolve(l, 0)
		if err != nil {
			return nil, err
		}
		o, err := f.readObject(addr)
		if err != nil {
			return nil, err
		}

		path := "/" + strings.Join(parts[:i+1], "/")
		if i == len(parts)-1 {
			obj = o
			break
		}
		if !o.isGroup() {
			return nil, newError(f.name, ErrNotFound, "%q is not a group", path)
		}
		links, err = f.groupLinksOf(o, path)
		if err != nil {
			return nil, err
		}
	}

	path := "/" + strings.Join(parts, "/")
	if !obj.isDataset() {
		return nil, newError(f.name, ErrNotFound, "%q is not a dataset", path)
	}
	return f.newDataset(obj, path)
}

// ErrNotFound reports a name that the file does not hold, or that names a group where a
// dataset was asked for.
var ErrNotFound = errors.New("no such dataset")

// splitPath splits an HDF5 path into its non-empty components.
func splitPath(p string) []string {
	var parts []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." {
			parts = append(parts, s)
		}
	}
	return parts
}

// findLink finds the link called name in links, sorted by name.
func findLink(links []link, name string) (link, bool) {
	i := sort.Search(len(links), func(i int) bool { return links[i].name >= name })
	if i < len(links) && links[i].name == name {
		return links[i], true
	}
	return link{}, false
}

// maxSoftLinks bounds the chain of soft links followed while resolving one name.
const maxSoftLinks = 16

// resolve returns the object header address a link points to, following soft links.
func (f *File) resolve(l link, depth int) (uint64, error) {
	switch l.kind {
	case linkHard:
		return l.addr, nil
	case linkSoft:
		if depth >= maxSoftLinks {
			return 0, f.corruptf("soft link %q: more than %d links in a chain", l.name,
				maxSoftLinks)
		}
		return f.resolvePath(l.target, depth+1)
	default:
		return 0, f.unsupportedf("link %q is an external link", l.name)
	}
}

// resolvePath returns the object header address of an absolute path inside the file.
func (f *File) resolvePath(path string, depth int) (uint64, error) {
	parts := splitPath(path)
	addr := f.rootAddr
	links := f.root
	for i, p := range parts {
		if i > 0 {
			o, err := f.readObject(addr)
			if err != nil {
				return 0, err
			}
			if !o.isGroup() {
				return 0, f.corruptf("soft link target %q: %q is not a group", path, p)
			}
			if links, err = f.groupLinksOf(o, path); err != nil {
				return 0, err
			}
		}

		l, ok := findLink(links, p)
		if !ok {
			return 0, newError(f.name, ErrNotFound, "soft link target %q does not exist", path)
		}
		a, err := f.resolve(l, depth)
		if err != nil {
			return 0, err
		}
		addr = a
	}
	return addr, nil
}
