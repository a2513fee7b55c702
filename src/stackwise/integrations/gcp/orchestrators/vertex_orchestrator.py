"""The Vertex AI orchestrator: each run becomes a KFP v2 pipeline (the Kubeflow integration's
`kfp_pipeline`) submitted as a Vertex AI `PipelineJob`. A schedule (recorded by
pipelines/schedules.py) becomes a `PipelineJobSchedule` named after it (`schedule_job_name`):
Vertex puts each pipeline job's uuid in the step commands (`ORCHESTRATOR_RUN_ID`), and each
firing's first task creates its run; a changed schedule replaces it, a deleted one deletes it.
KFP's caching is off for the job: a cached step is stackwise's to decide.

Credentials: the steps run as `workload_service_account` and reach the artifact store with it.
No credential is written into the pipeline or passed as a job parameter: when the store needs
STACKWISE_STORE_* credentials (an API key, a database password), each step's command first
reads them from the Secret Manager secret version `credentials_secret`
(stackwise.integrations.gcp.secret_environment); without one, the run is refused before
anything is submitted.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError
from stackwise.integrations.gcp.flavors.vertex_orchestrator_flavor import VertexOrchestratorConfig
from stackwise.integrations.gcp.reachability import require_vertex
from stackwise.integrations.gcp.sdk import aiplatform
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

PIPELINE_ROOT_FOLDER = "vertex_pipeline_root"


class VertexOrchestrator(ContainerizedOrchestrator):
    """Runs pipelines on Vertex AI Pipelines, one container per step."""

    config: VertexOrchestratorConfig
    supports_schedules = True
    supports_resource_settings = True
    REQUIRES_IMAGES = True
    ORCHESTRATOR_RUN_ID = "{{$.pipeline_job_uuid}}"  # kfp's dsl.PIPELINE_JOB_ID_PLACEHOLDER

    def validate_in_stack(self, stack: Stack) -> list[str]:
        if self.config.pipeline_root or _artifact_root(stack).startswith("gs://"):
            return []
        return [
            "Vertex AI keeps its pipeline files in a gs:// folder, and neither pipeline_root "
            "is set nor is the artifact store on Google Cloud Storage. Set it: `stackwise "
            f"orchestrator update {self.name} --pipeline_root=gs://BUCKET/vertex-pipelines`."
        ]

    def verify(self) -> None:
        """Credentials and the region's Vertex AI endpoint (the project is not queried)."""
        config = self.config
        require_vertex(config.project, config.location, config.service_account_path)

    def compile_remote_run(self, remote: RemoteRun, output_dir: Path) -> list[Path]:
        path = output_dir / f"{kfp_name(remote.pipeline_name)}.yaml"
        delivered = _reading_credentials(remote, self.config.credentials_secret)
        return [compile_kfp_pipeline(delivered, path, default_limits=self._default_limits())]

    def submit_remote_run(self, context: RunContext, remote: RemoteRun) -> RunHandle:
        self._check_credentials(remote)
        require_images(self, remote.tasks)
        job = self._pipeline_job(remote, context.stack, kfp_name(remote.run_name))
        job.submit(**self._placement())
        if not self.config.synchronous:
            return DetachedRun()
        return EngineRun(context, job.wait)

    def submit_schedule(self, remote: RemoteRun, stack: Stack) -> None:
        """Create the schedule's PipelineJobSchedule, after deleting the one an earlier
        submission of it created."""
        self._check_credentials(remote)
        require_images(self, remote.tasks)
        arguments = vertex_schedule_arguments(remote.schedule)
        name = schedule_job_name(remote)
        job = self._pipeline_job(remote, stack, name)
        self.delete_schedule(remote)
        job.create_schedule(display_name=name, **arguments, **self._placement())

    def delete_schedule(self, remote: RemoteRun) -> bool:
        """Delete the schedule's PipelineJobSchedule; False when Vertex AI has none of its
        name."""
        found = aiplatform().PipelineJobSchedule.list(
            filter=f'display_name="{schedule_job_name(remote)}"',
            project=self.config.project,
            location=self.config.location,
            credentials=self._credentials(),
        )
        for schedule in found:
            schedule.delete()
        return bool(found)

    def _pipeline_job(self, remote: RemoteRun, stack: Stack, display_name: str) -> Any:
        """The PipelineJob of `remote`'s compiled pipeline (the template is read at once)."""
        config = self.config
        with tempfile.TemporaryDirectory(prefix="stackwise-vertex-") as folder:
            [package] = self.compile_remote_run(remote, Path(folder))
            return aiplatform().PipelineJob(
                display_name=display_name,
                template_path=str(package),
                pipeline_root=self.pipeline_root(stack),
                labels=dict(config.labels),
                project=config.project,
                location=config.location,
                enable_caching=False,
                encryption_spec_key_name=config.encryption_spec_key_name,
                credentials=self._credentials(),
            )

    def _placement(self) -> dict[str, Any]:
        """Where the job's (or each scheduled job's) steps run."""
        return {
            "service_account": self.config.workload_service_account,
            "network": self.config.network,
        }

    def pipeline_root(self, stack: Stack) -> str:
        """`pipeline_root`, else a folder of the (gs://) artifact store."""
        if self.config.pipeline_root:
            return self.config.pipeline_root
        root = _artifact_root(stack)
        if not root.startswith("gs://"):
            raise ConfigError(self.validate_in_stack(stack)[0])
        return f"{root.rstrip('/')}/{PIPELINE_ROOT_FOLDER}"

    def _default_limits(self) -> dict[str, Any]:
        limits = {
            "cpu": self.config.cpu_limit,
            "memory": self.config.memory_limit,
            "gpus": self.config.gpu_limit,
        }
        return {k: v for k, v in limits.items() if v is not None}

    def _credentials(self) -> Any:
        """The service-account key's credentials, or None (Application Default
        Credentials)."""
        if not self.config.service_account_path:
            return None
        from google.oauth2 import service_account

        return service_account.Credentials.from_service_account_file(
            self.config.service_account_path
        )

    def _check_credentials(self, remote: RemoteRun) -> None:
        if remote.credentials and not self.config.credentials_secret:
            names = ", ".join(sorted(remote.credentials))
            raise ConfigError(
                f"Orchestrator '{self.name}' (vertex): this client reaches the store with "
                f"{names}, which the steps on Vertex AI need too, and stackwise never writes "
                "credentials into a pipeline or its parameters. Store them as a JSON object in "
                "Secret Manager (`gcloud secrets create stackwise-store --data-file=creds.json`), "
                "let the workload service account read it, and set `stackwise orchestrator "
                f"update {self.name} --credentials_secret=projects/P/secrets/stackwise-store/"
                "versions/latest`; or give the steps a store their service account opens "
                "without them (PostgreSQL on Cloud SQL with IAM authentication)."
            )


