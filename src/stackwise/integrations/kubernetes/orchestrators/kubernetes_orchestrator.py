"""The `kubernetes` orchestrator: a run becomes an orchestrator pod, which runs
`python -m stackwise.entrypoints.k8s_orchestrator --run-id RUN` and starts one pod per step as
its upstream steps succeed (remote_dag.py walks the DAG; `KubernetesPodLauncher` makes the
pods). Every pod runs in the step's image with the store's URL in its environment and the
store's credentials from a Secret created for the run (`envFrom`), never inline.

A schedule (`Schedule(cron_expression=...)`, recorded by pipelines/schedules.py) becomes a
CronJob whose pod runs `--schedule-id S --orchestrator-run-id $(STACKWISE_POD_NAME)`: Kubernetes
puts the pod's name in the command, and each firing creates its run from the schedule and walks
it. Changing the schedule replaces the CronJob; deleting it deletes the CronJob and its Secret.
An `interval_second` schedule is refused: a CronJob only takes a cron expression.

Manifests are the kubernetes client's models; `compile_remote_run` writes them as YAML
(`stackwise pipeline compile`), with the Secret's values left as placeholders.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import ConfigError
from stackwise.integrations.kubernetes.flavors.kubernetes_orchestrator_flavor import (
    KubernetesOrchestratorConfig,
    KubernetesOrchestratorSettings,
)
from stackwise.integrations.kubernetes.pod_settings import KubernetesPodSettings, layered
from stackwise.orchestrators.containerized_orchestrator import (
    ContainerizedOrchestrator,
    DetachedRun,
    RemoteRun,
    StepTask,
    WaitForRun,
    prepare_remote_run,
    require_images,
)

if TYPE_CHECKING:
    from stackwise.enums import ExecutionStatus
    from stackwise.execution.step_runner import RunContext
    from stackwise.orchestrators.base_orchestrator import RunHandle
    from stackwise.orchestrators.remote_dag import RemoteDagWalk, StepLauncher
    from stackwise.stack.stack import Stack

logger = logging.getLogger("stackwise")

SECRET_ENV = "STACKWISE_K8S_CREDENTIALS_SECRET"  # noqa: S105 - a variable's name
"""Set in the orchestrator pod: the Secret its step pods load the credentials from."""
POD_NAME_ENV = "STACKWISE_POD_NAME"
"""Set in a schedule's orchestrator pod to the pod's name (downward API): the firing's id."""


@dataclass(frozen=True)
class RunManifests:
    """What submitting a run creates: the credentials Secret (when there are credentials), and
    the orchestrator pod, or the CronJob of a schedule."""

    namespace: str
    secret: Any | None  # V1Secret
    pod: Any | None  # V1Pod
    cron_job: Any | None  # V1CronJob


