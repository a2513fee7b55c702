"""Reading a compiled KFP pipeline back through KFP's own types, and executing it here: each
executor's container command, with its environment, as a process of this machine, in the
order of the spec's DAG (what Kubeflow or Vertex AI would do with containers)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from google.protobuf import json_format
from kfp.pipeline_spec import pipeline_spec_pb2

SRC = Path(__file__).resolve().parents[3] / "src"


def spec_of(text: str) -> Any:
    """The first YAML document (the pipeline; a second is the platform spec) as KFP's
    `PipelineSpec` message: unknown or malformed fields fail here."""
    spec = pipeline_spec_pb2.PipelineSpec()
    json_format.ParseDict(next(yaml.safe_load_all(text)), spec)
    return spec


def executors_of(spec: Any) -> dict[str, Any]:
    """The deployment spec's executors (a protobuf Struct in the message) as plain dicts."""
    return dict(json_format.MessageToDict(spec.deployment_spec)["executors"])


def dag_order(spec: Any) -> list[str]:
    """The DAG's task names, each after every task it depends on."""
    tasks = spec.root.dag.tasks
    order: list[str] = []
    while len(order) < len(tasks):
        ready = [
            name
            for name, task in sorted(tasks.items())
            if name not in order and all(d in order for d in task.dependent_tasks)
        ]
        assert ready, f"the DAG has a cycle: {sorted(set(tasks) - set(order))}"
        order.extend(ready)
    return order


def run_compiled_pipeline(path: Path, extra_pythonpath: Sequence[Path] = ()) -> list[str]:
    """Run each task's container command of the compiled file at `path`, in DAG order; stop
    at the first that fails (as KFP skips its downstream tasks). The task names run."""
    spec = spec_of(path.read_text())
    executors = executors_of(spec)
    ran = []
    for name in dag_order(spec):
        task = spec.root.dag.tasks[name]
        container = executors[spec.components[task.component_ref.name].executor_label]["container"]
        environment = {
            **os.environ,
            **{e["name"]: e["value"] for e in container.get("env", [])},
            # the image's PATH and PYTHONPATH: this venv's python, stackwise and the steps
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONPATH": os.pathsep.join([str(SRC), *map(str, extra_pythonpath)]),
        }
        command = [*container["command"], *container.get("args", [])]
        result = subprocess.run(command, env=environment, capture_output=True, text=True)
        ran.append(name)
        if result.returncode != 0:
            print(result.stdout, result.stderr, file=sys.stderr)
            break
    return ran
