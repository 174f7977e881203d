#!/usr/bin/python3
"""Times h5py's reading of one dataset of an HDF5 or MATLAB v7.3 file.

Usage: h5py_read.py [-n N] [--var NAME] FILE

Prints one line per read, "h5py SECONDS CHECKSUM" (SECONDS covers open and decode only), in the format of bench/matread (Go), so that
run.sh can compare the two. A compound {real, imag} dataset is read as numpy complex (a
zero-copy view of the compound array), the cheapest way h5py offers.
"""
import argparse
import time

import h5py
import numpy as np


def first_dataset(f):
    for name, obj in f.items():
        if isinstance(obj, h5py.Dataset):
            return name
    raise SystemExit("no dataset in file")


def read_once(path, name):
    """Returns the dataset as a numpy array."""
    with h5py.File(path, "r") as f:
        ds = f[name or first_dataset(f)]
        if ds.dtype.names == ("real", "imag"):
            # h5py maps only fields named r and i to complex; a packed {real, imag} pair has
            # the memory layout of numpy complex, so a view converts it without a copy.
            ctype = np.complex64 if ds.dtype["real"] == np.float32 else np.complex128
            data = ds[()].view(ctype)
        else:
            data = ds[()].astype(np.float32)
    return data


def checksum(data):
    """Returns the sum of squared magnitudes in float64."""
    # Summed one leading index at a time, so that the checksum's float64 temporaries add
    # little to the peak memory the benchmark reports.
    flat = data.reshape(data.shape[0], -1) if data.ndim > 1 else data.reshape(1, -1)
    return float(sum(np.sum(np.abs(row.astype(np.complex128)) ** 2) for row in flat))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=5)
    ap.add_argument("--var", default="")
    ap.add_argument("file")
    args = ap.parse_args()
    for _ in range(args.n):
        start = time.perf_counter()
        data = read_once(args.file, args.var)
        elapsed = time.perf_counter() - start
        print(f"h5py {elapsed:.4f} {checksum(data):.6e}", flush=True)


if __name__ == "__main__":
    main()
