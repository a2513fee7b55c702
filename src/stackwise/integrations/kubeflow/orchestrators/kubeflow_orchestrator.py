"""The Kubeflow orchestrator: each run becomes a KFP v2 pipeline (`kfp_pipeline`) submitted to
Kubeflow Pipelines with `kfp.Client.create_run_from_pipeline_package`; a scheduled run becomes
a KFP recurring run. Each step's container runs the step entrypoint against this client's
store; the store's credentials come from the Kubernetes Secret `credentials_secret`.
"""

from __future__ import annotations

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
)
from stackwise.orchestrators.containerized_orchestrator import (
    ContainerizedOrchestrator,
    DetachedRun,
    RemoteRun,
)

if TYPE_CHECKING:
    from stackwise.execution.step_runner import RunContext
    from stackwise.orchestrators.base_orchestrator import RunHandle


class KubeflowOrchestrator(ContainerizedOrchestrator):
    """Runs pipelines on Kubeflow Pipelines, one container per step."""

    config: KubeflowOrchestratorConfig
    supports_schedules = True
    supports_resource_settings = True

    def probe_url(self) -> str | None:
        """The Kubeflow Pipelines API, when its address is configured."""
        return self.config.kubeflow_hostname

    def compile_remote_run(self, remote: RemoteRun, output_dir: Path) -> list[Path]:
        path = output_dir / f"{kfp_name(remote.pipeline_name)}.yaml"
        secret = self.config.credentials_secret
        return [compile_kfp_pipeline(remote, path, credentials_secret=secret)]

    def submit_remote_run(self, context: RunContext, remote: RemoteRun) -> RunHandle:
        self._check_credentials(remote)
        client = self.client()
        namespace = self.config.user_namespace
        with tempfile.TemporaryDirectory(prefix="stackwise-kfp-") as folder:
            [package] = self.compile_remote_run(remote, Path(folder))
            if remote.schedule:
                experiment = client.create_experiment(
                    name=remote.pipeline_name, namespace=namespace
                )
                client.create_recurring_run(
                    experiment_id=experiment.experiment_id,
                    job_name=remote.run_name,
                    pipeline_package_path=str(package),
                    enable_caching=False,
                    **recurring_run_arguments(remote.schedule),
                )
                return DetachedRun()
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
