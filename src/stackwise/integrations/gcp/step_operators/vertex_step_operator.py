"""The `vertex` step operator: one step as a Vertex AI custom job
(`aiplatform.CustomJob(worker_pool_specs=[...]).run()`) running the step entrypoint in the
step's image on one machine of the configured type, while the orchestrator runs the others.

The store's credentials are never put into the job's spec: with credentials in the step's
environment, the operator needs `credentials_secret` (a Secret Manager secret version holding
them as JSON) and the job's command first reads them from there
(stackwise.integrations.gcp.secret_environment). `ResourceSettings.gpu_count` becomes the
accelerator count (with `accelerator_type`); CPU and memory come from `machine_type`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from stackwise.exceptions import ConfigError, StepOperatorError
from stackwise.execution.step_dispatch import CREDENTIAL_ENVIRONMENT
from stackwise.integrations.gcp.flavors.vertex_step_operator_flavor import (
    VertexStepOperatorConfig,
    VertexStepOperatorSettings,
)
from stackwise.step_operators.base_step_operator import BaseStepOperator, StepOperatorRunInfo

logger = logging.getLogger("stackwise")


class VertexStepOperator(BaseStepOperator):
    config: VertexStepOperatorConfig

    def settings(self, info: StepOperatorRunInfo) -> VertexStepOperatorSettings:
        """The configuration's settings, the step's over them, its gpu_count as accelerators."""
        fields = set(VertexStepOperatorSettings.model_fields)
        values = {**self.config.model_dump(include=fields), **dict(info.settings)}
        gpus = info.resources.get("gpu_count")
        if gpus and not values.get("accelerator_count"):
            values["accelerator_count"] = gpus
        try:
            settings = VertexStepOperatorSettings(**values)
        except ValueError as error:
            raise ConfigError(
                f"Invalid settings for step operator '{self.name}' (vertex): {error}"
            ) from None
        if settings.accelerator_count and not settings.accelerator_type:
            raise StepOperatorError(
                f"Step '{info.pipeline_step_name}' asks for {settings.accelerator_count} GPU(s) "
                f"on step operator '{self.name}' (vertex), which needs their type: set "
                'settings={"step_operator.vertex": {"accelerator_type": "NVIDIA_TESLA_T4"}}.'
            )
        ignored = [k for k in ("cpu_count", "memory") if info.resources.get(k)]
        if ignored:
            logger.warning(
                "Step '%s': Vertex AI sizes CPU and memory by machine_type ('%s'); its "
                "ResourceSettings %s are not applied.",
                info.pipeline_step_name,
                settings.machine_type,
                ", ".join(ignored),
            )
        return settings

    def job_arguments(
        self,
        info: StepOperatorRunInfo,
        entrypoint_command: Sequence[str],
        environment: Mapping[str, str],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """The CustomJob's constructor arguments and its `run` arguments."""
        from stackwise.integrations.gcp.secret_environment import wrapped_command

        if not info.image:
            raise StepOperatorError(
                f"Step '{info.pipeline_step_name}' runs on step operator '{self.name}' "
                "(vertex), which runs it in a container image, and the step has none. Build "
                "the pipeline's image (DockerSettings and a container registry in the stack), "
                "or name an existing image with stackwise installed: "
                'settings={"docker": DockerSettings(parent_image="IMAGE", skip_build=True)}.'
            )
        settings = self.settings(info)
        credentials = sorted(k for k in environment if k in CREDENTIAL_ENVIRONMENT)
        command = list(entrypoint_command)
        if credentials:
            if not self.config.credentials_secret:
                raise StepOperatorError(
                    f"Step '{info.pipeline_step_name}' needs the store's credentials "
                    f"({', '.join(credentials)}), which step operator '{self.name}' (vertex) "
                    "does not write into a job's spec. Store them as a JSON object in Secret "
                    "Manager (`gcloud secrets create stackwise-store --data-file=creds.json`), "
                    "let the job's service account read it, and set `stackwise step-operator "
                    f"update {self.name} --credentials_secret=projects/P/secrets/"
                    "stackwise-store/versions/latest`."
                )
            command = wrapped_command(self.config.credentials_secret, command)
        env = [{"name": k, "value": v} for k, v in environment.items() if k not in credentials]
        machine: dict[str, Any] = {"machine_type": settings.machine_type}
        if settings.accelerator_type:
            machine["accelerator_type"] = settings.accelerator_type
            machine["accelerator_count"] = settings.accelerator_count
        worker_pool = {
            "machine_spec": machine,
            "replica_count": 1,
            "disk_spec": {
                "boot_disk_type": settings.boot_disk_type,
                "boot_disk_size_gb": settings.boot_disk_size_gb,
            },
            "container_spec": {"image_uri": info.image, "command": command, "env": env},
        }
        job = {
            "display_name": f"{info.pipeline_name}-{info.pipeline_step_name}"[:128],
            "worker_pool_specs": [worker_pool],
            "project": self.config.project,
            "location": self.config.region,
            "labels": {"stackwise-pipeline": _label(info.pipeline_name)},
            "encryption_spec_key_name": self.config.encryption_spec_key_name,
            "staging_bucket": self.config.staging_bucket,
            "persistent_resource_id": settings.persistent_resource_id,
        }
        run = {
            **self.config.additional_training_job_args,
            "service_account": self.config.service_account,
            "network": self.config.network,
            "sync": True,
        }
        return job, run

    def launch(
        self,
        info: StepOperatorRunInfo,
        entrypoint_command: Sequence[str],
        environment: Mapping[str, str],
    ) -> None:
        from google.cloud import aiplatform

        job_arguments, run_arguments = self.job_arguments(info, entrypoint_command, environment)
        _check_run_arguments(self.name, run_arguments, aiplatform.CustomJob.run)
        if self.config.service_account_path:
            job_arguments["credentials"] = _key_file_credentials(self.config.service_account_path)
        job = aiplatform.CustomJob(**job_arguments)
        try:
            job.run(**run_arguments)
        except Exception as error:  # the SDK raises RuntimeError and API errors alike
            raise StepOperatorError(
                f"Vertex AI custom job of step '{info.pipeline_step_name}' did not succeed: "
                f"{type(error).__name__}: {error}"
            ) from error


def _label(value: str) -> str:
    """A GCP label value: lowercase letters, digits, '-' and '_', at most 63."""
    import re

    return re.sub(r"[^a-z0-9_-]+", "-", value.lower())[:63]


def _check_run_arguments(name: str, arguments: Mapping[str, Any], run: Any) -> None:
    """Every `additional_training_job_args` key is an argument of `CustomJob.run`."""
    import inspect

    known = set(inspect.signature(run).parameters) - {"self"}
    unknown = sorted(set(arguments) - known)
    if unknown:
        raise ConfigError(
            f"Step operator '{name}' (vertex): additional_training_job_args {unknown} are not "
            f"arguments of CustomJob.run, which takes: {', '.join(sorted(known))}."
        )


def _key_file_credentials(path: str) -> Any:
    from google.oauth2 import service_account

    try:
        return service_account.Credentials.from_service_account_file(path)
    except (OSError, ValueError) as error:
        raise ConfigError(
            f"Cannot read the service account key file {path}: {error}. Point "
            "service_account_path at a JSON key (`gcloud iam service-accounts keys create`)."
        ) from error
