"""Tagging runs, pipelines, artifacts and artifact versions: `Tag`, `add_tags`, `remove_tags`.

Exactly one target per call: `pipeline=`, `run=`, `artifact=`, `artifact_version_id=`,
`artifact_name=` with `artifact_version=`, or `infer_artifact=True` (inside a step: its single
output, or the output named by `artifact_name=`). Inside a step with no target the tags go to
the current pipeline run. Tags for the running step's own outputs are buffered and written with
the step's final transaction, like their metadata.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict

from stackwise.enums import ColorVariants
from stackwise.exceptions import ConfigError
from stackwise.steps.step_context import current_step_context

if TYPE_CHECKING:
    from stackwise.models.tag import TagRequest
    from stackwise.steps.step_context import StepContext
    from stackwise.store.base import Store


class Tag(BaseModel):
    """A tag with options: `Tag(name="best", exclusive=True, color="green")`.

    `exclusive`: the tag marks one run per pipeline (or one version per artifact) at a time;
    attaching it elsewhere moves it. `cascade` is for `@pipeline(tags=[...])`: the tag also goes
    on the run's artifact versions.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    color: ColorVariants | None = None
    exclusive: bool | None = None
    cascade: bool | None = None

    def to_request(self) -> TagRequest:
        """What creating this tag asks for (a missing colour: stackwise's colour for the name)."""
        from stackwise.models.tag import TagRequest
        from stackwise.store.sql.tags import default_color

        return TagRequest(
            name=self.name,
            exclusive=bool(self.exclusive),
            color=self.color or ColorVariants(default_color(self.name)),
        )


_USAGE = """Give exactly one target:
  add_tags(tags=[...])                                  inside a step: the current run
  add_tags(tags=[...], run=...)                         a pipeline run (name, id or id prefix)
  add_tags(tags=[...], pipeline=...)                    a pipeline
  add_tags(tags=[...], artifact=...)                    an artifact
  add_tags(tags=[...], artifact_version_id=...)         an artifact version
  add_tags(tags=[...], artifact_name=..., artifact_version=...)
  add_tags(tags=[...], infer_artifact=True[, artifact_name=...])  inside a step: its output"""


def _tag_list(tags: Any, function: str, *, allow_cascade: bool = False) -> list[Any]:
    items = [tags] if isinstance(tags, (str, Tag)) else list(tags)
    for item in items:
        if not isinstance(item, (str, Tag)):
            raise TypeError(
                f"{function}() takes tag names or stackwise.Tag objects; got {type(item).__name__}."
            )
        if isinstance(item, Tag) and item.cascade and not allow_cascade:
            raise ConfigError(
                f"Tag '{item.name}' has cascade=True, which only applies to tags given to "
                f"@pipeline(tags=[...]) (the run's artifact versions get them too); "
                f"{function}() tags one resource. Drop cascade=True."
            )
    return items


def _names(tags: list[Any]) -> list[str]:
    return [t if isinstance(t, str) else t.name for t in tags]


