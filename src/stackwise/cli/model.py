"""`stackwise model`: ZenML's Model Control Plane commands over the Client — register, list,
update and delete models; list, update (stages) and delete their versions; list what a version
holds (`data_artifacts`, `model_artifacts`, `deployment_artifacts`) and the runs that used it
(`runs`)."""

from __future__ import annotations

from typing import Any

import click

from stackwise.cli.options import list_kwargs, list_options


@click.group()
def model() -> None:
    """Register, list, update and delete models and their versions."""


def _card_options(f: Any) -> Any:
    for args, help_text in reversed(
        [
            (("--license", "-l"), "The model's license."),
            (("--description", "-d"), "What the model is."),
            (("--audience", "-a"), "Who the model is for."),
            (("--use-cases", "-u", "use_cases"), "What the model is used for."),
            (("--tradeoffs", "trade_offs"), "Its trade-offs."),
            (("--ethical", "-e", "ethics"), "Ethical considerations."),
            (("--limitations",), "Its known limitations."),
        ]
    ):
        f = click.option(*args, help=help_text)(f)
    return f


def _model_table(item: Any) -> None:
    from stackwise.cli.output import print_table

    print_table(
        ["ID", "NAME", "LATEST VERSION", "LICENSE", "DESCRIPTION", "TAGS"],
        [
            (
                str(item.id),
                item.name,
                item.latest_version_name,
                item.license,
                item.description,
                ", ".join(t.name for t in item.tags),
            )
        ],
    )


def _version_table(item: Any) -> None:
    from stackwise.cli.output import print_table

    print_table(
        ["ID", "MODEL", "NAME", "NUMBER", "DESCRIPTION", "STAGE", "TAGS"],
        [
            (
                str(item.id),
                item.model.name,
                item.name,
                item.number,
                item.description,
                item.stage,
                ", ".join(t.name for t in item.tags),
            )
        ],
    )


@model.command()
@click.option("--name", "-n", required=True, help="The model's name.")
@_card_options
@click.option("--tag", "-t", "tags", multiple=True, help="A tag (repeatable).")
@click.option(
    "--save-models-to-registry",
    "-s",
    type=click.BOOL,
    default=True,
    help="Whether model artifacts also go to the stack's model registry.",
)
def register(name: str, tags: tuple[str, ...], save_models_to_registry: bool, **card: Any) -> None:
    """Register a model (its versions are made by runs, or `Client().create_model_version`)."""
    from stackwise.client import Client

    _model_table(
        Client().create_model(
            name, tags=list(tags), save_models_to_registry=save_models_to_registry, **card
        )
    )


@model.command(name="list")
@list_options("id", "created", "updated", "tags", "user", "project", "name")
def list_(**kwargs: Any) -> None:
    """List models (ZenML's filters: --name contains:churn, --created gte:2026-01-01)."""
    from stackwise.cli.output import model_row, print_page
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    result = Client().list_models(**filters)
    if not result.total and output_format == "table":
        click.echo("No models found.")
        return
    rows = [model_row(m, tags=[t.name for t in m.tags]) for m in result]
    if not columns and output_format == "table":
        columns = "id,name,latest_version_name,tags"
    print_page(result, rows, columns, output_format, noun="models")


@model.command()
@click.argument("model_name_or_id")
@click.option("--name", "-n", help="A new name.")
@_card_options
@click.option("--tag", "-t", "tags", multiple=True, help="A tag to add (repeatable).")
@click.option("--remove-tag", "-r", "remove_tags", multiple=True, help="A tag to remove.")
@click.option(
    "--save-models-to-registry",
    "-s",
    type=click.BOOL,
    default=None,
    help="Whether model artifacts also go to the stack's model registry.",
)
def update(
    model_name_or_id: str,
    name: str | None,
    tags: tuple[str, ...],
    remove_tags: tuple[str, ...],
    save_models_to_registry: bool | None,
    **card: Any,
) -> None:
    """Rename a model, change its model card or its tags."""
    from stackwise.client import Client

    _model_table(
        Client().update_model(
            model_name_or_id,
            name=name,
            add_tags=list(tags) or None,
            remove_tags=list(remove_tags) or None,
            save_models_to_registry=save_models_to_registry,
            **card,
        )
    )


