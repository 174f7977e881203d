#!/usr/bin/python3
"""Expected values for the tests of package metric, computed once with scikit-image.

The script builds deterministic inputs (the same ones metric/golden_test.go rebuilds in Go),
scores them the way the CMRxRecon 2025 scorer does, and prints JSON. Regenerate with, from the
repository root:

    /usr/bin/python3 metric/testdata/gen_expected.py > metric/testdata/expected.json

Environment used for the committed file: Debian bookworm python3-skimage 0.19.3, numpy 1.24.2,
scipy 1.10.1 (the official scorer pins scikit-image 0.21.0, numpy 1.24.4, scipy 1.10.1; the SSIM,
PSNR and percentile code paths are the same).

How the scorer is reproduced (written from its documented behaviour, not copied):
- each array goes through scipy.io.savemat / loadmat, as a MAT v5 submission does in the
  validation scorer, so memory layout and dtype (float32) are the scorer's;
- optionally np.squeeze on both arrays (the 2025 test-phase scorer);
- each 2-D image: |img| / numpy.percentile(|img|, 99.5), left as |img| when the percentile is 0;
- 4-D and 5-D arrays use the submission as the reference image (the scorer passes the ground
  truth as its "pred" argument), 2-D and 3-D arrays use the ground truth;
- PSNR and SSIM from skimage.metrics with data_range = max of the normalised reference;
- NMSE = norm(ref - x)**2 / norm(ref)**2 with numpy.linalg.norm on float32 arrays;
- file scores are np.mean of each per-image array.
"""

import json
import math
import os
import sys
import tempfile
import zlib

import numpy as np
import scipy.io
import skimage
from skimage.metrics import peak_signal_noise_ratio, structural_similarity

MASK64 = (1 << 64) - 1


class SplitMix64:
    """The splitmix64 generator; metric/golden_test.go has the same one."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def uniform(self):
        """A float64 in [0, 1) from the top 53 bits."""
        return (self.next() >> 11) * (1.0 / 9007199254740992.0)

    def noise(self):
        """Zero-mean noise with variance 1/3: the sum of four uniforms minus 2."""
        u1 = self.uniform()
        u2 = self.uniform()
        u3 = self.uniform()
        u4 = self.uniform()
        return u1 + u2 + u3 + u4 - 2.0


def column_major(dims, f):
    """A float32 array of MATLAB shape dims whose element at 0-based index tuple idx is
    float32(f(idx)); f is called in column-major order (first index fastest)."""
    n = int(np.prod(dims))
    flat = np.empty(n, dtype=np.float32)
    idx = [0] * len(dims)
    for i in range(n):
        flat[i] = np.float32(f(tuple(idx)))
        for d in range(len(dims)):
            idx[d] += 1
            if idx[d] < dims[d]:
                break
            idx[d] = 0
    return flat.reshape(dims, order="F")


def phantom(x, y, nx, ny, k):
    """A piecewise-smooth test image built from +, -, *, / only (exact in any IEEE language)."""
    u = (2.0 * x - nx) / nx
    v = (2.0 * y - ny) / ny
    val = 0.2 + 0.1 * u
    if u * u / 0.64 + v * v / 0.81 < 1.0:
        val = val + 1.0
    du = u - 0.1 * k
    if du * du / 0.09 + v * v / 0.16 < 1.0:
        val = val + 0.5 + 0.05 * k
    return val


def crc(a):
    """CRC-32 of the float32 little-endian bytes of a in column-major order, with every NaN
    replaced by the canonical quiet NaN 0x7fc00000."""
    b = np.asarray(a, dtype=np.float32).flatten(order="F").copy()
    bits = b.view(np.uint32)
    bits[np.isnan(b)] = 0x7FC00000
    return zlib.crc32(bits.astype("<u4").tobytes())


def num(x):
    """A JSON value for a float: a number, or a string for the non-finite values."""
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


# ---- the scorer's steps ----

def normalize(img):
    mag = np.abs(img)
    p = np.percentile(mag, 99.5)
    if p == 0:
        return mag, p
    return mag / p, p


def score_pair(ref, x):
    """PSNR, SSIM, NMSE of image x against reference ref, as the scorer computes them."""
    r = ref.max()
    psnr = peak_signal_noise_ratio(ref, x, data_range=r)
    ssim = structural_similarity(ref, x, data_range=r)
    nmse = np.linalg.norm(ref - x) ** 2 / np.linalg.norm(ref) ** 2
    return float(psnr), float(ssim), float(nmse)


def roundtrip(a, name):
    """Save a as a MAT v5 file and load it back, as the validation scorer reads submissions."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, name + ".mat")
        scipy.io.savemat(path, {"img4ranking": a})
        return scipy.io.loadmat(path)["img4ranking"]


