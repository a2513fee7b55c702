"""The Airflow integration: an orchestrator that writes each pipeline as an Airflow DAG whose
tasks run the step entrypoint (a BashOperator on this machine, a DockerOperator or a
KubernetesPodOperator), and schedules runs through the DAG's schedule.

stackwise itself never imports Airflow: the DAG file is plain Python that only Airflow reads.
Install Airflow where its scheduler and workers run (its dependencies clash with many ML
libraries, so usually a venv or image of its own): `pip install "apache-airflow>=3"` plus the
provider of the operator used (`apache-airflow-providers-docker`,
`apache-airflow-providers-cncf-kubernetes`). This module must stay importable without it.
"""

from __future__ import annotations

AIRFLOW = "airflow"
"""The integration's name: the extra to install and the `integration` of its flavors."""

REQUIREMENTS: list[str] = ["apache-airflow>=3.0"]
"""What runs the DAGs (installed where Airflow runs, not needed to write them)."""

LIBRARY = "airflow"

__all__ = ["AIRFLOW", "LIBRARY", "REQUIREMENTS"]
