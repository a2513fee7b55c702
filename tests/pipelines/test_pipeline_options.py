"""Options of `@pipeline` / `configure` / `with_options` and the run-config YAML: each is
acted on or refused before a run is recorded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import pytest

from stackwise import ArtifactConfig, Model, pipeline, step
from stackwise.client import Client
from stackwise.config import Schedule
from stackwise.exceptions import (
    ConfigError,
    SettingsResolvingError,
    StackValidationError,
    StepInterfaceError,
)


@step
def echo(n: int) -> int:
    return n


@pipeline(enable_cache=False)
def typed(n: int, label: str = "x"):
    echo(n)


def _runs() -> int:
    return Client().list_pipeline_runs().total


# -- parameters ----------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["three", 3.5, [1], None])
def test_a_parameter_of_the_wrong_type_is_an_error_and_records_nothing(bad):
    with pytest.raises(
        ConfigError,
        match=r"Pipeline 'typed' parameter 'n' expects int but "
        rf"was given {re.escape(repr(bad))}",
    ):
        typed(n=bad)
    assert _runs() == 0


def test_parameters_are_coerced_as_pydantic_lax_mode_does():
    run = typed(n="3")
    assert run.config.parameters == {"n": 3, "label": "x"}
    assert run.steps["echo"].output.load() == 3
    assert typed(n=4.0).config.parameters["n"] == 4


@step
def describe(count: int, ratio: float, sizes: list[int]) -> str:
    return f"{count!r} {ratio!r} {sizes!r}"


@pipeline(enable_cache=False)
def described(ratio: float = 0.5):
    describe(count="3", ratio=ratio, sizes=("4", 5))


def test_step_parameters_are_coerced_to_their_annotations_as_zenml_does():
    run = described(ratio=2)
    assert run.config.parameters == {"ratio": 2.0}
    assert run.steps["describe"].config.parameters == {"count": 3, "ratio": 2.0, "sizes": [4, 5]}
    assert run.steps["describe"].output.load() == "3 2.0 [4, 5]"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"resources": {"cpu_count": "many"}}, "key 'cpu_count': Input should be a valid number"),
        ({"resources": {"cpus": 2}}, "unknown key(s) 'cpus'"),
        ({"docker": {"parent_imag": "python"}}, "'parent_imag'. Did you mean 'parent_image'?"),
    ],
)
def test_general_settings_are_validated_when_configured(settings, message):
    with pytest.raises(SettingsResolvingError, match=re.escape(message)):
        typed.with_options(settings=settings)
    with pytest.raises(SettingsResolvingError, match=re.escape(message)):
        echo.configure(settings=settings)
    assert _runs() == 0


def test_configured_parameters_are_used_and_a_conflict_is_an_error():
    configured = typed.with_options(parameters={"n": 5})
    assert configured().config.parameters["n"] == 5
    with pytest.raises(ConfigError, match="'n' is 6 in code but 5"):
        configured(n=6)
    assert configured.missing_parameters == []
    assert typed.missing_parameters == ["n"]


# -- run-config YAML -------------------------------------------------------------------
def test_unknown_yaml_keys_are_all_reported_with_suggestions(tmp_path: Path):
    path = tmp_path / "run.yaml"
    path.write_text(
        "parameterz: {n: 1}\nenable_cahce: false\nsteps:\n  echo:\n"
        "    parametrs: {n: 2}\n    enviroment: {A: b}\n"
    )
    with pytest.raises(ConfigError) as caught:
        typed.with_options(config_path=path)(n=1)
    text = str(caught.value)
    assert "(4 problems)" in text
    assert "unknown key 'parameterz'. Did you mean 'parameters'?" in text
    assert "unknown key 'enable_cahce'. Did you mean 'enable_cache'?" in text
    assert "steps.echo: unknown key 'parametrs'. Did you mean 'parameters'?" in text
    assert "unknown key 'enviroment'. Did you mean 'environment'?" in text
    assert _runs() == 0


@pytest.mark.parametrize(
    ("yaml", "match"),
    [
        ("build: abc\n", "running with a build given by id"),
        ("enable_heartbeat: true\n", "heartbeats"),
        ("execution_mode: fail_fast\n", "fail_fast=True"),
        ("pause_hook_source: os.getcwd\n", "pausing and resuming"),
        ("steps:\n  echo:\n    runtime: isolated\n", "step runtimes"),
        ("enable_cache: 3\n", "must be true or false"),
        ("retry: {max_retries: -1}\n", "max_retries must be >= 0"),
    ],
)
def test_yaml_keys_stackwise_cannot_act_on_are_refused(tmp_path: Path, yaml, match):
    path = tmp_path / "run.yaml"
    path.write_text(yaml)
    with pytest.raises(ConfigError, match=match):
        typed.with_options(config_path=path)(n=1)
    assert _runs() == 0


def test_yaml_keys_are_acted_on(tmp_path: Path):
    path = tmp_path / "run.yaml"
    path.write_text(
        "run_name: r_{who}\nsubstitutions: {who: me}\ntags: [t1]\n"
        "model: {name: m}\nenvironment: {A: '1'}\nparameters: {n: 2}\n"
        "steps:\n  echo:\n    enable_artifact_visualization: false\n"
        f"    success_hook_source: {__name__}.noop_hook\n"
    )
    run = typed.with_options(config_path=path)()
    assert run.name == "r_me"
    assert run.config.tags == ["t1"] and run.config.model == Model(name="m")
    config = run.steps["echo"].config
    assert config.environment == {"A": "1"}
    assert config.enable_artifact_visualization is False
    assert config.success_hook_source == f"{__name__}:noop_hook"


def noop_hook() -> None:
    pass


# -- run-level options ---------------------------------------------------------------
def test_a_step_operator_the_stack_lacks_is_refused_before_the_run():
    with pytest.raises(
        StackValidationError, match="uses step_operator='gpu'.*has no step operator named 'gpu'"
    ):
        typed.with_options(steps={"echo": {"step_operator": "gpu"}})(n=1)
    with pytest.raises(StackValidationError, match=r"step_operator=True\), but stack"):
        typed.with_options(steps={"echo": {"step_operator": True}})(n=1)
    assert _runs() == 0


def test_a_schedule_is_refused_on_a_stack_that_cannot_schedule():
    with pytest.raises(ConfigError, match="cannot schedule runs"):
        typed.with_options(schedule=Schedule(cron_expression="* * * * *"))(n=1)
    assert _runs() == 0


def test_a_missing_secret_is_refused_before_the_run():
    with pytest.raises(ConfigError, match="secret 'nope', which does not exist"):
        typed.with_options(secrets=["nope"])(n=1)
    assert _runs() == 0


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"build": "x"}, "running with a build given by id"),
        ({"unlisted": True}, "unlisted runs"),
        ({"on_pause": noop_hook}, "pausing"),
        ({"execution_mode": "stop_on_failure"}, "continue on failure"),
        ({"tags": "one"}, "tags must be a list"),
        ({"steps": {"echo": {"enable_cahce": True}}}, "Did you mean 'enable_cache'"),
    ],
)
def test_with_options_refuses_what_it_cannot_act_on(options, match):
    with pytest.raises((StepInterfaceError, ConfigError), match=match):
        typed.with_options(**options)


def test_depends_on_is_refused_when_defined():
    with pytest.raises(StepInterfaceError, match="depends_on"):
        pipeline(depends_on=["other"])(lambda: None)


def test_with_options_steps_names_an_unknown_invocation():
    with pytest.raises(ConfigError, match="names 'nope', which is no step invocation"):
        typed.with_options(steps={"nope": {"enable_cache": True}})(n=1)


def test_run_name_and_artifact_names_use_substitutions():
    @step(substitutions={"kind": "k"})
    def made() -> Annotated[int, ArtifactConfig(name="data_{kind}_{date}")]:
        return 1

    @pipeline(substitutions={"team": "ml"})
    def named():
        made()

    run = named.with_options(run_name="n_{team}_{date}")()
    date = run.config.substitutions["date"]
    assert run.name == f"n_ml_{date}"
    assert list(run.steps["made"].outputs) == [f"data_k_{date}"]


def test_an_unknown_artifact_name_placeholder_fails_compilation():
    @step
    def made() -> Annotated[int, "x_{nope}"]:
        return 1

    @pipeline
    def broken():
        made()

    with pytest.raises(ConfigError, match=r"artifact name 'x_\{nope\}' uses \{nope\}"):
        broken()
    assert _runs() == 0


def test_tags_and_model_are_recorded():
    run = typed.with_options(tags=["a", "b"], model={"name": "churn"})(n=1)
    assert run.config.tags == ["a", "b"]
    assert run.config.model == Model(name="churn")  # the Model it stands for, as ZenML
    assert run.steps["echo"].config.model is None  # only a step's own model (as ZenML)
    assert run.model_version is not None and run.model_version.number == 1


def test_register_and_prepare_and_template(tmp_path: Path):
    response = typed.register()
    assert response.name == "typed" and _runs() == 0
    assert not typed.is_prepared
    prepared = typed.copy()
    prepared.prepare(n=1)
    assert prepared.is_prepared and list(prepared.invocations) == ["echo"]
    template = tmp_path / "t.yaml"
    prepared.write_run_configuration_template(template)
    text = template.read_text()
    assert "parameters:\n  n:  # required" in text and "#   echo:" in text


CALLS: list[str] = []


def _init(tag: str) -> dict:
    CALLS.append(f"init:{tag}")
    return {"tag": tag}


def _cleanup() -> None:
    CALLS.append("cleanup")


@step
def reads_state() -> None:
    from stackwise import get_step_context

    CALLS.append(f"state:{get_step_context().pipeline_state}")


def test_init_and_cleanup_hooks_run_around_the_steps():
    @pipeline(on_init=_init, on_init_kwargs={"tag": "x"}, on_cleanup=_cleanup, enable_cache=False)
    def stateful():
        reads_state()

    run = stateful()
    assert CALLS == ["init:x", "state:{'tag': 'x'}", "cleanup"]
    assert run.config.init_hook_source.endswith(":_init")


def test_yaml_settings_keys_are_checked(tmp_path: Path):
    path = tmp_path / "run.yaml"
    path.write_text("settings:\n  dokcer: {requirements: [x]}\n")
    with pytest.raises(ConfigError, match=r"settings key 'dokcer'.*Did you mean 'docker'"):
        typed.with_options(config_path=path)(n=1)


def test_settings_for_a_component_the_stack_lacks_are_recorded_with_a_warning(caplog):
    run = typed.with_options(settings={"step_operator.sagemaker": {"x": 1}})(n=1)
    assert run.steps["echo"].config.settings == {"step_operator.sagemaker": {"x": 1}}
    assert "settings 'step_operator.sagemaker' (step 'echo') apply to no component" in caplog.text


def test_experiment_tracker_true_needs_a_tracker_in_the_stack():
    with pytest.raises(
        StackValidationError,
        match=r"experiment_tracker=True\), but stack "
        "'default' has none",
    ):
        typed.with_options(steps={"echo": {"experiment_tracker": True}})(n=1)
    assert _runs() == 0


ATTEMPTS: list[int] = []


@step
def flaky() -> int:
    ATTEMPTS.append(1)
    if len(ATTEMPTS) < 2:
        raise ValueError("first attempt fails")
    return len(ATTEMPTS)


def test_pipeline_level_retry_is_the_steps_default():
    from stackwise.config import StepRetryConfig

    ATTEMPTS.clear()

    @pipeline(retry=StepRetryConfig(max_retries=1), enable_cache=False)
    def retried():
        flaky()

    run = retried()
    assert run.steps["flaky"].output.load() == 2
    assert run.steps["flaky"].config.retry["max_retries"] == 1
