"""Kubernetes manifests of stackwise's pods, Jobs, CronJobs and credential Secrets, built with
the kubernetes client's own models (V1Pod, V1Job...), so the API server gets what the client's
types allow.

Credentials never appear in a pod's spec: they go into a Secret, which the containers load
with `envFrom`. Pod settings written as plain dicts (tolerations, affinity, volumes...) are
turned into the client's models; a key Kubernetes does not know is an error naming it.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from kubernetes import client as k8s

from stackwise.exceptions import ConfigError
from stackwise.integrations.kubernetes.pod_settings import KubernetesPodSettings

LABEL_PREFIX = "stackwise.io"
_MEMORY_UNITS = {
    "B": "",
    "KB": "k",
    "MB": "M",
    "GB": "G",
    "TB": "T",
    "PB": "P",
    "KiB": "Ki",
    "MiB": "Mi",
    "GiB": "Gi",
    "TiB": "Ti",
    "PiB": "Pi",
}


def dns_name(*parts: str, limit: int = 63) -> str:
    """A DNS-1123 name (lowercase letters, digits, '-') from `parts`, at most `limit` long."""
    text = "-".join(p for p in parts if p)
    name = re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")
    name = re.sub(r"-{2,}", "-", name)[:limit].strip("-")
    return name or "stackwise"


def label_value(value: str) -> str:
    """A valid label value (63 characters of letters, digits, '-', '_', '.')."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", value)[:63].strip("-_.")


def to_dict(manifest: Any) -> dict[str, Any]:
    """The manifest as the API server receives it (camelCase JSON, None left out)."""
    return k8s.ApiClient().sanitize_for_serialization(manifest)  # type: ignore[no-any-return]


def _typed(value: Any, kind: str, where: str) -> Any:
    """A plain manifest dict as the client's model `kind`; an unknown key is an error."""

    class _Response:  # what ApiClient.deserialize reads: the JSON body
        data = json.dumps(value)

    model = k8s.ApiClient().deserialize(_Response(), kind)
    lost = _dropped(value, to_dict(model))
    if lost:
        raise ConfigError(
            f"pod settings '{where}': Kubernetes' {kind[2:]} has no field(s) "
            f"{', '.join(sorted(lost))}. Write them as in a manifest (camelCase, e.g. "
            "'tolerationSeconds', 'matchExpressions')."
        )
    return model


def _dropped(given: Any, kept: Any, path: str = "") -> set[str]:
    """Keys of `given` that did not survive into `kept`."""
    if isinstance(given, dict):
        kept = kept if isinstance(kept, dict) else {}
        lost = set()
        for key, value in given.items():
            if key not in kept:
                if value is not None:
                    lost.add(f"{path}{key}")
            else:
                lost |= _dropped(value, kept[key], f"{path}{key}.")
        return lost
    if isinstance(given, list) and isinstance(kept, list):
        return {k for g, c in zip(given, kept, strict=False) for k in _dropped(g, c, path)}
    return set()


def resource_requirements(
    resources: Mapping[str, Any], settings: KubernetesPodSettings
) -> k8s.V1ResourceRequirements | None:
    """A container's requests and limits: the step's ResourceSettings (cpu_count, memory,
    gpu_count) then the pod settings' own `resources` over them."""
    requests: dict[str, str] = {}
    limits: dict[str, str] = {}
    if resources.get("cpu_count"):
        requests["cpu"] = f"{float(resources['cpu_count']):g}"
    if resources.get("memory"):
        memory = _quantity(str(resources["memory"]))
        requests["memory"] = limits["memory"] = memory
    if resources.get("gpu_count"):
        limits["nvidia.com/gpu"] = str(int(resources["gpu_count"]))
    requests.update(settings.resources.get("requests", {}))
    limits.update(settings.resources.get("limits", {}))
    if not (requests or limits):
        return None
    return k8s.V1ResourceRequirements(requests=requests or None, limits=limits or None)


def _quantity(memory: str) -> str:
    """ResourceSettings' memory ('2GB', '512MiB') as a Kubernetes quantity ('2G', '512Mi')."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z]+)\s*", memory)
    if match is None or match.group(2) not in _MEMORY_UNITS:
        raise ConfigError(f"memory '{memory}' is not a size like '2GB' or '512MiB'.")
    return f"{match.group(1)}{_MEMORY_UNITS[match.group(2)]}"


def credentials_secret(
    name: str, namespace: str, credentials: Mapping[str, str], labels: Mapping[str, str]
) -> k8s.V1Secret:
    """The Secret the containers load the store's credentials from (`envFrom`)."""
    return k8s.V1Secret(
        api_version="v1",
        kind="Secret",
        metadata=k8s.V1ObjectMeta(name=name, namespace=namespace, labels=dict(labels)),
        type="Opaque",
        string_data=dict(credentials),
    )


