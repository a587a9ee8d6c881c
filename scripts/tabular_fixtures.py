"""Writes tests/fixtures/tabular: a generic CSV (scikit-learn's wine data, 178 rows, 13
numeric columns, with six cells emptied and a made-up 3-category `cellar` column; the class
as text, `label`) and sklearn.json, what scikit-learn's `cross_val_score` (cv=5) gives for
`classify tabular`'s rule on it:

    numbers:    SimpleImputer(strategy="median") -> StandardScaler()
    categories: SimpleImputer(strategy="most_frequent") -> OneHotEncoder(handle_unknown="ignore")
    models:     RandomForestClassifier(random_state=42) and SVC()

The wine data ships in scikit-learn (`sklearn/datasets/data/wine_data.csv`, BSD-3-Clause
package; UCI Wine, M. Forina et al., CC BY 4.0).

    pip install scikit-learn==1.9.1 numpy pandas
    python3 scripts/tabular_fixtures.py
"""

import json
import pathlib

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "tests/fixtures/tabular"


def main() -> None:
    wine = load_wine(as_frame=True)
    df = wine.data.copy()
    # Six empty cells, for the median imputation.
    for row, col in [(3, 0), (17, 2), (40, 5), (77, 9), (120, 12), (150, 4)]:
        df.iat[row, col] = np.nan
    # A categorical column: one of three cellars, by row (the book's Titanic has such columns).
    df["cellar"] = [["north", "south", "east"][(i * 7) % 3] for i in range(len(df))]
    df.loc[[5, 60], "cellar"] = np.nan
    df["label"] = [f"cultivar_{c}" for c in wine.target]
    OUT.mkdir(parents=True, exist_ok=True)
    df.to_csv(OUT / "wine.csv", index=False)
    # Read back what was written: the numbers below are for exactly that text.
    df = pd.read_csv(OUT / "wine.csv")
    y = df.pop("label")
    numbers = [c for c in df.columns if c != "cellar"]
    prepare = ColumnTransformer(
        [
            ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numbers),
            (
                "categories",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                ["cellar"],
            ),
        ]
    )
    forest = cross_val_score(
        make_pipeline(prepare, RandomForestClassifier(random_state=42)), df, y, cv=5
    )
    svc = cross_val_score(make_pipeline(prepare, SVC()), df, y, cv=5)
    out = {
        "sklearn": sklearn.__version__,
        "n_rows": len(y),
        "classes": sorted(set(y)),
        "n_features": len(numbers) + 3,
        "forest_fold_accuracy": [float(v) for v in forest],
        "svc_fold_accuracy": [float(v) for v in svc],
    }
    (OUT / "sklearn.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {OUT}: forest {forest.mean():.4f}, SVC {svc.mean():.4f}")


if __name__ == "__main__":
    main()
