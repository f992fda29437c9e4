"""The SciPy peer of bench/frechet.ts: the same shapes and distributions (numpy's own seeded
generator, so values are close but not identical), the pytorch-fid formula with
scipy.linalg.sqrtm, and the same JSON fields.

    python3 bench/frechet_scipy.py [--dims 256,2048] [--samples 10000]
"""
import argparse
import json
import time

import numpy as np
from scipy import linalg


def features(rng, n, d, fake):
    z = rng.standard_normal((n, d))
    if not fake:
        return z
    previous = np.concatenate([np.zeros((n, 1)), z[:, :-1]], axis=1)
    return 0.1 + 1.2 * z + 0.3 * previous


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dims", default="256,2048")
    parser.add_argument("--samples", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    for d in [int(x) for x in args.dims.split(",")]:
        real = features(rng, args.samples, d, False)
        fake = features(rng, args.samples, d, True)
        t0 = time.perf_counter()
        mu1, s1 = real.mean(axis=0), np.cov(real, rowvar=False)
        mu2, s2 = fake.mean(axis=0), np.cov(fake, rowvar=False)
        t1 = time.perf_counter()
        covmean = np.real(linalg.sqrtm(s1.dot(s2)))
        value = float(((mu1 - mu2) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))
        t2 = time.perf_counter()
        print(json.dumps({
            "bench": "frechet",
            "implementation": "scipy",
            "samples": args.samples,
            "dims": d,
            "statisticsSeconds": round(t1 - t0, 3),
            "distanceSeconds": round(t2 - t1, 3),
            "totalSeconds": round(t2 - t0, 3),
            "value": value,
        }))


if __name__ == "__main__":
    main()
