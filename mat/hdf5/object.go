package hdf5

// Object header message types used by this package.
const (
	msgNil          = 0x00
	msgDataspace    = 0x01
	msgLinkInfo     = 0x02
	msgDatatype     = 0x03
	msgFillOld      = 0x04
	msgFill         = 0x05
	msgLink         = 0x06
	msgExternal     = 0x07
	msgLayout       = 0x08
	msgFilters      = 0x0B
	msgAttribute    = 0x0C
	msgContinuation = 0x10
	msgSymbolTable  = 0x11
	msgAttrInfo     = 0x15
)

// Message flags.
const (
	msgFlagShared       = 0x02
	msgFlagFailUnknown  = 0x08 // fail if unknown and the file is opened for writing
	msgFlagAlwaysFailed = 0x80 // fail if unknown, always
)

// Limits on object headers, well above what any writer produces.
const (
	maxHeaderBlocks = 4096     // header chunks (the first plus continuations)
	maxHeaderBytes  = 64 << 20 // bytes of messages in one object header
)

// message is one decoded object header message.
type message struct {
	typ   uint16
	flags uint8
	data  []byte
}

// object is an object header: its address and its messages, continuations followed.
type object struct {
	addr uint64
	msgs []message
}

// has reports whether o holds a message of type typ.
func (o *object) has(typ uint16) bool {
	for _, m := range o.msgs {
		if m.typ == typ {
			return true
		}
	}
	return false
}

// isGroup reports whether o is a group: old style (symbol table) or new style (links).
func (o *object) isGroup() bool {
	return o.has(msgSymbolTable) || o.has(msgLinkInfo) || o.has(msgLink)
}

// isDataset reports whether o is a dataset.
func (o *object) isDataset() bool {
	return o.has(msgLayout)
}

// headerBlock is a part of an object header still to be decoded.
type headerBlock struct {
	addr, size uint64
}

// readObject reads the object header at addr, following continuation messages.
func (f *File) readObject(addr uint64) (*object, error) {
	if err := f.checkRange(addr, 4, "object header"); err != nil {
		return nil, err
	}
	probe, err := f.read(addr, 4, "object header")
	if err != nil {
		return nil, err
	}

	o := &object{addr: addr}
	if string(probe) == "OHDR" {
		err = f.readObjectV2(o)
	} else {
		err = f.readObjectV1(o)
	}
	if err != nil {
		return nil, err
	}

	for _, m := range o.msgs {
		if m.flags&msgFlagAlwaysFailed != 0 && !knownMessage(m.typ) {
			return nil, f.unsupportedf("object header at 0x%x: message type 0x%x is required "+
				"but unknown", addr, m.typ)
		}
	}
	return o, nil
}

// knownMessage reports whether typ is a message type that HDF5 defines and this package
// either uses or may safely ignore when reading.
func knownMessage(typ uint16) bool {
	return typ <= 0x18
}

// readObjectV1 decodes a version 1 object header: a 16-byte prefix, then messages with 8-byte
// headers in the first block and in continuation blocks.
func (f *File) readObjectV1(o *object) error {
	pre, err := f.read(o.addr, 16, "object header")
	if err != nil {
		return err
	}
	if pre[0] != 1 {
		return f.corruptf("object header at 0x%x has unknown version %d", o.addr, pre[0])
	}
	size := uint64(pre[8]) | uint64(pre[9])<<8 | uint64(pre[10])<<16 | uint64(pre[11])<<24

	queue := []headerBlock{{o.addr + 16, size}}
	return f.walkHeader(o, queue, 1)
}

// readObjectV2 decodes a version 2 object header ("OHDR" prefix, checksummed chunks).
func (f *File) readObjectV2(o *object) error {
	n := min(uint64(6+16+4+8), uint64(f.size-f.base)-o.addr)
	pre, err := f.read(o.addr, n, "object header")
	if err != nil {
		return err
	}

	c := f.newCursor(pre)
	c.skip(4)
	if v := c.u8(); v != 2 {
		return f.corruptf("object header at 0x%x has unknown version %d", o.addr, v)
	}
	flags := c.u8()
	if flags&0x20 != 0 {
		c.skip(16) // access, modification, change and birth times
	}
	if flags&0x10 != 0 {
		c.skip(4) // attribute phase change values
	}
	size := c.uvar(1 << (flags & 3))
	if c.bad {
		return f.corruptf("object header at 0x%x is truncated", o.addr)
	}

	prefix := uint64(c.pos)
	if size > maxHeaderBytes {
		return f.corruptf("object header at 0x%x claims %d bytes", o.addr, size)
	}
	queue := []headerBlock{{o.addr, prefix + size + 4}}
	return f.walkHeaderV2(o, queue, flags, int(prefix))
}

