"""Run configuration YAML (`pipeline.with_options(config_path=...)`) and run names:
parameters, caching and names per run, per pipeline and per step invocation."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from stackwise import get_step_context, pipeline, step
from stackwise.client import Client
from stackwise.exceptions import EntityExistsError, StepInterfaceError

CALLS: list[str] = []
RUN_NAMES: list[str] = []


@pytest.fixture(autouse=True)
def _reset_calls() -> Iterator[None]:
    CALLS.clear()
    RUN_NAMES.clear()
    yield
    CALLS.clear()
    RUN_NAMES.clear()


@step
def load(rows: int = 3) -> list:
    CALLS.append("load")
    RUN_NAMES.append(get_step_context().pipeline_run.name)
    return list(range(rows))


@step
def scale(values: list, factor: int = 2, offset: int = 0) -> list:
    CALLS.append("scale")
    return [v * factor + offset for v in values]


@pipeline
def configured(rows: int = 3, factor: int = 2):
    values = load(rows=rows)
    scale(values, factor=factor)


@pipeline
def step_level():
    values = load()
    scale(values)
    scale(values, id="scale_again")


def _yaml(text: str, name: str = "run.yaml") -> Path:
    path = Path(name)
    path.write_text(text)
    return path


def test_yaml_parameters_become_the_pipeline_parameters():
    config = _yaml("parameters:\n  rows: 4\n")

    run = configured.with_options(config_path=config)()

    assert run.config.parameters == {"rows": 4, "factor": 2}
    assert run.steps["scale"].output.load() == [0, 2, 4, 6]


def test_step_run_config_parameters_include_the_step_defaults():
    run = configured(factor=3)

    assert run.steps["scale"].config.parameters == {"factor": 3, "offset": 0}
    assert run.steps["load"].config.parameters == {"rows": 3}
    # inputs are not parameters
    assert "values" not in run.steps["scale"].config.parameters


def test_yaml_step_parameters_set_one_invocation_only():
    config = _yaml("steps:\n  scale_again:\n    parameters:\n      factor: 10\n      offset: 1\n")

    run = step_level.with_options(config_path=config)()

    assert run.steps["scale"].output.load() == [0, 2, 4]
    assert run.steps["scale_again"].output.load() == [1, 11, 21]
    assert run.steps["scale_again"].config.parameters == {"factor": 10, "offset": 1}


def test_yaml_enable_cache_false_reruns_every_step():
    configured()
    CALLS.clear()
    config = _yaml("enable_cache: false\n")

    run = configured.with_options(config_path=config)()

    assert {s.status for s in run.steps.values()} == {"completed"}
    assert CALLS == ["load", "scale"]
    assert run.config.enable_cache is False


def test_yaml_step_enable_cache_false_reruns_that_step_only():
    step_level()
    CALLS.clear()
    config = _yaml("steps:\n  scale_again:\n    enable_cache: false\n")

    run = step_level.with_options(config_path=config)()

    assert run.steps["load"].status == "cached"
    assert run.steps["scale"].status == "cached"
    assert run.steps["scale_again"].status == "completed"
    assert CALLS == ["scale"]


def test_yaml_run_name_with_date_and_time_placeholders():
    config = _yaml('run_name: "nightly-{date}-{time}"\n')

    run = configured.with_options(config_path=config)()

    assert re.fullmatch(r"nightly-\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2}_\d{6}", run.name)
    assert RUN_NAMES == [run.name]
    assert Client().get_pipeline_run(run.name).id == run.id


def test_run_name_option_with_placeholders():
    run = configured.with_options(run_name="{pipeline_name}-manual-{date}")()

    assert re.fullmatch(r"configured-manual-\d{4}_\d{2}_\d{2}", run.name)


def test_default_run_names_are_unique_per_run():
    first = configured()
    second = configured()

    assert first.name != second.name
    assert first.name.startswith("configured-")
    assert Client().list_pipeline_runs(pipeline_name="configured").total == 2


def test_unknown_run_name_placeholder_is_an_error():
    with pytest.raises(StepInterfaceError, match=r"unknown placeholder 'day'"):
        configured.with_options(run_name="run-{day}")()
    assert Client().list_pipeline_runs().total == 0


def test_duplicate_run_name_is_an_error_and_creates_no_second_run():
    fixed = configured.with_options(run_name="fixed-name")
    first = fixed()
    CALLS.clear()

    with pytest.raises(EntityExistsError, match="A pipeline run named 'fixed-name' already exists"):
        fixed()

    page = Client().list_pipeline_runs()
    assert page.total == 1
    assert page.items[0].id == first.id
    assert CALLS == []
    assert Client().get_pipeline_run("fixed-name").status == "completed"


def test_duplicate_run_name_from_yaml_is_an_error():
    config = _yaml("run_name: same-run\n")
    configured.with_options(config_path=config)()

    with pytest.raises(EntityExistsError):
        configured.with_options(config_path=config)()
    assert Client().list_pipeline_runs().total == 1


def test_yaml_run_name_wins_over_the_run_name_option():
    config = _yaml("run_name: from-yaml\n")

    run = configured.with_options(config_path=config, run_name="from-code")()

    assert run.name == "from-yaml"
