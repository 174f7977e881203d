"""Writes the committed seed corpus of FuzzHDF5: small HDF5 files made with h5py, one per
storage feature the reader handles, in the file format of Go's fuzzing engine.

Usage: gen_fuzz_seeds.py OUTDIR   (the package's testdata/fuzz/FuzzHDF5)

Each file holds a few tiny datasets, so that a mutation lands in a structure more often than
in data. Every seed stays far below 64 KB.
"""
import io
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
CPLX = np.dtype([("real", "<f4"), ("imag", "<f4")])
a = np.arange(24, dtype="<f4").reshape(4, 6)


def complex_array(shape):
    c = np.zeros(shape, CPLX)
    c["real"] = np.arange(np.prod(shape)).reshape(shape)
    c["imag"] = -c["real"]
    return c


def build(libver, fill):
    buf = io.BytesIO()
    with h5py.File(buf, "w", libver=libver) as f:
        fill(f)
    return buf.getvalue()


def contiguous(f):
    f["a"] = a
    f.create_dataset("k", data=complex_array((3, 4)))
    f.create_dataset("i16", data=np.arange(6, dtype=">i2"))
    f["a"].attrs["MATLAB_class"] = np.bytes_("single")


def compact(f):
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_layout(h5py.h5d.COMPACT)
    space = h5py.h5s.create_simple((2, 6))
    h5py.h5d.create(f.id, b"c", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
    f["c"][...] = a[:2]


def chunked_filters(f):
    f.create_dataset("gz", data=a, chunks=(2, 3), compression="gzip", shuffle=True)
    f.create_dataset("fl", data=a, chunks=(3, 4), fletcher32=True)


def single_chunk(f):
    f.create_dataset("s", data=a, chunks=(4, 6), compression="gzip")


def implicit(f):
    dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
    dcpl.set_chunk((2, 2))
    dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
    space = h5py.h5s.create_simple((4, 6))
    h5py.h5d.create(f.id, b"imp", h5py.h5t.IEEE_F32LE, space, dcpl=dcpl)
    f["imp"][...] = a


def fixed_array(f):
    f.create_dataset("fa", data=a, chunks=(1, 2))


def extensible(f):
    f.create_dataset("ea", data=a, chunks=(1, 3), maxshape=(None, 6))


def btree2(f):
    f.create_dataset("bt2", data=a, chunks=(2, 2), maxshape=(None, None))


def groups(f):
    g = f.create_group("g")
    g["x"] = np.float64(3.5)
    g.attrs["note"] = "group"
    f["link"] = h5py.SoftLink("/g/x")
    for i in range(12):
        f.create_dataset("d%02d" % i, data=np.int8(i))


def matlab(f):
    f.create_dataset("kspace", data=complex_array((2, 3, 4)), chunks=(1, 3, 4),
                     compression="gzip")
    f["kspace"].attrs["MATLAB_class"] = np.bytes_("single")
    m = f.create_dataset("mask", data=np.array([[1, 0, 1], [1, 1, 0]], "<f8"))
    m.attrs["MATLAB_class"] = np.bytes_("double")
    e = f.create_dataset("empty", data=np.array([0, 0], "<u8"))
    e.attrs["MATLAB_class"] = np.bytes_("double")
    e.attrs["MATLAB_empty"] = np.uint8(1)


seeds = {
    "contiguous_v0": build("earliest", contiguous),
    "contiguous_latest": build("latest", contiguous),
    "compact_latest": build("latest", compact),
    "filters_v0": build("earliest", chunked_filters),
    "filters_latest": build("latest", chunked_filters),
    "single_chunk": build("latest", single_chunk),
    "implicit": build("latest", implicit),
    "fixed_array": build("latest", fixed_array),
    "extensible_array": build("latest", extensible),
    "btree2": build("latest", btree2),
    "groups_v0": build("earliest", groups),
    "groups_latest": build("latest", groups),
}
# A MATLAB v7.3 file: a 512-byte user block holding MATLAB's text header, then HDF5.
head = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: fuzz seed HDF5 schema 1.00 ."
head = head.ljust(116, b" ") + b"\0" * 8 + b"\x00\x02IM"
buf = io.BytesIO()
with h5py.File(buf, "w", userblock_size=512) as f:
    matlab(f)
v73 = bytearray(buf.getvalue())
v73[:128] = head
seeds["matlab_v73"] = bytes(v73)


def go_quote(b):
    """Returns b as a Go interpreted string literal."""
    parts = []
    for c in b:
        if c == 0x22 or c == 0x5C:
            parts.append("\\" + chr(c))
        elif 0x20 <= c < 0x7F:
            parts.append(chr(c))
        else:
            parts.append("\\x%02x" % c)
    return '"' + "".join(parts) + '"'


for name, b in seeds.items():
    assert len(b) < 64 << 10, (name, len(b))
    with open(os.path.join(out, name), "w") as fh:
        fh.write("go test fuzz v1\n[]byte(" + go_quote(b) + ")\n")
