"""`stackwise model-deployer models ...`: the deployments of models (ZenML's vocabulary:
list, describe, get-url, logs, start, stop, delete), and the deployments table of
`stackwise status`. A deployment is named by its UUID; a unique prefix of it, or the name of
the model it serves, will do."""

from __future__ import annotations

from typing import Any

import click

from stackwise.model_deployers.base_model_deployer import DEFAULT_TIMEOUT

_TIMEOUT = click.option(
    "--timeout",
    "-t",
    type=int,
    default=DEFAULT_TIMEOUT,
    show_default=True,
    help="Seconds to wait for the server.",
)


def _client() -> Any:
    from stackwise.client import Client

    return Client()


def _row(service: Any) -> tuple[Any, ...]:
    return (
        service.state.value,
        str(service.uuid),
        service.model_name,
        service.model_version or "",
        service.flavor,
        service.prediction_url or "",
    )


COLUMNS = ("STATUS", "UUID", "MODEL", "VERSION", "FLAVOR", "URL")


def print_deployments(services: list[Any], *, title: str | None = None) -> None:
    from stackwise.cli.output import print_table

    print_table(COLUMNS, [_row(s) for s in services], title=title)


@click.group(name="models")
def models() -> None:
    """Interact with the models deployed by model deployers."""


@models.command(name="list")
@click.option("--step", "-s", help="Only deployments made by this pipeline step.")
@click.option("--pipeline-run-id", "-r", help="Only deployments made by this run (its id).")
@click.option("--pipeline-name", "-p", help="Only deployments made by this pipeline.")
@click.option("--model", "-m", help="Only deployments of this model name.")
@click.option("--model-version", "-v", help="Only deployments of this model version.")
@click.option("--flavor", "-f", help="Only deployments of this model deployer flavor.")
@click.option("--running", is_flag=True, help="Only deployments whose server answers.")
def list_models(
    step: str | None,
    pipeline_run_id: str | None,
    pipeline_name: str | None,
    model: str | None,
    model_version: str | None,
    flavor: str | None,
    running: bool,
) -> None:
    """List the model deployments of the active stack's model deployer."""
    from stackwise.cli.output import note

    deployer = _client().active_stack.model_deployer
    if deployer is None:
        from stackwise.exceptions import StackValidationError

        raise StackValidationError(
            "The active stack has no model deployer: register one (`stackwise model-deployer "
            "register NAME --flavor=local`) and add it (`stackwise stack update -d NAME`)."
        )
    services = deployer.find_model_server(
        pipeline_name=pipeline_name,
        pipeline_step_name=step,
        pipeline_run_id=pipeline_run_id,
        model_name=model,
        model_version=model_version,
        flavor=flavor,
        running=True if running else None,
    )
    if not services:
        note(f"No model deployments found for model deployer '{deployer.name}'.")
        return
    print_deployments(services)


@models.command()
@click.argument("served_model_uuid")
def describe(served_model_uuid: str) -> None:
    """Describe a deployment: what it serves, where, its state and its input schema."""
    from stackwise.cli.output import print_pairs

    service = _client().get_service(served_model_uuid)
    state, message = service.check_status()
    r = service.record
    schema = r.config.get("input_schema") or {}
    columns = ", ".join(f"{c['name']}: {c.get('type') or '?'}" for c in schema.get("columns", []))
    pairs = [
        ("uuid", str(service.uuid)),
        ("status", state.value + (f" ({message})" if message else "")),
        ("model", r.model_name),
        ("model version", r.model_version or ""),
        ("model version id", r.model_version_id or ""),
        ("artifact version id", r.artifact_version_id or ""),
        ("flavor", r.flavor),
        ("prediction url", service.prediction_url or ""),
        ("replicas", r.config.get("replicas", 1)),
        ("input schema", f"{columns} (from {schema.get('source')})" if columns else "none"),
        ("pipeline", r.pipeline_name or ""),
        ("step", r.pipeline_step_name or ""),
        ("run id", r.pipeline_run_id or ""),
        ("model uri", r.config.get("model_uri") or ""),
        ("pid", r.pid or ""),
        ("log file", str(service.log_file)),
        ("created", r.created),
        ("updated", r.updated),
    ]
    print_pairs(pairs, title=f"Model deployment {service.uuid}")


@models.command(name="get-url")
@click.argument("served_model_uuid")
def get_url(served_model_uuid: str) -> None:
    """Print the prediction URL of a running deployment."""
    service = _client().get_service(served_model_uuid)
    url = service.prediction_url
    if url is None:
        from stackwise.exceptions import IllegalOperationError

        raise IllegalOperationError(
            f"Deployment {service.uuid} of '{service.model_name}' is not running "
            f"({service.get_service_status_message()}): it has no URL. Start it with "
            f"`stackwise model-deployer models start {service.uuid}`."
        )
    click.echo(url)


@models.command()
@click.argument("served_model_uuid")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines.")
@click.option("--tail", "-t", type=int, default=None, help="Only the last N lines.")
@click.option("--raw", "-r", is_flag=True, help="Print the lines as they are (the default).")
def logs(served_model_uuid: str, follow: bool, tail: int | None, raw: bool) -> None:
    """Print a deployment's server log."""
    service = _client().get_service(served_model_uuid)
    try:
        for line in service.get_logs(follow=follow, tail=tail):
            click.echo(line)
    except KeyboardInterrupt:  # --follow ends with Ctrl-C
        pass


@models.command()
@click.argument("served_model_uuid")
@_TIMEOUT
def start(served_model_uuid: str, timeout: int) -> None:
    """Start a stopped deployment (on its old port when that is free)."""
    from stackwise.cli.output import success

    service = _client().get_service(served_model_uuid)
    service.start(timeout=timeout)
    success(
        f"Deployment {service.uuid} of '{service.model_name}' serves at {service.prediction_url}."
    )


@models.command()
@click.argument("served_model_uuid")
@_TIMEOUT
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True, help="Kill the server instead of letting it drain.")
def stop(served_model_uuid: str, timeout: int, yes: bool, force: bool) -> None:
    """Stop a deployment's server (it stays recorded and can be started again)."""
    from stackwise.cli.output import success

    service = _client().get_service(served_model_uuid)
    if not yes and not click.confirm(
        f"Stop deployment {service.uuid} of '{service.model_name}'?", default=True
    ):
        return
    service.stop(timeout=timeout, force=force)
    success(f"Deployment {service.uuid} stopped.")


@models.command()
@click.argument("served_model_uuid")
@_TIMEOUT
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def delete(served_model_uuid: str, timeout: int, yes: bool) -> None:
    """Stop a deployment and delete it (its record, model copy and log)."""
    from stackwise.cli.output import success

    client = _client()
    service = client.get_service(served_model_uuid)
    if not yes and not click.confirm(
        f"Delete deployment {service.uuid} of '{service.model_name}'?", default=False
    ):
        return
    from stackwise.model_deployers.base_model_deployer import delete_service

    delete_service(client.store, str(service.uuid), timeout)
    success(f"Deployment {service.uuid} deleted.")


__all__ = ["models", "print_deployments"]
