package hdf5

import (
	"errors"
	"math/bits"
)

// maxChunkBytes bounds the size of one chunk. HDF5 allows up to 4 GiB; chunks of more than
// 1 GiB would make every worker hold that much memory, so they are refused.
const maxChunkBytes = 1 << 30

// Dataset is a dataset of an open File: its shape, type, attributes and storage. Its read
// methods may be called from several goroutines at once.
type Dataset struct {
	f       *File
	name    string
	space   dataspace
	dtype   Datatype
	layout  layout
	filters []filter
	fill    []byte // one element, or nil for zeros
	attrs   []Attribute

	chunkElems int // elements in one chunk
	chunkBytes int // bytes in one chunk before filtering
}

// Attribute is an attribute of a dataset, with its value decoded when the type allows.
type Attribute struct {
	Name  string
	Type  Datatype
	Shape []int // nil for a scalar
	// Value is string or []string for strings, int64 or []int64 for signed integers,
	// uint64 or []uint64 for unsigned ones, float64 or []float64 for floats (a scalar for a
	// scalar dataspace, a slice otherwise), and nil for any other type.
	Value any
}

// newDataset decodes the messages of a dataset's object header.
func (f *File) newDataset(o *object, path string) (*Dataset, error) {
	d := &Dataset{f: f, name: path}
	var haveSpace, haveType bool
	var layoutMsg []byte
	var fillOld, fillNew []byte
	var haveFillNew bool
	var attrMsgs [][]byte
	var attrInfo *linkInfo

	for _, m := range o.msgs {
		var err error
		switch m.typ {
		case msgDataspace:
			if m.flags&msgFlagShared != 0 {
				return nil, f.unsupportedf("dataset %q has a shared dataspace", path)
			}
			d.space, err = f.parseDataspace(m.data)
			haveSpace = true
		case msgDatatype:
			d.dtype, err = f.datatypeMessage(m)
			haveType = true
		case msgLayout:
			layoutMsg = m.data
		case msgFilters:
			d.filters, err = f.parseFilters(m.data)
		case msgFillOld:
			fillOld, err = f.parseFill(m.data, true)
		case msgFill:
			fillNew, err = f.parseFill(m.data, false)
			haveFillNew = true
		case msgExternal:
			return nil, f.unsupportedf("dataset %q keeps its data in external files", path)
		case msgAttribute:
			attrMsgs = append(attrMsgs, m.data)
		case msgAttrInfo:
			var li linkInfo
			li, err = f.parseLinkInfo(m.data, true)
			attrInfo = &li
		}
		if err != nil {
			return nil, err
		}
	}
	if !haveSpace || !haveType || layoutMsg == nil {
		return nil, f.corruptf("dataset %q lacks a dataspace, datatype or layout message", path)
	}
	if d.dtype.Size < 1 {
		return nil, f.corruptf("dataset %q has a datatype of %d bytes", path, d.dtype.Size)
	}

	var err error
	if d.layout, err = f.parseLayout(layoutMsg, len(d.space.dims)); err != nil {
		return nil, err
	}
	d.fill = fillOld
	if haveFillNew {
		d.fill = fillNew
	}
	if len(d.fill) != d.dtype.Size || allZero(d.fill) {
		d.fill = nil
	}
	if err := d.checkStorage(); err != nil {
		return nil, err
	}

	if d.attrs, err = f.readAttributes(attrMsgs, attrInfo); err != nil {
		return nil, err
	}
	return d, nil
}

// allZero reports whether every byte of b is zero.
func allZero(b []byte) bool {
	for _, v := range b {
		if v != 0 {
			return false
		}
	}
	return true
}

