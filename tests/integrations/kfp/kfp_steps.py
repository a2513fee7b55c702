"""The steps and pipeline the KFP tests compile; the step processes import this module from
their PYTHONPATH (this folder), as a container imports the user's code."""

from __future__ import annotations

from typing import Annotated

from stackwise import pipeline, step
from stackwise.config.docker_settings import DockerSettings
from stackwise.config.resource_settings import ResourceSettings
from stackwise.config.retry_config import StepRetryConfig


@step
def numbers(count: int = 4) -> Annotated[list, "numbers"]:
    return list(range(1, count + 1))


@step(
    settings={"resources": ResourceSettings(cpu_count=2, memory="512MiB")},
    retry=StepRetryConfig(max_retries=2, delay=0),
)
def scaled(values: list, factor: int) -> Annotated[list, "scaled"]:
    return [v * factor for v in values]


@step
def total(a: list, b: list) -> Annotated[int, "total"]:
    return sum(a) + sum(b)


@pipeline(enable_cache=False)
def fan_in(count: int = 4) -> None:
    values = numbers(count=count)
    doubled = scaled(values, factor=2, id="double")
    tripled = scaled(values, factor=3, id="triple")
    total(doubled, tripled)


STEPS_IMAGE = "ghcr.io/acme/kfp-steps:1.0"
"""The image submitted runs name: an existing one (no registry or builder here), since a
remote orchestrator refuses steps without an image; the tests run the tasks' commands."""
in_image = fan_in.with_options(
    settings={"docker": DockerSettings(parent_image=STEPS_IMAGE, skip_build=True)}
)
