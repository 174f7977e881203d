"""Writes HDF5 test fixtures with h5py and the values h5py reads back from them.

Usage: h5py_fixtures.py OUTDIR [--large]
       h5py_fixtures.py OUTDIR --dump FILE...

For every dataset it writes OUTDIR/<n>.bin: the values as read by h5py, as little-endian
float64 (complex data as interleaved real, imag pairs), and it lists all datasets in
OUTDIR/manifest.json. --large adds fixtures with very many chunks (slow to write).
--dump writes no fixture: it records every root dataset of the given existing files.
"""
import json
import os
import sys

import h5py
import numpy as np

out = sys.argv[1]
large = "--large" in sys.argv[2:3]
rng = np.random.RandomState(20240501)
manifest = {"datasets": [], "names": {}}

CPLX64 = np.dtype([("real", "<f4"), ("imag", "<f4")])
CPLX128 = np.dtype([("real", "<f8"), ("imag", "<f8")])


def path(name):
    return os.path.join(out, name)


def complex_data(shape, dt):
    a = np.empty(shape, dt)
    a["real"] = rng.standard_normal(shape)
    a["imag"] = rng.standard_normal(shape)
    return a


def record(fname, dspath, note=""):
    """Reads dataset dspath back with h5py and records the expected values."""
    with h5py.File(path(fname), "r") as f:
        d = f[dspath]
        v = d[()]
        entry = {
            "file": fname,
            "path": dspath,
            "shape": list(d.shape),
            "maxshape": [-1 if m is None else m for m in (d.maxshape or [])],
            "chunks": list(d.chunks) if d.chunks else None,
            "note": note,
            "attrs": {},
        }
        for k, a in d.attrs.items():
            if isinstance(a, bytes):
                a = a.decode()
            if isinstance(a, str):
                entry["attrs"][k] = a
        if d.dtype.names:
            entry["kind"] = "complex"
            c = np.asarray(v["real"], np.float64) + 1j * np.asarray(v["imag"], np.float64)
            flat = np.ascontiguousarray(c, np.complex128).view(np.float64)
        else:
            entry["kind"] = "real"
            flat = np.ascontiguousarray(v, np.float64)
    n = len(manifest["datasets"])
    entry["bin"] = "%d.bin" % n
    flat.astype("<f8").tofile(path(entry["bin"]))
    manifest["datasets"].append(entry)


def names(fname):
    with h5py.File(path(fname), "r") as f:
        manifest["names"][fname] = sorted(f.keys())


def old_format():
    """Default format, as MATLAB writes: superblock 0, v1 headers, v1 B-tree chunk index."""
    fn = "old.h5"
    with h5py.File(path(fn), "w") as f:
        f.create_dataset("f64_filters", data=rng.standard_normal((37, 53)), chunks=(8, 10),
                         compression="gzip", compression_opts=3, shuffle=True, fletcher32=True)
        f.create_dataset("c64", data=complex_data((5, 17, 33), CPLX64), chunks=(2, 8, 8),
                         maxshape=(None, None, None), compression="gzip", compression_opts=3)
        f["c64"].attrs["MATLAB_class"] = np.bytes_("single")
        f.create_dataset("c128", data=complex_data((16, 1, 12, 9), CPLX128),
                         chunks=(16, 1, 12, 2), maxshape=(None,) * 4, compression="gzip")
        f["c128"].attrs["MATLAB_class"] = np.bytes_("double")
        d = f.create_dataset("fill_f32", shape=(20, 30), chunks=(6, 7), dtype="<f4",
                             fillvalue=-7.5, compression="gzip")
        d[2:9, 3:15] = rng.standard_normal((7, 12))
        f.create_dataset("never_written", shape=(9, 11), chunks=(4, 4), dtype="<f8")
        f.create_dataset("contig_f32", data=rng.standard_normal((13, 7)).astype("<f4"))
        f.create_dataset("contig_i16_be", data=rng.randint(-30000, 30000, (6, 9)).astype(">i2"))
        f.create_dataset("f64_be_chunked", data=rng.standard_normal((25, 4)).astype(">f8"),
                         chunks=(7, 3), compression="gzip")
        f.create_dataset("shuffle_only", data=rng.randint(0, 1 << 30, (50,)).astype("<i4"),
                         chunks=(16,), shuffle=True)
        f.create_dataset("fletcher_only", data=rng.standard_normal((3, 40)), chunks=(2, 9),
                         fletcher32=True)
        f.create_dataset("u8_logical", data=(rng.rand(11, 13) > 0.5).astype("u1"),
                         chunks=(4, 13), compression="gzip")
        f["u8_logical"].attrs["MATLAB_class"] = np.bytes_("logical")
        f["u8_logical"].attrs["MATLAB_int_decode"] = np.int32(1)
        f.create_dataset("i64", data=rng.randint(-(1 << 40), 1 << 40, (17,)).astype("<i8"))
        f.create_dataset("u16", data=rng.randint(0, 65535, (4, 5)).astype("<u2"),
                         chunks=(3, 3), compression="gzip")
        f.create_dataset("i8", data=rng.randint(-128, 127, (30,)).astype("i1"))
        f.create_dataset("scalar", data=np.float64(2.5))
        f.create_dataset("empty", shape=(0, 4), dtype="<f8")
        g = f.create_group("grp/sub")
        g.create_dataset("data", data=rng.standard_normal((3, 4)), chunks=(2, 2),
                         compression="gzip")
        f["soft"] = h5py.SoftLink("/grp/sub/data")
        a = f["contig_f32"].attrs
        a["vlen_str"] = "variable length"
        a["fixed_str"] = np.bytes_("fixed")
        a["int_attr"] = np.int64(-42)
        a["float_arr"] = np.array([1.5, 2.5, 3.5])
        # Compact layout through the low-level API.
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        arr = rng.randint(-1000, 1000, (3, 5)).astype("<i4")
        space = h5py.h5s.create_simple(arr.shape)
        dsid = h5py.h5d.create(f.id, b"compact_i32", h5py.h5t.STD_I32LE, space, dcpl=dcpl)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, arr)
    for n in ["f64_filters", "c64", "c128", "fill_f32", "never_written", "contig_f32",
              "contig_i16_be", "f64_be_chunked", "shuffle_only", "fletcher_only",
              "u8_logical", "i64", "u16", "i8", "scalar", "empty", "grp/sub/data", "soft",
              "compact_i32"]:
        record(fn, n)
    names(fn)


