"""The Airflow flavors, announced through the `stackwise.flavors` entry point as `FLAVORS`.
Importing this package imports no Airflow."""

from __future__ import annotations

from stackwise.integrations.airflow.flavors.airflow_orchestrator_flavor import (
    AIRFLOW_ORCHESTRATOR_FLAVOR,
    AirflowOrchestratorConfig,
    AirflowOrchestratorSettings,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [AIRFLOW_ORCHESTRATOR_FLAVOR]

__all__ = ["FLAVORS", "AirflowOrchestratorConfig", "AirflowOrchestratorSettings"]
