"""`stackwise pipeline`: run or plan a pipeline from its import path, list pipelines, list,
describe and resume runs. Listings page in SQL (`--page`, `--size`): a store with many runs
lists as fast as one with few."""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from stackwise.cli.options import PAGE_SIZE, filtered, list_kwargs, list_options
from stackwise.enums import ExecutionStatus

STATUSES = [s.value for s in ExecutionStatus]


def page_options(f: Any) -> Any:
    f = click.option(
        "--page",
        default=1,
        show_default=True,
        type=click.IntRange(min=1),
        help="Which page to show.",
    )(f)
    return click.option(
        "--size",
        default=PAGE_SIZE,
        show_default=True,
        type=click.IntRange(min=1, max=1000),
        help="Items per page.",
    )(f)


@click.group()
def pipeline() -> None:
    """Run pipelines and inspect their runs."""


@pipeline.command(name="list")
@list_options(
    "id",
    "created",
    "updated",
    "tags",
    "user",
    "project",
    "name",
    "latest_run_status",
    "latest_run_user",
)
def list_(**kwargs: Any) -> None:
    """List pipelines, newest first, with their latest run."""
    from stackwise.cli.output import format_time, model_row, print_page, print_table
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    result = Client().list_pipelines(**filters)
    if not result.total and output_format == "table":
        click.echo(
            "No pipelines match."
            if filtered(filters)
            else "No pipelines yet: run one (stackwise pipeline run MODULE.PIPELINE)."
        )
        return

    def rows() -> list[dict[str, Any]]:
        return [
            model_row(
                p,
                latest_run_id=p.latest_run_id,
                latest_run_status=p.latest_run_status,
                tags=[t.name for t in p.tags],
            )
            for p in result
        ]

    def table(caption: str) -> None:
        lines = []
        for p in result:
            try:
                last = p.last_run
                latest, status = last.name, str(last.status)
            except RuntimeError:  # no runs yet
                latest, status = "-", "-"
            lines.append((p.name, format_time(p.created), latest, status))
        print_table(["NAME", "CREATED", "LATEST RUN", "STATUS"], lines, caption=caption)

    print_page(result, rows, columns, output_format, table=table, noun="pipelines")


@pipeline.command(name="delete")
@click.argument("name")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def delete(name: str, yes: bool) -> None:
    """Delete pipeline NAME (a name or id) and all its runs; the artifact versions they made
    stay."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    target = client.get_pipeline(name)
    runs = target.num_runs
    if not yes:
        click.confirm(f"Delete pipeline '{target.name}' and its {_count(runs, 'run')}?", abort=True)
    client.delete_pipeline(target.id)
    success(f"Deleted pipeline '{target.name}' and its {_count(runs, 'run')}.")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@pipeline.group()
def runs() -> None:
    """List, describe, delete and resume pipeline runs."""


RUN_FILTERS = (
    "id",
    "created",
    "updated",
    "run_metadata",
    "tags",
    "user",
    "project",
    "name",
    "index",
    "orchestrator_run_id",
    "pipeline_id",
    "stack_id",
    "schedule_id",
    "build_id",
    "snapshot_id",
    "code_repository_id",
    "template_id",
    "source_snapshot_id",
    "model_version_id",
    "linked_to_model_version_id",
    "status",
    "in_progress",
    "start_time",
    "end_time",
    "pipeline_name",
    "pipeline",
    "stack",
    "code_repository",
    "model",
    "stack_component",
    "templatable",
    "triggered_by_step_run_id",
    "triggered_by_deployment_id",
    "trigger_id",
    "parent_run_id",
    "root_runs_only",
)
_BOOLEAN_FILTERS = ("in_progress", "templatable", "root_runs_only")


def _boolean(name: str, value: str) -> bool:
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise click.UsageError(f"--{name} takes true or false, not '{value}'.")


def _run_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The CLI's strings as the Client takes them: booleans, metadata `key:value`, statuses
    checked (an unknown status is a usage error, not an empty page)."""
    from stackwise.store.filters import split_operator

    for name in _BOOLEAN_FILTERS:
        if name in filters:
            filters[name] = _boolean(name, str(filters[name]))
    status = filters.get("status")
    if status is not None:
        op, value = split_operator(status)
        if op == "equals":
            if value.lower() not in STATUSES:
                raise click.UsageError(
                    f"--status '{value}' is not a run status; statuses are {', '.join(STATUSES)}."
                )
            filters["status"] = value.lower()
    if "run_metadata" in filters:
        key, sep, value = str(filters["run_metadata"]).partition(":")
        if not sep:
            raise click.UsageError(
                "--run_metadata takes KEY:VALUE, e.g. --run_metadata accuracy:0.9."
            )
        from stackwise.cli.component import parse_value

        filters["run_metadata"] = {key: parse_value(value)}
    return filters


