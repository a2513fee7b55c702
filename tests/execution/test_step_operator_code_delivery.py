"""A step operator on other machines under the `local` orchestrator: when the run is recorded,
the user's code is archived to the artifact store and the step image built (with the stack's
image builder and container registry), as for a remote orchestrator; the operator is handed
that image, and the step's process, started in an empty folder without the user's project on
its path and with the store's password apart from its URL, fetches the code and runs the step.
Real peers: PostgreSQL and an S3 server (moto); the docker CLI is the recording stand-in of
tests/builds (no Docker daemon here)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from tests.builds.test_image_builds import calls, docker_log  # noqa: F401 - a fixture

from stackwise.client import Client
from stackwise.stack.flavor_registry import flavor_registry
from stackwise.step_operators import BaseStepOperator, BaseStepOperatorFlavor, StepOperatorRunInfo
from stackwise.store import reset_store_cache
from stackwise.store.urls import split_password

pytest_plugins = ["fixtures.s3_server"]

SRC = Path(__file__).parents[2] / "src"
LAUNCHED = "STACKWISE_TEST_LAUNCHED"  # where the operator writes what it was handed
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}

FLOW = """
import os

from stackwise import pipeline, step


@step
def here() -> int:
    return os.getpid()


@step(step_operator="far")
def there(pid: int) -> dict:
    return {"pid": os.getpid(), "upstream_pid": pid, "cwd": os.getcwd()}


@pipeline(enable_cache=False)
def offloaded():
    there(here())
"""


class FarAwayStepOperator(BaseStepOperator):
    """Runs the step entrypoint as a process that shares nothing with this one but what an
    operator on another machine would get: its command, its environment, stackwise."""

    @property
    def shares_local_files(self) -> bool:
        return False

    def launch(
        self,
        info: StepOperatorRunInfo,
        entrypoint_command: Sequence[str],
        environment: Mapping[str, str],
    ) -> None:
        folder = Path(os.environ[LAUNCHED])
        (folder / "handed.json").write_text(
            json.dumps({"image": info.image, "environment": dict(environment)})
        )
        workdir = folder / "empty-workdir"
        workdir.mkdir(exist_ok=True)
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(folder),
            "STACKWISE_HOME": str(folder / "home"),
            "PYTHONPATH": str(SRC),
            **S3_CREDENTIALS,
            **environment,
        }
        result = subprocess.run(
            [sys.executable, *entrypoint_command[1:]],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        (folder / "stderr.txt").write_text(result.stderr)


FLAVOR = BaseStepOperatorFlavor("far_away", f"{__name__}:FarAwayStepOperator")


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "flow.py").write_text(FLOW)
    monkeypatch.syspath_prepend(str(folder))
    yield folder
    sys.modules.pop("flow", None)


def test_a_remote_operator_gets_the_runs_image_and_its_step_the_archived_code(
    postgres_server: Any,
    s3_server: Any,
    project: Path,
    docker_log: Path,  # noqa: F811 - the fixture
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store_url = postgres_server.create_database()
    monkeypatch.setenv("STACKWISE_STORE_URL", store_url)
    reset_store_cache()
    for name, value in S3_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    launched = tmp_path / "launched"
    launched.mkdir()
    monkeypatch.setenv(LAUNCHED, str(launched))
    flavor_registry.register(FLAVOR)
    try:
        client = Client()
        bucket = f"code-{uuid.uuid4().hex[:8]}"
        s3_config = s3_server.store_config(s3_server.make_bucket(bucket))
        s3_config.pop("key"), s3_config.pop("secret")  # from the environment, as on a cluster
        client.create_stack_component("s3_store", "s3", "artifact_store", s3_config)
        client.create_stack_component("far", "far_away", "step_operator", {})
        client.create_stack_component("docker", "local", "image_builder", {})
        client.create_stack_component(
            "registry", "default", "container_registry", {"uri": "127.0.0.1:5000"}
        )
        client.create_stack(
            "offload",
            {
                "orchestrator": "default",
                "artifact_store": "s3_store",
                "step_operator": "far",
                "image_builder": "docker",
                "container_registry": "registry",
            },
        )
        client.activate_stack("offload")
        import flow

        run = flow.offloaded()
    finally:
        flavor_registry.unregister("step_operator", "far_away")

    stderr = (launched / "stderr.txt").read_text()
    assert str(run.status) == "completed", stderr
    result = run.steps["there"].output.load()
    assert result["upstream_pid"] == os.getpid() and result["pid"] != os.getpid()
    assert result["cwd"] == str(launched / "empty-workdir")  # the project was not there
    config = client.store.get_run(str(run.id)).config
    assert config["code_uri"].startswith(f"s3://{bucket}/code_uploads/")
    [build] = client.list_builds().items
    handed = json.loads((launched / "handed.json").read_text())
    assert handed["image"] == build.images["orchestrator"].image
    assert f"push {handed['image']}" in calls(docker_log)
    bare, password = split_password(store_url)
    assert handed["environment"]["STACKWISE_STORE_URL"] == bare
    assert handed["environment"]["STACKWISE_STORE_PASSWORD"] == password
