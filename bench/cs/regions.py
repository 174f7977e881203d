#!/usr/bin/python3
"""Split the challenge SSIM of a static file into object and background.

Reads the raw float32 images that `CSBENCH_DUMP=DIR go run ./bench/cs ...` writes
(DATASET_gt.f32 and DATASET_SCENARIO_METHOD.f32, METHOD zf, sense, cs and
cs-nofloor), normalises each by its 99.5th
percentile as the challenge's scorer does, computes scikit-image's SSIM map (7x7 uniform
window, data range the reference's maximum) and averages it over the interior, over the
pixels whose reference is above THRESHOLD ("object") and over the others ("background").

    regions.py DIR DATASET NX NY SCENARIO [THRESHOLD]

The whole-image mean equals bench/cs's SSIM to about 1e-4 (scikit-image in float64 here).
"""

import sys

import numpy as np
from skimage.metrics import structural_similarity


def load(path, nx, ny):
    img = np.fromfile(path, dtype="<f4").reshape(ny, nx).astype(np.float64)
    return img / np.percentile(img, 99.5)


def main():
    folder, name, nx, ny, scenario = sys.argv[1:6]
    nx, ny = int(nx), int(ny)
    threshold = float(sys.argv[6]) if len(sys.argv) > 6 else 0.15
    ref = load(f"{folder}/{name}_gt.f32", nx, ny)
    inner = (slice(3, -3), slice(3, -3))
    obj = (ref > threshold)[inner]
    print(f"{name} {scenario}: object {obj.mean():.2f} of the interior (reference > "
          f"{threshold}); background mean {ref[inner][~obj].mean():.3f}")
    for method in ("zf", "sense", "cs", "cs-nofloor"):
        img = load(f"{folder}/{name}_{scenario}_{method}.f32", nx, ny)
        _, smap = structural_similarity(ref, img, data_range=ref.max(), full=True)
        smap = smap[inner]
        print(f"  {method:10s} SSIM {smap.mean():.4f}  object {smap[obj].mean():.4f}  "
              f"background {smap[~obj].mean():.4f}  background mean "
              f"{img[inner][~obj].mean():.3f}")


if __name__ == "__main__":
    main()
