"""StepContext: what a running step can ask about itself (`get_step_context()`), and where the
metadata and tags it adds to its own outputs and step run are buffered until the step's final
write (so an executed step stays at two write transactions).

Output names follow ZenML: `output_name=None` means the step's single output, and a step with
several (or no) outputs raises `StepContextError` naming them. Tags and metadata declared with
`ArtifactConfig(tags=..., run_metadata=...)` are where an output's start from.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from stackwise.exceptions import ConfigError, StepContextError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from stackwise.materializers.base_materializer import BaseMaterializer
    from stackwise.model import Model
    from stackwise.models.artifact_version import ArtifactVersionList
    from stackwise.models.model_version import ModelVersionResponse
    from stackwise.models.pipeline import PipelineResponse
    from stackwise.models.pipeline_run import PipelineRunResponse
    from stackwise.models.pipeline_spec import StepSpec
    from stackwise.models.step_run import StepRunResponse
    from stackwise.stack.stack import Stack
    from stackwise.store.base import Store
    from stackwise.store.records import (
        ArtifactVersionRecord,
        ModelVersionRecord,
        NewArtifactVersion,
    )

_current: ContextVar[StepContext | None] = ContextVar("stackwise_step_context", default=None)


class StepContext:
    """The running step: its pipeline run, step run, inputs and outputs."""

    def __init__(
        self,
        *,
        store: Store,
        stack: Stack,
        spec: StepSpec,
        pipeline_run: PipelineRunResponse,
        step_run: StepRunResponse,
        output_uris: dict[str, str],
        output_artifact_names: dict[str, str],
        inputs: Mapping[str, ArtifactVersionRecord] | None = None,
        step: Any = None,
        pipeline_state: Any = None,
        model_version: ModelVersionRecord | None = None,
    ) -> None:
        self.store = store
        self.stack = stack
        self.spec = spec
        self.pipeline_run = pipeline_run
        self.step_run = step_run
        self._output_uris = output_uris
        self.output_artifact_names = output_artifact_names
        self._input_records = inputs or {}
        self._pipeline_state = pipeline_state
        # the model version the step uses (its own model, else the pipeline's), if any
        self.model_version_record = model_version
        self.model_metadata: dict[str, Any] = {}  # for it, buffered as the rest
        self._model: Any = None
        # buffered until the step's final write (keeps a step at two write transactions)
        self.step_metadata: dict[str, Any] = {}
        self.output_metadata: dict[str, dict[str, Any]] = {n: {} for n in output_uris}
        self.output_tags: dict[str, list[Any]] = {o.name: list(o.tags) for o in spec.outputs}
        self._artifact_types: dict[str, Any] = {}
        self.linked_outputs: dict[str, str] = {}  # save_artifact() calls: name -> version id
        self.loaded_inputs: dict[str, str] = {}  # artifacts the code loaded: name -> version id
        self.input_values: dict[str, Any] = {}  # the loaded inputs, by name (set by the runner)
        self._default_named: set[str] = set()  # outputs saved as `<pipeline>::<step>::<output>`
        for declared in getattr(step, "outputs", ()):
            if declared.name not in self.output_metadata:
                continue
            if getattr(declared, "artifact_name", None) is None:
                self._default_named.add(declared.name)
            config = getattr(declared, "config", None)
            if config is None:
                continue
            if config.run_metadata:
                self.output_metadata[declared.name].update(config.run_metadata)
            if config.artifact_type is not None:
                self._artifact_types[declared.name] = config.artifact_type

    # -- ZenML's BaseContext -----------------------------------------------------------------
    def record_loaded(self, record: Any) -> None:
        """An artifact version the step's code loaded becomes an input of the step run, named
        after its artifact (ZenML's `manual` inputs), even when it is also a declared input;
        an input name already taken and versions this step saved itself are skipped."""
        if record.name in self.spec.inputs or record.id in self.linked_outputs.values():
            return
        self.loaded_inputs.setdefault(record.name, record.id)

    @classmethod
    def get(cls) -> StepContext | None:
        """The running step's context, or None outside a step."""
        return _current.get()

    @classmethod
    def is_active(cls) -> bool:
        """Whether a step is running in this thread (or task) now."""
        return _current.get() is not None

    # -- what the step is --------------------------------------------------------------------
    @property
    def pipeline(self) -> PipelineResponse:
        return self.pipeline_run.pipeline

    @property
    def step_name(self) -> str:
        return self.spec.invocation_id

    @property
    def pipeline_state(self) -> Any:
        """What the pipeline's `on_init` hook returned (None without one)."""
        return self._pipeline_state

    @property
    def model(self) -> Model:
        """The step's model (its own, else the pipeline's), pinned to the version this run
        uses: `.version` is that version's name, `.number` its number."""
        if self.model_version_record is None or not self.spec.model:
            raise StepContextError(
                f"Step '{self.step_name}' of run '{self.pipeline_run.name}' has no model: give "
                "one with @step(model=Model(...)) or @pipeline(model=Model(...))."
            )
        if self._model is None:
            from stackwise.model import model_from_record

            self._model = model_from_record(self.model_version_record, self.spec.model, self.store)
        return self._model  # type: ignore[no-any-return]

    @property
    def model_version(self) -> ModelVersionResponse | None:
        """The model version the step uses, as a response (None without a model)."""
        if self.model_version_record is None:
            return None
        from stackwise.models.model_version import ModelVersionResponse

        return ModelVersionResponse.from_record(self.model_version_record, self.store)

    @property
    def inputs(self) -> dict[str, ArtifactVersionList]:
        """Input name -> the artifact versions it received (ZenML's list shape; a one-version
        list also acts as that version: `inputs["x"].load()`)."""
        from stackwise.models.artifact_version import ArtifactVersionList, StepRunInputResponse

        found = {}
        for name, record in self._input_records.items():
            source = self.spec.inputs.get(name)
            kind = (
                "step_output"
                if source is None or source.step is not None
                else "external"
                if record.save_type == "external"
                else "manual"
            )
            response = StepRunInputResponse.from_record(record, self.store)
            response.__dict__["input_type"] = kind
            found[name] = ArtifactVersionList([response])
        return found

    # -- outputs -----------------------------------------------------------------------------
    def _output_name(self, output_name: str | None) -> str:
        names = list(self._output_uris)
        if output_name is None:
            if len(names) != 1:
                reason = (
                    f"it has several outputs ({', '.join(names)}); pass output_name="
                    if names
                    else "it has no outputs"
                )
                raise StepContextError(f"Step '{self.step_name}' has no single output: {reason}.")
            return names[0]
        if output_name in self._output_uris:
            return output_name
        raise StepContextError(
            f"Step '{self.step_name}' has no output '{output_name}'; its outputs are: "
            f"{', '.join(names) or 'none'}."
        )

    def output_for_artifact(self, artifact_name: str) -> str | None:
        """The output saved as artifact `artifact_name` (or named so), if this step has one."""
        if artifact_name in self._output_uris:
            return artifact_name
        for output, name in self.output_artifact_names.items():
            if name == artifact_name:
                return output
        return None

    def infer_output(self, artifact_name: str | None) -> str:
        """The output `infer_artifact=True` means: the one named (by output or artifact name),
        else the single output. ValueError otherwise, as ZenML."""
        names = list(self._output_uris)
        if artifact_name is not None:
            found = self.output_for_artifact(artifact_name)
            if found is None:
                raise ConfigError(
                    f"Step '{self.step_name}' has no output '{artifact_name}'; "
                    f"its outputs are: {', '.join(names) or 'none'}."
                )
            return found
        if not names:
            raise ConfigError(f"Step '{self.step_name}' has no outputs to infer.")
        if len(names) > 1:
            raise ConfigError(
                f"Step '{self.step_name}' has several outputs ({', '.join(names)})"
                "; with infer_artifact=True also give artifact_name=."
            )
        return names[0]

    def get_output_artifact_uri(self, output_name: str | None = None) -> str:
        """Where the output will be saved (the folder its materializer writes into)."""
        return self._output_uris[self._output_name(output_name)]

    def get_output_materializer(
        self,
        output_name: str | None = None,
        custom_materializer_class: type[BaseMaterializer] | None = None,
        data_type: type[Any] | None = None,
    ) -> BaseMaterializer:
        """A materializer for the output, writing into its URI: `custom_materializer_class`,
        else the step's choice for the output, else the registry's for `data_type` (by
        default the output's annotation)."""
        from stackwise.materializers.artifact_loading import import_type
        from stackwise.materializers.materializer_registry import (
            import_materializer,
            materializer_registry,
        )

        name = self._output_name(output_name)
        materializer_class = custom_materializer_class
        if materializer_class is None:
            chosen = self.spec.output(name).materializer
            if chosen:
                materializer_class = import_materializer(chosen)
            else:
                wanted = (
                    data_type
                    if data_type is not None
                    else import_type(self.spec.output(name).data_type)
                )
                materializer_class = materializer_registry.get(wanted)
        return materializer_class(self._output_uris[name], artifact_store=self.stack.artifact_store)

    def add_output_metadata(self, metadata: dict[str, Any], output_name: str | None = None) -> None:
        """Metadata for an output, recorded with it when the step finishes."""
        from stackwise.utils.jsonable import to_jsonable

        name = self._output_name(output_name)
        self.output_metadata[name].update({k: to_jsonable(v) for k, v in metadata.items()})

    def get_output_metadata(self, output_name: str | None = None) -> dict[str, Any]:
        """The metadata the output will be recorded with so far (its config's and added)."""
        return dict(self.output_metadata[self._output_name(output_name)])

    def add_output_tags(self, tags: Iterable[Any], output_name: str | None = None) -> None:
        """Tags (names or `Tag`s) for an output, attached when the step finishes."""
        if isinstance(tags, str):
            tags = [tags]
        current = self.output_tags.setdefault(self._output_name(output_name), [])
        have = {_tag_name(t) for t in current}
        for tag in tags:
            if _tag_name(tag) not in have:
                current.append(tag)
                have.add(_tag_name(tag))

    def get_output_tags(self, output_name: str | None = None) -> list[str]:
        """The tag names the output will get (its config's and added)."""
        return [_tag_name(t) for t in self.output_tags.get(self._output_name(output_name), [])]

    def remove_output_tags(self, tags: Iterable[Any], output_name: str | None = None) -> None:
        """Drop tags from an output before it is saved, including ones from its
        `ArtifactConfig(tags=...)`; names it does not have are skipped."""
        if isinstance(tags, str):
            tags = [tags]
        name = self._output_name(output_name)
        drop = {_tag_name(t) for t in tags}
        self.output_tags[name] = [
            t for t in self.output_tags.get(name, []) if _tag_name(t) not in drop
        ]

    def finish_output(self, output_name: str, new: NewArtifactVersion) -> NewArtifactVersion:
        """The output as it is registered: with its tags, `ArtifactConfig(artifact_type=)`, and
        `has_custom_name=False` when the artifact got the default name."""
        changes: dict[str, Any] = {}
        tags = self.output_tags.get(output_name)
        if tags is not None and tags != new.tags:
            changes["tags"] = list(tags)
        artifact_type = self._artifact_types.get(output_name)
        if artifact_type is not None:
            changes["artifact_type"] = str(artifact_type)
        if output_name in self._default_named and new.has_custom_name:
            changes["has_custom_name"] = False
        return replace(new, **changes) if changes else new  # the common case costs nothing


def _tag_name(tag: Any) -> str:
    return tag if isinstance(tag, str) else str(tag.name)


def get_step_context() -> StepContext:
    """The context of the step running now; a StepContextError (a RuntimeError) outside."""
    context = _current.get()
    if context is None:
        raise StepContextError(
            "get_step_context() works only inside a running step (or its hooks); this code "
            "runs outside one. In a pipeline function, use get_pipeline_context()."
        )
    return context


def set_step_context(context: StepContext | None) -> Any:
    return _current.set(context)


def reset_step_context(token: Any) -> None:
    _current.reset(token)


def current_step_context() -> StepContext | None:
    return _current.get()
