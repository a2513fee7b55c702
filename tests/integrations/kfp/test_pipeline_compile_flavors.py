"""`stackwise pipeline compile` for every containerized flavor (kubeflow, vertex, airflow,
kubernetes): the files each would submit are written, with `{{run_id}}` in the step commands
and, on a stack with an image builder and a container registry, the build contexts under
build/<key>/ and the image each names in the files: the one its build would push (named from
the written context's checksum). Nothing is recorded, uploaded, built or submitted: the image
builder is replaced by a fake that fails if called, and the artifact store stays empty."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any

import pytest
from tests.integrations.kubernetes_support import register_kubernetes_flavors

from stackwise.client import Client
from stackwise.image_builders.local_image_builder import LocalImageBuilder

HERE = Path(__file__).parent
REGISTRY = "gcr.io/acme-ml"
FLAVORS = {
    "kubeflow": ({"kubeflow_hostname": "https://kubeflow.example.com/pipeline"}, ["fan-in.yaml"]),
    "vertex": ({"location": "europe-west4", "pipeline_root": "gs://b/v"}, ["fan-in.yaml"]),
    "airflow": ({"local": False}, ["fan_in.py"]),
    "kubernetes": (
        {"kubernetes_context": "ci"},
        [
            "orchestrator-pod.yaml",
            *(f"step-{s}.yaml" for s in ("double", "numbers", "total", "triple")),
        ],
    ),
}


def context_checksum(folder: Path) -> str:
    """BuildContext.checksum of the context written in `folder`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        data = path.read_bytes()
        name = path.relative_to(folder).as_posix()
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0")
        digest.update(data)
    return digest.hexdigest()


@pytest.fixture
def no_build(monkeypatch: pytest.MonkeyPatch) -> None:

    def build(*args: Any, **kwargs: Any) -> str:
        raise AssertionError("compile built an image")

    monkeypatch.setattr(LocalImageBuilder, "build", build)


def make_stack(flavor: str, artifact_root: Path) -> Client:
    register_kubernetes_flavors()
    client = Client()
    client.create_stack_component("orch", flavor, "orchestrator", FLAVORS[flavor][0])
    client.create_stack_component("files", "local", "artifact_store", {"path": str(artifact_root)})
    client.create_stack_component("gcr", "gcp", "container_registry", {"uri": REGISTRY})
    client.create_stack_component("docker", "local", "image_builder", {})
    client.create_stack(
        "remote",
        {
            "orchestrator": "orch",
            "artifact_store": "files",
            "container_registry": "gcr",
            "image_builder": "docker",
        },
    )
    return client


@pytest.mark.usefixtures("no_build")
@pytest.mark.parametrize("flavor", sorted(FLAVORS))
def test_compile_writes_the_files_and_build_contexts_and_records_nothing(
    flavor: str, tmp_path: Path, invoke: Any, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    monkeypatch.syspath_prepend(str(HERE))  # kfp_steps, as `pipeline run` imports a module
    artifacts = tmp_path / "artifacts"
    client = make_stack(flavor, artifacts)
    output = tmp_path / "out"

    with caplog.at_level(logging.WARNING, logger="stackwise"):
        result = invoke(
            "pipeline", "compile", "kfp_steps.fan_in", "--stack", "remote", "-o", str(output)
        )

    assert result.exit_code == 0, result.output
    for name in FLAVORS[flavor][1]:
        assert (output / name).is_file(), sorted(p.name for p in output.iterdir())
    context = output / "build" / "orchestrator"
    assert {"Dockerfile", "requirements.txt"} <= {p.name for p in context.iterdir()}
    assert "stackwise==" in (context / "requirements.txt").read_text()
    image = f"{REGISTRY}/stackwise:fan_in-{context_checksum(context)[:12]}"
    submitted = "".join(p.read_text() for p in output.iterdir() if p.is_file())
    assert image in submitted
    assert "{{run_id}}" in submitted
    # nothing recorded, uploaded or built; the stack could not run it as it is
    assert client.list_pipeline_runs().total == 0
    assert client.list_pipelines().total == 0
    assert client.list_builds().total == 0
    assert not artifacts.exists() or not any(artifacts.rglob("*"))
    assert "A run of these files would be refused" in caplog.text


@pytest.mark.usefixtures("no_build")
def test_a_step_with_docker_settings_of_its_own_gets_its_own_context_and_image(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kfp_steps

    from stackwise.pipelines.remote_compile import compile_for_stack
    from stackwise.stack.active_stack import load_stack
    from stackwise.store import get_store

    monkeypatch.syspath_prepend(str(HERE))
    make_stack("kubeflow", tmp_path / "artifacts")
    parent = "ghcr.io/acme/base:1"
    target = kfp_steps.fan_in.with_options(
        step_configurations={
            "total": {"settings": {"docker": {"parent_image": parent, "skip_build": True}}}
        }
    )

    written = compile_for_stack(target, load_stack(get_store(), "remote"), tmp_path / "out")

    package = (tmp_path / "out" / "fan-in.yaml").read_text()
    built = tmp_path / "out" / "build" / "orchestrator"
    assert f"image: {REGISTRY}/stackwise:fan_in-{context_checksum(built)[:12]}" in package
    assert f"image: {parent}" in package  # skip_build: the parent image, nothing to build
    assert not (tmp_path / "out" / "build" / "total.orchestrator").exists()
    assert built / "Dockerfile" in written
