"""The DAG file of a pipeline: generated Python that Airflow's scheduler and workers import.

Everything the DAG needs is one JSON-like document (`dag_document`), written as a Python
literal into a fixed program (`DAG_PROGRAM`): its tasks, their operators' arguments, the
schedule. The program imports Airflow and its providers only, never stackwise, so it loads in
an Airflow venv or image that has no stackwise; each task runs `python -m
stackwise.entrypoints.step ...` where stackwise is installed (this machine's Python for the
bash operator, the step image for the others).

Credentials are never in the file: the bash operator's process inherits the Airflow worker's
environment (`append_env`), the docker operator passes the worker's values of the credential
variables as its `private_environment` (not rendered in Airflow's UI), and a Kubernetes pod
takes them from the Kubernetes Secret named by `credentials_secret_name` (optional: a store
that needs none works without it).
"""

from __future__ import annotations

import json
import pprint
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

# ResourceSettings' byte units as Kubernetes and Docker quantities (decimal and binary)
_K8S_UNITS = {"B": "", "KB": "k", "MB": "M", "GB": "G", "TB": "T", "PB": "P"}


def memory_quantity(memory: str) -> str:
    """ResourceSettings' memory ('4GB', '512MiB') as a Kubernetes quantity ('4G', '512Mi')."""
    from stackwise.config.resource_settings import _split_memory

    quantity, unit = _split_memory(memory)
    number = f"{int(quantity)}" if quantity == int(quantity) else f"{quantity}"
    suffix = _K8S_UNITS.get(unit.value, unit.value[:-1])  # KiB -> Ki
    return number + suffix


def schedule_document(schedule: Mapping[str, Any], created: datetime) -> dict[str, Any]:
    """A Schedule's fields as the DAG's `schedule`, `start_date`, `end_date` and `catchup`."""

    def iso(value: Any) -> str | None:
        if value is None:
            return None
        return value.isoformat() if isinstance(value, datetime) else str(value)

    interval = schedule.get("interval_second")
    if isinstance(interval, timedelta):
        interval = interval.total_seconds()
    once = schedule.get("run_once_start_time")
    start = schedule.get("start_time") or once or created
    return {
        "cron_expression": schedule.get("cron_expression"),
        "interval_seconds": interval,
        "once": once is not None,
        "start_date": iso(start),
        "end_date": iso(schedule.get("end_time")),
        "catchup": bool(schedule.get("catchup")),
    }


def render_dag_file(document: Mapping[str, Any], header: str) -> str:
    """The DAG file: a docstring saying what it is, then the program reading `document`."""
    literal = pprint.pformat(json.loads(json.dumps(document)), width=96, sort_dicts=True)
    return f'"""{header}"""\n\n{DAG_PROGRAM.replace("__DOCUMENT__", literal)}'


DAG_PROGRAM = r'''import datetime
import os
import shlex

from airflow.sdk import DAG

DOCUMENT = __DOCUMENT__


def _time(value):
    if value is None:
        return None
    moment = datetime.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.timezone.utc)


def _credentials():
    """The credential variables' values in this Airflow worker's environment."""
    return {k: os.environ[k] for k in DOCUMENT["credential_names"] if os.environ.get(k)}


def _bash(task, common):
    from airflow.providers.standard.operators.bash import BashOperator

    return BashOperator(
        bash_command=shlex.join(task["command"]),
        env=task["environment"],
        append_env=True,
        cwd=task.get("cwd"),
        **common,
    )


def _docker(task, common):
    from airflow.providers.docker.operators.docker import DockerOperator

    resources = task["resources"]
    extra = {}
    if resources.get("cpu_count"):
        extra["cpus"] = float(resources["cpu_count"])
    if resources.get("memory_bytes"):
        extra["mem_limit"] = int(resources["memory_bytes"])
    return DockerOperator(
        image=task["image"],
        command=task["command"],
        environment=task["environment"],
        private_environment=_credentials(),
        **extra,
        **common,
    )


def _kubernetes_pod(task, common):
    from airflow.providers.cncf.kubernetes.operators.pod import KubernetesPodOperator
    from kubernetes.client import models as k8s

    resources = task["resources"]
    requests, limits = {}, {}
    if resources.get("cpu_count"):
        requests["cpu"] = format(float(resources["cpu_count"]), "g")
    if resources.get("memory"):
        requests["memory"] = limits["memory"] = resources["memory"]
    if resources.get("gpu_count"):
        limits["nvidia.com/gpu"] = str(resources["gpu_count"])
    secret = k8s.V1SecretEnvSource(name=DOCUMENT["credentials_secret_name"], optional=True)
    extra = {}
    if requests or limits:
        extra["container_resources"] = k8s.V1ResourceRequirements(
            requests=requests or None, limits=limits or None
        )
    return KubernetesPodOperator(
        name=task["task_id"].replace("_", "-").lower(),
        image=task["image"],
        cmds=task["command"][:1],
        arguments=task["command"][1:],
        env_vars=task["environment"],
        env_from=[k8s.V1EnvFromSource(secret_ref=secret)],
        **extra,
        **common,
    )


OPERATORS = {"bash": _bash, "docker": _docker, "kubernetes_pod": _kubernetes_pod}


def _dag_arguments():
    arguments = {"schedule": None, "catchup": False, "tags": DOCUMENT["tags"]}
    schedule = DOCUMENT["schedule"]
    if schedule is not None:
        if schedule["cron_expression"]:
            arguments["schedule"] = schedule["cron_expression"]
        elif schedule["once"]:
            arguments["schedule"] = "@once"
        else:
            arguments["schedule"] = datetime.timedelta(seconds=schedule["interval_seconds"])
        arguments["start_date"] = _time(schedule["start_date"])
        arguments["end_date"] = _time(schedule["end_date"])
        arguments["catchup"] = schedule["catchup"]
        arguments["is_paused_upon_creation"] = False  # scheduled through stackwise: it runs
    arguments.update(DOCUMENT["dag_args"])
    return arguments


with DAG(DOCUMENT["dag_id"], description=DOCUMENT["description"], **_dag_arguments()) as dag:
    tasks = {}
    for task in DOCUMENT["tasks"]:
        common = {"task_id": task["task_id"], "retries": 0, **task["operator_args"]}
        tasks[task["task_id"]] = OPERATORS[task["operator"]](task, common)
    for task in DOCUMENT["tasks"]:
        for upstream in task["upstream"]:
            tasks[upstream] >> tasks[task["task_id"]]
'''
