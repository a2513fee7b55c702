"""How a run's progress is shown: `PlainView` prints one line per step start and end (ZenML's
lines: "Step train has started.", "Step train has finished in 0.042s.", "Using cached version
of step load."), `LiveView` keeps a table of every step — status, duration, cached mark,
transfers under way — redrawn in place on a terminal (rich, imported only then).

Both are fed by `RunState`, which the run's progress (stackwise.execution.progress) updates
from the step events of this process and of its worker processes; the views draw, nothing
else. While the live view runs, what the process writes to stdout and stderr (a step's prints,
log records) is printed above the table, never through it.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TextIO

from stackwise.ui.console import format_bytes, format_seconds, status_style

FINISHED = ("completed", "cached", "failed", "stopped", "cancelled", "skipped", "not run")


@dataclass
class StepState:
    name: str
    status: str = "pending"
    started: float | None = None  # time.monotonic() in this process, when it was seen starting
    duration: float | None = None
    error: str | None = None
    transfer: tuple[str, int, int] | None = None  # label, bytes done, bytes in all

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


class RunState:
    """Every step of a run as the progress view knows it, in the order they were planned or
    first seen (a dynamic pipeline's steps appear as its function calls them)."""

    def __init__(self, planned: Iterable[str] = ()) -> None:
        self.steps: dict[str, StepState] = {name: StepState(name) for name in planned}
        self.lock = threading.RLock()

    def step(self, name: str) -> StepState:
        found = self.steps.get(name)
        if found is None:
            found = self.steps[name] = StepState(name)
        return found

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for state in self.steps.values():
            counts[state.status] = counts.get(state.status, 0) + 1
        return counts


def _first_line(text: str | None, limit: int = 300) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


class PlainView:
    """One line per step start and end on stdout (looked up at each line: a log capture or a
    test may have swapped it), flushed at once so the lines interleave rightly with the
    step's own output."""

    live = False

    def __init__(self, state: RunState, header: str | None = None) -> None:
        self.state = state
        self.header = header

    def _line(self, text: str) -> None:
        stream = sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def start(self) -> None:
        if self.header:
            self._line(self.header)

    def started(self, name: str) -> None:
        self._line(f"Step {name} has started.")

    def finished(self, state: StepState) -> None:
        name, took = state.name, state.duration
        if state.status == "cached":
            self._line(f"Using cached version of step {name}.")
        elif state.status == "failed":
            after = f" after {format_seconds(took)}" if took is not None else ""
            error = f": {_first_line(state.error)}" if state.error else "."
            self._line(f"Step {name} has failed{after}{error}")
        elif state.status == "completed":
            self._line(
                f"Step {name} has finished in {format_seconds(took)}."
                if took is not None
                else f"Step {name} has finished."
            )
        else:
            self._line(f"Step {name} has ended: {state.status}.")

    def transfer(self, state: StepState) -> None:
        """Plain output shows no transfers (ZenML prints none either)."""

    def close(self, lines: list[tuple[str, str]]) -> None:
        for text, _style in lines:
            self._line(text)


_ICONS = {
    "completed": "✔",
    "cached": "↺",
    "failed": "✘",
    "pending": "·",
    "skipped": "-",
    "not run": "-",
    "stopped": "■",
    "cancelled": "■",
}
_ASCII_ICONS = {
    "completed": "+",
    "cached": "=",
    "failed": "x",
    "pending": ".",
    "skipped": "-",
    "not run": "-",
    "stopped": "#",
    "cancelled": "#",
}
_FINAL_ROWS = 60  # more steps than this: the final table lists the failed ones and counts


class LiveView:
    """The live table of a run's steps (rich `Live`), redrawn about 8 times a second and on
    every step event. stdout and stderr are redirected above the table while it is shown;
    `console` is the terminal it draws on (tests pass one with force_terminal=True)."""

    live = True

    def __init__(
        self,
        state: RunState,
        header: str | None = None,
        console: Any = None,
        stream: TextIO | None = None,
    ) -> None:
        from rich.console import Console
        from rich.live import Live

        self.state = state
        self.header = header
        if console is None:
            stream = stream if stream is not None else sys.stdout
            stream = getattr(stream, "rich_proxied_file", stream)  # never draw into a proxy
            console = Console(file=stream, highlight=False)
        self.console = console
        encoding = (getattr(console, "encoding", "") or "").lower()
        self.icons = _ICONS if "utf" in encoding else _ASCII_ICONS
        self._spinners: dict[str, Any] = {}
        self._final = False
        self.live_display = Live(
            console=console,
            get_renderable=self._render,
            refresh_per_second=8,
            transient=False,
            redirect_stdout=True,
            redirect_stderr=True,
        )

    def start(self) -> None:
        from rich.text import Text

        if self.header:
            self.console.print(Text(self.header))
        self.live_display.start()

    def started(self, name: str) -> None:
        self._refresh()

    def finished(self, state: StepState) -> None:
        self._refresh()

    def transfer(self, state: StepState) -> None:
        """Transfers are drawn at the next refresh."""

    def _refresh(self) -> None:
        try:
            self.live_display.refresh()
        except Exception:  # noqa: BLE001,S110 - drawing must never fail a run
            pass

    def close(self, lines: list[tuple[str, str]]) -> None:
        from rich.text import Text

        self._final = True
        try:
            self.live_display.stop()
        finally:
            for text, style in lines:
                self.console.print(Text(text, style=style))

    # -- drawing ---------------------------------------------------------------------
    def _render(self) -> Any:
        from rich.console import Group
        from rich.table import Table
        from rich.text import Text

        with self.state.lock:
            steps = [StepState(**vars(s)) for s in self.state.steps.values()]
            counts = self.state.counts()
        shown, hidden = self._choose(steps)
        width = max((len(s.name) for s in shown), default=4)
        table = Table.grid(padding=(0, 1))
        table.add_column(width=1, no_wrap=True)
        table.add_column(min_width=min(width, 40), max_width=40, no_wrap=True, overflow="ellipsis")
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True, overflow="ellipsis")
        now = time.monotonic()
        for state in shown:
            table.add_row(
                self._icon(state),
                Text(state.name),
                Text(state.status, style=status_style(state.status)),
                Text(self._duration(state, now), style="dim"),
                self._note(state),
            )
        if not hidden:
            return table
        summary = " · ".join(f"{n} {status}" for status, n in counts.items())
        return Group(table, Text(f"{len(steps)} steps: {summary}", style="dim"))

    def _choose(self, steps: list[StepState]) -> tuple[list[StepState], int]:
        """The rows to draw and how many were left out: all of them when they fit on the
        screen; else running and failed steps first, then the latest finished, then the next
        pending ones."""
        room = _FINAL_ROWS if self._final else max(4, self.console.size.height - 4)
        if len(steps) <= room:
            return steps, 0
        if self._final:
            failed = [s for s in steps if s.status == "failed"][:room]
            return failed, len(steps) - len(failed)
        running = [s for s in steps if s.status in ("running", "failed")]
        done = [s for s in steps if s.finished and s.status != "failed"]
        pending = [s for s in steps if not s.finished and s.status != "running"]
        chosen = running[:room]
        left = room - len(chosen)
        chosen += done[-(left // 2) :] if left // 2 else []
        chosen += pending[: room - len(chosen)]
        order = {s.name: i for i, s in enumerate(steps)}
        chosen.sort(key=lambda s: order[s.name])
        return chosen, len(steps) - len(chosen)

    def _icon(self, state: StepState) -> Any:
        from rich.spinner import Spinner
        from rich.text import Text

        if state.status == "running":
            spinner = self._spinners.get(state.name)
            if spinner is None:
                spinner = self._spinners[state.name] = Spinner("dots", style="yellow")
            return spinner
        return Text(self.icons.get(state.status, "?"), style=status_style(state.status))

    @staticmethod
    def _duration(state: StepState, now: float) -> str:
        if state.duration is not None:
            return format_seconds(state.duration)
        if state.status == "running" and state.started is not None:
            return f"{now - state.started:.1f}s"
        return ""

    @staticmethod
    def _note(state: StepState) -> Any:
        from rich.table import Table
        from rich.text import Text

        if state.status == "failed" and state.error:
            return Text(_first_line(state.error, 200), style="red")
        if state.transfer is not None and state.status == "running":
            from rich.progress_bar import ProgressBar

            label, done, total = state.transfer
            grid = Table.grid(padding=(0, 1))
            grid.add_row(
                Text(label, style="dim"),
                ProgressBar(total=total or 1, completed=done, width=20),
                Text(f"{format_bytes(done)} / {format_bytes(total)}", style="dim"),
            )
            return grid
        return Text("")