@model.command()
@click.argument("model_name_or_id")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def delete(model_name_or_id: str, yes: bool) -> None:
    """Delete a model and its versions (their artifacts and runs stay)."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    target = client.get_model(model_name_or_id)
    if not yes:
        click.confirm(f"Delete model '{target.name}' with all its versions?", abort=True)
    client.delete_model(target.id)
    success(f"Model '{target.name}' deleted.")


# -- what a version holds ----------------------------------------------------------------------
def _links_command(kind: str, noun: str) -> Any:
    @click.argument("model_name")
    @click.option(
        "--model_version", "-v", default=None, help="Version name, number or stage (the newest)."
    )
    @list_options("created", "artifact_version_id", "artifact_name", "user")
    def command(model_name: str, model_version: str | None, **kwargs: Any) -> None:
        from stackwise.cli.output import model_row, print_page
        from stackwise.client import Client

        filters, columns, output_format = list_kwargs(kwargs)
        client = Client()
        version = client.get_model_version(model_name, model_version)
        options: dict[str, Any] = {**filters, f"only_{kind}_artifacts": True}
        result = client.list_model_version_artifact_links(model_version_id=version.id, **options)
        if not result.total and output_format == "table":
            click.echo(f"No {noun} linked to the model version found.")
            return

        def rows() -> list[dict[str, Any]]:
            out = []
            for link in result:
                artifact = link.artifact_version
                out.append(
                    model_row(
                        artifact,
                        artifact_version_id=artifact.id,
                        model_version=version.name,
                        link_id=link.id,
                    )
                )
            return out

        if not columns and output_format == "table":
            columns = "artifact_version_id,name,version,type,uri"
        print_page(result, rows, columns, output_format, noun=noun)

    command.__doc__ = f"List the {noun} of a model version (the newest without -v)."
    return command


for _kind, _noun, _name in (
    ("data", "data artifacts", "data_artifacts"),
    ("model", "model artifacts", "model_artifacts"),
    ("deployment", "deployment artifacts", "deployment_artifacts"),
):
    model.command(name=_name)(_links_command(_kind, _noun))


@model.command()
@click.argument("model_name")
@click.option(
    "--model_version", "-v", default=None, help="Version name, number or stage (the newest)."
)
@list_options("created", "pipeline_run_id", "pipeline_run_name", "user")
def runs(model_name: str, model_version: str | None, **kwargs: Any) -> None:
    """List the pipeline runs that used a model version (the newest without -v)."""
    from stackwise.cli.output import model_row, print_page
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    client = Client()
    version = client.get_model_version(model_name, model_version)
    result = client.list_model_version_pipeline_run_links(model_version_id=version.id, **filters)
    if not result.total and output_format == "table":
        click.echo("No pipeline runs attached to model version found.")
        return

    def rows() -> list[dict[str, Any]]:
        return [
            model_row(
                link.pipeline_run,
                pipeline_run_id=link.pipeline_run.id,
                model_version=version.name,
                link_id=link.id,
            )
            for link in result
        ]

    if not columns and output_format == "table":
        columns = "pipeline_run_id,name,status,pipeline_name"
    print_page(result, rows, columns, output_format, noun="runs")


# -- versions ----------------------------------------------------------------------------------
@model.group()
def version() -> None:
    """List, update (stages) and delete model versions."""


@version.command(name="list")
@list_options(
    "id",
    "created",
    "updated",
    "run_metadata",
    "tags",
    "user",
    "project",
    "name",
    "number",
    "stage",
    "model",
    sort_by="desc:number",
)
def version_list(**kwargs: Any) -> None:
    """List model versions, newest first (--model churn, --stage production, --number gte:2)."""
    import json

    from stackwise.cli.output import model_row, print_page
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    if "run_metadata" in filters:
        try:
            filters["run_metadata"] = json.loads(filters["run_metadata"])
        except ValueError:
            raise click.UsageError(
                "--run_metadata takes a JSON object, e.g. --run_metadata '{\"auc\": 0.9}'."
            ) from None
    result = Client().list_model_versions(**filters)
    if not result.total and output_format == "table":
        click.echo("No model versions found.")
        return
    rows = []
    for v in result:
        row = model_row(v, tags=[t.name for t in v.tags])
        row["model"] = v.model.name  # the model's name, as ZenML's column shows it
        rows.append(row)
    if not columns and output_format == "table":
        columns = "id,model,name,number,stage"
    print_page(result, rows, columns, output_format, noun="model versions")


@version.command(name="update")
@click.argument("model_name_or_id")
@click.argument("model_version_name_or_number_or_id")
@click.option(
    "--stage",
    "-s",
    type=click.Choice(["none", "staging", "production", "archived"], case_sensitive=False),
    help="Move the version into this stage.",
)
@click.option("--name", "-n", help="A new name.")
@click.option("--description", "-d", help="A new description.")
@click.option("--tag", "-t", "tags", multiple=True, help="A tag to add (repeatable).")
@click.option("--remove-tag", "-r", "remove_tags", multiple=True, help="A tag to remove.")
@click.option(
    "--force", "-f", is_flag=True, help="Archive the version holding --stage without asking."
)
def version_update(
    model_name_or_id: str,
    model_version_name_or_number_or_id: str,
    stage: str | None,
    name: str | None,
    description: str | None,
    tags: tuple[str, ...],
    remove_tags: tuple[str, ...],
    force: bool,
) -> None:
    """Rename, describe, tag or stage a model version. A stage another version holds is taken
    from it (it goes to `archived`) after asking, or at once with --force."""
    from stackwise.cli.output import note
    from stackwise.client import Client

    client = Client()
    target = client.get_model_version(model_name_or_id, model_version_name_or_number_or_id)
    holders = []
    if stage is not None and stage.lower() != "none":
        holders = [
            v
            for v in client.list_model_versions(target.model_id, stage=stage.lower(), size=100)
            if v.id != target.id
        ]
    if holders and not force:
        for holder in holders:
            _version_table(holder)
        click.confirm(
            f"Version '{holders[0].name}' of model '{target.model.name}' is in {stage}. Move "
            f"version '{target.name}' there and archive it?",
            abort=True,
        )
    updated = client.update_model_version(
        target.model_id,
        target.id,
        stage=stage,
        force=bool(holders),
        name=name,
        description=description,
        add_tags=list(tags) or None,
        remove_tags=list(remove_tags) or None,
    )
    for holder in holders:
        note(f"Model version '{holder.name}' has been set to archived.")
    _version_table(updated)


@version.command(name="delete")
@click.argument("model_name_or_id")
@click.argument("model_version_name_or_number_or_id")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def version_delete(
    model_name_or_id: str, model_version_name_or_number_or_id: str, yes: bool
) -> None:
    """Delete a model version (its artifacts and runs stay)."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    target = client.get_model_version(model_name_or_id, model_version_name_or_number_or_id)
    model_name = target.model.name
    if not yes:
        click.confirm(f"Delete version '{target.name}' of model '{model_name}'?", abort=True)
    client.delete_model_version(target.id)
    success(f"Model version '{target.name}' deleted from model '{model_name}'.")