@runs.command(name="list")
@list_options(*RUN_FILTERS, short={"pipeline": "-p"})
@click.option(
    "--wide",
    is_flag=True,
    help="Show whole run names and ids (by default they are shortened so that each "
    "run fits on one line).",
)
def runs_list(wide: bool, **kwargs: Any) -> None:
    """List pipeline runs, newest first (`-p NAME`/`--pipeline NAME`: one pipeline's)."""
    from stackwise.cli.output import (
        console_width,
        fit_to_width,
        format_duration,
        format_time,
        model_row,
        print_page,
        print_table,
    )
    from stackwise.client import Client

    filters, columns, output_format = list_kwargs(kwargs)
    filters = _run_filters(filters)
    client = Client()
    result = client.list_pipeline_runs(**filters)
    if not result.total and output_format == "table":
        click.echo(
            "No pipeline runs match."
            if filtered(filters)
            else "No pipeline runs yet: run one (stackwise pipeline run MODULE.PIPELINE)."
        )
        return

    def rows() -> list[dict[str, Any]]:
        stacks = {s.id: s.name for s in client.list_stacks(size=10_000)}
        return [
            model_row(
                r,
                pipeline=r.pipeline_name,
                run_name=r.name,
                status=str(r.status),
                stack=stacks.get(r.stack_id, "[DELETED]") if r.stack_id else "-",
                owner="default",
            )
            for r in result
        ]

    def table(caption: str) -> None:
        if wide:
            print_table(
                ["ID", "NAME", "PIPELINE", "STATUS", "CREATED", "DURATION"],
                [
                    (
                        str(r.id),
                        r.name,
                        r.pipeline_name,
                        str(r.status),
                        format_time(r.created),
                        format_duration(r.created, r.end_time),
                    )
                    for r in result
                ],
                caption=caption,
            )
            return
        # one line per run: ids shortened to a prefix `runs describe` takes, names cut in
        # the middle (their start and their timestamp stay) to fit the terminal
        columns = ["ID", "NAME", "PIPELINE", "STATUS", "CREATED", "DURATION"]
        rows = [
            [
                str(r.id)[:8],
                r.name,
                r.pipeline_name,
                str(r.status),
                format_time(r.created)[:16],
                format_duration(r.created, r.end_time),
            ]
            for r in result
        ]
        if fit_to_width(
            columns,
            rows,
            [(2, 12, "end"), (1, 12, "middle"), (2, 8, "end"), (1, 8, "middle")],
            console_width(),
        ):
            caption += " --wide: whole names."
        print_table(columns, rows, caption=caption, no_wrap=True)

    print_page(result, rows, columns, output_format, table=table, noun="runs")


@runs.command(name="delete")
@click.argument("run_name", metavar="RUN")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def runs_delete(run_name: str, yes: bool) -> None:
    """Delete run RUN (a name or id) and its step runs; the artifact versions they made
    stay."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    run = client.get_pipeline_run(run_name)
    if not yes:
        click.confirm(f"Delete pipeline run '{run.name}'?", abort=True)
    client.delete_pipeline_run(run.id)
    success(f"Deleted pipeline run '{run.name}'.")


@runs.command(name="refresh")
@click.argument("run_name", metavar="RUN")
@click.option("--include-steps", is_flag=True, help="Print each step's status too.")
def runs_refresh(run_name: str, include_steps: bool) -> None:
    """Refresh run RUN's status: a run whose orchestrator process died is marked failed."""
    from stackwise.cli.output import print_table, success
    from stackwise.client import Client

    run = Client().get_pipeline_run(run_name)  # reading a run settles its status
    success(f"Refreshed the status of pipeline run '{run.name}': {run.status}.")
    if include_steps:
        print_table(["STEP", "STATUS"], [(n, str(s.status)) for n, s in run.steps.items()])


