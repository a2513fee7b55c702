"""`stackwise.Model`: the Model Control Plane's handle on a model and its versions.

Not implemented yet: the name exists so that code importing it fails with a clear message at
the point of use rather than an ImportError.
"""

from __future__ import annotations

from typing import Any


class Model:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError(
            "stackwise.Model (the Model Control Plane: model versions and stages) is not "
            "implemented yet."
        )
