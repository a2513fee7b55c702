"""The seed's fraud-detection example, checked as shipped: its only problem, with no tracker
registered, is the `mlflow_tracker` its training step asks for."""

from __future__ import annotations

from pathlib import Path

from stackwise.checks import check_paths
from stackwise.client import Client

EXAMPLE = Path(__file__).parents[2] / "examples" / "fraud_detection"
STEPS = EXAMPLE / "pipeline" / "steps.py"


def test_with_no_tracker_registered_only_the_mlflow_tracker_is_reported() -> None:
    findings = check_paths([EXAMPLE], registered_trackers=set())
    assert [(f.path, f.line, f.code, f.severity) for f in findings] == [
        (str(STEPS), 98, "SW004", "error")
    ]
    assert "experiment_tracker='mlflow_tracker'" in findings[0].message
    assert (
        STEPS.read_text().splitlines()[97].startswith('@step(experiment_tracker="mlflow_tracker")')
    )


def test_with_the_tracker_in_the_active_stack_it_is_clean(invoke) -> None:
    missing = invoke("check", str(EXAMPLE))
    assert missing.exit_code == 1
    assert missing.stdout.splitlines()[-1] == "Found 1 problem (SW004: 1) in 5 files."

    client = Client()
    client.create_stack_component("mlflow_tracker", "mlflow", "experiment_tracker", {})
    client.create_stack(
        "demo",
        {
            "orchestrator": "default",
            "artifact_store": "default",
            "experiment_tracker": "mlflow_tracker",
        },
    )
    client.activate_stack("demo")
    clean = invoke("check", str(EXAMPLE))
    assert (clean.exit_code, clean.stdout) == (0, "No problems found in 5 files.\n")