def _reading_credentials(remote: RemoteRun, secret_version: str | None) -> RemoteRun:
    """`remote` whose tasks first read the store's credentials from `secret_version` (Secret
    Manager), when it has credentials to deliver and a secret to read them from."""
    import dataclasses

    from stackwise.integrations.gcp.secret_environment import wrapped_command

    if not remote.credentials or not secret_version:
        return remote
    tasks = tuple(
        dataclasses.replace(t, command=tuple(wrapped_command(secret_version, t.command)))
        for t in remote.tasks
    )
    return dataclasses.replace(remote, tasks=tasks)


def vertex_schedule_arguments(schedule: Any) -> dict[str, Any]:
    """Schedule fields as `PipelineJob.create_schedule` arguments: Vertex schedules by cron,
    so an interval becomes the cron expression that repeats it, and a one-off run a
    schedule that runs once from its start time."""
    fields = dict(schedule)
    if fields.get("catchup"):
        raise ConfigError(
            "Vertex AI schedules do not catch up on missed runs (catchup=True): set catchup=False."
        )
    arguments: dict[str, Any] = {}
    once = fields.get("run_once_start_time")
    if fields.get("cron_expression"):
        arguments["cron"] = str(fields["cron_expression"])
    elif once:
        arguments.update(cron="* * * * *", max_run_count=1)
        fields["start_time"] = fields.get("start_time") or once
    else:
        arguments["cron"] = interval_cron(fields.get("interval_second"))
    for key in ("start_time", "end_time"):
        if fields.get(key) is not None:
            arguments[key] = rfc3339(fields[key])
    return arguments


def interval_cron(interval: Any) -> str:
    """An interval (timedelta or seconds) as the cron expression repeating it: whole minutes
    dividing an hour, whole hours dividing a day, or whole days."""
    seconds = int(interval.total_seconds() if hasattr(interval, "total_seconds") else interval)
    minutes, hours = seconds // 60, seconds // 3600
    if seconds % 60 == 0 and 0 < minutes < 60 and 60 % minutes == 0:
        return f"*/{minutes} * * * *"
    if seconds % 3600 == 0 and 0 < hours < 24 and 24 % hours == 0:
        return f"0 */{hours} * * *"
    if seconds % 86400 == 0 and seconds > 0:
        return "0 0 * * *" if seconds == 86400 else f"0 0 */{seconds // 86400} * *"
    raise ConfigError(
        f"Vertex AI schedules by cron, and an interval of {seconds} s is no cron repeat: use "
        "minutes dividing an hour, hours dividing a day, whole days, or give cron_expression."
    )


def _artifact_root(stack: Stack) -> str:
    records = stack.component_records(StackComponentType.ARTIFACT_STORE)
    if not records:
        return ""
    return str(records[0].configuration.get("path", ""))
