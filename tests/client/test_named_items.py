"""A name that is not there, in a run's steps or a step's inputs/outputs, says which names
there are (still a KeyError, as ZenML code expects)."""

from __future__ import annotations

import pytest

from stackwise import pipeline, step


@step
def train() -> int:
    return 1


@step
def score(model: int) -> int:
    return model + 1


@pipeline
def two_steps() -> None:
    score(train())


def test_missing_names_list_the_known_ones_with_a_suggestion() -> None:
    run = two_steps()
    with pytest.raises(
        KeyError,
        match=r"has no step 'trian'. Did you mean 'train'\? Its steps "
        r"are: 'train', 'score'\.",
    ):
        run.steps["trian"]
    with pytest.raises(KeyError, match=r"Step run 'score' has no output 'out'.*'output'"):
        run.steps["score"].outputs["out"]
    with pytest.raises(
        KeyError,
        match=r"Step run 'score' has no input 'modle'. Did you mean "
        r"'model'\?",
    ):
        run.steps["score"].inputs["modle"]
    assert run.steps.get("nope") is None and "train" in run.steps
    assert dict(run.steps["score"].inputs).keys() == {"model"}
