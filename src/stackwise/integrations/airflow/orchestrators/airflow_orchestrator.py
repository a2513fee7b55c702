"""The Airflow orchestrator: a run (or a schedule) becomes a DAG file in Airflow's dags folder,
one task per step running the step entrypoint, dependencies as the pipeline's.

An unscheduled run writes the DAG with no schedule and returns at once (`DetachedRun`): trigger
it in Airflow (`airflow dags trigger DAG_ID`, the UI, or `airflow dags test DAG_ID`); each task
records its step and the task that ends the run records its end. The DAG file is per pipeline
(its `dag_id`), so the next run of the pipeline replaces it: trigger a run's DAG before
submitting the next one. A scheduled run writes the DAG with the schedule; each firing's first
task creates that firing's run from the schedule (`stackwise.entrypoints.scheduled_run`).

Operators (`operator`, per pipeline or per step): `bash` runs the step with this machine's
Python in this working directory (Airflow's workers on this machine: `local`), `docker` and
`kubernetes_pod` run it in the step's image. The step's own retries happen inside its process
(the step entrypoint retries as on every orchestrator), so tasks get no Airflow retries unless
`operator_args` asks for them (e.g. for pods lost with their node).
"""

from __future__ import annotations

import logging
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import ConfigError
from stackwise.integrations.airflow.flavors.airflow_orchestrator_flavor import (
    AirflowOrchestratorConfig,
    AirflowOrchestratorSettings,
)
from stackwise.integrations.airflow.orchestrators.dag_file import (
    memory_quantity,
    render_dag_file,
    schedule_document,
)
from stackwise.orchestrators.containerized_orchestrator import (
    CREDENTIAL_ENVIRONMENT,
    ContainerizedOrchestrator,
    DetachedRun,
    RemoteRun,
    StepTask,
)
from stackwise.utils.ids import utcnow

if TYPE_CHECKING:
    from stackwise.execution.step_runner import RunContext
    from stackwise.stack.stack import Stack

logger = logging.getLogger("stackwise")

_DAG_ID = re.compile(r"[^A-Za-z0-9_.-]")
_CONTAINER_OPERATORS = ("docker", "kubernetes_pod")


def default_dags_folder() -> Path:
    """Airflow's own default: $AIRFLOW_HOME/dags, AIRFLOW_HOME being ~/airflow when unset."""
    home = os.environ.get("AIRFLOW_HOME") or str(Path.home() / "airflow")
    return Path(home) / "dags"


