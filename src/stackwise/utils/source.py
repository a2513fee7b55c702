"""Naming Python objects so that another process can find them again.

A source is `module:qualname`. Code in the user's script (`__main__`) has no importable module
name, so its source is the script's absolute path instead: `/abs/path/run.py:qualname`, loaded
by path (under a private module name, so the script's `if __name__ == "__main__"` block never
runs again). A remote run records such paths relative to its code root, found on `sys.path`.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
from typing import Any


def source_of(obj: Any) -> str:
    module = obj.__module__
    qualname = obj.__qualname__
    if module == "__main__":
        path = getattr(sys.modules["__main__"], "__file__", None)
        if path:
            return f"{os.path.abspath(path)}:{qualname}"
    return f"{module}:{qualname}"


def load_source(source: str) -> Any:
    location, _, qualname = source.rpartition(":")
    if location.endswith(".py"):
        location = _script_path(location)
        name = "_stackwise_main_" + hashlib.sha1(location.encode()).hexdigest()[:12]  # noqa: S324
        module = sys.modules.get(name)
        if module is None:
            spec = importlib.util.spec_from_file_location(name, location)
            if spec is None or spec.loader is None:
                raise ImportError(f"Cannot load {location}.")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
    else:
        module = importlib.import_module(location)
    obj: Any = module
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _script_path(location: str) -> str:
    """A script's path; a relative one (a remote run's, see execution/code_archive.py) is
    looked up under each `sys.path` entry, where the run's code was put."""
    if os.path.isabs(location):
        return location
    for entry in sys.path:
        candidate = os.path.join(entry or os.getcwd(), location)
        if os.path.isfile(candidate):
            return os.path.abspath(candidate)
    raise ImportError(f"Cannot find the script {location} under any sys.path entry.")


def code_hash(func: Any) -> str:
    """A hash of the function's source text; falls back to its bytecode where no source is."""
    try:
        text = inspect.getsource(func)
    except (OSError, TypeError):
        code = getattr(func, "__code__", None)
        text = repr((code.co_code, code.co_consts)) if code is not None else repr(func)
    return hashlib.sha256(text.encode()).hexdigest()
