"""`stackwise pipeline`: run or plan a pipeline from its import path, list pipelines, list,
describe and resume runs. Listings page in SQL (`--page`, `--size`): a store with many runs
lists as fast as one with few."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from stackwise.enums import ExecutionStatus

STATUSES = [s.value for s in ExecutionStatus]


def page_options(f: Any) -> Any:
    f = click.option("--page", default=1, show_default=True, type=click.IntRange(min=1),
                     help="Which page to show.")(f)
    return click.option("--size", default=50, show_default=True,
                        type=click.IntRange(min=1, max=1000), help="Items per page.")(f)


@click.group()
def pipeline() -> None:
    """Run pipelines and inspect their runs."""


@pipeline.command(name="list")
@page_options
def list_(page: int, size: int) -> None:
    """List pipelines, newest first, with their latest run."""
    from stackwise.cli.output import format_time, page_caption, print_table
    from stackwise.client import Client

    result = Client().list_pipelines(page=page, size=size)
    if not result.total:
        click.echo("No pipelines yet: run one (stackwise pipeline run MODULE.PIPELINE).")
        return
    rows = []
    for p in result:
        try:
            last = p.last_run
            latest, status = last.name, str(last.status)
        except RuntimeError:  # no runs yet
            latest, status = "-", "-"
        rows.append((p.name, format_time(p.record.created), latest, status))
    print_table(["NAME", "CREATED", "LATEST RUN", "STATUS"], rows,
                caption=page_caption(result.index, result.total_pages, result.total,
                                     "pipelines"))


@pipeline.group()
def runs() -> None:
    """List, describe and resume pipeline runs."""


@runs.command(name="list")
@click.option("-p", "--pipeline", "pipeline_name", metavar="NAME",
              help="Only runs of this pipeline.")
@click.option("--status", type=click.Choice(STATUSES, case_sensitive=False),
              help="Only runs with this status.")
@page_options
def runs_list(pipeline_name: str | None, status: str | None, page: int, size: int) -> None:
    """List pipeline runs, newest first."""
    from stackwise.cli.output import format_duration, format_time, page_caption, print_table
    from stackwise.client import Client

    result = Client().list_pipeline_runs(pipeline_name=pipeline_name,
                                         status=status.lower() if status else None,
                                         page=page, size=size)
    if not result.total:
        click.echo("No pipeline runs match." if pipeline_name or status else
                   "No pipeline runs yet: run one (stackwise pipeline run MODULE.PIPELINE).")
        return
    print_table(["NAME", "PIPELINE", "STATUS", "CREATED", "DURATION"],
                [(r.name, r.pipeline_name, str(r.status), format_time(r.created),
                  format_duration(r.created, r.end_time)) for r in result],
                caption=page_caption(result.index, result.total_pages, result.total, "runs"))


@runs.command(name="describe")
@click.argument("run_name", metavar="RUN")
@click.option("--traceback", "show_traceback", is_flag=True,
              help="Print the full traceback of failed steps.")
def runs_describe(run_name: str, show_traceback: bool) -> None:
    """Show a run's steps, outputs and failures.

    RUN is a run name or id. Failed steps show their exception; --traceback adds where."""
    from stackwise.cli.output import format_duration, format_time, print_pairs, print_table
    from stackwise.client import Client

    client = Client()
    run = client.get_pipeline_run(run_name)
    stack_name = "-"
    if run.record.stack_id:
        try:
            stack_name = client.get_stack(run.record.stack_id).name
        except KeyError:
            stack_name = "(deleted)"
    print_pairs([("name", run.name), ("pipeline", run.pipeline_name),
                 ("status", str(run.status)), ("stack", stack_name),
                 ("created", format_time(run.created)), ("ended", format_time(run.end_time)),
                 ("duration", format_duration(run.created, run.end_time)), ("id", run.id)],
                title=f"Pipeline run '{run.name}'")

    steps = run.steps
    planned = list(run.spec.get("steps", {}))
    names = planned + [n for n in steps if n not in planned]
    rows = []
    for name in names:
        step = steps.get(name)
        if step is None:
            rows.append((name, "not run", "-", "-"))
            continue
        outputs = "\n".join(
            f"{'' if out == v.name else f'{out} -> '}{v.name} (version {v.version})"
            for out, versions in step.outputs.items() for v in versions)
        status = str(step.status)
        if step.attempt > 1:
            status += f" (attempt {step.attempt})"
        rows.append((name, status, outputs or "-",
                     format_duration(step.start_time, step.end_time)))
    print_table(["STEP", "STATUS", "OUTPUTS", "DURATION"], rows)

    for name, step in steps.items():
        info = step.exception_info
        if step.status != ExecutionStatus.FAILED or not info:
            continue
        kind = str(info.get("type", "Exception")).rsplit(".", 1)[-1]
        click.secho(f"Step '{name}' failed: {kind}: {info.get('message', '')}", fg="red")
        if show_traceback and info.get("traceback"):
            click.echo(info["traceback"].rstrip())
    if any(s.status == ExecutionStatus.FAILED for s in steps.values()) and not show_traceback:
        click.echo(f"Full traceback: stackwise pipeline runs describe {run.name} --traceback")


@runs.command(name="resume")
@click.argument("run_name", metavar="RUN")
@click.option("--stack", "stack_name", metavar="NAME",
              help="Resume on this stack instead of the active one (this run only).")
def runs_resume(run_name: str, stack_name: str | None) -> None:
    """Resume a failed run: reuse the steps that succeeded, run the rest.

    RUN is a run name or id. The new run (RUN-resume-N) records every step that completed in
    RUN as cached, pointing at its outputs, and runs the failed and skipped steps with their
    current code, imported from the current folder (or the installed packages). Nothing is
    created when RUN did not fail or when outputs it would reuse were deleted. Exits with 1
    when the new run fails.
    """
    from stackwise.client import Client
    from stackwise.exceptions import PipelineRunFailedError

    with _on_sys_path(os.getcwd()), _stack_env(stack_name):
        client = Client()
        if stack_name is not None:
            client.get_stack(stack_name)  # an unknown name fails here, with did-you-mean
        old = client.get_pipeline_run(run_name)
        click.echo(f"Resuming run '{old.name}' of pipeline '{old.pipeline_name}' on stack "
                   f"'{client.active_stack_name}'.")
        try:
            result = client.resume_run(old.id)
        except PipelineRunFailedError as error:
            _summary(error.run, old.pipeline_name)
            raise
    _summary(result, old.pipeline_name)


@contextmanager
def _on_sys_path(folder: str) -> Iterator[None]:
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        yield
    finally:
        if added and folder in sys.path:
            sys.path.remove(folder)


@contextmanager
def _stack_env(stack_name: str | None) -> Iterator[None]:
    """`--stack`: STACKWISE_STACK for this invocation only."""
    if stack_name is None:
        yield
        return
    previous = os.environ.get("STACKWISE_STACK")
    os.environ["STACKWISE_STACK"] = stack_name
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("STACKWISE_STACK", None)
        else:
            os.environ["STACKWISE_STACK"] = previous


def load_pipeline(source: str) -> Any:
    """`my_module.my_pipeline` (or `my_module:my_pipeline`) -> the @pipeline object, with the
    current folder importable."""
    from stackwise.exceptions import ConfigError, did_you_mean
    from stackwise.pipelines.pipeline import Pipeline

    module_name, _, attr = source.partition(":") if ":" in source else source.rpartition(".")
    if not module_name or not attr:
        raise click.UsageError(f"'{source}' is not MODULE.PIPELINE: give the module and the "
                               "pipeline's name, e.g. my_pipelines.training.")
    cwd = os.getcwd()
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        missing = error.name or ""
        if missing and (module_name == missing or module_name.startswith(missing + ".")):
            raise ConfigError(
                f"Cannot import module '{module_name}' (looked in {cwd} and the installed "
                "packages). Run from the folder that holds it, or give its dotted path."
            ) from error
        raise
    obj = getattr(module, attr, None)
    if obj is None:
        public = [n for n in dir(module) if not n.startswith("_")]
        raise ConfigError(f"Module '{module_name}' has no attribute '{attr}'."
                          f"{did_you_mean(attr, public)}")
    if not isinstance(obj, Pipeline):
        raise ConfigError(f"'{source}' is a {type(obj).__name__}, not a @pipeline; give the "
                          "decorated pipeline function.")
    return obj


@pipeline.command(name="run")
@click.argument("source", metavar="MODULE.PIPELINE")
@click.option("-c", "--config", "config_path", metavar="RUN.YAML",
              type=click.Path(exists=True, dir_okay=False),
              help="Run configuration: parameters, caching, run name, per-step settings.")
@click.option("--stack", "stack_name", metavar="NAME",
              help="Run on this stack instead of the active one (this run only).")
def run(source: str, config_path: str | None, stack_name: str | None) -> None:
    """Run a pipeline given as MODULE.PIPELINE.

    The module is imported from the current folder (or the installed packages). Prints the
    run's name and status; exits with 1 when the run fails.

    \b
    Example:
      stackwise pipeline run training.training_pipeline -c run.yaml --stack dev
    """
    from stackwise.client import Client
    from stackwise.exceptions import PipelineRunFailedError

    with _on_sys_path(os.getcwd()), _stack_env(stack_name):
        client = Client()
        if stack_name is not None:
            client.get_stack(stack_name)  # an unknown name fails here, with did-you-mean
        target = load_pipeline(source)
        if config_path is not None:
            target = target.with_options(config_path=config_path)
        click.echo(f"Running pipeline '{target.name}' on stack '{client.active_stack_name}'.")
        try:
            result = target()
        except PipelineRunFailedError as error:
            _summary(error.run, target.name)  # then the root command prints why, and exits 1
            raise
    _summary(result, target.name)


@pipeline.command(name="plan")
@click.argument("source", metavar="MODULE.PIPELINE")
@click.option("-c", "--config", "config_path", metavar="RUN.YAML",
              type=click.Path(exists=True, dir_okay=False),
              help="Run configuration: parameters, caching, run name, per-step settings.")
@click.option("--stack", "stack_name", metavar="NAME",
              help="Plan for this stack instead of the active one.")
def plan(source: str, config_path: str | None, stack_name: str | None) -> None:
    """Say which steps a run would execute, and why, without running anything.

    Each step is `cached` (an earlier completed run with the same cache key has outputs that
    still exist) or `will run`, with the reason: caching disabled, an upstream step runs, or
    which parts of the cache key (code, parameters, inputs, outputs/materializer, artifact
    store) changed since the step last completed.

    \b
    Example:
      stackwise pipeline plan training.training_pipeline -c run.yaml
    """
    from stackwise.cli.output import print_table
    from stackwise.client import Client

    with _on_sys_path(os.getcwd()), _stack_env(stack_name):
        client = Client()
        if stack_name is not None:
            client.get_stack(stack_name)
        target = load_pipeline(source)
        if config_path is not None:
            target = target.with_options(config_path=config_path)
        result = client.plan(target)
    print_table(["STEP", "PLAN", "WHY"],
                [(p.invocation_id, p.decision, p.reason) for p in result])
    count = len(result.will_run)
    click.echo(f"Pipeline '{result.pipeline_name}' on stack '{result.stack_name}': "
               f"{count} of {len(result.steps)} step(s) will run.")


def _summary(run: Any, pipeline_name: str) -> None:
    from stackwise.cli.output import print_table

    print_table(["STEP", "STATUS"], [(name, str(s.status)) for name, s in run.steps.items()])
    failed = run.status == ExecutionStatus.FAILED
    click.secho(f"Run '{run.name}' of pipeline '{pipeline_name}': {run.status}.",
                fg="red" if failed else "green")