@runs.command(name="describe")
@click.argument("run_name", metavar="RUN")
@click.option(
    "--traceback", "show_traceback", is_flag=True, help="Print the full traceback of failed steps."
)
def runs_describe(run_name: str, show_traceback: bool) -> None:
    """Show a run's steps, outputs and failures.

    RUN is a run name or id. Failed steps show their exception; --traceback adds where."""
    from stackwise.cli.output import format_duration, format_time, print_pairs, print_table
    from stackwise.client import Client
    from stackwise.exceptions import EntityNotFoundError

    client = Client()
    run = client.get_pipeline_run(run_name)
    stack_name = "-"
    if run.stack_id:
        try:
            stack_name = client.get_stack(run.stack_id).name
        except EntityNotFoundError:
            stack_name = "(deleted)"
    pairs = [
        ("name", run.name),
        ("pipeline", run.pipeline_name),
        ("status", str(run.status)),
        ("stack", stack_name),
        ("created", format_time(run.created)),
        ("ended", format_time(run.end_time)),
        ("duration", format_duration(run.created, run.end_time)),
        ("id", str(run.id)),
    ]
    if run.model_version_id is not None:
        version = run.model_version
        pairs.insert(
            4,
            (
                "model",
                f"{version.model.name} version {version.name}"
                if version is not None
                else "(version deleted)",
            ),
        )
    print_pairs(pairs, title=f"Pipeline run '{run.name}'")

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
            for out, versions in step.outputs.items()
            for v in versions
        )
        status = str(step.status)
        if step.attempt > 1:
            status += f" (attempt {step.attempt})"
        rows.append((name, status, outputs or "-", format_duration(step.start_time, step.end_time)))
    print_table(["STEP", "STATUS", "OUTPUTS", "DURATION"], rows)

    for name, step in steps.items():
        info = step.exception_info
        if step.status != ExecutionStatus.FAILED or not info:
            continue
        kind = str(info.source or "Exception").rsplit(".", 1)[-1]
        click.secho(f"Step '{name}' failed: {kind}: {info.message or ''}", fg="red")
        if show_traceback and info.traceback:
            click.echo(info.traceback.rstrip())
    if any(s.status == ExecutionStatus.FAILED for s in steps.values()) and not show_traceback:
        click.echo(f"Full traceback: stackwise pipeline runs describe {run.name} --traceback")


@runs.command(name="logs")
@click.argument("run_name", metavar="RUN")
@click.option("--step", "-s", "step_name", metavar="NAME", help="Only this step's logs.")
@click.option(
    "--follow", "-f", is_flag=True, help="Keep printing new lines until the run finishes."
)
def runs_logs(run_name: str, step_name: str | None, follow: bool) -> None:
    """Print what the steps of run RUN (a name or id) printed and logged, step by step."""
    from stackwise.cli.run_logs import print_run_logs

    print_run_logs(run_name, step_name, follow)


@runs.command(name="resume")
@click.argument("run_name", metavar="RUN")
@click.option(
    "--stack",
    "stack_name",
    metavar="NAME",
    help="Resume on this stack instead of the active one (this run only).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print no progress, only the outcome (as STACKWISE_QUIET=1).",
)
def runs_resume(run_name: str, stack_name: str | None, quiet: bool = False) -> None:
    """Resume a failed run: reuse the steps that succeeded, run the rest.

    RUN is a run name or id. The new run (RUN-resume-N) records every step that completed in
    RUN as cached, pointing at its outputs, and runs the failed and skipped steps with their
    current code, imported from the current folder (or the installed packages). Nothing is
    created when RUN did not fail or when outputs it would reuse were deleted. Exits with 1
    when the new run fails.
    """
    from stackwise.client import Client
    from stackwise.exceptions import PipelineRunFailedError

    with _on_sys_path(os.getcwd()), _stack_env(stack_name), _quiet_env(quiet):
        client = Client()
        if stack_name is not None:
            client.get_stack(stack_name)  # an unknown name fails here, with did-you-mean
        old = client.get_pipeline_run(run_name)
        if not quiet:
            click.echo(
                f"Resuming run '{old.name}' of pipeline '{old.pipeline_name}' on stack "
                f"'{client.active_stack_name}'."
            )
        try:
            result = client.resume_run(old.id)
        except PipelineRunFailedError as error:
            _summary(error.run, old.pipeline_name)
            raise
    _summary(result, old.pipeline_name)


