"""Every stack file the fraud-detection example ships imports as its README says, with each
component's configuration validated by its flavor; a file that drifts from a flavor's fields
(a renamed key, a value of the wrong type) fails here rather than in a user's terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from stackwise.client import Client

STACKS = Path(__file__).resolve().parents[2] / "examples/fraud_detection/stacks"


@pytest.mark.parametrize("path", sorted(STACKS.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_stack_file_imports_with_every_component(path: Path, invoke: Any) -> None:
    document = yaml.safe_load(path.read_text())
    if any("{{" in str(c.get("configuration")) for c in document["components"].values()):
        result = invoke("secret", "create", "s3_credentials", "--key=K", "--secret=S")
        assert result.exit_code == 0, result.output
    result = invoke("stack", "import", path.stem, "-f", str(path))
    assert result.exit_code == 0, result.output
    stack = Client().get_stack(path.stem)
    for kind, component in document["components"].items():
        [registered] = stack.components[kind]
        assert registered.name == component["name"]
        assert registered.flavor_name == component["type"]
        for key, value in (component.get("configuration") or {}).items():
            assert registered.configuration[key] == value, f"{path.name}: {kind}.{key}"


@pytest.fixture
def example_package() -> Iterator[None]:
    """The example's `pipeline` package imported afresh, and forgotten after the test."""

    def forget() -> None:
        for name in [m for m in sys.modules if m == "pipeline" or m.startswith("pipeline.")]:
            del sys.modules[name]

    forget()
    yield
    forget()


@pytest.mark.usefixtures("example_package")
def test_the_production_config_puts_the_steps_libraries_in_the_vertex_image(
    invoke: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's production path, without submitting: the lesson's stack with an image
    builder, and `pipeline compile -c configs/production.yaml` writes the image's requirements
    (the steps' libraries, the stack's integrations, stackwise) and the image in the spec."""
    monkeypatch.chdir(STACKS.parent)
    assert (
        invoke("stack", "import", "vertex-production", "-f", "stacks/vertex-ai.yaml").exit_code == 0
    )
    assert invoke("image-builder", "register", "docker", "--flavor=local").exit_code == 0
    assert invoke("stack", "update", "vertex-production", "-i", "docker").exit_code == 0
    output = tmp_path / "build"
    result = invoke(
        "pipeline", "compile", "pipeline.pipeline.fraud_detection_pipeline",
        "-c", "configs/production.yaml", "--stack", "vertex-production", "-o", str(output),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    requirements = (output / "build/orchestrator/requirements.txt").read_text().splitlines()
    for wanted in ("pandas>=2.0", "scikit-learn>=1.3", "gcsfs>=2024.6.0", "mlflow>=2.12"):
        assert wanted in requirements
    assert any(line.startswith("stackwise") for line in requirements)
    spec = (output / "fraud-detection-training.yaml").read_text()
    assert "image: gcr.io/my-gcp-project/stackwise:fraud-detection-training-" in spec
    assert "python:3" not in spec  # no step without its image
