"""The live view a run shows on a terminal: drawn with rich on a console forced to be a
terminal, and for real on a pseudo-terminal (a script run under `pty`), where the steps'
own output must appear above the table, not through it."""

from __future__ import annotations

import io
import logging
import os
import re
import sys
from pathlib import Path

import pytest
from rich.console import Console
from tests.fixtures.pty_run import plain, run_in_pty

from stackwise.ui.console import ConsoleHandler, ensure_console_logging, format_seconds
from stackwise.ui.run_view import LiveView, PlainView, RunState


def terminal() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(
        file=buffer, force_terminal=True, width=100, height=30, color_system="truecolor"
    ), buffer


def test_live_view_draws_each_step_with_status_duration_and_cached_mark() -> None:
    state = RunState(["load", "train", "evaluate", "report"])
    console, buffer = terminal()
    view = LiveView(state, "Running pipeline 'demo' on stack 'default'.", console=console)
    view.start()
    state.step("load").status, state.step("load").duration = "cached", None
    view.finished(state.step("load"))
    state.step("train").status, state.step("train").started = "running", 0.0
    view.started("train")
    state.step("train").status, state.step("train").duration = "completed", 0.042
    view.finished(state.step("train"))
    evaluate = state.step("evaluate")
    evaluate.status, evaluate.duration, evaluate.error = "failed", 1.5, "ValueError: bad data"
    view.finished(evaluate)
    view.close(
        [
            (
                "Pipeline run 'demo-1' has failed after 1.600s (failed: evaluate; not run: "
                "report).",
                "red",
            ),
            ("Inspect it: stackwise pipeline runs describe demo-1", "dim"),
        ]
    )
    drawn = buffer.getvalue()
    assert "\x1b[" in drawn  # a terminal: colours and cursor moves
    text = plain(drawn)
    final = text[text.rindex("load") :]  # the last frame, then the summary
    for expected in (
        "load",
        "cached",
        "train",
        "completed",
        "0.042s",
        "evaluate",
        "failed",
        "1.500s",
        "ValueError: bad data",
        "report",
        "pending",
        "Inspect it: stackwise pipeline runs describe demo-1",
    ):
        assert expected in final, (expected, final)
    assert text.startswith("Running pipeline 'demo' on stack 'default'.")
    assert "\x1b[32m" in drawn or "\x1b[38;2;0;128;0m" in drawn  # completed is green


def test_live_view_of_many_steps_keeps_to_the_screen() -> None:
    state = RunState([f"step_{i}" for i in range(100)])
    for i in range(60):
        state.step(f"step_{i}").status, state.step(f"step_{i}").duration = "completed", 0.1
    state.step("step_60").status, state.step("step_60").started = "running", 0.0
    console, buffer = terminal()
    view = LiveView(state, console=console)
    view.start()
    view.close([])
    last_frame = plain(buffer.getvalue()).split("100 steps:")[0].splitlines()
    assert "100 steps: 60 completed" in plain(buffer.getvalue())
    assert sum("step_" in line for line in last_frame[-30:]) <= 30


def test_plain_view_lines_are_zenml_s(capsys: pytest.CaptureFixture[str]) -> None:
    state = RunState(["a", "b", "c"])
    view = PlainView(state, "Running pipeline 'p' on stack 's'.")
    view.start()
    view.started("a")
    state.step("a").status, state.step("a").duration = "completed", 0.0421
    view.finished(state.step("a"))
    state.step("b").status = "cached"
    view.finished(state.step("b"))
    state.step("c").status, state.step("c").duration = "failed", 2.0
    state.step("c").error = "KeyError: 'x'\nmore lines"
    view.finished(state.step("c"))
    assert capsys.readouterr().out.splitlines() == [
        "Running pipeline 'p' on stack 's'.",
        "Step a has started.",
        "Step a has finished in 0.042s.",
        "Using cached version of step b.",
        "Step c has failed after 2.000s: KeyError: 'x'",
    ]


def test_durations_read_as_zenml_s() -> None:
    assert format_seconds(0.0421) == "0.042s"
    assert format_seconds(125.2) == "2m5s"
    assert format_seconds(3723) == "1h2m3s"


def test_console_logging_is_left_to_a_process_that_configured_logging() -> None:
    # pytest gives the root logger handlers: stackwise adds none of its own then
    ensure_console_logging()
    assert not any(isinstance(h, ConsoleHandler) for h in logging.getLogger("stackwise").handlers)


LIVE_SCRIPT = """
import time
from stackwise import pipeline, step


@step(enable_cache=False)
def prepare() -> int:
    print("preparing the data")
    time.sleep(0.3)
    return 1


@step
def fit(x: int) -> int:
    time.sleep(0.3)
    return x + 1


@pipeline
def live_demo():
    fit(prepare())


if __name__ == "__main__":
    live_demo()
"""


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
@pytest.mark.parametrize("orchestrator", ["local", "local_parallel"])
def test_a_run_on_a_terminal_shows_the_live_view(tmp_path: Path, orchestrator: str) -> None:
    from stackwise.client import Client

    env = {}
    if orchestrator == "local_parallel":
        client = Client()
        client.create_stack_component("par", "local_parallel", "orchestrator", {})
        client.create_stack("par", {"orchestrator": "par", "artifact_store": "default"})
        env["STACKWISE_STACK"] = "par"
    script = tmp_path / "live_demo.py"
    script.write_text(LIVE_SCRIPT)
    for _ in range(2):  # the second run: `fit` is cached
        code, drawn = run_in_pty([sys.executable, str(script)], env=env)
        assert code == 0, drawn
    text = plain(drawn)
    assert "\x1b[" in drawn  # drawn, not printed line by line
    assert "Step prepare has started." not in text
    final = text[text.rindex("prepare") :]
    assert "completed" in final and "fit" in final and "cached" in final
    assert "Pipeline run 'live_demo-" in final and "has finished in" in final
    assert "Inspect it: stackwise pipeline runs describe live_demo-" in final
    # the step's print is above the table: the table is erased, the line printed whole on
    # its own, then the table drawn again below it
    assert re.search(r"\x1b\[2K(\x1b\[1A\x1b\[2K)*preparing the data\r\n", drawn), drawn


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")
def test_quiet_on_a_terminal_draws_nothing(tmp_path: Path) -> None:
    script = tmp_path / "live_demo.py"
    script.write_text(LIVE_SCRIPT)
    code, drawn = run_in_pty([sys.executable, str(script)], env={"STACKWISE_QUIET": "1"})
    assert code == 0, drawn
    assert plain(drawn).split() == ["preparing", "the", "data"]
