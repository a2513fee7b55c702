"""Step operator and Kubernetes/Vertex flavor configurations: the base classes, pod settings,
and the defaults users rely on (namespace, machine type, disks)."""

from zenml.stack import StackComponent
from zenml.stack.stack_component import StackComponentConfig
from zenml.step_operators import BaseStepOperator, BaseStepOperatorConfig
from zenml.integrations.kubernetes.pod_settings import KubernetesPodSettings
from zenml.integrations.kubernetes.flavors import (
    KubernetesOrchestratorConfig,
    KubernetesOrchestratorSettings,
    KubernetesStepOperatorConfig,
    KubernetesStepOperatorSettings,
)
from zenml.integrations.gcp.flavors import VertexStepOperatorConfig

assert issubclass(BaseStepOperator, StackComponent)
assert issubclass(BaseStepOperatorConfig, StackComponentConfig)
pod = KubernetesPodSettings(node_selectors={"gpu": "a100"}, image_pull_secrets=["regcred"])
assert pod.node_selectors == {"gpu": "a100"} and pod.image_pull_secrets == ["regcred"]
settings = KubernetesOrchestratorSettings(pod_settings=pod, service_account_name="runner", max_parallelism=2)
assert settings.synchronous is True and settings.pod_settings.node_selectors == {"gpu": "a100"}
config = KubernetesOrchestratorConfig()
assert config.kubernetes_namespace == "zenml" and config.incluster is False and config.kubernetes_context is None
assert config.is_remote
op = KubernetesStepOperatorConfig(kubernetes_namespace="ml")
assert op.kubernetes_namespace == "ml" and op.service_account_name is None and op.is_remote
assert KubernetesStepOperatorSettings(ttl_seconds_after_finished=60).ttl_seconds_after_finished == 60
vertex = VertexStepOperatorConfig(region="europe-west4")
assert (vertex.machine_type, vertex.accelerator_count, vertex.boot_disk_size_gb, vertex.boot_disk_type) == ("n1-standard-4", 0, 100, "pd-ssd")
assert vertex.accelerator_type is None and vertex.is_remote
print("ok")
