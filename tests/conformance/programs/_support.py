"""Shared by the conformance programs (copied beside each one; rewritten like them)."""

from __future__ import annotations

import os

TARGET = os.environ.get("CONFORMANCE_TARGET", "zenml")
ON_STACKWISE = TARGET == "stackwise"
