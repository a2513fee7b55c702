"""A remote run on a stack with an image builder and a container registry: each task's image
is the run's build, built once and reused by the next run with the same content; the steps'
runtime environment from DockerSettings reaches the tasks. `docker` is the recording stand-in
of tests/builds (no Docker daemon here)."""

from __future__ import annotations

from pathlib import Path

from tests.builds.test_image_builds import calls, docker_log  # noqa: F401 - a fixture
from tests.entrypoints.conftest import Engine

from stackwise.client import Client


def test_tasks_run_in_the_run_s_build_which_the_next_run_reuses(
    project: Path,
    engine: Engine,
    docker_log: Path,  # noqa: F811 - the fixture
) -> None:
    import flow

    client = Client()
    client.create_stack_component("docker", "local", "image_builder", {})
    client.create_stack_component("gcr", "gcp", "container_registry", {"uri": "gcr.io/my-project"})
    client.update_stack(
        "remote", component_updates={"image_builder": ["docker"], "container_registry": ["gcr"]}
    )
    configured = flow.chain.with_options(
        settings={"docker": {"runtime_environment": {"MODE": "remote"}}}
    )

    first = configured()
    [build] = client.list_builds().items
    image = build.images["orchestrator"].image
    assert image.startswith("gcr.io/my-project/stackwise:chain-")
    assert client.store.get_run(str(first.id)).config["build_id"] == str(build.id)
    tasks = engine.handed()["tasks"]
    assert {t["image"] for t in tasks} == {image}
    assert all(t["environment"]["MODE"] == "remote" for t in tasks)
    assert calls(docker_log)[-1] == f"push {image}"
    made = len(calls(docker_log))

    configured()  # unchanged requirements: no rebuild
    assert client.list_builds().total == 1
    assert len(calls(docker_log)) == made
    assert {t["image"] for t in engine.handed()["tasks"]} == {image}

    for task in ("make", "double"):  # the engine runs them (here: without the image)
        assert engine.run(task).returncode == 0
    assert str(client.get_pipeline_run(engine.handed()["run_id"]).status) == "completed"
