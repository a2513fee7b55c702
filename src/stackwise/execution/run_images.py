"""The container image each step of a run runs in: the image of the run's recorded pipeline
build (its config's `build_id`: the step's own image when its DockerSettings differ, else the
pipeline's), or the parent image a step names with `DockerSettings(parent_image=...,
skip_build=True)`. Read by remote orchestrators for their tasks and by step operators."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stackwise.models.pipeline_spec import StepSpec
    from stackwise.store.base import Store

BUILD_KEY = "build_id"  # where a run's config records the pipeline build its steps run in


def build_images(store: Store, config: Mapping[str, Any]) -> dict[str, str]:
    """The image of each key of the run's build (`orchestrator`, `<step>.orchestrator`)."""
    build_id = config.get(BUILD_KEY)
    if not build_id:
        return {}
    build = store.get_build(build_id)
    return {key: item["image"] for key, item in build.images.items()}


def step_image(step: StepSpec, images: Mapping[str, str]) -> str | None:
    """The image step `step` runs in, given its run's `build_images`; None when there is none."""
    built = images.get(f"{step.invocation_id}.orchestrator", images.get("orchestrator"))
    if built:
        return built
    docker = dict(step.settings.get("docker") or {})
    if docker.get("skip_build") and docker.get("parent_image"):
        return str(docker["parent_image"])
    return None
