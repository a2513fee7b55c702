"""`validate_stack` looks at the whole stack and everything the steps need, and reports every
problem at once (count, one line each, each with the command that fixes it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.enums import StackComponentType
from stackwise.exceptions import StackValidationError
from stackwise.stack.active_stack import load_stack
from stackwise.stack.validation import ComponentRequirement, validate_stack
from stackwise.store import get_store

T = StackComponentType
CALLS: list[str] = []


@step
def touch() -> int:
    CALLS.append("touch")
    return 1


@pipeline
def tiny():
    touch()


@pytest.fixture
def broken_stack(tmp_path: Path) -> str:
    """A stack registered behind Client's back (as an old or hand-edited store could hold):
    an orchestrator of an unknown flavor, a tracker with a bad configuration, no artifact
    store."""
    store = get_store()
    orchestrator = store.create_component(
        name="k8s", type="orchestrator", flavor="kubeflw", configuration={}
    )
    tracker = store.create_component(
        name="tracker", type="experiment_tracker", flavor="mlflow", configuration={"bogus": 1}
    )
    store.create_stack("broken", [orchestrator.id, tracker.id])
    return "broken"


def _requirements() -> list[ComponentRequirement]:
    return [
        ComponentRequirement("train", T.EXPERIMENT_TRACKER, "other_tracker"),
        ComponentRequirement("deploy", T.STEP_OPERATOR, "gpu"),
    ]


def test_every_problem_is_reported_at_once(broken_stack: str):
    store = get_store()
    with pytest.raises(StackValidationError) as info:
        validate_stack(load_stack(store, broken_stack), _requirements(), store)

    message = str(info.value)
    assert message.startswith("Stack 'broken' cannot run this pipeline (5 problems):")
    assert "Stack 'broken' has no artifact_store" in message
    assert "`stackwise stack update broken --artifact-store NAME`" in message
    assert "Component 'k8s' (orchestrator): No orchestrator flavor named 'kubeflw'" in message
    assert "Component 'tracker' (experiment_tracker)" in message
    assert "unknown key 'bogus'" in message
    assert "Step 'train' uses experiment_tracker='other_tracker'" in message
    assert "(it has: tracker)" in message
    assert "stackwise stack update broken -e other_tracker" in message
    assert "Step 'deploy' uses step_operator='gpu'" in message
    assert "stackwise stack update broken -s gpu" in message


def test_each_problem_is_one_line(broken_stack: str):
    """STYLE.md: "Validation collects every problem, then raises once with the count and one
    line each" -- a component's configuration error must not spill its field list over the
    numbered lines."""
    store = get_store()
    with pytest.raises(StackValidationError) as info:
        validate_stack(load_stack(store, broken_stack), _requirements(), store)
    lines = str(info.value).splitlines()[1:]
    assert [line.split(".", 1)[0].strip() for line in lines] == ["1", "2", "3", "4", "5"]


def test_a_valid_stack_passes():
    store = get_store()
    validate_stack(Client().active_stack, [], store)
    validate_stack(load_stack(store, "default"), [], store)


def test_a_required_component_on_another_stack_suggests_switching(tmp_path: Path):
    client = Client()
    client.create_stack_component(
        "tracker",
        "mlflow",
        "experiment_tracker",
        {"tracking_uri": f"sqlite:///{tmp_path / 'mlflow.db'}"},
    )
    client.create_stack(
        "tracked",
        components={
            "orchestrator": "default",
            "artifact_store": "default",
            "experiment_tracker": "tracker",
        },
    )
    store = get_store()
    need = [ComponentRequirement("train", T.EXPERIMENT_TRACKER, "tracker")]

    with pytest.raises(StackValidationError, match=r"\(1 problem\)") as info:
        validate_stack(client.active_stack, need, store)
    assert "or switch to a stack that has it: `stackwise stack set tracked`" in str(info.value)

    validate_stack(load_stack(store, "tracked"), need, store)


def test_a_run_on_a_broken_stack_stops_before_any_step(
    broken_stack: str, monkeypatch: pytest.MonkeyPatch
):
    CALLS.clear()
    monkeypatch.setenv("STACKWISE_STACK", broken_stack)
    with pytest.raises(StackValidationError, match=r"\(3 problems\)"):
        tiny()
    assert CALLS == []
    assert Client().list_pipeline_runs().total == 0
