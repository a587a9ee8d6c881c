#!/usr/bin/env python3
"""Generate the scikit-learn ColumnTransformer fixture for classify-preprocessing.

Writes crates/preprocessing/tests/fixtures/: train.csv and test.csv (a synthetic,
Titanic-shaped table made here with a seeded generator: numbers with missing values, a
numeric category, text categories with missing values, a test-only category), and
expected.json: what scikit-learn's ColumnTransformer of
  SimpleImputer(median) + StandardScaler on (age, fare, sibsp),
  SimpleImputer(most_frequent) + OneHotEncoder(handle_unknown="ignore") on (pclass, sex, port),
  SimpleImputer(most_frequent) + OrdinalEncoder() on (deck,)
fitted on train.csv outputs for train.csv and test.csv.

    pip install scikit-learn==1.9.1 numpy
    python3 scripts/preprocessing_fixtures.py
"""

import csv
import json
import pathlib

import numpy as np
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/preprocessing/tests/fixtures"
rng = np.random.RandomState(7)


def table(n, ports, decks):
    rows = []
    for _ in range(n):
        age = "" if rng.rand() < 0.2 else str(round(float(rng.uniform(1, 80)), 1))
        fare = str(round(float(rng.exponential(30)), 4))
        sibsp = str(int(rng.randint(0, 4)))
        pclass = str(int(rng.randint(1, 4)))
        sex = "female" if rng.rand() < 0.4 else "male"
        port = "" if rng.rand() < 0.05 else str(rng.choice(ports))
        deck = "" if rng.rand() < 0.3 else str(rng.choice(decks))
        rows.append([age, fare, sibsp, pclass, sex, port, deck])
    return rows


HEADER = ["age", "fare", "sibsp", "pclass", "sex", "port", "deck"]
train = table(120, ["S", "C", "Q"], ["A", "B", "C"])
test = table(40, ["S", "C", "Q", "X"], ["A", "B", "C"])
OUT.mkdir(parents=True, exist_ok=True)
for name, rows in (("train.csv", train), ("test.csv", test)):
    with open(OUT / name, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)


def frame(rows):
    cols = list(zip(*rows))
    num = lambda c: np.array([np.nan if v == "" else float(v) for v in c])
    txt = lambda c: np.array([np.nan if v == "" else v for v in c], dtype=object)
    return {"age": num(cols[0]), "fare": num(cols[1]), "sibsp": num(cols[2]), "pclass": num(cols[3]),
            "sex": txt(cols[4]), "port": txt(cols[5]), "deck": txt(cols[6])}


def matrix(d, names):
    return np.column_stack([d[n] for n in names])


names = HEADER
tr, te = frame(train), frame(test)
ct = ColumnTransformer([
    ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), [0, 1, 2]),
    ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore", sparse_output=False)), [3, 4, 5]),
    ("ord", make_pipeline(SimpleImputer(strategy="most_frequent"), OrdinalEncoder()), [6]),
])
xtr = matrix(tr, names).astype(object)
xte = matrix(te, names).astype(object)
for m in (xtr, xte):
    for j in range(4):
        m[:, j] = m[:, j].astype(float)
ct.fit(xtr)
(OUT / "expected.json").write_text(json.dumps({
    "sklearn": sklearn.__version__,
    "train": ct.transform(xtr).astype(float).tolist(),
    "test": ct.transform(xte).astype(float).tolist(),
}))
print(f"wrote {OUT}")
