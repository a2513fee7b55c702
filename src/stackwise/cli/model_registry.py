"""`stackwise model-registry models ...`: the models and model versions in the active stack's
model registry (ZenML's commands: register, list, get, update, delete, and register-version,
list-versions, get-version, update-version, delete-version). Metadata options take a key and
a value (`-t team risk`), as ZenML's do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click


def _registry() -> Any:
    from stackwise.client import Client
    from stackwise.exceptions import StackValidationError

    stack = Client().active_stack
    if not stack.component_records("model_registry"):
        raise StackValidationError(
            f"The active stack '{stack.name}' has no model registry: register one "
            "(`stackwise model-registry register NAME --flavor=mlflow`) and add it "
            f"(`stackwise stack update {stack.name} -r NAME`)."
        )
    return stack.model_registry


def _pairs(values: tuple[tuple[str, str], ...]) -> dict[str, str] | None:
    return dict(values) if values else None


def _metadata(values: tuple[tuple[str, str], ...], **named: str | None) -> Any:
    from stackwise.model_registries import ModelRegistryModelMetadata

    given = {k: v for k, v in named.items() if v is not None}
    if not values and not given:
        return None
    return ModelRegistryModelMetadata(**given, **dict(values))


def _metadata_option(short: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--metadata",
        short,
        "metadata",
        type=(str, str),
        multiple=True,
        metavar="KEY VALUE",
        help="Metadata: a key and its value (repeatable).",
    )


def _version_option(f: Any) -> Any:
    return click.option("--version", "-v", required=True, help="The model version.")(f)


def _yes_option(f: Any) -> Any:
    return click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")(f)


def _print_models(found: list[Any]) -> None:
    from stackwise.cli.output import note, print_table

    if not found:
        note("No models found.")
        return
    print_table(
        ("NAME", "DESCRIPTION", "METADATA"),
        [(m.name, m.description or "", m.metadata or {}) for m in found],
    )


def _print_versions(found: list[Any]) -> None:
    from stackwise.cli.output import note, print_table

    if not found:
        note("No model versions found.")
        return
    print_table(
        ("NAME", "MODEL_VERSION", "VERSION_DESCRIPTION", "METADATA", "STAGE", "CREATED"),
        [
            (
                v.registered_model.name,
                v.version,
                v.description or "",
                v.metadata.model_dump() if v.metadata else {},
                v.stage.value,
                v.created_at,
            )
            for v in found
        ],
    )


def _print_version(version: Any) -> None:
    from stackwise.cli.output import print_pairs

    print_pairs(
        [
            ("MODEL_NAME", version.registered_model.name),
            ("MODEL_VERSION", version.version),
            ("VERSION_NUMBER", version.version),
            ("VERSION_DESCRIPTION", version.description or ""),
            ("CREATED_AT", version.created_at),
            ("UPDATED_AT", version.last_updated_at),
            ("METADATA", version.metadata.model_dump() if version.metadata else {}),
            ("MODEL_SOURCE_URI", version.model_source_uri),
            ("STAGE", version.stage.value),
        ],
        title=f"Version {version.version} of model '{version.registered_model.name}'",
    )


@click.group(name="models")
def models() -> None:
    """Interact with the models in the active stack's model registry."""


@models.command(name="list")
@_metadata_option("-m")
def list_models(metadata: tuple[tuple[str, str], ...]) -> None:
    """List the registered models (only those carrying every --metadata given)."""
    _print_models(_registry().list_models(metadata=_pairs(metadata)))


@models.command(name="get")
@click.argument("name")
def get_model(name: str) -> None:
    """Show a registered model."""
    _print_models([_registry().get_model(name)])


@models.command(name="register")
@click.argument("name")
@click.option("--description", "-d", default=None, help="The model's description.")
@_metadata_option("-t")
def register_model(
    name: str, description: str | None, metadata: tuple[tuple[str, str], ...]
) -> None:
    """Register a new model."""
    from stackwise.cli.output import success

    _registry().register_model(name, description=description, metadata=_pairs(metadata))
    success(f"Model {name} registered successfully.")


@models.command(name="update")
@click.argument("name")
@click.option("--description", "-d", default=None, help="The new description.")
@_metadata_option("-t")
def update_model(name: str, description: str | None, metadata: tuple[tuple[str, str], ...]) -> None:
    """Change a registered model's description or add metadata."""
    from stackwise.cli.output import success

    _registry().update_model(name, description=description, metadata=_pairs(metadata))
    success(f"Model {name} updated successfully.")


@models.command(name="delete")
@click.argument("name")
@_yes_option
def delete_model(name: str, yes: bool) -> None:
    """Delete a registered model with all its versions."""
    from stackwise.cli.output import success

    registry = _registry()
    registry.get_model(name)
    if not yes and not click.confirm(
        f"Delete model '{name}' and all its versions from the registry?", default=False
    ):
        return
    registry.delete_model(name)
    success(f"Model {name} deleted successfully.")


