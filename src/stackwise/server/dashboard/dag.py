"""A run's DAG laid out on the server, from the run's spec (its steps and their upstream
edges) and its step runs (status, cached mark, duration): the page draws it as inline SVG, so
the browser needs no graph library and the first render shows the whole graph.

Columns are a step's depth (the longest path from a root), rows its order within the column;
steps a dynamic pipeline ran that its spec does not list get a column of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from stackwise.store.records import StepRunRecord
from stackwise.ui.console import format_seconds

NODE_WIDTH, NODE_HEIGHT = 190, 54
GAP_X, GAP_Y, MARGIN = 70, 22, 12


@dataclass(frozen=True)
class StepState:
    """What the DAG and the status endpoint say about one step."""

    name: str
    status: str
    cached: bool
    duration: str

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "cached": self.cached,
            "duration": self.duration,
        }


@dataclass(frozen=True)
class Node:
    state: StepState
    x: int
    y: int


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    path: str  # the SVG path's `d`


@dataclass(frozen=True)
class Dag:
    nodes: list[Node]
    edges: list[Edge]
    width: int
    height: int


def step_states(step_runs: Iterable[StepRunRecord], planned: Iterable[str]) -> dict[str, StepState]:
    """Each step's latest attempt; steps of the spec that have not started are `pending`."""
    latest: dict[str, StepRunRecord] = {}
    for record in step_runs:
        seen = latest.get(record.name)
        if seen is None or record.attempt >= seen.attempt:
            latest[record.name] = record
    states = {name: StepState(name, "pending", False, "") for name in planned}
    for name, record in latest.items():
        duration = ""
        if record.end_time is not None and record.start_time is not None:
            duration = format_seconds((record.end_time - record.start_time).total_seconds())
        states[name] = StepState(name, record.status, record.status == "cached", duration)
    return states


def _upstream(step: Mapping[str, Any]) -> list[str]:
    found = list(step.get("upstream") or [])
    for source in (step.get("inputs") or {}).values():
        if isinstance(source, Mapping) and source.get("step") and source["step"] not in found:
            found.append(source["step"])
    return found


def layout(spec: Mapping[str, Any], states: Mapping[str, StepState]) -> Dag:
    """Positions for every step of `spec` and of `states`, and the edges between them."""
    steps: Mapping[str, Any] = spec.get("steps") or {}
    parents = {name: [p for p in _upstream(step) if p in steps] for name, step in steps.items()}
    depth: dict[str, int] = {}

    def depth_of(name: str, seen: frozenset[str] = frozenset()) -> int:
        if name not in depth:
            if name in seen:  # a cycle cannot be in a validated spec; never loop on one
                return 0
            ups = [depth_of(p, seen | {name}) + 1 for p in parents.get(name, [])]
            depth[name] = max(ups, default=0)
        return depth[name]

    for name in steps:
        depth_of(name)
    extra_column = max(depth.values(), default=-1) + 1
    for name in states:
        depth.setdefault(name, extra_column)  # run, but not in the spec (dynamic pipelines)
    rows: dict[int, int] = {}
    nodes: dict[str, Node] = {}
    for name in [*steps, *(n for n in states if n not in steps)]:
        column = depth[name]
        row = rows.get(column, 0)
        rows[column] = row + 1
        state = states.get(name) or StepState(name, "pending", False, "")
        nodes[name] = Node(
            state,
            MARGIN + column * (NODE_WIDTH + GAP_X),
            MARGIN + row * (NODE_HEIGHT + GAP_Y),
        )
    edges = []
    for name, ups in parents.items():
        for parent in ups:
            a, b = nodes[parent], nodes[name]
            x1, y1 = a.x + NODE_WIDTH, a.y + NODE_HEIGHT // 2
            x2, y2 = b.x, b.y + NODE_HEIGHT // 2
            bend = GAP_X // 2
            path = f"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}"
            edges.append(Edge(parent, name, path))
    columns = max(rows, default=0) + 1
    width = 2 * MARGIN + columns * NODE_WIDTH + (columns - 1) * GAP_X
    height = 2 * MARGIN + max(rows.values(), default=1) * (NODE_HEIGHT + GAP_Y) - GAP_Y
    return Dag(list(nodes.values()), edges, width, height)