// walkHeader decodes version 1 header blocks, appending the continuation blocks it meets.
func (f *File) walkHeader(o *object, queue []headerBlock, version int) error {
	seen := map[uint64]bool{}
	total := uint64(0)
	for i := 0; i < len(queue); i++ {
		blk := queue[i]
		if i >= maxHeaderBlocks || seen[blk.addr] {
			return f.corruptf("object header at 0x%x: continuation blocks loop or exceed %d",
				o.addr, maxHeaderBlocks)
		}
		seen[blk.addr] = true
		total += blk.size
		if total > maxHeaderBytes {
			return f.corruptf("object header at 0x%x exceeds %d bytes", o.addr, maxHeaderBytes)
		}

		b, err := f.read(blk.addr, blk.size, "object header block")
		if err != nil {
			return err
		}
		c := f.newCursor(b)
		for c.left() >= 8 {
			typ := c.u16()
			n := int(c.u16())
			flags := c.u8()
			c.skip(3)
			data := c.take(n)
			if c.bad {
				return f.corruptf("object header at 0x%x: message 0x%x overruns its block",
					o.addr, typ)
			}
			queue, err = f.addMessage(o, queue, typ, flags, data)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// walkHeaderV2 decodes version 2 header chunks. The first chunk starts with the prefix of
// length skip; continuation chunks start with "OCHK".
func (f *File) walkHeaderV2(o *object, queue []headerBlock, flags uint8, skip int) error {
	seen := map[uint64]bool{}
	total := uint64(0)
	msgHead := 4
	if flags&0x04 != 0 {
		msgHead = 6 // creation order stored with each message
	}

	for i := 0; i < len(queue); i++ {
		blk := queue[i]
		if i >= maxHeaderBlocks || seen[blk.addr] {
			return f.corruptf("object header at 0x%x: continuation blocks loop or exceed %d",
				o.addr, maxHeaderBlocks)
		}
		seen[blk.addr] = true
		total += blk.size
		if total > maxHeaderBytes || blk.size < uint64(skip)+4 {
			return f.corruptf("object header at 0x%x has a block of bad size %d", o.addr,
				blk.size)
		}

		b, err := f.read(blk.addr, blk.size, "object header block")
		if err != nil {
			return err
		}
		if i > 0 {
			err := f.checkSignature(b, "OCHK", "object header continuation", blk.addr)
			if err != nil {
				return err
			}
		}
		if err := f.checkSum(b, "object header", blk.addr); err != nil {
			return err
		}

		c := f.newCursor(b[skip : len(b)-4])
		for c.left() >= msgHead {
			typ := uint16(c.u8())
			n := int(c.u16())
			mflags := c.u8()
			if msgHead == 6 {
				c.skip(2)
			}
			data := c.take(n)
			if c.bad {
				return f.corruptf("object header at 0x%x: message 0x%x overruns its block",
					o.addr, typ)
			}
			queue, err = f.addMessage(o, queue, typ, mflags, data)
			if err != nil {
				return err
			}
		}
		skip = 4 // later chunks begin with the "OCHK" signature only
	}
	return nil
}

// addMessage records one message, or queues the block a continuation message points to.
func (f *File) addMessage(o *object, queue []headerBlock, typ uint16, flags uint8,
	data []byte) ([]headerBlock, error) {
	switch typ {
	case msgNil:
		return queue, nil
	case msgContinuation:
		c := f.newCursor(data)
		a := c.addr()
		n := c.length()
		if c.bad || a == undef {
			return nil, f.corruptf("object header at 0x%x: bad continuation message", o.addr)
		}
		if err := f.checkRange(a, n, "object header continuation"); err != nil {
			return nil, err
		}
		return append(queue, headerBlock{a, n}), nil
	}
	o.msgs = append(o.msgs, message{typ: typ, flags: flags, data: data})
	return queue, nil
}