@models.command(name="register-version")
@click.argument("name")
@click.option("--description", "-d", default=None, help="The version's description.")
@_metadata_option("-m")
@click.option(
    "--version", "-v", required=True, help="The version (MLflow numbers versions itself)."
)
@click.option("--model-uri", "-u", required=True, help="Where the model is (an MLflow URI).")
@click.option("--stackwise-version", default=None, help="The stackwise version it was made with.")
@click.option("--stackwise-run-name", default=None, help="The run that made it.")
@click.option("--stackwise-pipeline-run-id", default=None, help="The id of the run that made it.")
@click.option("--stackwise-pipeline-name", default=None, help="The pipeline that made it.")
@click.option("--stackwise-step-name", default=None, help="The step that made it.")
def register_version(
    name: str,
    description: str | None,
    metadata: tuple[tuple[str, str], ...],
    version: str,
    model_uri: str,
    stackwise_version: str | None,
    stackwise_run_name: str | None,
    stackwise_pipeline_run_id: str | None,
    stackwise_pipeline_name: str | None,
    stackwise_step_name: str | None,
) -> None:
    """Register the model at --model-uri as a new version of model NAME (made if missing)."""
    from stackwise.cli.output import success

    registered = _registry().register_model_version(
        name,
        version=version,
        model_source_uri=model_uri,
        description=description,
        metadata=_metadata(
            metadata,
            stackwise_version=stackwise_version,
            stackwise_run_name=stackwise_run_name,
            stackwise_pipeline_run_uuid=stackwise_pipeline_run_id,
            stackwise_pipeline_name=stackwise_pipeline_name,
            stackwise_step_name=stackwise_step_name,
        ),
    )
    success(f"Model {name} version {registered.version} registered successfully.")


@models.command(name="list-versions")
@click.argument("name")
@click.option("--model-uri", "-m", default=None, help="Only versions of the model at this URI.")
@click.option(
    "--metadata",
    "metadata",
    type=(str, str),
    multiple=True,
    metavar="KEY VALUE",
    help="Only versions carrying this metadata (repeatable).",
)
@click.option("--count", "-c", type=int, default=None, help="At most this many versions.")
@click.option(
    "--order-by-date",
    type=click.Choice(["asc", "desc"]),
    default=None,
    help="Order by creation time (default: newest first).",
)
@click.option(
    "--created-after", type=click.DateTime(), default=None, help="Only versions made after."
)
@click.option(
    "--created-before", type=click.DateTime(), default=None, help="Only versions made before."
)
def list_versions(
    name: str,
    model_uri: str | None,
    metadata: tuple[tuple[str, str], ...],
    count: int | None,
    order_by_date: str | None,
    created_after: Any,
    created_before: Any,
) -> None:
    """List the versions of a registered model."""
    _print_versions(
        _registry().list_model_versions(
            name=name,
            model_source_uri=model_uri,
            metadata=_metadata(metadata),
            count=count,
            order_by_date=order_by_date,
            created_after=created_after,
            created_before=created_before,
        )
    )


@models.command(name="get-version")
@click.argument("name")
@_version_option
def get_version(name: str, version: str) -> None:
    """Show one version of a registered model."""
    _print_version(_registry().get_model_version(name, version))


@models.command(name="update-version")
@click.argument("name")
@_version_option
@click.option("--description", "-d", default=None, help="The new description.")
@_metadata_option("-m")
@click.option(
    "--stage",
    "-s",
    type=click.Choice(["None", "Staging", "Production", "Archived"], case_sensitive=False),
    default=None,
    help="Move the version into this stage.",
)
@click.option(
    "--remove_metadata",
    "-rm",
    "remove_metadata",
    multiple=True,
    help="A metadata key to remove (repeatable).",
)
def update_version(
    name: str,
    version: str,
    description: str | None,
    metadata: tuple[tuple[str, str], ...],
    stage: str | None,
    remove_metadata: tuple[str, ...],
) -> None:
    """Change a version's description, metadata or stage in the registry."""
    from stackwise.cli.output import success
    from stackwise.model_registries import ModelVersionStage

    stages = {s.value.lower(): s for s in ModelVersionStage}
    _registry().update_model_version(
        name,
        version,
        description=description,
        metadata=_metadata(metadata),
        remove_metadata=list(remove_metadata) or None,
        stage=stages[stage.lower()] if stage else None,
    )
    success(f"Model {name} version {version} updated successfully.")


@models.command(name="delete-version")
@click.argument("name")
@_version_option
@_yes_option
def delete_version(name: str, version: str, yes: bool) -> None:
    """Delete one version of a registered model."""
    from stackwise.cli.output import success

    registry = _registry()
    registry.get_model_version(name, version)
    if not yes and not click.confirm(
        f"Delete version {version} of model '{name}' from the registry?", default=False
    ):
        return
    registry.delete_model_version(name, version)
    success(f"Model {name} version {version} deleted successfully.")


__all__ = ["models"]