// checkStorage validates the layout against the dataspace and datatype.
func (d *Dataset) checkStorage() error {
	f, l := d.f, &d.layout
	if d.space.null {
		return nil
	}
	hi, need := bits.Mul64(uint64(d.space.count), uint64(d.dtype.Size))
	if hi != 0 || need > 1<<62 {
		return f.corruptf("dataset %q: %d elements of %d bytes overflow", d.name,
			d.space.count, d.dtype.Size)
	}

	switch l.class {
	case layoutCompact:
		if uint64(len(l.compact)) < need {
			return f.corruptf("dataset %q: compact data has %d bytes, the dataspace needs %d",
				d.name, len(l.compact), need)
		}
	case layoutContiguous:
		if l.size == undef {
			l.size = need
		}
		if l.addr != undef && l.size < need {
			return f.corruptf("dataset %q: contiguous data has %d bytes, the dataspace "+
				"needs %d", d.name, l.size, need)
		}
		// Checked here, not only at read time, so that callers never size a buffer from
		// dims that the file cannot hold.
		if l.addr != undef {
			if err := f.checkRange(l.addr, need, "contiguous data of "+d.name); err != nil {
				return err
			}
		}
	case layoutChunked:
		if len(d.space.dims) == 0 {
			return f.corruptf("dataset %q: a scalar cannot be chunked", d.name)
		}
		n := uint64(d.dtype.Size)
		for i, c := range l.chunk {
			if c < 1 {
				return f.corruptf("dataset %q: chunk dimension %d is %d", d.name, i, c)
			}
			n *= uint64(c)
			if n > maxChunkBytes {
				return f.unsupportedf("dataset %q: chunks of %v elements exceed %d bytes",
					d.name, l.chunk, maxChunkBytes)
			}
		}
		d.chunkBytes = int(n)
		d.chunkElems = d.chunkBytes / d.dtype.Size
	}
	return nil
}

// datatypeMessage decodes a datatype message, resolving a committed (shared) datatype.
func (f *File) datatypeMessage(m message) (Datatype, error) {
	if m.flags&msgFlagShared == 0 {
		return f.parseDatatype(f.newCursor(m.data), 0)
	}

	addr, err := f.sharedAddr(m.data)
	if err != nil {
		return Datatype{}, err
	}
	o, err := f.readObject(addr)
	if err != nil {
		return Datatype{}, err
	}
	for _, dm := range o.msgs {
		if dm.typ == msgDatatype {
			if dm.flags&msgFlagShared != 0 {
				return Datatype{}, f.corruptf("committed datatype at 0x%x is itself shared",
					addr)
			}
			return f.parseDatatype(f.newCursor(dm.data), 0)
		}
	}
	return Datatype{}, f.corruptf("committed datatype at 0x%x has no datatype message", addr)
}

// sharedAddr decodes a shared message and returns the object header it points to.
func (f *File) sharedAddr(b []byte) (uint64, error) {
	c := f.newCursor(b)
	version := c.u8()
	typ := c.u8()
	switch version {
	case 1:
		c.skip(6 + f.lenSize)
	case 2, 3:
		if version == 3 && typ == 1 {
			return 0, f.unsupportedf("messages shared through the shared message heap")
		}
	default:
		return 0, f.unsupportedf("shared message version %d", version)
	}
	a := c.addr()
	if c.bad || a == undef {
		return 0, f.corruptf("shared message is truncated")
	}
	return a, nil
}

// Name returns the dataset's path, e.g. "/kspace".
func (d *Dataset) Name() string {
	return d.name
}

// Shape returns the dimensions in HDF5 order (slowest first), as h5py shows them: the
// reverse of the MATLAB size. It is empty for a scalar and nil for a null dataspace.
func (d *Dataset) Shape() []int {
	if d.space.null {
		return nil
	}
	return append([]int{}, d.space.dims...)
}

// MaxShape returns the maximum dimensions, -1 for an unlimited one.
func (d *Dataset) MaxShape() []int {
	if d.space.null {
		return nil
	}
	return append([]int{}, d.space.maxDims...)
}

// Len returns the number of elements: the product of Shape (1 for a scalar, 0 for a null
// dataspace).
func (d *Dataset) Len() int {
	if d.space.null {
		return 0
	}
	return d.space.count
}

// Chunks returns the chunk dimensions of a chunked dataset, nil otherwise.
func (d *Dataset) Chunks() []int {
	if d.layout.class != layoutChunked {
		return nil
	}
	return append([]int{}, d.layout.chunk...)
}

// Type returns the element datatype.
func (d *Dataset) Type() Datatype {
	return d.dtype
}

