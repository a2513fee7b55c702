"""`stackwise pipeline schedule`: list, update, activate, deactivate and delete the schedules
scheduled pipelines made (ZenML's commands and options)."""

from __future__ import annotations

from typing import Any

import click

from stackwise.cli.options import filtered, list_kwargs, list_options


@click.group()
def schedule() -> None:
    """List, change and delete pipeline schedules."""


@schedule.command(name="list")
@list_options(
    "id",
    "created",
    "updated",
    "user",
    "project",
    "pipeline_id",
    "orchestrator_id",
    "active",
    "cron_expression",
    "start_time",
    "end_time",
    "interval_second",
    "catchup",
    "name",
    "run_once_start_time",
    sort_by="created",
)
@click.option("--is-archived", "is_archived", is_flag=True, help="Archived schedules (none).")
def list_(**kwargs: Any) -> None:
    """List schedules, oldest first."""
    from stackwise.cli.output import format_time, model_row, print_page, print_table
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    client = Client()
    result = client.list_schedules(**filters)
    if not result.total and output_format == "table":
        click.echo(
            "No schedules match."
            if filtered(filters, "is_archived")
            else "No schedules yet: run a pipeline with schedule=Schedule(...) on an "
            "orchestrator that schedules (airflow)."
        )
        return
    pipelines = {p.id: p.name for p in client.list_pipelines(size=10_000)}

    def rows() -> list[dict[str, Any]]:
        return [
            model_row(s, pipeline=pipelines.get(s.pipeline_id) if s.pipeline_id else None)
            for s in result
        ]

    def table(caption: str) -> None:
        lines = []
        for s in result:
            when = s.cron_expression or (
                f"every {s.interval_second.total_seconds():g} s"
                if s.interval_second
                else f"once at {format_time(s.run_once_start_time)}"
            )
            lines.append(
                (
                    s.name,
                    str(pipelines.get(s.pipeline_id, "-") if s.pipeline_id else "-"),
                    when,
                    "yes" if s.active else "no",
                    format_time(s.created),
                )
            )
        print_table(["NAME", "PIPELINE", "WHEN", "ACTIVE", "CREATED"], lines, caption=caption)

    print_page(result, rows, columns, output_format, table=table, noun="schedules")


@schedule.command(name="update")
@click.argument("schedule_name_or_id", metavar="SCHEDULE_NAME_OR_ID")
@click.option("--cron-expression", "-c", required=True, help="The new cron expression.")
def update(schedule_name_or_id: str, cron_expression: str) -> None:
    """Change a schedule's cron expression (its orchestrator gets the new one)."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    changed = Client().update_schedule(schedule_name_or_id, cron_expression=cron_expression)
    success(f"Schedule '{changed.name}' now runs on '{changed.cron_expression}'.")


@schedule.command(name="activate")
@click.argument("schedule_name_or_id", metavar="SCHEDULE_NAME_OR_ID")
def activate(schedule_name_or_id: str) -> None:
    """Let a schedule's firings run again."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    changed = Client().update_schedule(schedule_name_or_id, active=True)
    success(f"Schedule '{changed.name}' is active.")


@schedule.command(name="deactivate")
@click.argument("schedule_name_or_id", metavar="SCHEDULE_NAME_OR_ID")
def deactivate(schedule_name_or_id: str) -> None:
    """Keep a schedule, but let its firings run nothing."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    changed = Client().update_schedule(schedule_name_or_id, active=False)
    success(f"Schedule '{changed.name}' is inactive: its firings run nothing.")


@schedule.command(name="delete")
@click.argument("schedule_name_or_id", metavar="SCHEDULE_NAME_OR_ID")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--hard", "-h", is_flag=True, help="Accepted for ZenML: a deleted schedule is always gone."
)
def delete(schedule_name_or_id: str, yes: bool, hard: bool) -> None:
    """Delete a schedule and withdraw it from its orchestrator; its runs stay."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    target = client.get_schedule(schedule_name_or_id)
    if not yes:
        click.confirm(f"Delete schedule '{target.name}'?", abort=True)
    client.delete_schedule(target.id)
    success(f"Deleted schedule '{target.name}'.")
