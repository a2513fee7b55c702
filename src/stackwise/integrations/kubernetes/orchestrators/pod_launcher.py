"""Starting a step's pod from the orchestrator pod and watching it end: the `StepLauncher` the
kubernetes orchestrator's DAG walk uses (stackwise.orchestrators.remote_dag)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from stackwise.orchestrators.containerized_orchestrator import RemoteRun, StepTask

if TYPE_CHECKING:
    from stackwise.integrations.kubernetes.orchestrators.kubernetes_orchestrator import (
        KubernetesOrchestrator,
    )


class KubernetesPodLauncher:
    """Creates one pod per step attempt through `core` (a CoreV1Api)."""

    def __init__(
        self,
        orchestrator: KubernetesOrchestrator,
        remote: RemoteRun,
        core: Any,
        secret_name: str | None,
        fatal_waiting_reasons: Collection[str],
    ) -> None:
        self.orchestrator, self.remote, self.core = orchestrator, remote, core
        self.secret_name, self.fatal_waiting_reasons = secret_name, fatal_waiting_reasons

    def launch(self, task: StepTask, attempt: int) -> StepPod:
        pod = self.orchestrator.step_pod(self.remote, task, attempt, self.secret_name)
        namespace = self.orchestrator.namespace
        self.core.create_namespaced_pod(namespace=namespace, body=pod)
        return StepPod(self.core, namespace, pod.metadata.name, self.fatal_waiting_reasons)


class StepPod:
    """A step's pod: `poll` reads its status (one GET). A container waiting for one of
    `fatal_waiting_reasons` (its image does not pull...) fails the pod at once."""

    def __init__(
        self, core: Any, namespace: str, name: str, fatal_waiting_reasons: Collection[str]
    ) -> None:
        self.core, self.namespace, self.name = core, namespace, name
        self.fatal_waiting_reasons = frozenset(fatal_waiting_reasons)
        self.reason = "still running"

    def poll(self) -> int | None:
        status = self.core.read_namespaced_pod(name=self.name, namespace=self.namespace).status
        for container in status.container_statuses or []:
            waiting = container.state.waiting if container.state else None
            if waiting is not None and waiting.reason in self.fatal_waiting_reasons:
                self.reason = f"pod {self.name}: {waiting.reason}: {waiting.message or ''}".strip()
                self._delete()
                return -1
            terminated = container.state.terminated if container.state else None
            if terminated is not None and status.phase in ("Succeeded", "Failed"):
                self.reason = (
                    f"pod {self.name} {status.phase.lower()}: "
                    f"{terminated.reason or 'exit'} (exit code {terminated.exit_code})"
                )
                return int(terminated.exit_code)
        if status.phase == "Succeeded":
            return 0
        if status.phase == "Failed":  # evicted, deadline exceeded: no container status
            self.reason = f"pod {self.name} failed: {status.reason}: {status.message or ''}"
            return -1
        return None

    def describe(self) -> str:
        return self.reason

    def _delete(self) -> None:
        self.core.delete_namespaced_pod(name=self.name, namespace=self.namespace)
