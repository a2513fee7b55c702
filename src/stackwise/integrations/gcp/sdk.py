"""google-cloud-aiplatform, imported when first called: importing it takes seconds, which
`stackwise stack verify` and every flavor lookup must not pay. Its absence is found when a
Vertex flavor is built, so the error carries the install hint."""

from __future__ import annotations

import importlib.util
from types import ModuleType

if importlib.util.find_spec("google.cloud.aiplatform") is None:
    raise ImportError("No module named 'google.cloud.aiplatform' (google-cloud-aiplatform)")


def aiplatform() -> ModuleType:
    """The `google.cloud.aiplatform` module."""
    from google.cloud import aiplatform as module

    return module
