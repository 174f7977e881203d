package hdf5

import (
	"math"
	"math/bits"
)

// maxRank is the largest dataspace rank HDF5 allows.
const maxRank = 32

// dataspace is a decoded dataspace message.
type dataspace struct {
	null    bool  // no elements at all
	dims    []int // nil for a scalar
	maxDims []int // -1 for unlimited
	count   int   // number of elements (1 for a scalar)
}

// parseDataspace decodes a dataspace message (versions 1 and 2).
func (f *File) parseDataspace(b []byte) (dataspace, error) {
	var ds dataspace
	c := f.newCursor(b)
	version := c.u8()
	rank := int(c.u8())
	flags := c.u8()
	switch version {
	case 1:
		c.skip(5)
	case 2:
		switch c.u8() {
		case 0:
			rank = 0
		case 2:
			ds.null = true
			return ds, nil
		}
	default:
		return ds, f.unsupportedf("dataspace message version %d", version)
	}
	if rank > maxRank {
		return ds, f.corruptf("dataspace of rank %d (HDF5 allows at most %d)", rank, maxRank)
	}

	ds.count = 1
	for i := 0; i < rank; i++ {
		d := c.length()
		if d > math.MaxInt64/16 {
			return ds, f.corruptf("dataspace dimension %d is %d", i, d)
		}
		ds.dims = append(ds.dims, int(d))
		hi, lo := bits.Mul64(uint64(ds.count), d)
		if hi != 0 || lo > math.MaxInt64/16 {
			return ds, f.corruptf("dataspace of %v elements overflows", ds.dims)
		}
		ds.count = int(lo)
	}
	for i := 0; i < rank; i++ {
		m := -1
		if flags&1 != 0 {
			v := c.length()
			if !allOnes(v, c.lenSize) {
				m = int(min(v, math.MaxInt64))
			}
		} else {
			m = ds.dims[i]
		}
		ds.maxDims = append(ds.maxDims, m)
	}
	if c.bad {
		return ds, f.corruptf("dataspace message is truncated")
	}
	return ds, nil
}

// allOnes reports whether the n-byte field v has every bit set (HDF5's "unlimited").
func allOnes(v uint64, n int) bool {
	if n >= 8 {
		return v == math.MaxUint64
	}
	return v == 1<<(8*uint(n))-1
}

// Layout classes.
const (
	layoutCompact    = 0
	layoutContiguous = 1
	layoutChunked    = 2
	layoutVirtual    = 3
)

// Chunk index types. Layout messages before version 4 always use a version 1 B-tree.
const (
	indexBTree1   = 0
	indexSingle   = 1
	indexImplicit = 2
	indexFixed    = 3
	indexExtArray = 4
	indexBTree2   = 5
)

// layout is a decoded data layout message.
type layout struct {
	class   int
	compact []byte // compact data
	addr    uint64 // contiguous data, or the chunk index
	size    uint64 // contiguous data bytes

	chunk      []int // chunk dimensions (dataset rank)
	index      int
	flags      uint8  // version 4 chunk flags
	singleSize uint64 // single chunk index, filtered: stored bytes
	singleMask uint32 // single chunk index, filtered: filter mask
}

// Layout flag of version 4: partial edge chunks are stored without filters.
const layoutNoFilterEdges = 0x01

// parseLayout decodes a data layout message (versions 1 to 4).
func (f *File) parseLayout(b []byte, rank int) (layout, error) {
	var l layout
	c := f.newCursor(b)
	version := c.u8()
	switch version {
	case 1, 2:
		return f.parseLayoutOld(c, rank)
	case 3, 4:
	default:
		return l, f.unsupportedf("data layout message version %d", version)
	}

	l.class = int(c.u8())
	switch l.class {
	case layoutCompact:
		n := int(c.u16())
		l.compact = c.take(n)
	case layoutContiguous:
		l.addr = c.addr()
		l.size = c.length()
	case layoutChunked:
		if version == 3 {
			return f.parseChunkedV3(c, rank)
		}
		return f.parseChunkedV4(c, rank)
	case layoutVirtual:
		return l, f.unsupportedf("virtual datasets")
	default:
		return l, f.corruptf("unknown data layout class %d", l.class)
	}
	if c.bad {
		return l, f.corruptf("data layout message is truncated")
	}
	return l, nil
}