class KubernetesOrchestrator(ContainerizedOrchestrator):
    config: KubernetesOrchestratorConfig
    supports_schedules = True
    supports_resource_settings = True
    REQUIRES_IMAGES = True
    ORCHESTRATOR_RUN_ID = f"$({POD_NAME_ENV})"  # Kubernetes expands it in the pod's command

    # -- settings --------------------------------------------------------------------
    def settings(self, *layers: Mapping[str, Any]) -> KubernetesOrchestratorSettings:
        """The configuration's settings with each layer (pipeline, then step) laid over."""
        values = self.config.model_dump(include=set(KubernetesOrchestratorSettings.model_fields))
        for layer in layers:
            values = layered(values, layer, ("pod_settings", "orchestrator_pod_settings"))
        try:
            return KubernetesOrchestratorSettings(**values)
        except ValueError as error:
            raise ConfigError(
                f"Invalid settings for orchestrator '{self.name}' (kubernetes): {error}"
            ) from None

    @property
    def namespace(self) -> str:
        return self.config.kubernetes_namespace

    # -- manifests -------------------------------------------------------------------
    def run_manifests(self, remote: RemoteRun, *, secret_values: bool = True) -> RunManifests:
        """The Secret and the orchestrator pod (or CronJob) of `remote`; `secret_values=False`
        puts placeholders in the Secret (what `compile_remote_run` writes)."""
        from kubernetes import client as k8s

        from stackwise.entrypoints.k8s_orchestrator import (
            orchestrator_command,
            scheduled_orchestrator_command,
        )
        from stackwise.integrations.kubernetes import manifests as m

        settings = self.settings(remote.settings)
        image = _image(self, remote)
        labels = _labels(remote)
        key = remote.schedule_id or remote.run_id
        secret_name = m.dns_name("stackwise", key) if remote.credentials else None
        secret = None
        if secret_name is not None:
            values = (
                dict(remote.credentials)
                if secret_values
                else {k: f"<{k}>" for k in remote.credentials}
            )
            secret = m.credentials_secret(secret_name, self.namespace, values, labels)
        environment = dict(remote.tasks[0].environment) if remote.tasks else {}
        if secret_name is not None:
            environment[SECRET_ENV] = secret_name
        pod_settings = settings.orchestrator_pod_settings or KubernetesPodSettings()
        spec = m.pod_spec(
            image=image,
            command=(
                scheduled_orchestrator_command(remote.schedule_id, self.ORCHESTRATOR_RUN_ID)
                if remote.schedule_id
                else orchestrator_command(remote.run_id)
            ),
            environment=environment,
            secret_name=secret_name,
            settings=pod_settings,
            resources={},
            service_account_name=settings.service_account_name,
            privileged=settings.privileged,
        )
        name = m.dns_name(settings.pod_name_prefix or remote.pipeline_name, "orchestrator")
        if not remote.schedule_id:
            meta = m.metadata(m.dns_name(name, remote.run_id), self.namespace, labels, pod_settings)
            return RunManifests(self.namespace, secret, m.pod(meta, spec), None)
        cron = _cron_expression(remote)
        pod_name = k8s.V1EnvVarSource(
            field_ref=k8s.V1ObjectFieldSelector(field_path="metadata.name")
        )
        container = spec.containers[0]
        container.env = [
            *(container.env or []),
            k8s.V1EnvVar(name=POD_NAME_ENV, value_from=pod_name),
        ]
        meta = m.metadata(m.dns_name(name, key, limit=52), self.namespace, labels, pod_settings)
        cron_job = m.cron_job(
            meta,
            spec,
            schedule=cron,
            concurrency_policy=settings.concurrency_policy,
            successful_jobs_history_limit=settings.successful_jobs_history_limit,
            failed_jobs_history_limit=settings.failed_jobs_history_limit,
            starting_deadline_seconds=settings.starting_deadline_seconds,
            ttl_seconds_after_finished=settings.ttl_seconds_after_finished,
        )
        return RunManifests(self.namespace, secret, None, cron_job)

    def step_pod(
        self, remote: RemoteRun, task: StepTask, attempt: int, secret_name: str | None
    ) -> Any:
        """The V1Pod running `task` (attempt `attempt`), credentials from `secret_name`."""
        from stackwise.integrations.kubernetes import manifests as m

        settings = self.settings(remote.settings, task.settings)
        pod_settings = settings.pod_settings or KubernetesPodSettings()
        if task.image is None:
            require_images(self, (task,))
        spec = m.pod_spec(
            image=str(task.image),
            command=task.command,
            environment=task.environment,
            secret_name=secret_name,
            settings=pod_settings,
            resources=task.resources,
            service_account_name=settings.step_pod_service_account_name,
            privileged=settings.privileged,
            active_deadline_seconds=settings.active_deadline_seconds,
        )
        labels = {**_labels(remote), "stackwise.io/step": m.label_value(task.invocation_id)}
        name = m.dns_name(
            settings.pod_name_prefix or remote.pipeline_name,
            task.invocation_id,
            remote.run_id[:8],
            str(attempt),
        )
        return m.pod(m.metadata(name, self.namespace, labels, pod_settings), spec)

    # -- submitting ------------------------------------------------------------------
    def submit_remote_run(self, context: RunContext, remote: RemoteRun) -> RunHandle:
        """Create the Secret, then the orchestrator pod."""
        from kubernetes import client as k8s

        manifests = self.run_manifests(remote)
        core = k8s.CoreV1Api(self.api_client())
        if manifests.secret is not None:
            core.create_namespaced_secret(namespace=self.namespace, body=manifests.secret)
        core.create_namespaced_pod(namespace=self.namespace, body=manifests.pod)
        settings = self.settings(remote.settings)
        if settings.synchronous:
            return WaitForRun(context, poll_seconds=settings.job_monitoring_interval)
        return DetachedRun()

    def submit_schedule(self, remote: RemoteRun, stack: Stack) -> None:
        """Create (or, for a changed schedule, replace) the schedule's Secret and CronJob."""
        from kubernetes import client as k8s

        manifests = self.run_manifests(remote)
        cron_job = manifests.cron_job
        assert cron_job is not None, "a schedule's manifests hold its CronJob"
        api_client = self.api_client()
        core, batch = k8s.CoreV1Api(api_client), k8s.BatchV1Api(api_client)
        if manifests.secret is not None:
            _create_or_replace(
                core.create_namespaced_secret,
                core.replace_namespaced_secret,
                self.namespace,
                manifests.secret,
            )
        _create_or_replace(
            batch.create_namespaced_cron_job,
            batch.replace_namespaced_cron_job,
            self.namespace,
            cron_job,
        )
        logger.info(
            "Scheduled pipeline '%s' as CronJob '%s' in namespace '%s' (%s).",
            remote.pipeline_name,
            cron_job.metadata.name,
            self.namespace,
            cron_job.spec.schedule,
        )

    def delete_schedule(self, remote: RemoteRun) -> bool:
        """Delete the schedule's CronJob (and its jobs) and its Secret; False when the CronJob
        was not there."""
        from kubernetes import client as k8s
        from kubernetes.client.exceptions import ApiException

        manifests = self.run_manifests(remote, secret_values=False)
        assert manifests.cron_job is not None, "a schedule's manifests hold its CronJob"
        api_client = self.api_client()
        found = True
        try:
            k8s.BatchV1Api(api_client).delete_namespaced_cron_job(
                name=manifests.cron_job.metadata.name,
                namespace=self.namespace,
                propagation_policy="Background",
            )
        except ApiException as error:
            if error.status != 404:
                raise
            found = False
        if manifests.secret is not None:
            try:
                k8s.CoreV1Api(api_client).delete_namespaced_secret(
                    name=manifests.secret.metadata.name, namespace=self.namespace
                )
            except ApiException as error:
                if error.status != 404:
                    raise
        return found

    def compile_remote_run(self, remote: RemoteRun, output_dir: Path) -> list[Path]:
        """Write the Secret (values as placeholders), the orchestrator pod or CronJob, and each
        step's pod (as the orchestrator pod would create it) as YAML."""
        import yaml

        from stackwise.integrations.kubernetes import manifests as m

        manifests = self.run_manifests(remote, secret_values=False)
        output_dir.mkdir(parents=True, exist_ok=True)
        secret_name = manifests.secret.metadata.name if manifests.secret is not None else None
        files: list[tuple[str, Any]] = [("secret.yaml", manifests.secret)]
        files.append(("cron-job.yaml", manifests.cron_job))
        files.append(("orchestrator-pod.yaml", manifests.pod))
        files += [
            (f"step-{m.dns_name(t.invocation_id)}.yaml", self.step_pod(remote, t, 1, secret_name))
            for t in remote.tasks
        ]
        written = []
        for filename, manifest in files:
            if manifest is None:
                continue
            path = output_dir / filename
            path.write_text(yaml.safe_dump(m.to_dict(manifest), sort_keys=False))
            written.append(path)
        return written

    def api_client(self) -> Any:
        from stackwise.integrations.kubernetes.manifests import load_client_config

        return load_client_config(
            incluster=self.config.incluster, context=self.config.kubernetes_context
        )

    # -- inside the orchestrator pod -------------------------------------------------
    def walk_run(self, context: RunContext) -> dict[str, ExecutionStatus]:
        """Run every step of the recorded run as a pod; each step's final status."""
        return self.dag_walk(context, prepare_remote_run(self, context)).run()

    def dag_walk(self, context: RunContext, remote: RemoteRun) -> RemoteDagWalk:
        """The walk over `remote`'s steps that the orchestrator pod runs."""
        from stackwise.orchestrators.remote_dag import RemoteDagWalk

        settings = self.settings(remote.settings)
        return RemoteDagWalk(
            remote,
            self.pod_launcher(remote),
            context.store,
            max_parallelism=settings.max_parallelism,
            poll_seconds=settings.job_monitoring_interval,
        )

    def pod_launcher(self, remote: RemoteRun) -> StepLauncher:
        """What starts the step pods: through the cluster's API, credentials from the Secret
        this pod was given."""
        import os

        from kubernetes import client as k8s

        from stackwise.integrations.kubernetes.orchestrators.pod_launcher import (
            KubernetesPodLauncher,
        )

        core = k8s.CoreV1Api(self.api_client())
        fatal = self.settings(remote.settings).fail_on_container_waiting_reasons
        return KubernetesPodLauncher(self, remote, core, os.environ.get(SECRET_ENV), fatal)


