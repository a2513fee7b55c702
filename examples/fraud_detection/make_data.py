"""Synthetic fraud data for the example: `user_id`, `feature_1..3` and a `label` that depends
on the features (so a model can learn it), written as parquet."""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd


def make_features(path: Path, rows: int = 5000, seed: int = 7) -> Path:
    rng = np.random.default_rng(seed)
    f1 = rng.normal(0.0, 1.0, rows)
    f2 = rng.normal(0.0, 1.0, rows)
    f3 = rng.gamma(2.0, 1.5, rows)
    score = 1.8 * f1 - 1.2 * f2 + 0.6 * np.log1p(f3) + 0.8 * f1 * f2 - 2.5
    label = (rng.random(rows) < 1.0 / (1.0 + np.exp(-score))).astype(int)
    frame = pd.DataFrame(
        {
            "user_id": np.arange(1, rows + 1),
            "feature_1": f1,
            "feature_2": f2,
            "feature_3": f3,
            "label": label,
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(path, index=False)
    return path


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--path", default="data/features.parquet")
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args()
    print(f"wrote {make_features(Path(args.path), args.rows)}")