// parseLayoutOld decodes layout versions 1 and 2 (HDF5 before 1.6.3).
func (f *File) parseLayoutOld(c *cursor, rank int) (layout, error) {
	var l layout
	nd := int(c.u8())
	l.class = int(c.u8())
	c.skip(5)
	if l.class != layoutCompact {
		l.addr = c.addr()
	}
	if nd < 1 || nd > maxRank+1 {
		return l, f.corruptf("data layout of dimensionality %d", nd)
	}
	dims := make([]int, nd)
	for i := range dims {
		dims[i] = int(c.u32())
	}

	switch l.class {
	case layoutCompact:
		n := int(c.u32())
		l.compact = c.take(n)
	case layoutContiguous:
		l.size = undef // computed from the dataspace
	case layoutChunked:
		c.u32() // element size
		if nd != rank+1 {
			return l, f.corruptf("chunked layout of rank %d for a dataset of rank %d", nd-1,
				rank)
		}
		l.chunk = dims[:rank]
		l.index = indexBTree1
	default:
		return l, f.corruptf("unknown data layout class %d", l.class)
	}
	if c.bad {
		return l, f.corruptf("data layout message is truncated")
	}
	return l, nil
}

// parseChunkedV3 decodes a version 3 chunked layout: a v1 B-tree index.
func (f *File) parseChunkedV3(c *cursor, rank int) (layout, error) {
	l := layout{class: layoutChunked, index: indexBTree1}
	nd := int(c.u8())
	l.addr = c.addr()
	if nd != rank+1 {
		return l, f.corruptf("chunked layout of rank %d for a dataset of rank %d", nd-1, rank)
	}
	for i := 0; i < rank; i++ {
		l.chunk = append(l.chunk, int(c.u32()))
	}
	c.u32() // element size
	if c.bad {
		return l, f.corruptf("data layout message is truncated")
	}
	return l, nil
}

// parseChunkedV4 decodes a version 4 chunked layout and its chunk index parameters.
func (f *File) parseChunkedV4(c *cursor, rank int) (layout, error) {
	l := layout{class: layoutChunked}
	l.flags = c.u8()
	nd := int(c.u8())
	enc := int(c.u8())
	if nd != rank+1 {
		return l, f.corruptf("chunked layout of rank %d for a dataset of rank %d", nd-1, rank)
	}
	if enc < 1 || enc > 8 {
		return l, f.corruptf("chunked layout with %d-byte dimension sizes", enc)
	}
	for i := 0; i < rank; i++ {
		d := c.uvar(enc)
		if d > math.MaxInt32 {
			return l, f.corruptf("chunk dimension %d is %d", i, d)
		}
		l.chunk = append(l.chunk, int(d))
	}
	c.uvar(enc) // element size

	l.index = int(c.u8())
	switch l.index {
	case indexSingle:
		if l.flags&0x02 != 0 {
			l.singleSize = c.length()
			l.singleMask = c.u32()
		}
	case indexImplicit:
	case indexFixed:
		c.skip(1) // page bits, repeated in the fixed array header
	case indexExtArray:
		c.skip(5) // creation parameters, repeated in the extensible array header
	case indexBTree2:
		c.skip(6) // node size, split and merge percentages
	default:
		return l, f.unsupportedf("chunk index type %d", l.index)
	}
	l.addr = c.addr()
	if c.bad {
		return l, f.corruptf("data layout message is truncated")
	}
	return l, nil
}

// Filter identifiers.
const (
	filterDeflate    = 1
	filterShuffle    = 2
	filterFletcher32 = 3
	filterSzip       = 4
	filterNbit       = 5
	filterScale      = 6
)

// filter is one stage of a filter pipeline.
type filter struct {
	id       int
	optional bool
	name     string
	params   []uint32
}

// maxFilters bounds the length of a filter pipeline (HDF5 allows 32).
const maxFilters = 32

