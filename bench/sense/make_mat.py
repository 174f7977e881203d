#!/usr/bin/python3
"""Turns DIR/kus_raw.cfl (written by "sense gen -nz N") into a CMRxRecon-style k-space file.

Usage: make_mat.py DIR/kus_raw OUT.mat

The file is laid out as MATLAB's save -v7.3 writes the challenge's files: a 512-byte MATLAB
header in the HDF5 user block, one root dataset 'kspace' with MATLAB_class 'single', a
compound {real, imag} of float32, HDF5 shape (nt, nz, nc, ny, nx) (MATLAB's
(nx, ny, nc, nz, nt) reversed), chunked by coil set and deflate level 3.
"""
import sys

import h5py
import numpy as np


def main():
    base, out = sys.argv[1], sys.argv[2]
    with open(base + ".hdr") as f:
        dims = [int(v) for v in f.read().split("\n")[1].split()][:5]
    nx, ny, nc, nz, nt = dims
    data = np.fromfile(base + ".cfl", dtype=np.complex64).reshape(nt, nz, nc, ny, nx)
    ctype = np.dtype([("real", "<f4"), ("imag", "<f4")])
    with h5py.File(out, "w", userblock_size=512, libver="earliest") as f:
        ds = f.create_dataset("kspace", shape=data.shape, dtype=ctype,
                              chunks=(1, 1, nc, ny, nx), compression="gzip",
                              compression_opts=3)
        for t in range(nt):
            block = np.empty((nz, nc, ny, nx), dtype=ctype)
            block["real"] = data[t].real
            block["imag"] = data[t].imag
            ds[t] = block
        ds.attrs["MATLAB_class"] = np.bytes_("single")
    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created by: cmrecon bench/sense " \
             b"make_mat.py HDF5 schema 1.00 ."
    with open(out, "r+b") as f:
        f.write((header.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM").ljust(512, b"\x00"))


if __name__ == "__main__":
    main()