def pod_spec(
    *,
    image: str,
    command: Sequence[str],
    environment: Mapping[str, str],
    secret_name: str | None,
    settings: KubernetesPodSettings,
    resources: Mapping[str, Any],
    service_account_name: str | None,
    privileged: bool,
    container_name: str = "main",
    restart_policy: str = "Never",
    active_deadline_seconds: int | None = None,
) -> k8s.V1PodSpec:
    """One container running `command` in `image`; credentials from the Secret."""
    env = [k8s.V1EnvVar(name=k, value=v) for k, v in environment.items()]
    env += [_typed(e, "V1EnvVar", "env") for e in settings.env]
    env_from = [_typed(e, "V1EnvFromSource", "env_from") for e in settings.env_from]
    if secret_name:
        env_from.append(k8s.V1EnvFromSource(secret_ref=k8s.V1SecretEnvSource(name=secret_name)))
    container = k8s.V1Container(
        name=container_name,
        image=image,
        command=list(command),
        env=env or None,
        env_from=env_from or None,
        resources=resource_requirements(resources, settings),
        volume_mounts=[_typed(v, "V1VolumeMount", "volume_mounts") for v in settings.volume_mounts]
        or None,
        security_context=k8s.V1SecurityContext(privileged=True) if privileged else None,
    )
    return k8s.V1PodSpec(
        containers=[container],
        restart_policy=restart_policy,
        service_account_name=service_account_name,
        node_selector=dict(settings.node_selectors) or None,
        tolerations=[_typed(t, "V1Toleration", "tolerations") for t in settings.tolerations]
        or None,
        affinity=_typed(settings.affinity, "V1Affinity", "affinity") if settings.affinity else None,
        volumes=[_typed(v, "V1Volume", "volumes") for v in settings.volumes] or None,
        image_pull_secrets=[k8s.V1LocalObjectReference(name=n) for n in settings.image_pull_secrets]
        or None,
        host_ipc=settings.host_ipc or None,
        scheduler_name=settings.scheduler_name,
        active_deadline_seconds=active_deadline_seconds,
    )


def metadata(
    name: str, namespace: str, labels: Mapping[str, str], settings: KubernetesPodSettings
) -> k8s.V1ObjectMeta:
    return k8s.V1ObjectMeta(
        name=name,
        namespace=namespace,
        labels={**settings.labels, **labels},
        annotations=dict(settings.annotations) or None,
    )


def pod(meta: k8s.V1ObjectMeta, spec: k8s.V1PodSpec) -> k8s.V1Pod:
    return k8s.V1Pod(api_version="v1", kind="Pod", metadata=meta, spec=spec)


def job(
    meta: k8s.V1ObjectMeta,
    spec: k8s.V1PodSpec,
    *,
    ttl_seconds_after_finished: int | None = None,
    active_deadline_seconds: int | None = None,
) -> k8s.V1Job:
    """A Job running the pod once (no Job-level retries: the step retries itself)."""
    template = k8s.V1PodTemplateSpec(
        metadata=k8s.V1ObjectMeta(labels=meta.labels, annotations=meta.annotations), spec=spec
    )
    return k8s.V1Job(
        api_version="batch/v1",
        kind="Job",
        metadata=meta,
        spec=k8s.V1JobSpec(
            template=template,
            backoff_limit=0,
            ttl_seconds_after_finished=ttl_seconds_after_finished,
            active_deadline_seconds=active_deadline_seconds,
        ),
    )


def cron_job(
    meta: k8s.V1ObjectMeta,
    spec: k8s.V1PodSpec,
    *,
    schedule: str,
    concurrency_policy: str | None,
    successful_jobs_history_limit: int | None,
    failed_jobs_history_limit: int | None,
    starting_deadline_seconds: int | None = None,
    ttl_seconds_after_finished: int | None = None,
) -> k8s.V1CronJob:
    """A CronJob starting the pod at each time of `schedule` (a cron expression)."""
    template = k8s.V1PodTemplateSpec(
        metadata=k8s.V1ObjectMeta(labels=meta.labels, annotations=meta.annotations), spec=spec
    )
    return k8s.V1CronJob(
        api_version="batch/v1",
        kind="CronJob",
        metadata=meta,
        spec=k8s.V1CronJobSpec(
            schedule=schedule,
            concurrency_policy=concurrency_policy,
            successful_jobs_history_limit=successful_jobs_history_limit,
            failed_jobs_history_limit=failed_jobs_history_limit,
            starting_deadline_seconds=starting_deadline_seconds,
            job_template=k8s.V1JobTemplateSpec(
                metadata=k8s.V1ObjectMeta(labels=meta.labels),
                spec=k8s.V1JobSpec(
                    template=template,
                    backoff_limit=0,
                    ttl_seconds_after_finished=ttl_seconds_after_finished,
                ),
            ),
        ),
    )


def load_client_config(*, incluster: bool, context: str | None) -> k8s.ApiClient:
    """An API client for the configured cluster: in-cluster service account, or kubeconfig."""
    from kubernetes import config as k8s_config

    try:
        if incluster:
            k8s_config.load_incluster_config()
            return k8s.ApiClient()
        # KUBECONFIG as it is now: the client reads it only once, when first imported
        kubeconfig = os.environ.get("KUBECONFIG") or None
        return k8s_config.new_client_from_config(config_file=kubeconfig, context=context)
    except (k8s_config.ConfigException, OSError) as error:
        where = "the in-cluster service account" if incluster else f"kubeconfig context {context}"
        raise ConfigError(
            f"Cannot load the Kubernetes configuration ({where}): {error}. Point KUBECONFIG at "
            "a kubeconfig with that context (`kubectl config get-contexts`), or set "
            "incluster=True when running inside the cluster."
        ) from error
