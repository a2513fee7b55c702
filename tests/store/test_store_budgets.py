"""The store's budgets from DESIGN.md, counted in SQL (never timed): an executed step costs
exactly 2 write transactions, a cached step 1 read + 1 write, and a run's statement count grows
by a constant per step (no N+1 reads).

On SQLite writes begin with `BEGIN IMMEDIATE` and reads with `BEGIN`; on PostgreSQL a write
transaction's first statement takes the write lock (`pg_advisory_xact_lock`) and the driver
begins reads implicitly (no statement to see, so `read_tx` stays 0 there). See
store/sql/engine.py. A `before_cursor_execute` listener on the store's engine tells them
apart."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event

from stackwise import pipeline, step
from stackwise.execution.step_runner import StepRunner
from stackwise.store import get_store


@step
def seed() -> int:
    return 0


@step
def increment(value: int) -> int:
    return value + 1


def chain(length: int, *, enable_cache: bool):
    """A pipeline `seed -> increment -> increment ...` with `length` increments."""

    @pipeline(
        name=f"chain_{length}_{'cached' if enable_cache else 'uncached'}", enable_cache=enable_cache
    )
    def chained():
        value = seed()
        for _ in range(length):
            value = increment(value)

    return chained


@dataclass
class SqlLog:
    """Statements seen on the store's engine, attributed to the step running at the time."""

    current_step: str | None = None
    statements: list[tuple[str | None, str]] = field(default_factory=list)

    def kinds(self, step_name: str | None = "*") -> Counter[str]:
        counts: Counter[str] = Counter()
        for owner, statement in self.statements:
            if step_name == "*" or owner == step_name:
                counts[_kind(statement)] += 1
        return counts

    def steps(self) -> list[str]:
        return list(dict.fromkeys(o for o, _ in self.statements if o is not None))


def _kind(statement: str) -> str:
    words = statement.split()
    if words[:2] == ["BEGIN", "IMMEDIATE"] or "pg_advisory_xact_lock" in statement:
        return "write_tx"
    if words[:1] == ["BEGIN"]:
        return "read_tx"
    return words[0].lower() if words else ""


@contextmanager
def sql_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[SqlLog]:
    log = SqlLog()
    engine = get_store().engine
    original_run = StepRunner.run

    def attributed_run(self: StepRunner, invocation_id: str):  # type: ignore[no-untyped-def]
        log.current_step = invocation_id
        try:
            return original_run(self, invocation_id)
        finally:
            log.current_step = None

    def listener(_conn, _cursor, statement, _params, _context, _executemany):  # type: ignore[no-untyped-def]
        log.statements.append((log.current_step, statement))

    monkeypatch.setattr(StepRunner, "run", attributed_run)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", listener)


def test_an_executed_step_costs_exactly_two_write_transactions(monkeypatch):
    pipe = chain(3, enable_cache=False)
    pipe()  # the first run also creates the pipeline and the default stack
    with sql_log(monkeypatch) as log:
        run = pipe()
    assert all(s.status == "completed" for s in run.steps.values())
    assert log.steps() == ["seed", "increment", "increment_2", "increment_3"]
    for name in log.steps():
        kinds = log.kinds(name)
        assert kinds["write_tx"] == 2, f"{name}: {kinds}"
        assert kinds["read_tx"] == 0, f"{name}: an uncached step needs no read ({kinds})"


def test_an_executed_step_with_caching_on_adds_only_the_cache_lookup(monkeypatch):
    pipe = chain(2, enable_cache=True)
    with sql_log(monkeypatch) as log:
        run = pipe()
    assert all(s.status == "completed" for s in run.steps.values())
    for name in log.steps():
        kinds = log.kinds(name)
        assert kinds["write_tx"] == 2, f"{name}: {kinds}"
        # the cache lookup is one SELECT on its own: SQLite needs no BEGIN for it
        assert kinds["read_tx"] == 0, f"{name}: {kinds}"


def test_a_cached_step_costs_one_read_and_one_write(monkeypatch):
    pipe = chain(3, enable_cache=True)
    pipe()
    with sql_log(monkeypatch) as log:
        run = pipe()
    assert all(s.status == "cached" for s in run.steps.values())
    assert log.steps() == ["seed", "increment", "increment_2", "increment_3"]
    for name in log.steps():
        kinds = log.kinds(name)
        assert kinds["read_tx"] == 0, f"{name}: the one read needs no transaction ({kinds})"
        assert kinds["write_tx"] == 1, f"{name}: {kinds}"
        assert kinds["select"] == 1, f"{name}: one query finds the step run and its outputs"


def _run_statements(monkeypatch, length: int, *, enable_cache: bool) -> Counter[str]:
    pipe = chain(length, enable_cache=enable_cache)
    pipe()
    with sql_log(monkeypatch) as log:
        pipe()
    return log.kinds()


@pytest.mark.parametrize("enable_cache", [False, True], ids=["executed", "cached"])
def test_a_runs_statements_grow_by_a_constant_per_step(monkeypatch, enable_cache: bool):
    """Everything around the steps (stack, pipeline, run bookkeeping) costs the same for 2 and
    for 6 steps: the difference is 4 times one step's cost, with no per-step extras outside
    the StepRunner."""
    short = _run_statements(monkeypatch, 2, enable_cache=enable_cache)
    long = _run_statements(monkeypatch, 6, enable_cache=enable_cache)
    per_step = {kind: (long[kind] - short[kind]) / 4 for kind in {*short, *long, "read_tx"}}
    if enable_cache:
        assert per_step["select"] == 1 and per_step["write_tx"] == 1, per_step
        assert per_step["read_tx"] == 0, per_step
    else:
        assert per_step["read_tx"] == 0 and per_step["write_tx"] == 2, per_step
    assert all(v == int(v) for v in per_step.values()), per_step


def test_reading_a_run_and_its_steps_does_not_query_per_step(monkeypatch):
    from stackwise.client import Client

    short, long = chain(2, enable_cache=False), chain(8, enable_cache=False)
    short.with_options(run_name="short-run")()
    long.with_options(run_name="long-run")()

    def statements_to_read(run_name: str) -> int:
        with sql_log(monkeypatch) as log:
            run = Client().get_pipeline_run(run_name)
            for step_run in run.steps.values():
                _ = step_run.inputs, step_run.outputs, step_run.status
        return sum(1 for _, s in log.statements if _kind(s) == "select")

    assert statements_to_read("short-run") == statements_to_read("long-run")


@pytest.mark.parametrize("enable_cache", [False, True], ids=["executed", "cached"])
def test_a_model_adds_no_write_per_step(monkeypatch, enable_cache: bool):
    """With a model, a step's outputs are linked to the run's model version inside the step's
    own final write: an executed step stays at 2 write transactions, a cached one at 1, and no
    step reads the model version (it is resolved once, before the run is recorded)."""
    from stackwise import Model

    pipe = chain(3, enable_cache=enable_cache).with_options(model=Model(name="budget"))
    pipe()
    with sql_log(monkeypatch) as log:
        run = pipe()
    assert run.model_version.number == 2
    assert set(run.model_version.data_artifact_ids)  # the outputs are linked
    for name in log.steps():
        kinds = log.kinds(name)
        assert kinds["write_tx"] == (1 if enable_cache else 2), f"{name}: {kinds}"
        assert kinds["read_tx"] == 0, f"{name}: {kinds}"
