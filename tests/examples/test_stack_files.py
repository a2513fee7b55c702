"""Every stack file the fraud-detection example ships imports as its README says, with each
component's configuration validated by its flavor; a file that drifts from a flavor's fields
(a renamed key, a value of the wrong type) fails here rather than in a user's terminal."""

from __future__ import annotations

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