def latest_format():
    """libver='latest': superblock 3, v2 object headers, v4 layouts with every chunk index."""
    fn = "latest.h5"
    with h5py.File(path(fn), "w", libver="latest") as f:
        f.create_dataset("single_gzip", data=rng.standard_normal((6, 7)), chunks=(6, 7),
                         compression="gzip")
        f.create_dataset("single_plain", data=rng.standard_normal((5, 3)).astype("<f4"),
                         chunks=(5, 3))
        f.create_dataset("fixed", data=rng.standard_normal((40, 30)), chunks=(7, 8),
                         compression="gzip", shuffle=True, fletcher32=True)
        f.create_dataset("fixed_plain", data=rng.standard_normal((9, 10)), chunks=(4, 3))
        d = f.create_dataset("fixed_bigmax", shape=(10, 7), maxshape=(20, 14), chunks=(3, 4),
                             dtype="<f8", compression="gzip")
        d[1:8, 2:6] = rng.standard_normal((7, 4))
        d = f.create_dataset("fixed_paged", shape=(3000,), chunks=(1,), dtype="<i2")
        d[:100] = np.arange(100)
        d[2990:] = np.arange(10) + 7
        f.create_dataset("ext", data=rng.standard_normal((50, 30)), maxshape=(None, 30),
                         chunks=(4, 8), compression="gzip")
        f.create_dataset("ext_mid", data=complex_data((6, 40, 5), CPLX64),
                         maxshape=(6, None, 5), chunks=(2, 3, 5), compression="gzip",
                         shuffle=True)
        d = f.create_dataset("ext_plain", shape=(300, 3), maxshape=(None, 3), chunks=(2, 3),
                             dtype="<i4")
        d[:250] = rng.randint(-5, 5, (250, 3))
        f.create_dataset("bt2", data=rng.standard_normal((45, 37)), maxshape=(None, None),
                         chunks=(4, 5), compression="gzip", fletcher32=True)
        f.create_dataset("bt2_plain", data=complex_data((12, 9), CPLX128),
                         maxshape=(None, None), chunks=(5, 4))
        d = f.create_dataset("bt2_deep", shape=(300, 300), maxshape=(None, None), chunks=(2, 2),
                             dtype="i1")
        d[:, :290] = rng.randint(-100, 100, (300, 290))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_chunk((4, 6))
        dcpl.set_alloc_time(h5py.h5d.ALLOC_TIME_EARLY)
        arr = rng.standard_normal((10, 15))
        space = h5py.h5s.create_simple(arr.shape, arr.shape)
        dsid = h5py.h5d.create(f.id, b"implicit", h5py.h5t.IEEE_F64LE, space, dcpl=dcpl)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, arr)
        f.create_dataset("contig", data=rng.standard_normal((8, 9)))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        arr = rng.randint(0, 255, (4, 6)).astype("u1")
        space = h5py.h5s.create_simple(arr.shape)
        dsid = h5py.h5d.create(f.id, b"compact_u8", h5py.h5t.STD_U8LE, space, dcpl=dcpl)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, arr)
        g = f.create_group("dense")
        for i in range(40):
            g.create_dataset("d%02d" % i, data=np.full((2,), float(i)))
        d = f.create_dataset("many_attrs", data=np.arange(6.0))
        for i in range(20):
            d.attrs["a%02d" % i] = "value %d" % i
        d.attrs["MATLAB_class"] = np.bytes_("double")
    for n in ["single_gzip", "single_plain", "fixed", "fixed_plain", "fixed_bigmax",
              "fixed_paged", "ext", "ext_mid", "ext_plain", "bt2", "bt2_plain", "bt2_deep",
              "implicit", "contig", "compact_u8", "dense/d07", "dense/d39", "many_attrs"]:
        record(fn, n)
    names(fn)

    fn = "dense_root.h5"
    with h5py.File(path(fn), "w", libver="latest") as f:
        for i in range(30):
            f.create_dataset("v%02d" % i, data=np.arange(3.0) + i)
    record(fn, "v00")
    record(fn, "v29")
    names(fn)