def evaluate(gt, rec, order, squeeze):
    gt = roundtrip(gt, "gt")
    rec = roundtrip(rec, "rec")
    if squeeze:
        gt = np.squeeze(gt)
        rec = np.squeeze(rec)
    assert gt.shape == rec.shape
    nd = gt.ndim
    assert 2 <= nd <= 5
    sub_is_ref = order == "official" and nd >= 4
    trailing = gt.shape[2:]
    psnr = np.zeros(trailing if trailing else ())
    ssim = np.zeros(trailing if trailing else ())
    nmse = np.zeros(trailing if trailing else ())
    images = []
    for idx in np.ndindex(*trailing):
        sel = (slice(None), slice(None)) + idx
        g, pg = normalize(gt[sel])
        x, px = normalize(rec[sel])
        ref, other = (x, g) if sub_is_ref else (g, x)
        p, s, n = score_pair(ref, other)
        psnr[idx], ssim[idx], nmse[idx] = p, s, n
        # Float64 SSIM and NMSE on the same normalised float32 images, to measure how much the
        # scorer's float32 arithmetic moves the numbers.
        r64 = ref.astype(np.float64)
        o64 = other.astype(np.float64)
        ssim64 = structural_similarity(r64, o64, data_range=float(ref.max()))
        nmse64 = np.sum((r64 - o64) ** 2) / np.sum(r64 ** 2)
        images.append({
            "index": list(idx),
            "psnr": num(p), "ssim": num(s), "nmse": num(n),
            "p_gt": num(pg), "p_rec": num(px),
            "ssim64": num(ssim64), "nmse64": num(nmse64),
        })
    return {
        "dims": list(gt.shape),
        "sub_is_ref": sub_is_ref,
        "psnr": num(np.mean(psnr)), "ssim": num(np.mean(ssim)), "nmse": num(np.mean(nmse)),
        "images": images,
    }


# ---- deterministic inputs (rebuilt bit for bit by golden_test.go) ----

def s55_inputs():
    """The test vector of shared/docs/cmrxrecon-data.md section 5.5."""
    dims = (57, 41, 2, 3)

    def g(i):
        x, y, s, t = i
        return (math.sin(x / 7) + 1.5) * (math.cos(y / 5) + 1.2) * (1 + 0.1 * (s * 3 + t))

    gt = column_major(dims, g)

    def r(i):
        x, y, s, t = i
        return abs(float(gt[i]) + 0.05 * math.sin(0.37 * x * y + 1.3 * s + 0.7 * t))

    return gt, column_major(dims, r)


def noisy_inputs(dims, seed, sigma, signed):
    """Phantom ground truth and a noisy copy; signed keeps negative values in the copy."""
    nx, ny = dims[0], dims[1]
    rng = SplitMix64(seed)

    def g(i):
        k = sum(i[2:])
        return phantom(i[0], i[1], nx, ny, k)

    gt = column_major(dims, g)

    def r(i):
        v = float(gt[i]) + sigma * rng.noise()
        return v if signed else abs(v)

    return gt, column_major(dims, r)


def special_inputs():
    """A 20x20x4 stack: a ground truth whose 99.5th percentile is 0 (one spike), a submission
    whose percentile is 0, two identical images (PSNR inf) and two all-zero images (NaN)."""
    dims = (20, 20, 4)
    rng = SplitMix64(77)
    gt = np.zeros(dims, dtype=np.float32, order="F")
    rec = np.zeros(dims, dtype=np.float32, order="F")
    noise = column_major(dims, lambda i: 1.0 + 0.5 * rng.uniform())
    gt[:, :, 0] = 0
    gt[5, 7, 0] = 3.0
    rec[:, :, 0] = noise[:, :, 0]
    gt[:, :, 1] = noise[:, :, 1]
    rec[:, :, 1] = 0
    rec[12, 3, 1] = 2.5
    gt[:, :, 2] = noise[:, :, 2]
    rec[:, :, 2] = noise[:, :, 2]
    return gt, rec


