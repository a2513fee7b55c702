"""How a served model is called: a prediction function per model type, chosen along the type's
MRO by its import path (so core names `xgboost.core.Booster` without importing xgboost), and
the conversion of requests into what the model takes and of its answer into JSON.

A model with `predict` is called with a pandas DataFrame (named columns) or a numpy array
(unnamed instances); an XGBoost `Booster` gets a `DMatrix`; any other callable is called with
the DataFrame.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from stackwise.model_deployers.serving.protocol import Table, Tensor

Predict = Callable[[Any, Any], Any]


def _predict_booster(model: Any, data: Any) -> Any:
    import xgboost

    return model.predict(xgboost.DMatrix(data))


def _predict_default(model: Any, data: Any) -> Any:
    method = getattr(model, "predict", None)
    if callable(method):
        return method(data)
    if callable(model):
        return model(data)
    raise TypeError(
        f"A {type(model).__qualname__} has no predict method and is not callable, so it cannot "
        "be served. Deploy a model with predict(data), or wrap it in a class that has one."
    )


PREDICTORS: dict[str, Predict] = {"xgboost.core.Booster": _predict_booster}
"""Prediction functions by the `module.qualname` of the model's type (or a base class)."""


def predictor_for(model: Any) -> Predict:
    for cls in type(model).__mro__:
        found = PREDICTORS.get(f"{cls.__module__}.{cls.__qualname__}")
        if found is not None:
            return found
    return _predict_default


def to_model_input(request: Table | Tensor, schema: dict[str, Any] | None) -> Any:
    """A DataFrame for a Table (cast to the schema's dtypes), a numpy array for a Tensor."""
    if isinstance(request, Tensor):
        import numpy as np

        return np.asarray(request.instances)
    import pandas as pd

    frame = pd.DataFrame(request.rows, columns=request.columns)
    types = {c["name"]: c.get("type") for c in (schema or {}).get("columns", [])}
    for name in request.columns:
        wanted = types.get(name)
        if not wanted or str(frame[name].dtype) == wanted:
            continue
        try:
            frame[name] = frame[name].astype(wanted)
        except (TypeError, ValueError) as error:
            from stackwise.model_deployers.serving.protocol import ProtocolError

            raise ProtocolError(
                422,
                f"Column {name} must hold {wanted} values: {error}.",
                column=name,
                expected_type=wanted,
            ) from None
    return frame


def to_json(predictions: Any) -> Any:
    """Predictions as JSON values: arrays and Series as lists, DataFrames as records."""
    if hasattr(predictions, "to_dict") and hasattr(predictions, "columns"):
        return predictions.to_dict(orient="records")
    if hasattr(predictions, "tolist"):
        return predictions.tolist()
    if isinstance(predictions, (list, tuple)):
        return [to_json(p) for p in predictions]
    return predictions


def schema_of_model(model: Any) -> list[dict[str, Any]] | None:
    """Input columns a fitted model knows: sklearn's `feature_names_in_`, a Booster's
    `feature_names` / `feature_types`."""
    names = getattr(model, "feature_names_in_", None)
    if names is not None:
        return [{"name": str(n), "type": None} for n in list(names)]
    names = getattr(model, "feature_names", None)
    if isinstance(names, (list, tuple)) and names:
        types = getattr(model, "feature_types", None) or [None] * len(names)
        mapped = {"float": "float64", "int": "int64", "i": "int64", "q": "float64"}
        return [
            {"name": str(n), "type": mapped.get(str(t), None) if t else None}
            for n, t in zip(names, types, strict=False)
        ]
    return None


__all__ = ["PREDICTORS", "predictor_for", "schema_of_model", "to_json", "to_model_input"]