@runs.command(name="retry")
@click.argument("run_name", metavar="RUN")
def runs_retry(run_name: str) -> None:
    """Retry a failed run on the stack it ran on: a new run (RUN-resume-N) reuses the steps
    that succeeded and runs the failed and skipped ones again (`runs resume --stack` picks
    another stack). Exits with 1 when the new run fails."""
    from stackwise.client import Client
    from stackwise.exceptions import EntityNotFoundError, IllegalOperationError

    client = Client()
    old = client.get_pipeline_run(run_name)
    if old.status != ExecutionStatus.FAILED:
        raise IllegalOperationError(
            f"Cannot retry run '{old.name}': it is {old.status}, not failed."
        )
    if old.stack_id is None:
        raise IllegalOperationError(
            f"Cannot retry run '{old.name}': it recorded no stack; "
            f"`stackwise pipeline runs resume {old.name} --stack NAME` "
            "picks one."
        )
    try:
        stack_name = client.get_stack(old.stack_id).name
    except EntityNotFoundError:
        raise IllegalOperationError(
            f"Cannot retry run '{old.name}': the stack it ran on was deleted; "
            f"`stackwise pipeline runs resume {old.name} --stack NAME` picks another."
        ) from None
    runs_resume.callback(run_name=str(old.id), stack_name=stack_name)  # type: ignore[misc]


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
def _quiet_env(quiet: bool) -> Iterator[None]:
    """`--quiet`: STACKWISE_QUIET=1 for this invocation only (worker processes inherit it)."""
    from stackwise.ui.console import QUIET_ENV

    if not quiet:
        yield
        return
    previous = os.environ.get(QUIET_ENV)
    os.environ[QUIET_ENV] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(QUIET_ENV, None)
        else:
            os.environ[QUIET_ENV] = previous


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
        raise click.UsageError(
            f"'{source}' is not MODULE.PIPELINE: give the module and the "
            "pipeline's name, e.g. my_pipelines.training."
        )
    from stackwise.utils.heap import imports_done

    imports_done()  # the user's code comes next: freeze only what stackwise loaded (utils/heap)
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
        raise ConfigError(
            f"Module '{module_name}' has no attribute '{attr}'.{did_you_mean(attr, public)}"
        )
    if not isinstance(obj, Pipeline):
        raise ConfigError(
            f"'{source}' is a {type(obj).__name__}, not a @pipeline; give the "
            "decorated pipeline function."
        )
    return obj


@pipeline.command(name="run")
@click.argument("source", metavar="MODULE.PIPELINE")
@click.option(
    "-c",
    "--config",
    "config_path",
    metavar="RUN.YAML",
    type=click.Path(exists=True, dir_okay=False),
    help="Run configuration: parameters, caching, run name, per-step settings.",
)
@click.option(
    "--stack",
    "stack_name",
    metavar="NAME",
    help="Run on this stack instead of the active one (this run only).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Print no progress, only the outcome (as STACKWISE_QUIET=1).",
)
def run(source: str, config_path: str | None, stack_name: str | None, quiet: bool) -> None:
    """Run a pipeline given as MODULE.PIPELINE.

    The module is imported from the current folder (or the installed packages). Shows each
    step as it starts and ends (a live table on a terminal), then the run's name and status;
    exits with 1 when the run fails.

    \b
    Example:
      stackwise pipeline run training.training_pipeline -c run.yaml --stack dev
    """
    from stackwise.client import Client
    from stackwise.exceptions import PipelineRunFailedError

    with _on_sys_path(os.getcwd()), _stack_env(stack_name), _quiet_env(quiet):
        client = Client()
        if stack_name is not None:
            client.get_stack(stack_name)  # an unknown name fails here, with did-you-mean
        target = load_pipeline(source)
        if config_path is not None:
            target = target.with_options(config_path=config_path)
        try:
            result = target()
        except PipelineRunFailedError as error:
            _summary(error.run, target.name)  # then the root command prints why, and exits 1
            raise
    _summary(result, target.name)


