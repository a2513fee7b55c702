"""Sparing CPython's garbage collector the objects a `stackwise` command loads once.

A CLI command imports SQLAlchemy, pydantic, rich and the Client: some 60,000 objects (classes,
functions, module dicts) that live until the process exits. The cyclic collector walks them
over and over while they load, and once more to tear them down at exit: about a quarter of a
~450 ms `stackwise pipeline runs list`. So the `stackwise` executable pauses the collector
from its start until the store's modules are loaded, then `gc.freeze()`s everything alive into
the permanent generation, which no later collection (nor the tear-down) visits; collection
resumes as usual for whatever the command allocates after that.

Only a process stackwise owns may do this, and only before user code runs: freezing pins
everything alive at that moment, and cyclic garbage among frozen objects is never collected.
The executable opts in with `own_process()`; the library never does (a user's script or
notebook keeps the collector as it is), nor does click's CliRunner in tests. A command that
imports the user's pipeline module calls `imports_done()` first, so user code always runs with
the collector on and is never frozen.
"""

from __future__ import annotations

import gc

_owned = False


def own_process() -> None:
    """This process runs the `stackwise` executable: pause the collector until
    `imports_done()`. (A command that never opens a store keeps it paused: it is short.)"""
    global _owned
    _owned = True
    gc.disable()


def imports_done() -> None:
    """The long-lived imports are loaded: in an owned process, freeze them and let the
    collector run again. Called when the first store opens (the last and biggest import), or
    before user code is imported; only the first call freezes."""
    global _owned
    if _owned:
        _owned = False
        gc.freeze()
        gc.enable()


__all__ = ["imports_done", "own_process"]
