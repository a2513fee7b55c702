"""Small models the deployer tests serve, in a module the serving processes can import."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pandas as pd

from stackwise.enums import ArtifactType
from stackwise.materializers.base_materializer import BaseMaterializer


def training_frame(rows: int = 200) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "feature_1": rng.normal(size=rows),
            "feature_2": rng.normal(size=rows),
            "count": rng.integers(0, 10, size=rows),
        }
    )
    label = pd.Series((frame["feature_1"] + frame["feature_2"] > 0).astype(int), name="label")
    return frame, label


def sklearn_model() -> Any:
    from sklearn.linear_model import LogisticRegression

    frame, label = training_frame()
    return LogisticRegression().fit(frame, label)


class Doubler:
    """Not a library model: anything with `predict` can be served."""

    def predict(self, data: Any) -> Any:
        return np.asarray(data).sum(axis=1) * 2


class XGBoostMaterializer(BaseMaterializer):
    """The lesson's custom materializer, as written there."""

    try:
        import xgboost as _xgb

        ASSOCIATED_TYPES = (_xgb.Booster,)
    except ImportError:  # pragma: no cover - the test needing it fails under CI
        ASSOCIATED_TYPES = ()
    ASSOCIATED_ARTIFACT_TYPE = ArtifactType.MODEL

    def load(self, data_type: type[Any]) -> Any:
        import xgboost as xgb

        model = xgb.Booster()
        model.load_model(os.path.join(self.uri, "model.json"))
        return model

    def save(self, model: Any) -> None:
        os.makedirs(self.uri, exist_ok=True)
        model.save_model(os.path.join(self.uri, "model.json"))
