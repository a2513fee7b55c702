"""The Airflow orchestrator flavor: where DAG files go, which operator runs each step, and the
DAG's own arguments (ZenML's fields). Imports no Airflow."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from stackwise.enums import StackComponentType
from stackwise.integrations.airflow import AIRFLOW
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig

# the operators a generated DAG can use, by their short name, with the class each stands for
OPERATORS = {
    "bash": "airflow.providers.standard.operators.bash.BashOperator",
    "docker": "airflow.providers.docker.operators.docker.DockerOperator",
    "kubernetes_pod": ("airflow.providers.cncf.kubernetes.operators.pod.KubernetesPodOperator"),
}
# other import paths of the same classes (ZenML's default names the older module)
_ALIASES = {
    "airflow.operators.bash.BashOperator": "bash",
    "airflow.providers.cncf.kubernetes.operators.kubernetes_pod.KubernetesPodOperator": (
        "kubernetes_pod"
    ),
    **{path: name for name, path in OPERATORS.items()},
}


def operator_name(value: str) -> str:
    """`value` (a short name or an operator's import path) as its short name."""
    value = value.strip()
    if value in OPERATORS:
        return value
    if value in _ALIASES:
        return _ALIASES[value]
    raise ValueError(
        f"unknown operator '{value}': use one of {', '.join(OPERATORS)} (or the import path "
        "of one of those operators). Other operators are not supported: the generated DAG "
        "must know how to pass the step's command, image, environment and resources to it"
    )


class AirflowOrchestratorSettings(BaseModel):
    """What a pipeline (or, for `operator`/`operator_args`, a step) may set under
    `settings={"orchestrator": {...}}`, and the component's defaults for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dag_output_dir: str | None = Field(
        default=None,
        description="Folder the DAG files are written to (Airflow's dags folder). Unset: "
        "$AIRFLOW_HOME/dags, else ~/airflow/dags",
    )
    dag_id: str | None = Field(default=None, description="The DAG's id. Unset: the pipeline's name")
    dag_tags: list[str] = Field(default_factory=list, description="Tags of the DAG")
    dag_args: dict[str, Any] = Field(
        default_factory=dict,
        description="More keyword arguments of the DAG (JSON values), e.g. max_active_runs",
    )
    operator: str | None = Field(
        default=None,
        description="bash (runs the step with this machine's Python), docker or "
        "kubernetes_pod. Unset: bash when `local`, else docker",
    )
    operator_args: dict[str, Any] = Field(
        default_factory=dict,
        description="More keyword arguments of each task's operator (JSON values), e.g. "
        "namespace for kubernetes_pod, docker_url for docker",
    )
    custom_dag_generator: str | None = Field(
        default=None, description="Not supported by stackwise (refused when set)"
    )

    @field_validator("operator")
    @classmethod
    def _known_operator(cls, value: str | None) -> str | None:
        return None if value is None else operator_name(value)

    @field_validator("custom_dag_generator")
    @classmethod
    def _no_custom_generator(cls, value: str | None) -> str | None:
        if value:
            raise ValueError(
                "stackwise writes its own DAG files and cannot use a custom DAG generator "
                "module; remove custom_dag_generator, and shape the DAG with dag_args, "
                "operator and operator_args instead"
            )
        return value


class AirflowOrchestratorConfig(StackComponentConfig, AirflowOrchestratorSettings):
    """An Airflow orchestrator. `local`: Airflow runs on this machine, so its tasks may run
    the steps with this Python and use this machine's store and artifact store."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    local: bool = Field(
        default=True,
        description="Airflow's workers run on this machine: the bash operator runs steps with "
        "this Python, and the local artifact store and SQLite store are allowed",
    )
    python: str | None = Field(
        default=None,
        description="The Python the bash operator runs steps with. Unset: the one that "
        "submits the run",
    )
    credentials_secret_name: str = Field(
        default="stackwise-credentials",
        description="kubernetes_pod: the Kubernetes Secret whose keys (e.g. "
        "STACKWISE_STORE_API_KEY) become the pod's environment, if it exists",
    )

    @property
    def is_remote(self) -> bool:
        return not self.local

    @property
    def runs_on_this_machine(self) -> bool:
        return self.local

    @property
    def default_operator(self) -> str:
        return self.operator or ("bash" if self.local else "docker")


AIRFLOW_ORCHESTRATOR_FLAVOR = Flavor(
    type=StackComponentType.ORCHESTRATOR,
    name="airflow",
    implementation=(
        "stackwise.integrations.airflow.orchestrators.airflow_orchestrator:AirflowOrchestrator"
    ),
    config=(
        "stackwise.integrations.airflow.flavors.airflow_orchestrator_flavor:"
        "AirflowOrchestratorConfig"
    ),
    integration=AIRFLOW,
    description="Writes each pipeline as an Airflow DAG (a task per step running the step "
    "entrypoint) into Airflow's dags folder; schedules become the DAG's schedule.",
)
