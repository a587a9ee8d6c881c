#!/usr/bin/env python3
"""Generate the NumPy fixture that classify-random is tested against.

Writes crates/random/tests/fixtures/numpy.json: for many integer seeds, the first raw 32-bit
outputs, `random_sample`, `randint` over small, odd and wide bounds, two
`randint` arrays drawn one after the other, `permutation` and
`shuffle` and `multinomial(1, pvals)` (as the index of each row's one) of NumPy's legacy
`RandomState`, each drawn from a fresh generator.

    pip install numpy==2.4.6
    python3 scripts/random_fixtures.py
"""

import json
import pathlib

import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/random/tests/fixtures/numpy.json"
SEEDS = [0, 1, 42, 1234, 2**31 - 1, 2**32 - 1, 7, 99, 123456789, 3141592653]
PVALS = [
    [0.2, 0.3, 0.5],
    [0.5, 0.5],
    [1 / 3, 1 / 3, 1 / 3],
    [0.9, 0.1],
    [0.0, 1.0],
    [1.0, 0.0, 0.0],
    [0.0, 0.25, 0.0, 0.75],
    [0.6, 0.3, 0.1],
    # The 5-detector's class prior on the embedded sample and MNIST's ten classes.
    [0.9093, 0.0907],
    [0.0987, 0.1124, 0.0993, 0.1022, 0.0974, 0.0903, 0.0986, 0.1043, 0.0983, 0.0985],
]
BOUNDS = [(0, 1), (0, 2), (0, 10), (5, 17), (-3, 4), (0, 100), (0, 2**31 - 1), (0, 2**32), (0, 2**32 + 5), (-(2**40), 2**40)]


def main():
    cases = []
    for seed in SEEDS:
        rs = np.random.RandomState(seed)
        case = {
            "seed": seed,
            "state_head": [int(v) for v in rs.get_state()[1][:3]],
            "raw": [int(v) for v in np.random.RandomState(seed).randint(0, 2**32, size=8, dtype=np.uint64)],
            "random_sample": np.random.RandomState(seed).random_sample(8).tolist(),
            "randint": [
                {"low": lo, "high": hi, "values": [int(v) for v in np.random.RandomState(seed).randint(lo, hi, size=12)]}
                for lo, hi in BOUNDS
            ],
            "permutation": {n: np.random.RandomState(seed).permutation(n).tolist() for n in [1, 2, 5, 17, 100]},
        }
        case["multinomial"] = [
            {"pvals": p, "index": np.random.RandomState(seed).multinomial(1, p, size=40).argmax(axis=1).tolist()}
            for p in PVALS
        ]
        # The denoising example's noise: one generator, an array for the training set, then
        # one for the test set (`randint(0, 100, shape)`, filled in C order).
        noise = np.random.RandomState(seed)
        case["noise"] = {
            "train": noise.randint(0, 100, (30, 7)).ravel().tolist(),
            "test": noise.randint(0, 100, (5, 7)).ravel().tolist(),
        }
        mixed = np.random.RandomState(seed)
        seq = []
        for _ in range(3):
            seq.append(("randint", int(mixed.randint(0, 7))))
            seq.append(("random_sample", float(mixed.random_sample())))
            x = np.arange(9)
            mixed.shuffle(x)
            seq.append(("shuffle", x.tolist()))
        case["mixed"] = seq
        cases.append(case)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"numpy": np.__version__, "cases": cases}, separators=(",", ":")) + "\n")
    print(f"wrote {len(cases)} seeds to {OUT}")


if __name__ == "__main__":
    main()
