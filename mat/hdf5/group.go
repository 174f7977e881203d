package hdf5

import (
	"sort"
)

// maxGroupLinks bounds the members of one group.
const maxGroupLinks = 1 << 20

// groupLinks reads the members of the group whose object header is at addr.
func (f *File) groupLinks(addr uint64, path string) ([]link, error) {
	o, err := f.readObject(addr)
	if err != nil {
		return nil, err
	}
	if !o.isGroup() {
		return nil, f.corruptf("object %q at 0x%x is not a group", path, addr)
	}
	return f.groupLinksOf(o, path)
}

// groupLinksOf reads the members of group o, sorted by name. Old-style groups keep them in a
// symbol table; new-style groups in link messages or, when there are many, in a fractal heap
// indexed by a v2 B-tree.
func (f *File) groupLinksOf(o *object, path string) ([]link, error) {
	var links []link
	for _, m := range o.msgs {
		switch m.typ {
		case msgSymbolTable:
			l, err := f.symbolTableLinks(m.data)
			if err != nil {
				return nil, err
			}
			links = append(links, l...)
		case msgLink:
			l, err := f.parseLink(m.data)
			if err != nil {
				return nil, err
			}
			links = append(links, l)
		case msgLinkInfo:
			li, err := f.parseLinkInfo(m.data, false)
			if err != nil {
				return nil, err
			}
			if li.heap != undef && li.nameTree != undef {
				l, err := f.denseLinks(li)
				if err != nil {
					return nil, err
				}
				links = append(links, l...)
			}
		}
	}

	sort.Slice(links, func(i, j int) bool { return links[i].name < links[j].name })
	for i := 1; i < len(links); i++ {
		if links[i].name == links[i-1].name {
			return nil, f.corruptf("group %q lists %q twice", path, links[i].name)
		}
	}
	return links, nil
}

// symbolTableLinks reads an old-style group: a v1 B-tree of symbol table nodes whose entries
// name their members through a local heap.
func (f *File) symbolTableLinks(msg []byte) ([]link, error) {
	c := f.newCursor(msg)
	tree := c.addr()
	heapAddr := c.addr()
	if c.bad {
		return nil, f.corruptf("symbol table message is truncated")
	}

	heap, err := f.localHeap(heapAddr)
	if err != nil {
		return nil, err
	}

	var links []link
	err = f.walkBTree1(tree, btree1Group, f.lenSize, func(_ []byte, child uint64) error {
		l, err := f.symbolNode(child, heap)
		if err != nil {
			return err
		}
		links = append(links, l...)
		if len(links) > maxGroupLinks {
			return f.corruptf("group has more than %d members", maxGroupLinks)
		}
		return nil
	})
	return links, err
}

// localHeap reads the data segment of the local heap at addr.
func (f *File) localHeap(addr uint64) ([]byte, error) {
	n := uint64(8 + 2*f.lenSize + f.offSize)
	b, err := f.read(addr, n, "local heap")
	if err != nil {
		return nil, err
	}
	if err := f.checkSignature(b, "HEAP", "local heap", addr); err != nil {
		return nil, err
	}

	c := f.newCursor(b)
	c.skip(8)
	size := c.length()
	c.length() // free list head
	data := c.addr()
	return f.read(data, size, "local heap data")
}

// symbolNode reads the entries of the symbol table node at addr.
func (f *File) symbolNode(addr uint64, heap []byte) ([]link, error) {
	hb, err := f.read(addr, 8, "symbol table node")
	if err != nil {
		return nil, err
	}
	if err := f.checkSignature(hb, "SNOD", "symbol table node", addr); err != nil {
		return nil, err
	}
	n := int(hb[6]) | int(hb[7])<<8

	b, err := f.read(addr+8, uint64(n*f.symbolEntrySize()), "symbol table node")
	if err != nil {
		return nil, err
	}
	c := f.newCursor(b)
	links := make([]link, 0, n)
	for i := 0; i < n; i++ {
		nameOff := c.addr()
		l := link{addr: c.addr()}
		cache := c.u32()
		c.skip(4)
		scratch := c.take(16)
		if c.bad {
			return nil, f.corruptf("symbol table node at 0x%x is truncated", addr)
		}

		name, ok := heapString(heap, nameOff)
		if !ok || name == "" {
			return nil, f.corruptf("symbol table node at 0x%x: bad name offset %d", addr,
				nameOff)
		}
		l.name = name
		if cache == 2 {
			target, ok := heapString(heap, leUint(scratch[:4]))
			if !ok {
				return nil, f.corruptf("soft link %q has a bad target offset", name)
			}
			l.kind, l.target = linkSoft, target
		}
		links = append(links, l)
	}
	return links, nil
}

// heapString returns the NUL-terminated string at offset off of a local heap.
func heapString(heap []byte, off uint64) (string, bool) {
	if off >= uint64(len(heap)) {
		return "", false
	}
	for i := off; i < uint64(len(heap)); i++ {
		if heap[i] == 0 {
			return string(heap[off:i]), true
		}
	}
	return "", false
}

// denseLinks reads the links of a dense group: link messages in a fractal heap, found
// through the group's v2 B-tree of name hashes (record type 5).
func (f *File) denseLinks(li linkInfo) ([]link, error) {
	h, err := f.openFractalHeap(li.heap)
	if err != nil {
		return nil, err
	}
	t, err := f.openBTree2(li.nameTree)
	if err != nil {
		return nil, err
	}
	if t.typ != 5 || t.recSize < 4+h.idLen {
		return nil, f.corruptf("link name index at 0x%x has type %d, record size %d",
			t.addr, t.typ, t.recSize)
	}

	var links []link
	err = f.walkBTree2(t, func(rec []byte) error {
		msg, err := f.heapObject(h, rec[4:4+h.idLen])
		if err != nil {
			return err
		}
		l, err := f.parseLink(msg)
		if err != nil {
			return err
		}
		links = append(links, l)
		if len(links) > maxGroupLinks {
			return f.corruptf("group has more than %d members", maxGroupLinks)
		}
		return nil
	})
	return links, err
}
