"""Steps, hooks and pipelines the orchestrator tests run on every orchestrator.

They live in an importable module (not in a test file) so that worker processes find them:
pytest puts this folder on sys.path, and orchestrators pass their sys.path to their workers.
State cannot be shared through globals across processes, so steps and hooks append events to
the file named by $STACKWISE_TEST_EVENTS (one line per event, appends are atomic) and tests
read it back with `read_events`.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from stackwise import get_step_context, log_artifact_metadata, log_metadata, pipeline, step
from stackwise.config.retry_config import StepRetryConfig

EVENTS_VAR = "STACKWISE_TEST_EVENTS"


@dataclass(frozen=True)
class Event:
    at: float
    pid: int
    what: str  # e.g. "start square_2", "end square_2", "hook on_failure explode ..."


def log_event(what: str) -> None:
    with open(os.environ[EVENTS_VAR], "a", encoding="utf-8") as events:
        events.write(f"{time.time():.6f} {os.getpid()} {what}\n")


def read_events() -> list[Event]:
    path = Path(os.environ[EVENTS_VAR])
    if not path.exists():
        return []
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        at, pid, what = line.split(" ", 2)
        events.append(Event(float(at), int(pid), what))
    return events


def count_events(what: str) -> int:
    return sum(e.what == what for e in read_events())


def _step_name() -> str:
    return get_step_context().step_run.name


def _mark(phase: str) -> None:
    log_event(f"{phase} {_step_name()}")


# -- a diamond with a fan-out, a fan-in and an after= edge ------------------------------------
@step
def source(value: int) -> Annotated[int, "seed"]:
    _mark("start")
    _mark("end")
    return value


@step
def square(seed: int, offset: int) -> int:
    _mark("start")
    time.sleep(0.05)
    _mark("end")
    return seed * seed + offset


@step
def add_four(a: int, b: int, c: int, d: int) -> Annotated[int, "total"]:
    _mark("start")
    _mark("end")
    return a + b + c + d


@step
def audit() -> None:
    """Takes no data: runs only because of `after=`."""
    _mark("start")
    _mark("end")


@pipeline(enable_cache=False)
def diamond(value: int = 3):
    seed = source(value)
    parts = [square(seed, offset=i) for i in range(4)]
    total = add_four(*parts)
    audit(after=[total])


@pipeline
def cacheable(value: int = 2):
    seed = source(value)
    add_four(square(seed, offset=0), square(seed, offset=1), square(seed, offset=2), seed)


# -- hooks ------------------------------------------------------------------------------------
def record_success() -> None:
    log_event(f"hook on_success {_step_name()}")


def record_failure(exception: BaseException) -> None:
    log_event(f"hook on_failure {_step_name()} {type(exception).__name__}: {exception}")


@step(on_success=record_success)
def hooked_ok() -> int:
    return 1


@step(on_failure=record_failure)
def hooked_bad(value: int) -> int:
    raise ValueError(f"bad value {value}")


@pipeline(enable_cache=False)
def hooked():
    hooked_bad(hooked_ok())


# -- retries ----------------------------------------------------------------------------------
@step(retry=StepRetryConfig(max_retries=2, delay=0))
def flaky() -> int:
    log_event("attempt flaky")
    attempt = count_events("attempt flaky")
    if attempt <= 2:
        raise ConnectionError(f"attempt {attempt} failed")
    return attempt


@step(retry=StepRetryConfig(max_retries=1, delay=0), on_failure=record_failure)
def hopeless() -> int:
    log_event("attempt hopeless")
    raise ConnectionError("never works")


@pipeline(enable_cache=False)
def retrying():
    flaky()
    hopeless()


# -- failures ---------------------------------------------------------------------------------
@step
def start() -> Annotated[int, "start_value"]:
    return 1


@step
def explode(value: int) -> Annotated[int, "exploded"]:
    raise ValueError("kaboom: the data is bad")


@step
def after_explode(value: int) -> int:
    log_event("ran after_explode")
    return value


@step
def independent(value: int) -> Annotated[int, "independent_result"]:
    _mark("start")
    time.sleep(0.2)  # still running when explode fails, on orchestrators that run both at once
    _mark("end")
    return value * 10


@pipeline(enable_cache=False)
def failing():
    value = start()
    after_explode(explode(value))
    independent(value)


# -- metadata ---------------------------------------------------------------------------------
@step
def described(rows: int) -> tuple[Annotated[list[int], "numbers"], Annotated[dict, "summary"]]:
    numbers = list(range(rows))
    log_artifact_metadata({"rows": rows, "kind": "numbers"}, artifact_name="numbers")
    log_metadata({"step_note": "made numbers", "rows": rows})
    return numbers, {"total": sum(numbers), "rows": rows}


@step
def versioned(numbers: list[int]) -> Annotated[str, "report"]:
    return f"{len(numbers)} numbers"


@pipeline(enable_cache=False)
def with_metadata(rows: int = 4):
    numbers, _summary = described(rows)
    versioned(numbers)


# -- only for orchestrators that run steps in worker processes --------------------------------
def _events_dir() -> Path:
    return Path(os.environ[EVENTS_VAR]).parent


@step
def meet(me: str, other: str) -> str:
    """Waits until `other` has started too: proves two steps run at the same time."""
    log_event(f"start {me}")
    (_events_dir() / f"met-{me}").touch()
    deadline = time.time() + 30
    while not (_events_dir() / f"met-{other}").exists():
        if time.time() > deadline:
            raise TimeoutError(f"'{other}' never started while '{me}' was running")
        time.sleep(0.02)
    return me


@pipeline(enable_cache=False)
def rendezvous():
    meet("left", "right", id="left")
    meet("right", "left", id="right")


@step
def sleeper() -> Annotated[int, "slept"]:
    """Writes its process id to `<events dir>/sleeper.pid`, then sleeps: a step to kill."""
    (_events_dir() / "sleeper.pid.tmp").write_text(str(os.getpid()))
    (_events_dir() / "sleeper.pid.tmp").rename(_events_dir() / "sleeper.pid")
    time.sleep(60)
    return 1


@pipeline(enable_cache=False)
def sleeping():
    after_explode(sleeper())


@step(timeout=1, on_failure=record_failure)
def overrunning() -> Annotated[int, "never"]:
    log_event("start overrunning")
    time.sleep(60)
    return 1


@step(timeout=0.5)
def stubborn() -> None:
    """Swallows the timeout raised inside it: only killing its process stops it."""
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            time.sleep(0.05)
        except Exception as error:  # noqa: BLE001 - the point of this step
            log_event(f"ignored {type(error).__name__}")


@pipeline(enable_cache=False)
def overrun():
    after_explode(overrunning())


@pipeline(enable_cache=False)
def unstoppable():
    stubborn()
