"""Commands a remote orchestrator runs: `python -m stackwise.entrypoints.step` runs one step of
a recorded run, needing only the store (STACKWISE_STORE_URL and its credentials from the
environment), the artifact store and the user's code."""

from __future__ import annotations

from stackwise.entrypoints.step import step_command

__all__ = ["step_command"]
