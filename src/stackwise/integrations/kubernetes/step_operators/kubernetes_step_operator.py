"""The `kubernetes` step operator: one step as a Kubernetes Job running the step entrypoint in
the step's image, while the orchestrator runs the others.

The store's credentials go into a Secret made for the step, which the Job's container loads
with `envFrom` (never inline), deleted once the Job ended. `launch` creates the Job with
`BatchV1Api.create_namespaced_job` and polls its status until it succeeded or failed; a failed
Job whose step recorded its own error is that step's failure (read from the store by the
caller), else its conditions are the error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any

from stackwise.exceptions import ConfigError, StepOperatorError
from stackwise.execution.step_dispatch import CREDENTIAL_ENVIRONMENT
from stackwise.integrations.kubernetes.flavors.kubernetes_step_operator_flavor import (
    KubernetesStepOperatorConfig,
    KubernetesStepOperatorSettings,
)
from stackwise.integrations.kubernetes.pod_settings import KubernetesPodSettings, layered
from stackwise.step_operators.base_step_operator import BaseStepOperator, StepOperatorRunInfo

logger = logging.getLogger("stackwise")


class KubernetesStepOperator(BaseStepOperator):
    config: KubernetesStepOperatorConfig

    @property
    def namespace(self) -> str:
        return self.config.kubernetes_namespace

    def settings(self, step_settings: Mapping[str, Any]) -> KubernetesStepOperatorSettings:
        """The configuration's settings with the step's laid over."""
        fields = set(KubernetesStepOperatorSettings.model_fields)
        values = layered(self.config.model_dump(include=fields), step_settings, ("pod_settings",))
        try:
            return KubernetesStepOperatorSettings(**values)
        except ValueError as error:
            raise ConfigError(
                f"Invalid settings for step operator '{self.name}' (kubernetes): {error}"
            ) from None

    def manifests(
        self,
        info: StepOperatorRunInfo,
        entrypoint_command: Sequence[str],
        environment: Mapping[str, str],
    ) -> tuple[Any | None, Any]:
        """The credentials Secret (None without credentials) and the Job of the step."""
        from stackwise.integrations.kubernetes import manifests as m

        if not info.image:
            raise StepOperatorError(
                f"Step '{info.pipeline_step_name}' runs on step operator '{self.name}' "
                "(kubernetes), which runs it in a container image, and the step has none. "
                "Build the pipeline's image (DockerSettings and a container registry in the "
                "stack), or name an existing image with stackwise installed: "
                'settings={"docker": DockerSettings(parent_image="IMAGE", skip_build=True)}.'
            )
        settings = self.settings(info.settings)
        credentials = {k: v for k, v in environment.items() if k in CREDENTIAL_ENVIRONMENT}
        plain = {k: v for k, v in environment.items() if k not in CREDENTIAL_ENVIRONMENT}
        name = m.dns_name(
            settings.job_name_prefix or info.pipeline_step_name, info.run_id[:8], limit=52
        )
        labels = {
            "stackwise.io/run-id": m.label_value(info.run_id),
            "stackwise.io/pipeline": m.label_value(info.pipeline_name),
            "stackwise.io/step": m.label_value(info.pipeline_step_name),
        }
        secret = (
            m.credentials_secret(f"{name}-credentials", self.namespace, credentials, labels)
            if credentials
            else None
        )
        pod_settings = settings.pod_settings or KubernetesPodSettings()
        spec = m.pod_spec(
            image=info.image,
            command=entrypoint_command,
            environment=plain,
            secret_name=secret.metadata.name if secret is not None else None,
            settings=pod_settings,
            resources=info.resources,
            service_account_name=settings.service_account_name,
            privileged=settings.privileged,
        )
        job = m.job(
            m.metadata(name, self.namespace, labels, pod_settings),
            spec,
            ttl_seconds_after_finished=settings.ttl_seconds_after_finished,
            active_deadline_seconds=settings.active_deadline_seconds,
        )
        return secret, job

    def launch(
        self,
        info: StepOperatorRunInfo,
        entrypoint_command: Sequence[str],
        environment: Mapping[str, str],
    ) -> None:
        from kubernetes import client as k8s

        from stackwise.integrations.kubernetes.manifests import load_client_config

        secret, job = self.manifests(info, entrypoint_command, environment)
        api_client = load_client_config(
            incluster=self.config.incluster, context=self.config.kubernetes_context
        )
        core, batch = k8s.CoreV1Api(api_client), k8s.BatchV1Api(api_client)
        if secret is not None:
            core.create_namespaced_secret(namespace=self.namespace, body=secret)
        try:
            batch.create_namespaced_job(namespace=self.namespace, body=job)
            logger.info(
                "Step '%s' runs as Job '%s' in namespace '%s'.",
                info.pipeline_step_name,
                job.metadata.name,
                self.namespace,
            )
            self._wait(core, batch, job.metadata.name, self.settings(info.settings))
        finally:
            if secret is not None:
                core.delete_namespaced_secret(name=secret.metadata.name, namespace=self.namespace)

    def _wait(
        self, core: Any, batch: Any, name: str, settings: KubernetesStepOperatorSettings
    ) -> None:
        """Poll the Job until it succeeded (return) or failed (StepOperatorError); a pod
        waiting for a reason in `fail_on_container_waiting_reasons` fails it at once."""
        while True:
            status = batch.read_namespaced_job_status(name=name, namespace=self.namespace).status
            if status.succeeded:
                return
            if status.failed:
                reasons = "; ".join(
                    f"{c.reason}: {c.message}" for c in status.conditions or [] if c.status
                )
                raise StepOperatorError(f"Job '{name}' failed ({reasons or 'no reason given'})")
            stuck = self._stuck_reason(core, name, settings.fail_on_container_waiting_reasons)
            if stuck is not None:
                batch.delete_namespaced_job(
                    name=name, namespace=self.namespace, propagation_policy="Background"
                )
                raise StepOperatorError(f"Job '{name}' cannot start its pod: {stuck}")
            time.sleep(settings.job_monitoring_interval)

    def _stuck_reason(self, core: Any, job_name: str, fatal: list[str]) -> str | None:
        pods = core.list_namespaced_pod(
            namespace=self.namespace, label_selector=f"job-name={job_name}"
        ).items
        for pod in pods:
            for container in (pod.status.container_statuses if pod.status else None) or []:
                waiting = container.state.waiting if container.state else None
                if waiting is not None and waiting.reason in fatal:
                    return f"{waiting.reason}: {waiting.message or ''}".strip()
        return None