// IsComplex reports whether the elements are complex numbers: a compound of two floating
// point members named real and imag, as MATLAB, h5py and the CMRxRecon files store them.
func (d *Dataset) IsComplex() bool {
	_, _, ok := d.dtype.complexParts()
	return ok
}

// Attrs returns the dataset's attributes, in the order the file lists them.
func (d *Dataset) Attrs() []Attribute {
	return append([]Attribute{}, d.attrs...)
}

// StringAttr returns the value of the string attribute called name, e.g. "MATLAB_class",
// and whether there is one.
func (d *Dataset) StringAttr(name string) (string, bool) {
	for _, a := range d.attrs {
		if a.Name != name {
			continue
		}
		switch v := a.Value.(type) {
		case string:
			return v, true
		case []string:
			if len(v) == 1 {
				return v[0], true
			}
		}
	}
	return "", false
}

// maxAttributes bounds the attributes of one object.
const maxAttributes = 1 << 16

// readAttributes decodes compact attribute messages and, when the object has an attribute
// info message, the attributes kept densely in a fractal heap.
func (f *File) readAttributes(msgs [][]byte, info *linkInfo) ([]Attribute, error) {
	g := &gheapCache{f: f, cols: map[uint64][]byte{}}
	var out []Attribute
	for _, b := range msgs {
		a, err := f.parseAttribute(b, g)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if info == nil || info.heap == undef || info.nameTree == undef {
		return out, nil
	}

	h, err := f.openFractalHeap(info.heap)
	if err != nil {
		return nil, err
	}
	t, err := f.openBTree2(info.nameTree)
	if err != nil {
		return nil, err
	}
	if t.typ != 8 || t.recSize < h.idLen+9 {
		return nil, f.corruptf("attribute name index at 0x%x has type %d", t.addr, t.typ)
	}
	err = f.walkBTree2(t, func(rec []byte) error {
		if rec[h.idLen]&msgFlagShared != 0 {
			return nil // kept in the shared message heap: not read
		}
		msg, err := f.heapObject(h, rec[:h.idLen])
		if err != nil {
			return err
		}
		a, err := f.parseAttribute(msg, g)
		if err != nil {
			return err
		}
		out = append(out, a)
		if len(out) > maxAttributes {
			return f.corruptf("object has more than %d attributes", maxAttributes)
		}
		return nil
	})
	return out, err
}

// parseAttribute decodes an attribute message (versions 1, 2 and 3).
func (f *File) parseAttribute(b []byte, g *gheapCache) (Attribute, error) {
	var a Attribute
	c := f.newCursor(b)
	version := c.u8()
	flags := c.u8()
	nameLen := int(c.u16())
	typeLen := int(c.u16())
	spaceLen := int(c.u16())
	pad := func(n int) int { return n }
	switch version {
	case 1:
		pad = padTo8
	case 2:
	case 3:
		c.skip(1) // name character set
	default:
		return a, f.unsupportedf("attribute message version %d", version)
	}

	a.Name = cString(c.take(pad(nameLen)))
	typeBytes := c.take(pad(typeLen))
	spaceBytes := c.take(pad(spaceLen))
	if c.bad {
		return a, f.corruptf("attribute message is truncated")
	}

	var err error
	if flags&1 != 0 {
		a.Type, err = f.datatypeMessage(message{typ: msgDatatype, flags: msgFlagShared,
			data: typeBytes})
	} else {
		a.Type, err = f.parseDatatype(f.newCursor(typeBytes), 0)
	}
	if err != nil {
		if errors.Is(err, ErrUnsupported) {
			return a, nil
		}
		return a, err
	}
	if flags&2 != 0 {
		return a, nil // shared dataspace: value left undecoded
	}
	space, err := f.parseDataspace(spaceBytes)
	if err != nil {
		return a, err
	}
	if space.null {
		return a, nil
	}
	a.Shape = space.dims

	data := b[c.pos:]
	hi, need := bits.Mul64(uint64(space.count), uint64(a.Type.Size))
	if hi != 0 || need > uint64(len(data)) {
		return a, f.corruptf("attribute %q: data of %d bytes, the dataspace needs more",
			a.Name, len(data))
	}
	a.Value, err = f.decodeValue(a.Type, data[:need], space.count, space.dims == nil, g)
	return a, err
}