@pipeline.command(name="compile")
@click.argument("source", metavar="MODULE.PIPELINE")
@click.option(
    "-c",
    "--config",
    "config_path",
    metavar="RUN.YAML",
    type=click.Path(exists=True, dir_okay=False),
    help="Run configuration: parameters, caching, per-step settings.",
)
@click.option(
    "--stack",
    "stack_name",
    metavar="NAME",
    help="Compile for this stack's orchestrator instead of the active one's.",
)
@click.option(
    "-o",
    "--output",
    "output_dir",
    required=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the files into (created if missing).",
)
def compile_(
    source: str, config_path: str | None, stack_name: str | None, output_dir: Path
) -> None:
    """Write what the stack's orchestrator would submit for a pipeline (a KFP pipeline spec,
    a DAG file, manifests), without recording a run, uploading code, building or submitting.

    The step commands name the run as {{run_id}}: no run exists until one is submitted. On a
    stack with an image builder and a container registry, each image's build context goes to
    DIR/build/<key>/ and the files name the image that build would push.

    \b
    Example:
      stackwise pipeline compile training.training_pipeline --stack vertex-production -o build/
    """
    from stackwise.cli.output import success
    from stackwise.client import Client
    from stackwise.pipelines.remote_compile import compile_for_stack
    from stackwise.stack.active_stack import active_stack, load_stack

    with _on_sys_path(os.getcwd()), _stack_env(stack_name):
        client = Client()
        stack = load_stack(client.store, stack_name) if stack_name else active_stack(client.store)
        target = load_pipeline(source)
        if config_path is not None:
            target = target.with_options(config_path=config_path)
        written = compile_for_stack(target, stack, output_dir)
    success(
        f"Compiled pipeline '{target.name}' for stack '{stack.name}' "
        f"({stack.orchestrator.flavor}); nothing was submitted:"
    )
    for path in written:
        click.echo(f"  {path}")


@pipeline.command(name="register")
@click.argument("source", metavar="MODULE.PIPELINE")
@click.option(
    "-p",
    "--parameters",
    "parameters_path",
    metavar="PARAMS.JSON",
    type=click.Path(exists=True, dir_okay=False),
    help="A JSON file of the pipeline's parameters, to check they fit it.",
)
def register(source: str, parameters_path: str | None) -> None:
    """Register a pipeline without running it (it then shows in `pipeline list`).

    The pipeline is compiled first with the given parameters, so a mistake in it is found
    now, not at its first run."""
    import json

    from stackwise.cli.output import success
    from stackwise.exceptions import ConfigError

    parameters: dict[str, Any] = {}
    if parameters_path is not None:
        with open(parameters_path, encoding="utf-8") as stream:
            try:
                parameters = json.load(stream)
            except ValueError as error:
                raise ConfigError(f"{parameters_path} is not valid JSON: {error}.") from None
        if not isinstance(parameters, dict):
            raise ConfigError(f"{parameters_path} must hold a JSON object of parameters.")
    with _on_sys_path(os.getcwd()):
        target = load_pipeline(source)
        target.prepare(**parameters)
        registered = target.register()
    success(f"Registered pipeline '{registered.name}'.")


