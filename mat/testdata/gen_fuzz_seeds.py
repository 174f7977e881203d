"""Writes the committed seeds of FuzzOpen: small MATLAB v5 files written by scipy.io.savemat,
covering every class the reader lists or decodes, and one MATLAB v4 file (a format it must
refuse cleanly), in the file format of Go's fuzzing engine.

Usage: gen_fuzz_seeds.py OUTDIR   (the package's testdata/fuzz/FuzzOpen)
"""
import io
import os
import sys

import numpy as np
import scipy.io
import scipy.sparse

out = sys.argv[1]
os.makedirs(out, exist_ok=True)

numeric = {
    "d": np.arange(6.0).reshape(2, 3),
    "s": np.float32([[1.5, -2], [3, 4]]),
    "c": np.complex64([[1 + 2j, 3 - 4j]]),
    "z": np.complex128([1j, 2, 3]),
    "i8": np.int8([-1, 2]),
    "u16": np.uint16([[7], [8]]),
    "i32": np.int32([1 << 30]),
    "u64": np.uint64([1, 2, 3]),
    "b": np.array([[True, False]]),
    "e": np.zeros((0, 3)),
}
other = {
    "txt": "kspace",
    "cell": np.array([np.float64(1), "a"], dtype=object),
    "st": {"x": np.float32(2), "y": np.int16([1, 2])},
    "sp": scipy.sparse.csc_matrix(np.eye(3)),
}

seeds = {}
for name, fmt, comp, data in [
        ("numeric5", "5", False, numeric),
        ("numeric5z", "5", True, numeric),
        ("other5", "5", False, other),
        ("other5z", "5", True, other),
        ("v4_unsupported", "4", False, {k: v for k, v in numeric.items()
                                  if v.dtype.kind in "fc" and v.size})]:
    buf = io.BytesIO()
    scipy.io.savemat(buf, data, format=fmt, do_compression=comp)
    seeds["scipy_" + name] = buf.getvalue()


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
    assert len(b) < 16 << 10, (name, len(b))
    with open(os.path.join(out, name), "w") as fh:
        fh.write("go test fuzz v1\n[]byte(" + go_quote(b) + ")\n")