def _target(
    function: str,
    *,
    pipeline: Any,
    run: Any,
    run_template: Any,
    snapshot: Any,
    deployment: Any,
    artifact: Any,
    artifact_version_id: Any,
    artifact_name: Any,
    artifact_version: Any,
    infer_artifact: Any,
    context: StepContext | None,
    store: Store,
) -> tuple[str, str] | str:
    """("resource type", id) of the target, or the output name of the running step when the
    target is one of its outputs (buffered)."""
    for label, value in (
        ("run_template", run_template),
        ("snapshot", snapshot),
        ("deployment", deployment),
    ):
        if value is not None:
            raise ConfigError(
                f"{function}({label}=...): stackwise has no run templates, snapshots or "
                "deployments to tag. Tag the pipeline (pipeline=) or its runs (run=) instead."
            )
    given = [
        name
        for name, value in (
            ("pipeline", pipeline),
            ("run", run),
            ("artifact", artifact),
            ("artifact_version_id", artifact_version_id),
            ("infer_artifact", infer_artifact or None),
        )
        if value is not None
    ]
    if artifact_version is not None and not infer_artifact:
        if artifact_name is None:
            raise ConfigError(
                f"{function}(artifact_version=...) also needs artifact_name=.\n"
                + _USAGE.replace("add_tags", function)
            )
        given.append("artifact_name/artifact_version")
    elif artifact_name is not None and not infer_artifact:
        raise ConfigError(
            f"{function}(artifact_name=...) also needs artifact_version= (or "
            "infer_artifact=True inside a step).\n" + _USAGE.replace("add_tags", function)
        )
    if len(given) > 1:
        raise ConfigError(
            f"{function}() got several targets ({', '.join(given)}).\n"
            + _USAGE.replace("add_tags", function)
        )
    if not given:
        if context is None:
            raise ConfigError(
                f"{function}() outside a step needs a target.\n"
                + _USAGE.replace("add_tags", function)
            )
        return "pipeline_run", str(context.pipeline_run.id)
    if pipeline is not None:
        return "pipeline", store.get_pipeline(str(pipeline), allow_name_prefix=True).id
    if run is not None:
        return "pipeline_run", store.get_run(str(run), allow_name_prefix=True).id
    if artifact is not None:
        return "artifact", store.get_artifact(str(artifact), allow_name_prefix=True).id
    if artifact_version_id is not None:
        return "artifact_version", store.get_artifact_version(str(_uuid(artifact_version_id))).id
    if infer_artifact:
        if context is None:
            raise ConfigError(
                f"{function}(infer_artifact=True) works only inside a step with outputs; "
                "outside one, give artifact_version_id= or artifact_name= with "
                "artifact_version=."
            )
        return context.infer_output(artifact_name)
    return "artifact_version", store.get_artifact_version(
        str(artifact_name), str(artifact_version)
    ).id


def _uuid(value: Any) -> UUID:
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise ConfigError(
            f"artifact_version_id={value!r} is not an id; to name a version, give "
            "artifact_name= and artifact_version=."
        ) from None


def add_tags(
    tags: str | Tag | list[str | Tag],
    pipeline: UUID | str | None = None,
    run: UUID | str | None = None,
    run_template: UUID | str | None = None,
    snapshot: UUID | str | None = None,
    deployment: UUID | str | None = None,
    artifact: UUID | str | None = None,
    artifact_version_id: UUID | None = None,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    infer_artifact: bool | None = None,
) -> None:
    """Attach tags (names or `Tag`s; missing tags are created) to one target; see the module
    docstring for the targets."""
    items = _tag_list(tags, "add_tags")
    context = current_step_context()
    store = context.store if context is not None else _store()
    target = _target(
        "add_tags",
        pipeline=pipeline,
        run=run,
        run_template=run_template,
        snapshot=snapshot,
        deployment=deployment,
        artifact=artifact,
        artifact_version_id=artifact_version_id,
        artifact_name=artifact_name,
        artifact_version=artifact_version,
        infer_artifact=infer_artifact,
        context=context,
        store=store,
    )
    if isinstance(target, str):
        assert context is not None
        context.add_output_tags(items, target)
        return
    store.attach_tags(target[0], [target[1]], items)


def remove_tags(
    tags: str | list[str],
    pipeline: UUID | str | None = None,
    run: UUID | str | None = None,
    run_template: UUID | str | None = None,
    snapshot: UUID | str | None = None,
    deployment: UUID | str | None = None,
    artifact: UUID | str | None = None,
    artifact_version_id: UUID | None = None,
    artifact_name: str | None = None,
    artifact_version: str | None = None,
    infer_artifact: bool | None = None,
) -> None:
    """Detach tags from one target (the same targets as `add_tags`); tags the target does not
    carry are skipped."""
    names = _names(_tag_list(tags, "remove_tags", allow_cascade=True))
    context = current_step_context()
    store = context.store if context is not None else _store()
    target = _target(
        "remove_tags",
        pipeline=pipeline,
        run=run,
        run_template=run_template,
        snapshot=snapshot,
        deployment=deployment,
        artifact=artifact,
        artifact_version_id=artifact_version_id,
        artifact_name=artifact_name,
        artifact_version=artifact_version,
        infer_artifact=infer_artifact,
        context=context,
        store=store,
    )
    if isinstance(target, str):
        assert context is not None
        context.remove_output_tags(names, target)
        return
    store.detach_tags(target[0], [target[1]], names)


def _store() -> Store:
    from stackwise.store import get_store

    return get_store()


__all__ = ["Tag", "add_tags", "remove_tags"]
