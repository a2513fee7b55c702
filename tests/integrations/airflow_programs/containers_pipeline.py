"""A pipeline whose steps run in containers on Airflow: `train` in a Kubernetes pod (the
orchestrator's default operator in the test), asking for CPU, memory and a GPU; `evaluate` in
a Docker container (its own operator setting). For tests/integrations/test_airflow_orchestrator.py:
`python containers_pipeline.py STACK` prints the submitted run's id as JSON."""

import json
import sys

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.config.resource_settings import ResourceSettings


@step(settings={"resources": ResourceSettings(cpu_count=2, memory="4GiB", gpu_count=1)})
def train() -> int:
    return 1


@step(
    settings={
        "orchestrator": {
            "operator": "docker",
            "operator_args": {"image": "registry.example/eval:2", "docker_url": "tcp://d:2375"},
        }
    }
)
def evaluate(value: int) -> int:
    return value


@pipeline(name="containers")
def containers() -> None:
    evaluate(train())


if __name__ == "__main__":
    Client().activate_stack(sys.argv[1])
    run = containers()
    print(json.dumps({"id": str(run.id), "status": str(run.status)}))
