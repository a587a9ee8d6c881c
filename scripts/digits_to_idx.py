"""Writes scikit-learn's 8 x 8 digits (`load_digits`, 1,797 images, 10 classes) as an IDX
folder laid out as MNIST's, for `classify ... --dataset DIR`.

Pixels 0-16 are scaled to bytes (v * 255 // 16); the first 1,437 images train, the last 360
test (scikit-learn's images in their order). A `classes.txt` names the classes.

    pip install scikit-learn
    python scripts/digits_to_idx.py OUT_DIR
"""

import gzip
import pathlib
import struct
import sys

import numpy as np
from sklearn.datasets import load_digits


def write_idx(path: pathlib.Path, array: np.ndarray) -> None:
    header = struct.pack(">BBBB", 0, 0, 0x08, array.ndim) + b"".join(
        struct.pack(">I", d) for d in array.shape
    )
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(header + array.astype(np.uint8).tobytes())


def write_folder(out: pathlib.Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    digits = load_digits()
    images = (digits.images.astype(np.int64) * 255 // 16).astype(np.uint8)
    labels = digits.target.astype(np.uint8)
    n_train = 1437
    write_idx(out / "train-images-idx3-ubyte.gz", images[:n_train])
    write_idx(out / "train-labels-idx1-ubyte.gz", labels[:n_train])
    write_idx(out / "t10k-images-idx3-ubyte.gz", images[n_train:])
    write_idx(out / "t10k-labels-idx1-ubyte.gz", labels[n_train:])
    (out / "classes.txt").write_text("".join(f"{c}\n" for c in digits.target_names))


def main() -> None:
    write_folder(pathlib.Path(sys.argv[1]))


if __name__ == "__main__":
    main()