def _labels(remote: RemoteRun) -> dict[str, str]:
    from stackwise.integrations.kubernetes.manifests import label_value

    labels = {"stackwise.io/pipeline": label_value(remote.pipeline_name)}
    if remote.schedule_id:
        labels["stackwise.io/schedule-id"] = label_value(remote.schedule_id)
    else:
        labels["stackwise.io/run-id"] = label_value(remote.run_id)
    return labels


def _create_or_replace(create: Any, replace: Any, namespace: str, body: Any) -> None:
    """Create `body`; replace the object of that name when it exists (409)."""
    from kubernetes.client.exceptions import ApiException

    try:
        create(namespace=namespace, body=body)
    except ApiException as error:
        if error.status != 409:
            raise
        replace(name=body.metadata.name, namespace=namespace, body=body)


def _image(orchestrator: KubernetesOrchestrator, remote: RemoteRun) -> str:
    """The pipeline's image (the orchestrator pod's); every step needs one."""
    require_images(orchestrator, remote.tasks)
    return str(remote.tasks[0].image)


def _cron_expression(remote: RemoteRun) -> str:
    schedule = dict(remote.schedule or {})
    cron = schedule.get("cron_expression")
    if not cron:
        what = (
            f"interval_second={schedule['interval_second']}"
            if schedule.get("interval_second")
            else "no cron_expression"
        )
        raise ConfigError(
            f"Pipeline '{remote.pipeline_name}' has a schedule with {what}, but the kubernetes "
            "orchestrator schedules runs as CronJobs, which take a cron expression only: "
            'Schedule(cron_expression="*/30 * * * *") for every 30 minutes.'
        )
    ignored = [k for k in ("start_time", "end_time") if schedule.get(k)]
    if ignored or schedule.get("catchup"):
        raise ConfigError(
            f"Pipeline '{remote.pipeline_name}': a Kubernetes CronJob has no "
            f"{', '.join(ignored + (['catchup'] if schedule.get('catchup') else []))}; give "
            "the schedule a cron_expression only."
        )
    return str(cron)