// parseFilters decodes a filter pipeline message (versions 1 and 2).
func (f *File) parseFilters(b []byte) ([]filter, error) {
	c := f.newCursor(b)
	version := c.u8()
	n := int(c.u8())
	if version == 1 {
		c.skip(6)
	} else if version != 2 {
		return nil, f.unsupportedf("filter pipeline message version %d", version)
	}
	if n > maxFilters {
		return nil, f.corruptf("filter pipeline of %d filters", n)
	}

	var out []filter
	for i := 0; i < n; i++ {
		var fl filter
		fl.id = int(c.u16())
		nameLen := 0
		if version == 1 || fl.id >= 256 {
			nameLen = int(c.u16())
		}
		fl.optional = c.u16()&1 != 0
		nv := int(c.u16())
		if nameLen > 0 {
			name := c.take(nameLen)
			if version == 1 {
				c.skip(padTo8(nameLen) - nameLen)
			}
			fl.name = cString(name)
		}
		if nv > 256 {
			return nil, f.corruptf("filter %d has %d parameters", fl.id, nv)
		}
		for j := 0; j < nv; j++ {
			fl.params = append(fl.params, c.u32())
		}
		if version == 1 && nv%2 == 1 {
			c.skip(4)
		}
		out = append(out, fl)
	}
	if c.bad {
		return nil, f.corruptf("filter pipeline message is truncated")
	}
	return out, nil
}

// cString returns the bytes of b up to the first NUL.
func cString(b []byte) string {
	for i, ch := range b {
		if ch == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

// parseFill decodes a fill value message; it returns nil when the fill value is the default
// (all zero bytes) or undefined.
func (f *File) parseFill(b []byte, old bool) ([]byte, error) {
	c := f.newCursor(b)
	if old {
		n := int(c.u32())
		v := c.take(n)
		if c.bad {
			return nil, f.corruptf("fill value message is truncated")
		}
		return v, nil
	}

	version := c.u8()
	switch version {
	case 1, 2:
		c.skip(2) // allocation and fill write times
		defined := c.u8()
		if version == 2 && defined == 0 {
			return nil, nil
		}
	case 3:
		flags := c.u8()
		if flags&0x20 == 0 {
			return nil, nil
		}
	default:
		return nil, f.unsupportedf("fill value message version %d", version)
	}
	n := int(c.u32())
	v := c.take(n)
	if c.bad {
		return nil, f.corruptf("fill value message is truncated")
	}
	return v, nil
}

// Link kinds.
const (
	linkHard     = 0
	linkSoft     = 1
	linkExternal = 64
)

// link is a named member of a group.
type link struct {
	name   string
	kind   int
	addr   uint64 // hard link: object header address
	target string // soft link: path
}

// parseLink decodes a link message.
func (f *File) parseLink(b []byte) (link, error) {
	var l link
	c := f.newCursor(b)
	if v := c.u8(); v != 1 {
		return l, f.unsupportedf("link message version %d", v)
	}
	flags := c.u8()
	if flags&0x08 != 0 {
		l.kind = int(c.u8())
	}
	if flags&0x04 != 0 {
		c.skip(8) // creation order
	}
	if flags&0x10 != 0 {
		c.skip(1) // character set
	}
	n := c.uvar(1 << (flags & 3))
	if n == 0 || n > 1<<16 {
		return l, f.corruptf("link name of %d bytes", n)
	}
	l.name = string(c.take(int(n)))

	switch l.kind {
	case linkHard:
		l.addr = c.addr()
	case linkSoft:
		m := int(c.u16())
		l.target = string(c.take(m))
	default:
		// External and user-defined links are kept so that names list them; resolving
		// one reports ErrUnsupported.
	}
	if c.bad {
		return l, f.corruptf("link message is truncated")
	}
	return l, nil
}

// linkInfo is a decoded link info (or attribute info) message: where a dense group keeps its
// links (or an object its attributes).
type linkInfo struct {
	heap     uint64 // fractal heap
	nameTree uint64 // v2 B-tree indexed by name hash
}

// parseLinkInfo decodes a link info message; attrInfo selects the attribute info layout,
// which stores the maximum creation index in 2 bytes rather than 8.
func (f *File) parseLinkInfo(b []byte, attrInfo bool) (linkInfo, error) {
	var li linkInfo
	c := f.newCursor(b)
	if v := c.u8(); v != 0 {
		return li, f.unsupportedf("link or attribute info message version %d", v)
	}
	flags := c.u8()
	if flags&1 != 0 {
		if attrInfo {
			c.skip(2)
		} else {
			c.skip(8)
		}
	}
	li.heap = c.addr()
	li.nameTree = c.addr()
	if c.bad {
		return li, f.corruptf("link or attribute info message is truncated")
	}
	return li, nil
}
