"""`stackwise pipeline runs logs RUN [--step NAME] [--follow]`: what each step of a run
printed and logged, step by step in the pipeline's order, read from the artifact store the
logs were written to; `--follow` keeps printing a running pipeline's new lines until the run
ends."""

from __future__ import annotations

import difflib
import time
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from stackwise.client import Client
    from stackwise.execution.log_reader import LogReader
    from stackwise.models.pipeline_run import PipelineRunResponse
    from stackwise.models.step_run import StepRunResponse

POLL_SECONDS = 0.5


def print_run_logs(run_name: str, step_name: str | None, follow: bool) -> None:
    from stackwise.client import Client

    client = Client()
    run = client.get_pipeline_run(run_name)
    if step_name is not None:
        _check_step(run, step_name)
    printer = _Printer(client, step_name)
    while True:
        printer.show(run)
        if not follow or run.status.is_finished:
            break
        time.sleep(POLL_SECONDS)
        run = client.get_pipeline_run(run.id)
    printer.show(client.get_pipeline_run(run.id) if follow else run)  # the last chunks
    if not printer.shown_any and not follow:
        click.echo(f"Run '{run.name}' has no step logs yet.")


def _check_step(run: PipelineRunResponse, step_name: str) -> None:
    known = list(run.spec.get("steps", {})) or list(run.steps)
    if step_name not in known:
        close = difflib.get_close_matches(step_name, known, n=1)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise click.BadParameter(
            f"run '{run.name}' has no step '{step_name}'; its steps: "
            f"{', '.join(known) or 'none'}.{hint}",
            param_hint="--step",
        )


class _Printer:
    """Prints each step run's logs once, under a header, then only what is new."""

    def __init__(self, client: Client, step_name: str | None) -> None:
        self.client = client
        self.step_name = step_name
        self.readers: dict[str, LogReader | None] = {}
        self.shown_any = False

    def show(self, run: PipelineRunResponse) -> None:
        planned = list(run.spec.get("steps", {}))
        records = self.client.store.list_step_runs(str(run.id))  # every attempt, in order
        order = {name: i for i, name in enumerate(planned)}
        records.sort(key=lambda r: (order.get(r.name, len(order)), r.attempt))
        from stackwise.models.step_run import StepRunResponse

        for record in records:
            if self.step_name is not None and record.name != self.step_name:
                continue
            step = StepRunResponse.from_record(record, self.client.store, run_spec=run.spec)
            self._show_step(step)

    def _show_step(self, step: StepRunResponse) -> None:
        from stackwise.execution.log_reader import LogReader, logs_artifact_store

        key = str(step.id)
        if key not in self.readers:
            attempt = f", attempt {step.attempt}" if step.attempt > 1 else ""
            click.secho(f"==> Step '{step.name}' ({step.status}{attempt}) <==", bold=True)
            self.shown_any = True
            logs = step.log_collection
            reader = None
            if logs:
                store = logs_artifact_store(logs[0], self.client.store)
                reader = LogReader(store, logs[0].uri or "")
            elif step.original_step_run_id is None:
                click.echo("(no logs kept: enable_step_logs was off)")
            else:
                click.echo("(cached: the step did not run)")
            self.readers[key] = reader
        reader = self.readers[key]
        if reader is not None:
            text = reader.read_new()
            if text:
                click.echo(text, nl=not text.endswith("\n"))
