"""Every option of `@step`, `configure()` and `with_options()` is acted on or refused when
the step is defined, with a clear message."""

from __future__ import annotations

import pytest

from stackwise import step
from stackwise.config import CachePolicy, DockerSettings, ResourceSettings, StepRetryConfig
from stackwise.exceptions import StepInterfaceError


def _hook() -> None:
    pass


@step
def plain(x: int, factor: int = 2) -> int:
    """Multiply."""
    return x * factor


def test_unknown_option_suggests_the_closest_name():
    with pytest.raises(
        StepInterfaceError,
        match=r"unknown option\(s\) \['enable_cahce'\]\. "
        r"Did you mean 'enable_cache'\?",
    ):
        step(enable_cahce=True)


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("runtime", "isolated", "step runtimes"),
        ("heartbeat_healthy_threshold", 10, "heartbeats"),
    ],
)
def test_options_stackwise_cannot_act_on_are_refused(option, value, words):
    with pytest.raises(StepInterfaceError, match=words):
        step(**{option: value})(lambda: None)


def test_every_option_is_kept_as_plain_data():
    configured = plain.with_options(
        enable_artifact_metadata=False,
        enable_artifact_visualization=False,
        enable_step_logs=False,
        environment={"A": 1},
        secrets=["creds"],
        settings={
            "docker": DockerSettings(requirements=["x"]),
            "resources": ResourceSettings(cpu_count=2),
        },
        on_start=_hook,
        on_end=_hook,
        model={"name": "m"},
        substitutions={"k": "v"},
        cache_policy=CachePolicy(include_step_code=False),
        retry=StepRetryConfig(max_retries=2),
        group="training",
        parameters={"factor": 3},
    )
    config = configured.configuration
    assert config.environment == {"A": "1"}
    assert config.secrets == ["creds"]
    assert config.settings == {"docker": {"requirements": ["x"]}, "resources": {"cpu_count": 2.0}}
    assert config.start_hook_source.endswith(":_hook")
    assert config.model == {"name": "m"}
    assert config.cache_policy["include_step_code"] is False
    assert config.retry.max_retries == 2
    assert config.group == {"name": "training"}
    assert config.parameters == {"factor": 3}
    assert plain.configuration.environment == {}  # with_options leaves the original alone


def test_configure_merges_dicts_unless_merge_is_false():
    copy = plain.with_options(extra={"a": 1}, settings={"docker": {"user": "u"}})
    copy.configure(extra={"b": 2}, settings={"docker": {"apt_packages": ["git"]}})
    assert copy.extra == {"a": 1, "b": 2}
    assert copy.settings == {"docker": {"user": "u", "apt_packages": ["git"]}}
    copy.configure(extra={"c": 3}, merge=False)
    assert copy.extra == {"c": 3}
    assert copy.settings == {"docker": {"user": "u", "apt_packages": ["git"]}}


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"settings": {"nonsense": {}}}, "settings key 'nonsense' is neither"),
        ({"settings": {"dokcer": {}}}, "Did you mean 'docker'"),
        ({"environment": ["A"]}, "environment must be a dict"),
        ({"secrets": "creds"}, "secrets must be a list"),
        ({"cache_policy": "nope"}, "Invalid cache policy: nope"),
        ({"on_start": 3}, "on_start must be a function"),
        ({"on_end": "no_such_module_xyz.hook"}, "cannot be loaded"),
        ({"enable_step_logs": "yes"}, "enable_step_logs must be True or False"),
        ({"model": {"version": "1"}}, "a model needs a name"),
    ],
)
def test_bad_values_are_refused_with_the_option_named(options, match):
    with pytest.raises(StepInterfaceError, match=match):
        plain.with_options(**options)


def test_component_settings_keys_are_accepted():
    configured = plain.with_options(
        settings={
            "experiment_tracker.mlflow": {"x": 1},
            "step_operator": {},
            "orchestrator:local": {},
        }
    )
    assert set(configured.settings) == {
        "experiment_tracker.mlflow",
        "step_operator",
        "orchestrator:local",
    }


def test_introspection():
    assert plain.docstring == "Multiply."
    assert "def plain" in plain.source_code
    assert plain.caching_parameters == {"step_source": plain.code_hash}
    assert list(plain.entrypoint_definition.inputs) == ["x", "factor"]
    assert plain.call_entrypoint(2, factor=5) == 10
    with pytest.raises(StepInterfaceError, match="missing a required argument"):
        plain.call_entrypoint()
    assert plain.resolve().endswith(":plain")
    assert type(plain).load_from_source(f"{__name__}.plain") is plain
    assert plain.copy() is not plain


@pytest.mark.parametrize("method", ["map", "product", "submit"])
def test_dynamic_pipeline_methods_work_only_in_a_dynamic_pipeline(method):
    with pytest.raises(RuntimeError, match="only possible within a dynamic pipeline"):
        getattr(plain, method)([1, 2])


def test_settings_objects_have_zenmls_defaults():
    docker = DockerSettings()
    assert docker.python_package_installer.value == "uv"
    assert docker.install_stack_requirements is True and docker.apt_packages == []
    resources = ResourceSettings(memory="512MiB")
    assert resources.get_memory("MiB") == 512
    with pytest.raises(ValueError, match="not a size"):
        ResourceSettings(memory="lots")
    assert CachePolicy.from_string("DEFAULT") == CachePolicy()