def matlab_style():
    """A 512-byte user block holding a MATLAB 7.3 header, as MATLAB writes."""
    fn = "matlab.mat"
    with h5py.File(path(fn), "w", userblock_size=512) as f:
        d = f.create_dataset("kspace", data=complex_data((3, 2, 4, 10, 12), CPLX64),
                             maxshape=(None,) * 5, chunks=(3, 2, 4, 10, 1),
                             compression="gzip", compression_opts=3)
        d.attrs["MATLAB_class"] = np.bytes_("single")
        m = f.create_dataset("mask", data=(rng.rand(10, 12) > 0.6).astype("<f8"),
                             maxshape=(None, None), chunks=(10, 4), compression="gzip",
                             compression_opts=3)
        m.attrs["MATLAB_class"] = np.bytes_("double")
    head = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: test HDF5 schema 1.00 ."
    head = head.ljust(116, b" ") + b"\0" * 8 + b"\x00\x02" + b"IM"
    with open(path(fn), "r+b") as fh:
        fh.write(head.ljust(512, b"\0"))
    record(fn, "kspace")
    record(fn, "mask")
    names(fn)


def small_fixtures():
    """Small files, one dataset per structure, to corrupt and to seed the fuzzer."""
    fn = "small_old.h5"
    with h5py.File(path(fn), "w") as f:
        f.create_dataset("c", data=complex_data((3, 5), CPLX64), chunks=(2, 2),
                         maxshape=(None, None), compression="gzip", shuffle=True,
                         fletcher32=True)
        f["c"].attrs["MATLAB_class"] = np.bytes_("single")
        f.create_dataset("r", data=np.arange(6.0).reshape(2, 3))
        f["r"].attrs["s"] = "text"
        f.create_dataset("g/i", data=np.arange(4, dtype="i2"), chunks=(3,))
        f["l"] = h5py.SoftLink("/r")
    fn = "small_latest.h5"
    with h5py.File(path(fn), "w", libver="latest") as f:
        f.create_dataset("single", data=np.arange(4.0), chunks=(4,), compression="gzip")
        f.create_dataset("fixed", data=np.arange(10.0), chunks=(3,), compression="gzip",
                         fletcher32=True)
        f.create_dataset("ext", data=np.arange(12, dtype="i4").reshape(6, 2),
                         maxshape=(None, 2), chunks=(2, 2), compression="gzip")
        f.create_dataset("bt2", data=complex_data((3, 4), CPLX128), maxshape=(None, None),
                         chunks=(2, 2), compression="gzip", shuffle=True)
        f.create_dataset("compact", data=np.arange(3, dtype="u1"))
        g = f.create_group("dense")
        for i in range(10):
            g.create_dataset("d%d" % i, data=np.float32(i))
        d = f["compact"]
        for i in range(10):
            d.attrs["a%d" % i] = i


def large_fixtures():
    """Extensible array with paged data blocks (more than 131060 chunks)."""
    fn = "ext_paged.h5"
    with h5py.File(path(fn), "w", libver="latest") as f:
        d = f.create_dataset("x", shape=(140000,), maxshape=(None,), chunks=(1,), dtype="i1")
        d[:135000] = np.arange(135000) % 100
        d[139000:139010] = 5
    record(fn, "x")


if "--dump" in sys.argv[2:]:
    manifest["not_hdf5"] = []
    for fn in sys.argv[sys.argv.index("--dump") + 1:]:
        if not h5py.is_hdf5(fn):
            manifest["not_hdf5"].append(fn)
            continue
        with h5py.File(fn, "r") as f:
            keys = [k for k in f.keys() if isinstance(f[k], h5py.Dataset)]
        for k in keys:
            record(fn, k)
        names(fn)
else:
    old_format()
    latest_format()
    matlab_style()
    small_fixtures()
    if large:
        large_fixtures()
with open(path("manifest.json"), "w") as fh:
    json.dump(manifest, fh, indent=1)
