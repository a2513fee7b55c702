"""SW004 as a pure function of the source and what the store holds: unregistered names are
errors (with "did you mean"), names the active stack lacks are notes with the fix command."""

from __future__ import annotations

from stackwise.checks import TrackerUse, tracker_findings

SOURCE = """
from stackwise import step

@step(experiment_tracker="mlflow_tracker")
def train() -> int:
    return 1
"""


def test_an_unregistered_name_is_an_error_with_the_commands_that_fix_it(check) -> None:
    [finding] = check(
        SOURCE,
        registered_trackers={"wandb_tracker", "mlflow_trackr"},
        stacks={"dev": ["wandb_tracker"]},
        active_stack="dev",
    )
    assert (finding.code, finding.line, finding.col, finding.severity) == ("SW004", 3, 26, "error")
    assert finding.message == (
        "step 'train' uses experiment_tracker='mlflow_tracker', but no experiment tracker of "
        "that name is registered (registered: 'mlflow_trackr', 'wandb_tracker'), so the run "
        "fails on every stack. Did you mean 'mlflow_trackr'? Register it: `stackwise "
        "experiment-tracker register mlflow_tracker --flavor=mlflow`, then add it to the "
        "active stack: `stackwise stack update dev -e wandb_tracker -e mlflow_tracker`."
    )


def test_a_registered_name_the_active_stack_lacks_is_a_note(check) -> None:
    [finding] = check(
        SOURCE,
        registered_trackers={"mlflow_tracker"},
        stacks={"default": [], "prod": ["mlflow_tracker"]},
        active_stack="default",
    )
    assert (finding.code, finding.severity) == ("SW004", "note")
    assert finding.message == (
        "step 'train' uses experiment_tracker='mlflow_tracker', but the active stack "
        "'default' has no experiment tracker of that name, so a run on it fails. Add it: "
        "`stackwise stack update default -e mlflow_tracker` (stack(s) 'prod' have it: "
        "`stackwise stack set prod`)."
    )
    assert finding.format().endswith(f":3:26: SW004 note: {finding.message}")


def test_a_name_the_active_stack_has_is_fine(check) -> None:
    assert (
        check(
            SOURCE,
            registered_trackers={"mlflow_tracker"},
            stacks={"prod": ["mlflow_tracker"]},
            active_stack="prod",
        )
        == []
    )
    assert check(SOURCE, registered_trackers={"mlflow_tracker"}) == []
    assert (
        check(
            SOURCE,
            registered_trackers={"mlflow_tracker"},
            stacks={"prod": []},
            active_stack="deleted",
        )
        == []
    )


def test_options_set_later_and_computed_names(found) -> None:
    assert found(
        """
        from stackwise import Client, step

        tracker = Client().active_stack.experiment_tracker

        @step(experiment_tracker=tracker.name)
        def follows_the_stack() -> int:
            return 1

        @step(experiment_tracker=None)
        def none() -> int:
            return 1

        configured = follows_the_stack.with_options(experiment_tracker="wandb")
        follows_the_stack.configure(enable_cache=False, experiment_tracker="mlflow_tracker")
        other.configure(tracker="mlflow_tracker")
        """,
        registered_trackers={"mlflow_tracker"},
    ) == [("SW004", 13)]


def test_a_comment_silences_the_tracker_check(found) -> None:
    assert (
        found(
            """
        from stackwise import step

        @step(experiment_tracker="ci_only")  # stackwise: ignore[SW004]
        def train() -> int:
            return 1
        """,
            registered_trackers=set(),
        )
        == []
    )


def test_each_use_is_judged_on_its_own() -> None:
    uses = [TrackerUse("a.py", 1, 1, "one", "x"), TrackerUse("b.py", 2, 1, "two", "y")]
    findings = tracker_findings(uses, {"x"}, stacks={"s": ["x"]}, active_stack="s")
    assert [(f.path, f.severity) for f in findings] == [("b.py", "error")]
    assert (
        "register y --flavor=FLAVOR`, then add it to the active stack: `stackwise stack "
        "update s -e x -e y`" in findings[0].message
    )
