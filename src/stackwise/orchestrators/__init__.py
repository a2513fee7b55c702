"""Orchestrators: where and when the steps of a run execute."""

from stackwise.orchestrators.base_orchestrator import BaseOrchestrator, RunHandle

__all__ = ["BaseOrchestrator", "RunHandle"]
