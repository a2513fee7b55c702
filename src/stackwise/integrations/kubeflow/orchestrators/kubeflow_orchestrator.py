"""The Kubeflow orchestrator: each run becomes a KFP v2 pipeline (`kfp_pipeline`) submitted to
Kubeflow Pipelines with `kfp.Client.create_run_from_pipeline_package`. A schedule (recorded by
pipelines/schedules.py) becomes a KFP recurring run named after it (`schedule_job_name`):
KFP puts each pipeline job's uuid in the step commands (`ORCHESTRATOR_RUN_ID`), and each
firing's first task creates its run; a changed schedule replaces the recurring run, a deleted
one deletes it. Each step's container runs the step entrypoint against this client's store;
the store's credentials come from the Kubernetes Secret `credentials_secret`.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import kfp  # building this flavor without kfp fails here, with the install hint

from stackwise.exceptions import ConfigError
from stackwise.integrations.kubeflow.flavors.kubeflow_orchestrator_flavor import (
    KubeflowOrchestratorConfig,
)
from stackwise.integrations.kubeflow.orchestrators.engine_run import EngineRun
from stackwise.integrations.kubeflow.orchestrators.kfp_pipeline import (
    compile_kfp_pipeline,
    kfp_name,
    rfc3339,
    schedule_job_name,
)
from stackwise.orchestrators.containerized_orchestrator import (
    ContainerizedOrchestrator,
    DetachedRun,
    RemoteRun,
    require_images,
)

if TYPE_CHECKING:
    from stackwise.execution.step_runner import RunContext
    from stackwise.orchestrators.base_orchestrator import RunHandle
    from stackwise.stack.stack import Stack


class KubeflowOrchestrator(ContainerizedOrchestrator):
    """Runs pipelines on Kubeflow Pipelines, one container per step."""

    config: KubeflowOrchestratorConfig
    supports_schedules = True
    supports_resource_settings = True
    REQUIRES_IMAGES = True
    ORCHESTRATOR_RUN_ID = "{{$.pipeline_job_uuid}}"  # kfp's dsl.PIPELINE_JOB_ID_PLACEHOLDER

    def probe_url(self) -> str | None:
        """The Kubeflow Pipelines API, when its address is configured."""
        return self.config.kubeflow_hostname

    def compile_remote_run(self, remote: RemoteRun, output_dir: Path) -> list[Path]:
        path = output_dir / f"{kfp_name(remote.pipeline_name)}.yaml"
        secret = self.config.credentials_secret
        return [compile_kfp_pipeline(remote, path, credentials_secret=secret)]

    def submit_remote_run(self, context: RunContext, remote: RemoteRun) -> RunHandle:
        self._check_credentials(remote)
        require_images(self, remote.tasks)
        client = self.client()
        namespace = self.config.user_namespace
        with tempfile.TemporaryDirectory(prefix="stackwise-kfp-") as folder:
            [package] = self.compile_remote_run(remote, Path(folder))
            result = client.create_run_from_pipeline_package(
                str(package),
                arguments={},
                run_name=remote.run_name,
                experiment_name=remote.pipeline_name,
                namespace=namespace,
                enable_caching=False,
            )
        if not self.config.synchronous:
            return DetachedRun()
        timeout = self.config.timeout
        return EngineRun(
            context, lambda: client.wait_for_run_completion(result.run_id, timeout=timeout)
        )

    def submit_schedule(self, remote: RemoteRun, stack: Stack) -> None:
        """Create the schedule's recurring run, after deleting the one an earlier submission
        of it created."""
        self._check_credentials(remote)
        require_images(self, remote.tasks)
        arguments = recurring_run_arguments(remote.schedule)
        client = self.client()
        namespace = self.config.user_namespace
        name = schedule_job_name(remote)
        with tempfile.TemporaryDirectory(prefix="stackwise-kfp-") as folder:
            [package] = self.compile_remote_run(remote, Path(folder))
            self._delete_recurring_runs(client, name)
            experiment = client.create_experiment(name=remote.pipeline_name, namespace=namespace)
            client.create_recurring_run(
                experiment_id=experiment.experiment_id,
                job_name=name,
                pipeline_package_path=str(package),
                enable_caching=False,
                **arguments,
            )

    def delete_schedule(self, remote: RemoteRun) -> bool:
        """Delete the schedule's recurring run; False when Kubeflow has none of its name."""
        return self._delete_recurring_runs(self.client(), schedule_job_name(remote)) > 0

    def _delete_recurring_runs(self, client: Any, name: str) -> int:
        """Delete every recurring run named `name` (in `user_namespace`); how many."""
        only_name = json.dumps(
            {"predicates": [{"operation": "EQUALS", "key": "display_name", "stringValue": name}]}
        )
        found, token = [], ""
        while True:
            page = client.list_recurring_runs(
                page_token=token, filter=only_name, namespace=self.config.user_namespace
            )
            found += [r.recurring_run_id for r in page.recurring_runs or []]
            token = page.next_page_token
            if not token:
                break
        for recurring_run_id in found:
            client.delete_recurring_run(recurring_run_id)
        return len(found)

    def client(self) -> Any:
        """The kfp client of the configured Kubeflow Pipelines API."""
        arguments: dict[str, Any] = {
            "host": self.config.kubeflow_hostname,
            "namespace": self.config.kubeflow_namespace,
            **self.config.client_args,
        }
        if self.config.kubernetes_context:
            arguments["kube_context"] = self.config.kubernetes_context
        return kfp.Client(**arguments)

    def _check_credentials(self, remote: RemoteRun) -> None:
        """The store's credentials reach the steps only through the Secret: refuse to submit
        steps that could not open the store."""
        if remote.credentials and not self.config.credentials_secret:
            names = ", ".join(sorted(remote.credentials))
            raise ConfigError(
                f"Orchestrator '{self.name}' (kubeflow): this client reaches the store with "
                f"{names}, and the steps on Kubeflow need them too, but they are never written "
                "into the pipeline. Create a Kubernetes Secret holding them under those keys "
                f"(kubectl create secret generic stackwise-store --from-literal=...) and name "
                f"it: `stackwise orchestrator update {self.name} "
                "--credentials_secret=stackwise-store`."
            )


def recurring_run_arguments(schedule: Any) -> dict[str, Any]:
    """Schedule fields as `kfp.Client.create_recurring_run` arguments (KFP's cron has a
    leading seconds field)."""
    fields = dict(schedule)
    if fields.get("run_once_start_time"):
        raise ConfigError(
            "Kubeflow recurring runs cannot run once at a time (run_once_start_time): give "
            "cron_expression, or start_time with interval_second."
        )
    arguments: dict[str, Any] = {"no_catchup": not fields.get("catchup", False)}
    cron = fields.get("cron_expression")
    if cron:
        arguments["cron_expression"] = f"0 {cron}" if len(str(cron).split()) == 5 else cron
    interval = fields.get("interval_second")
    if interval is not None and not cron:
        seconds = interval.total_seconds() if hasattr(interval, "total_seconds") else interval
        arguments["interval_second"] = int(seconds)
    for key in ("start_time", "end_time"):
        value = fields.get(key)
        if value is not None:
            arguments[key] = rfc3339(value)
    return arguments