def stress_value(rng, spread):
    """A float32 with a random sign, exponent in [-spread, spread] and random mantissa."""
    bits = rng.next()
    e = int(bits % (2 * spread + 1)) - spread + 127
    mant = (bits >> 16) & 0x7FFFFF
    sign = (bits >> 40) & 1
    return np.array([(sign << 31) | (e << 23) | mant], dtype=np.uint32).view(np.float32)[0]


def stress_inputs(dims, seed):
    """Images of values spread over many binades, with repeated values, so that the percentile
    interpolates between far-apart float32 numbers."""
    rng = SplitMix64(seed)

    def f(i):
        if rng.next() % 5 == 0:
            return 1.5
        return stress_value(rng, 20)

    return column_major(dims, f), column_major(dims, f)


def percentile_cases():
    """Arrays for NormalizePercentile alone: sizes around the interpolation corner cases
    (fraction 0, < 0.5, >= 0.5), repeated values, zeros, subnormals, +Inf and NaN."""
    sizes = [1, 2, 3, 7, 49, 99, 100, 101, 199, 200, 201, 400, 401, 1000, 2337, 8193]
    rng = SplitMix64(2025)
    sizes += [1 + int(rng.next() % 3000) for _ in range(14)]
    cases = []
    for ci, n in enumerate(sizes):
        spread = [1, 5, 30, 126][ci % 4]
        vals = np.empty(n, dtype=np.float32)
        for i in range(n):
            kind = rng.next() % 10
            if kind == 0:
                vals[i] = 0.0
            elif kind == 1:
                vals[i] = vals[i - 1] if i > 0 else 1.0
            elif kind == 2 and ci % 3 == 0:
                sub = (1 + rng.next() % 7) * 0x1000
                vals[i] = np.array([sub], dtype=np.uint32).view(np.float32)[0]
            else:
                vals[i] = stress_value(rng, spread)
        if ci == 20:
            vals[n // 2] = np.inf
        if ci == 21:
            vals[n // 3] = np.nan
        if ci == 22:
            vals[:] = 0
            vals[0] = 2.0
        cases.append(vals)
    out = []
    for ci, vals in enumerate(cases):
        with np.errstate(invalid="ignore", divide="ignore"):
            norm, p = normalize(vals)
        out.append({
            "seed_index": ci, "n": len(vals), "input_crc": crc(vals),
            "p": num(p), "out_crc": crc(norm), "out_dtype": str(norm.dtype),
        })
    return out, cases


def main():
    cases = []

    def add(name, gt, rec, order="official", squeeze=False):
        with np.errstate(invalid="ignore", divide="ignore"):
            res = evaluate(gt, rec, order, squeeze)
        res.update({
            "name": name, "order": order, "squeeze": squeeze,
            "gt_dims": list(gt.shape), "rec_dims": list(rec.shape),
            "gt_crc": crc(gt), "rec_crc": crc(rec),
        })
        cases.append(res)

    gt, rec = s55_inputs()
    add("s55", gt, rec)
    add("s55_textbook", gt, rec, order="textbook")
    add("s55_frame0_3d", np.asfortranarray(gt[:, :, :, 0]), np.asfortranarray(rec[:, :, :, 0]))

    gt, rec = noisy_inputs((23, 17, 1, 3), 1, 0.05, False)
    add("odd_4d_singleton", gt, rec)
    add("odd_4d_singleton_squeeze", gt, rec, squeeze=True)

    gt, rec = noisy_inputs((31, 29, 2), 2, 0.1, True)
    add("signed_3d", gt, rec)

    gt, rec = noisy_inputs((40, 7), 3, 0.02, False)
    add("tiny_2d", gt, rec)
    add("tiny_2d_textbook", gt, rec, order="textbook")

    gt, rec = special_inputs()
    add("special_3d", gt, rec)

    gt, rec = noisy_inputs((15, 13, 2, 2, 2), 4, 0.03, False)
    add("noisy_5d", gt, rec)
    add("noisy_5d_textbook", gt, rec, order="textbook")

    gt, rec = stress_inputs((11, 9, 1, 2), 5)
    add("stress_4d_99px", gt, rec)
    gt, rec = stress_inputs((12, 12, 2), 6)
    add("stress_3d_144px", gt, rec)

    gt, rec = noisy_inputs((171, 123, 2, 3), 7, 0.04, False)
    add("large_4d", gt, rec)

    pcases, _ = percentile_cases()

    versions = {"skimage": skimage.__version__, "numpy": np.__version__,
                "scipy": scipy.__version__}
    json.dump({"versions": versions, "evaluate": cases, "percentile": pcases},
              sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
