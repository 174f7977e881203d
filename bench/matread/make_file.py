#!/usr/bin/python3
"""Writes a CMRxRecon-sized MATLAB v7.3 k-space file for the read benchmark.

Usage: make_file.py OUT.mat [NT NZ NC NY NX]

The file is laid out as MATLAB's save -v7.3 writes one: a 512-byte MATLAB header in the HDF5
user block, one root dataset 'kspace' with MATLAB_class 'single', a compound {real, imag} of
float32, HDF5 shape (nt, nz, nc, ny, nx) (MATLAB's (nx, ny, nc, nz, nt) reversed), chunked,
deflate level 3. The values are the 2-D FFT of a smooth image per coil plus noise, so the
chunks compress about as well as measured k-space does.
"""
import sys

import h5py
import numpy as np


def main():
    out = sys.argv[1]
    nt, nz, nc, ny, nx = (int(v) for v in sys.argv[2:7]) if len(sys.argv) > 2 else \
        (12, 2, 10, 162, 448)
    rng = np.random.default_rng(1)
    y, x = np.mgrid[-1:1:ny * 1j, -1:1:nx * 1j]
    img = ((x / 0.7) ** 2 + (y / 0.8) ** 2 < 1).astype(np.float32)
    ctype = np.dtype([("real", "<f4"), ("imag", "<f4")])

    with h5py.File(out, "w", userblock_size=512, libver="earliest") as f:
        ds = f.create_dataset("kspace", shape=(nt, nz, nc, ny, nx), dtype=ctype,
                              chunks=(1, 1, nc, ny, nx), compression="gzip",
                              compression_opts=3, maxshape=(None,) * 5)
        ds.attrs["MATLAB_class"] = np.bytes_("single")
        for c in range(nc):
            phase = np.exp(1j * (0.5 * c + 2 * x * np.cos(c) + 2 * y * np.sin(c)))
            coil = img * np.exp(-((x - np.cos(c)) ** 2 + (y - np.sin(c)) ** 2)) * phase
            k = np.fft.fftshift(np.fft.fft2(coil)).astype(np.complex64)
            for t in range(nt):
                for z in range(nz):
                    noise = rng.standard_normal((ny, nx, 2)).astype(np.float32) * 0.5
                    block = np.empty((ny, nx), ctype)
                    block["real"] = k.real + noise[..., 0]
                    block["imag"] = k.imag + noise[..., 1]
                    ds[t, z, c] = block

    header = b"MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Thu Dec  3 00:00:00 2026 " \
             b"HDF5 schema 1.00 ."
    header = header.ljust(116, b" ") + b"\x00" * 8 + b"\x00\x02" + b"IM"
    header = header.ljust(512, b"\x00")
    with open(out, "r+b") as fh:
        fh.write(header)


if __name__ == "__main__":
    main()
