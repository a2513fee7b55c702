"""The root `stackwise` command.

Start-up must stay fast (`stackwise --help` within 200 ms), so this module imports only click and
the enums: every subcommand lives in its own module, imported when that subcommand runs, and the
short help shown by `--help` is kept here next to the module path. Do not import rich,
sqlalchemy, pydantic or `stackwise.client` at the top of this module.

Errors users cause (stackwise's own, `StackwiseError`: a name not found, bad input, a failed
run) print one red line on stderr and exit with 1; `--debug` or `STACKWISE_DEBUG=1` adds the
traceback. Any other exception is a bug in stackwise (or in a library under it): it says so,
prints the traceback, and exits with 2.
"""

from __future__ import annotations

import importlib
from typing import Any, NoReturn

import click

from stackwise.enums import StackComponentType

DEBUG_ENV = "STACKWISE_DEBUG"


def plural(noun: str) -> str:
    """`orchestrator` -> `orchestrators`, `container registry` -> `container registries`."""
    return f"{noun[:-1]}ies" if noun.endswith("y") else f"{noun}s"


# name -> ("module:attr", short help). The help is here so `--help` imports no subcommand.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "version": ("stackwise.cli.basic:version", "Show the stackwise version."),
    "init": ("stackwise.cli.basic:init", "Make a folder a stackwise project (.stackwise/)."),
    "status": (
        "stackwise.cli.basic:status",
        "Show the store, the active stack and where the configuration lives.",
    ),
    "server": ("stackwise.cli.server:server", "Run a stackwise server in the foreground."),
    "login": ("stackwise.cli.server:login", "Point this client at a stackwise server."),
    "logout": ("stackwise.cli.server:logout", "Point this client back at its local store."),
    "clean": (
        "stackwise.cli.basic:clean",
        "Delete all local metadata, artifacts, stacks and config (asks first).",
    ),
    "tag": ("stackwise.cli.tag:tag", "Register, list, update and delete tags."),
    "model": (
        "stackwise.cli.model:model",
        "Register and manage models, their versions and stages.",
    ),
    "db": ("stackwise.cli.db:db", "Manage the metadata store's schema."),
    "stack": ("stackwise.cli.stack:stack", "Register, activate and inspect stacks."),
    "pipeline": ("stackwise.cli.pipeline:pipeline", "Run pipelines and inspect their runs."),
    "artifact": (
        "stackwise.cli.artifact:artifact",
        "List, verify and prune artifacts and their versions.",
    ),
    "integration": (
        "stackwise.cli.integration:integration",
        "List and install integrations (MLflow, W&B, ...).",
    ),
    "secret": ("stackwise.cli.secret:secret", "Create and manage encrypted secrets."),
    "user": ("stackwise.cli.user:user", "Create and manage users and their roles."),
    "service-account": (
        "stackwise.cli.user:service_account",
        "Create and manage service accounts and their API keys.",
    ),
    "check": ("stackwise.cli.check:check", "Find common portability mistakes in pipeline code."),
    **{
        t.cli_name: (
            f"stackwise.cli.component:{t.value}",
            f"Register and manage {plural(t.value.replace('_', ' '))}.",
        )
        for t in StackComponentType
    },
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, from a name -> module:attr map."""

    def __init__(
        self, *args: Any, lazy_commands: dict[str, tuple[str, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy_commands:
            command = self._load(cmd_name)
        return command

    def _load(self, name: str) -> click.Command:
        module_name, _, attr = self.lazy_commands[name][0].partition(":")
        command = getattr(importlib.import_module(module_name), attr)
        if not isinstance(command, click.Command):
            raise TypeError(
                f"{module_name}:{attr} is a {type(command).__name__}, not a click command."
            )
        self.add_command(command, name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Like click's, but takes lazy commands' short help from the map (no import)."""
        limit = formatter.width - 6 - max((len(n) for n in self.list_commands(ctx)), default=0)
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None:
                if command.hidden:
                    continue
                rows.append((name, command.get_short_help_str(limit)))
            else:
                rows.append((name, self.lazy_commands[name][1]))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if (
            name
            and not name.startswith("-")
            and not ctx.resilient_parsing
            and self.get_command(ctx, name) is None
        ):
            import difflib

            close = difflib.get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            ctx.fail(f"No such command '{name}'.{hint} `{ctx.command_path} --help` lists them.")
        return super().resolve_command(ctx, args)


class RootGroup(LazyGroup):
    """The root group: turns errors users cause into one clean message and exit code 1."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run as the `stackwise` executable (or `python -m stackwise.cli.main`); click's
        CliRunner calls `main()` instead, so tests never get here. The process is ours, so
        the garbage collector can skip what start-up loads: see stackwise.utils.heap."""
        from stackwise.utils.heap import own_process

        own_process()
        return super().__call__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as error:  # noqa: BLE001 - every error ends as a message, bug or not
            if not is_user_error(error):
                report_bug(ctx, error)
            report_error(ctx, error)


def is_user_error(error: BaseException) -> bool:
    """Only stackwise's own errors are the user's to fix; a bare KeyError or ValueError
    from deep inside is a bug, and hiding it as "not found" would mislead."""
    from stackwise.exceptions import StackwiseError

    return isinstance(error, StackwiseError)


def report_bug(ctx: click.Context, error: BaseException) -> NoReturn:
    import traceback

    click.echo(
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
        err=True,
        nl=False,
    )
    click.secho(
        f"Internal error: {type(error).__name__}: {error}\nThis is a bug in stackwise "
        "(or a library it uses), not something you did. Please report it with the "
        "traceback above and the command you ran.",
        fg="red",
        err=True,
    )
    ctx.exit(2)


def error_message(error: BaseException) -> str:
    from stackwise.exceptions import StackwiseError

    if isinstance(error, KeyError) and not isinstance(error, StackwiseError) and error.args:
        return f"Not found: {error.args[0]}"  # KeyError's str() would add quotes
    return str(error) or type(error).__name__


def report_error(ctx: click.Context, error: BaseException) -> NoReturn:
    if ctx.params.get("debug"):  # --debug, or STACKWISE_DEBUG=1 through click's envvar
        import traceback

        click.echo(
            "".join(traceback.format_exception(type(error), error, error.__traceback__)),
            err=True,
            nl=False,
        )
    click.secho(f"Error: {error_message(error)}", fg="red", err=True)
    ctx.exit(1)


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """`stackwise --version`: as click's version option prints it (`stackwise, version X`),
    importing the package version only when asked."""
    if not value or ctx.resilient_parsing:
        return
    from stackwise import __version__

    click.echo(f"{ctx.find_root().info_name or 'stackwise'}, version {__version__}")
    ctx.exit()


@click.group(
    cls=RootGroup,
    lazy_commands=LAZY_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.option(
    "--debug",
    is_flag=True,
    envvar=DEBUG_ENV,
    help=f"Show the full traceback of errors (or set {DEBUG_ENV}=1).",
)
@click.option(
    "--version",
    "-v",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def cli(debug: bool) -> None:
    """stackwise: portable ML pipelines. Write steps once; choose where they run with a stack.

    Every command reads and changes the same metadata store as `stackwise.client.Client`
    (SQLite under STACKWISE_HOME, default ~/.stackwise).
    """


if __name__ == "__main__":
    cli(prog_name="stackwise")
