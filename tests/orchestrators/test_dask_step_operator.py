"""The `dask` step operator on a real cluster (a scheduler and two worker processes on
loopback, fixtures/dask_cluster.py) under the local orchestrator: the step that names the
operator runs in a child process of a Dask worker, every other step in this process, outputs
flow both ways through the store, and a step failing on the operator fails the run with its own
error. Also the checks made before a run: an operator on other machines with a local artifact
store and a SQLite store is refused, naming step, operator and fix.

The steps live in this module; the workers import it from their PYTHONPATH.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import PipelineRunFailedError, StackValidationError
from stackwise.execution.step_dispatch import ON_STEP_OPERATOR_ENV, entrypoint_command

if TYPE_CHECKING:
    from fixtures.dask_cluster import DaskCluster

pytest_plugins = ["fixtures.dask_cluster"]

S = ExecutionStatus


def use_step_operator(configuration: dict[str, object]) -> Client:
    """Activate a stack of the local orchestrator, the default artifact store and a dask
    step operator named `on-dask`."""
    client = Client()
    client.create_stack_component("on-dask", "dask", "step_operator", configuration)
    client.create_stack(
        "offload",
        {"orchestrator": "default", "artifact_store": "default", "step_operator": "on-dask"},
    )
    client.activate_stack("offload")
    return client


@step
def local_seed() -> Annotated[dict, "seed"]:
    return {"value": 21, "pid": os.getpid()}


@step(step_operator="on-dask")
def offloaded(seed: dict) -> Annotated[dict, "offloaded"]:
    return {
        "value": seed["value"] * 2,
        "pid": os.getpid(),
        "parent_pid": os.getppid(),
        "operator": os.environ.get(ON_STEP_OPERATOR_ENV),
    }


@step
def local_after(result: dict) -> Annotated[dict, "after"]:
    return {"value": result["value"] + 1, "pid": os.getpid()}


@pipeline(enable_cache=False)
def mixed():
    local_after(offloaded(local_seed()))


@step(step_operator=True)
def explode_remotely(seed: dict) -> Annotated[dict, "never"]:
    raise ValueError(f"boom on the operator (seed {seed['value']})")


@pipeline(enable_cache=False)
def failing():
    local_after(explode_remotely(local_seed()))


def _worker_pids(address: str) -> set[int]:
    from distributed import Client as DaskClient

    with DaskClient(address, set_as_default=False, timeout=30) as client:
        return set(client.run(os.getpid).values())


def test_the_marked_step_runs_in_a_dask_worker_and_the_rest_here(
    dask_cluster: DaskCluster,
) -> None:
    use_step_operator({"address": dask_cluster.address})
    run = mixed()
    assert run.status == S.COMPLETED
    seed = run.steps["local_seed"].output.load()
    remote = run.steps["offloaded"].output.load()
    after = run.steps["local_after"].output.load()
    here = os.getpid()
    assert seed["pid"] == here and after["pid"] == here  # the orchestrator's own process
    assert remote["pid"] != here
    assert remote["parent_pid"] in _worker_pids(dask_cluster.address)  # a Dask worker's child
    assert remote["operator"] == "on-dask"
    assert remote["value"] == 42 and after["value"] == 43  # outputs went there and back
    assert run.steps["offloaded"].config.step_operator == "on-dask"


def test_a_step_failing_on_the_operator_fails_the_run_with_its_error(
    dask_cluster: DaskCluster,
) -> None:
    use_step_operator({"address": dask_cluster.address})
    with pytest.raises(PipelineRunFailedError, match=r"ValueError: boom on the operator \(seed"):
        failing()
    run = Client().get_pipeline("failing").last_run
    assert run.status == S.FAILED
    assert run.steps["local_seed"].status == S.COMPLETED
    assert run.steps["explode_remotely"].status == S.FAILED
    assert "local_after" not in run.steps  # downstream of the failure: never started


def test_an_operator_on_other_machines_needs_shared_artifacts_and_store() -> None:
    use_step_operator({"address": "tcp://10.255.255.1:8786"})  # not loopback: elsewhere
    with pytest.raises(StackValidationError) as raised:
        mixed()
    message = str(raised.value)
    assert "Step 'offloaded' runs on step operator 'on-dask' (dask), on other machines" in message
    assert "artifact store 'default' (local)" in message
    assert "stackwise artifact-store register NAME --flavor=s3" in message
    assert "the metadata store is the SQLite file" in message
    assert "stackwise login URL" in message
    assert Client().list_pipeline_runs().total == 0


def test_the_dispatched_command_is_the_step_entrypoints() -> None:
    from stackwise.entrypoints.step import step_command

    assert entrypoint_command("RUN", "train") == step_command("RUN", "train")


@pytest.mark.parametrize("flavor", ["local_parallel", "dask"])
def test_every_orchestrator_dispatches_the_marked_step(
    flavor: str, dask_cluster: DaskCluster, dask_orchestrator_config: dict[str, object]
) -> None:
    """The dispatch lives in the StepRunner, so orchestrators that run steps in worker
    processes (local_parallel) or on Dask workers hand the marked step over as well."""
    client = use_step_operator({"address": dask_cluster.address})
    configuration = dask_orchestrator_config if flavor == "dask" else {}
    client.create_stack_component("runner", flavor, "orchestrator", configuration)
    client.update_stack("offload", component_updates={"orchestrator": ["runner"]})
    run = mixed()
    assert run.status == S.COMPLETED
    remote = run.steps["offloaded"].output.load()
    assert remote["operator"] == "on-dask"
    assert remote["parent_pid"] in _worker_pids(dask_cluster.address)
    assert run.steps["local_after"].output.load()["value"] == 43


def test_without_an_address_the_step_goes_to_this_process_local_cluster() -> None:
    use_step_operator({"n_workers": 1})
    run = mixed()
    assert run.status == S.COMPLETED
    remote = run.steps["offloaded"].output.load()
    assert remote["pid"] != os.getpid() and remote["operator"] == "on-dask"
    from stackwise.integrations.dask.orchestrators.local_cluster import local_cluster_client

    cluster = local_cluster_client(1, 1, timeout=30)  # the one the step went to, kept
    assert remote["parent_pid"] in set(cluster.run(os.getpid).values())
    assert run.steps["local_after"].output.load()["value"] == 43