@pipeline.command(name="plan")
@click.argument("source", metavar="MODULE.PIPELINE")
@click.option(
    "-c",
    "--config",
    "config_path",
    metavar="RUN.YAML",
    type=click.Path(exists=True, dir_okay=False),
    help="Run configuration: parameters, caching, run name, per-step settings.",
)
@click.option(
    "--stack", "stack_name", metavar="NAME", help="Plan for this stack instead of the active one."
)
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
    print_table(["STEP", "PLAN", "WHY"], [(p.invocation_id, p.decision, p.reason) for p in result])
    count = len(result.will_run)
    click.echo(
        f"Pipeline '{result.pipeline_name}' on stack '{result.stack_name}': "
        f"{count} of {len(result.steps)} step(s) will run."
    )


@pipeline.command(name="build")
@click.argument("source", metavar="MODULE.PIPELINE")
@click.option(
    "-c",
    "--config",
    "config_path",
    metavar="RUN.YAML",
    type=click.Path(exists=True, dir_okay=False),
    help="Run configuration (its settings.docker count).",
)
@click.option(
    "--stack", "stack_name", metavar="NAME", help="Build for this stack instead of the active one."
)
@click.option(
    "-o",
    "--output",
    "output_path",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Also write the build (images, Dockerfiles, requirements, checksums) as YAML here.",
)
def build(
    source: str, config_path: str | None, stack_name: str | None, output_path: str | None
) -> None:
    """Build the images the steps of pipeline MODULE.PIPELINE run in, with the stack's image
    builder, and push them to its container registry; a recorded build with the same content
    (Docker settings, requirements, code when it is in the image) is reused instead.

    \b
    Example:
      stackwise pipeline build training.training_pipeline --stack production -o build.yaml
    """
    import yaml

    from stackwise.cli.output import success
    from stackwise.client import Client

    with _on_sys_path(os.getcwd()), _stack_env(stack_name):
        client = Client()
        if stack_name is not None:
            client.get_stack(stack_name)
        target = load_pipeline(source)
        result = target.build(config_path=config_path)
    if output_path is not None:
        with open(output_path, "w", encoding="utf-8") as stream:
            yaml.safe_dump(result.model_dump(mode="json"), stream, sort_keys=False)
    for key, item in result.images.items():
        click.echo(f"{key}: {item.image}")
    success(f"Build {result.id} of pipeline '{target.name}'.")


@pipeline.group(name="builds")
def builds() -> None:
    """List and delete pipeline builds."""


@builds.command(name="list")
def builds_list() -> None:
    """List the recorded pipeline builds, oldest first."""
    from stackwise.cli.output import print_table
    from stackwise.client import Client

    page = Client().list_builds(size=1000)
    if not page.items:
        click.echo("No pipeline builds yet: stackwise pipeline build MODULE.PIPELINE.")
        return
    print_table(
        ["ID", "CREATED", "IMAGES", "CHECKSUM"],
        [
            (
                str(b.id),
                f"{b.created:%Y-%m-%d %H:%M:%S}" if b.created else "",
                ", ".join(i.image for i in b.images.values()),
                (b.checksum or "")[:12],
            )
            for b in page.items
        ],
    )


@builds.command(name="delete")
@click.argument("build_id", metavar="ID")
@click.option("-y", "--yes", is_flag=True, help="Do not ask for confirmation.")
def builds_delete(build_id: str, yes: bool) -> None:
    """Delete the record of build ID (an id or unique prefix); its images stay in the
    registry, and the next run builds anew."""
    from stackwise.cli.output import success
    from stackwise.client import Client

    client = Client()
    found = client.get_build(build_id)
    if not yes:
        click.confirm(f"Delete build {found.id}?", abort=True)
    client.delete_build(str(found.id))
    success(f"Deleted build {found.id}.")


def _summary(run: Any, pipeline_name: str) -> None:
    from stackwise.cli.output import print_table
    from stackwise.ui.console import quiet, shows_progress

    if not shows_progress() and not quiet():  # else the run's progress listed every step
        print_table(["STEP", "STATUS"], [(name, str(s.status)) for name, s in run.steps.items()])
    failed = run.status == ExecutionStatus.FAILED
    click.secho(
        f"Run '{run.name}' of pipeline '{pipeline_name}': {run.status}.",
        fg="red" if failed else "green",
    )


def _add_schedule_group() -> None:
    from stackwise.cli.schedule import schedule

    pipeline.add_command(schedule)


_add_schedule_group()