class AirflowOrchestrator(ContainerizedOrchestrator):
    config: AirflowOrchestratorConfig
    supports_schedules = True
    ORCHESTRATOR_RUN_ID = "{{ run_id }}"  # Airflow renders it in each task's command

    @property
    def supports_resource_settings(self) -> bool:
        """Containers get the steps' CPU, memory and GPUs; the bash operator cannot."""
        return self.config.default_operator in _CONTAINER_OPERATORS

    def validate_in_stack(self, stack: Stack) -> list[str]:
        """Airflow workers elsewhere (`local: false`) cannot open this machine's SQLite file."""
        if self.config.local:
            return []
        from stackwise.config.global_config import GlobalConfig

        store_url = GlobalConfig().store_url
        if not store_url.startswith("sqlite"):
            return []
        return [
            f"its Airflow workers run on other machines (local: false), but the metadata "
            f"store is the SQLite file {store_url}, which they cannot open. Use a shared "
            "database or a stackwise server (`stackwise login URL`), or run Airflow here: "
            f"`stackwise orchestrator update {self.name} --local=true`."
        ]

    # -- submitting ------------------------------------------------------------------------
    def submit_remote_run(self, context: RunContext, remote: RemoteRun) -> DetachedRun:
        path = self.write_dag(remote, self.dags_folder(remote))
        dag_id = self.dag_id(remote)
        logger.info(
            "Wrote the Airflow DAG '%s' of run '%s' to %s. Trigger it in Airflow (`airflow "
            "dags trigger %s`); its tasks record the run's steps.",
            dag_id,
            remote.run_name,
            path,
            dag_id,
        )
        return DetachedRun()

    def submit_schedule(self, remote: RemoteRun, stack: Stack) -> None:
        path = self.write_dag(remote, self.dags_folder(remote))
        logger.info(
            "Wrote the scheduled Airflow DAG '%s' to %s: Airflow's scheduler starts its runs.",
            self.dag_id(remote),
            path,
        )

    def delete_schedule(self, remote: RemoteRun) -> bool:
        """Remove the schedule's DAG file (not one a later run of the pipeline replaced it
        with); Airflow's scheduler then drops the DAG."""
        path = self.dags_folder(remote) / f"{self.dag_id(remote)}.py"
        if not path.exists() or f"(schedule {remote.schedule_id})" not in path.read_text():
            return False
        path.unlink()
        return True

    def compile_remote_run(self, remote: RemoteRun, output_dir: Path) -> list[Path]:
        return [self.write_dag(remote, output_dir)]

    # -- the DAG ---------------------------------------------------------------------------
    def settings_for(self, remote: RemoteRun, task: StepTask | None = None) -> Any:
        """The component's config with the pipeline's settings and the step's on top."""
        merged: dict[str, Any] = self.config.model_dump(
            include=set(AirflowOrchestratorSettings.model_fields), exclude_unset=False
        )
        for layer in (remote.settings, task.settings if task else {}):
            merged.update({k: v for k, v in dict(layer).items() if v is not None})
        try:
            return AirflowOrchestratorSettings(**merged)
        except ValueError as error:
            raise ConfigError(
                f"Orchestrator '{self.name}' (airflow): invalid settings for pipeline "
                f"'{remote.pipeline_name}'{f' step {task.invocation_id!r}' if task else ''}: "
                f"{error}"
            ) from error

    def dags_folder(self, remote: RemoteRun) -> Path:
        chosen = self.settings_for(remote).dag_output_dir
        return Path(chosen).expanduser() if chosen else default_dags_folder()

    def dag_id(self, remote: RemoteRun) -> str:
        chosen = self.settings_for(remote).dag_id
        return str(chosen) if chosen else _DAG_ID.sub("_", remote.pipeline_name)

    def write_dag(self, remote: RemoteRun, folder: Path) -> Path:
        """Write the DAG file of `remote` into `folder` (atomically: Airflow's scheduler may
        be reading the folder); its path."""
        document = self.dag_document(remote)
        what = f"schedule {remote.schedule_id}" if remote.schedule_id else f"run {remote.run_name}"
        header = (
            f"Airflow DAG of stackwise pipeline '{remote.pipeline_name}' ({what}), written by "
            f"stackwise's airflow orchestrator '{self.name}' on {utcnow():%Y-%m-%d %H:%M:%S} "
            "UTC.\n\nIt imports nothing of stackwise: each task runs one step with `python -m "
            "stackwise.entrypoints.step`. Credentials are not in this file: tasks take them "
            "from the Airflow worker's environment (bash, docker) or from the Kubernetes "
            f"Secret '{document['credentials_secret_name']}' (kubernetes_pod): "
            f"{', '.join(CREDENTIAL_ENVIRONMENT)}.\n"
        )
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{document['dag_id']}.py"
        partial = folder / f".{document['dag_id']}.py.tmp"
        partial.write_text(render_dag_file(document, header), encoding="utf-8")
        partial.replace(path)
        return path

    def dag_document(self, remote: RemoteRun) -> dict[str, Any]:
        """What the DAG program reads: the DAG's arguments and one entry per task."""
        pipeline_settings = self.settings_for(remote)
        schedule = None
        if remote.schedule is not None:
            schedule = schedule_document(
                remote.schedule, remote.schedule.get("created") or utcnow()
            )
        description = f"stackwise pipeline '{remote.pipeline_name}'"
        if remote.run_name:
            description += f", run '{remote.run_name}'"
        return {
            "dag_id": self.dag_id(remote),
            "description": description,
            "tags": ["stackwise", *pipeline_settings.dag_tags],
            "dag_args": dict(pipeline_settings.dag_args),
            "schedule": schedule,
            "credential_names": list(CREDENTIAL_ENVIRONMENT),
            "credentials_secret_name": self.config.credentials_secret_name,
            "tasks": [self._task_document(remote, task) for task in remote.tasks],
        }

    def _task_document(self, remote: RemoteRun, task: StepTask) -> dict[str, Any]:
        settings = self.settings_for(remote, task)
        operator = settings.operator or self.config.default_operator
        command = list(task.command)
        environment = dict(task.environment)
        entry: dict[str, Any] = {"cwd": None, "image": task.image}
        if operator == "bash":
            command[0] = self.config.python or sys.executable
            entry["cwd"] = os.getcwd()
            environment.update(_local_environment())
        else:
            image = task.image or settings.operator_args.get("image")
            if not image:
                raise ConfigError(
                    f"Step '{task.invocation_id}' of pipeline '{remote.pipeline_name}' runs "
                    f"in a container ({operator} operator of orchestrator '{self.name}'), "
                    "but no image was built for it. Add a container registry and an image "
                    "builder to the stack so the pipeline's image is built, or name an image "
                    "that has stackwise and your code: settings={'orchestrator': "
                    "{'operator_args': {'image': '...'}}}."
                )
            entry["image"] = image
        return {
            **entry,
            "task_id": task.invocation_id,
            "upstream": list(task.upstream),
            "operator": operator,
            "command": command,
            "environment": environment,
            "resources": _resources(task.resources),
            "operator_args": {k: v for k, v in settings.operator_args.items() if k != "image"},
        }


def _local_environment() -> dict[str, str]:
    """What a step process on this machine needs to find what this process finds: the
    stackwise home (global config, secrets key file) and the Python path."""
    from stackwise.config.global_config import GlobalConfig

    environment = {"STACKWISE_HOME": str(GlobalConfig().home)}
    if os.environ.get("PYTHONPATH"):
        environment["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return environment


def _resources(resources: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if resources.get("cpu_count"):
        found["cpu_count"] = resources["cpu_count"]
    if resources.get("gpu_count"):
        found["gpu_count"] = resources["gpu_count"]
    if resources.get("memory"):
        from stackwise.config.resource_settings import ResourceSettings

        found["memory"] = memory_quantity(resources["memory"])
        found["memory_bytes"] = int(
            ResourceSettings(memory=resources["memory"]).get_memory("B") or 0
        )
    return found
