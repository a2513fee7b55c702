"""The static check behind `stackwise check`: the lesson's "Common Mistakes" found in pipeline
code by reading it with `ast`, never importing or running it.

`scan_source` parses one file, finds its steps (`step_defs`) and walks each step's body,
keeping track of scopes (what names refer to, `scopes`), asking each rule module about the
nodes: SW001 (`cloud_sdk`), SW002 (`hardcoded_paths`), SW003 (`step_outputs`). Steps naming
an experiment tracker are collected for SW004 (`trackers`), which needs the metadata store
and so runs after the scan, only if the caller has the store's answer. A file that does not parse is
SW000 and the others are still checked.

A finding is silenced by `# stackwise: ignore` or `# stackwise: ignore[SW002]` on its line.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
import warnings
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from stackwise.checks import cloud_sdk, hardcoded_paths, step_outputs
from stackwise.checks.files import python_files
from stackwise.checks.finding import Finding
from stackwise.checks.scopes import Scope
from stackwise.checks.step_defs import (
    TRACKER_OPTION,
    StepDef,
    option_call_target,
    step_decorator,
    tracker_option,
)
from stackwise.checks.trackers import CODE as TRACKER_CODE
from stackwise.checks.trackers import TrackerUse, tracker_findings

PARSE_ERROR = "SW000"
# the fields holding statements (or handlers and match cases, which hold statements)
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
_IGNORE = re.compile(r"#\s*stackwise:\s*ignore(?:\[(?P<codes>[^\]]*)\])?")


@dataclass
class Scan:
    """What reading the files found: findings that need no store, and the tracker names
    steps ask for (for SW004)."""

    files: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    tracker_uses: list[TrackerUse] = field(default_factory=list)

    def extend(self, other: Scan) -> None:
        self.files.extend(other.files)
        self.findings.extend(other.findings)
        self.tracker_uses.extend(other.tracker_uses)


def check_paths(
    paths: Iterable[str | os.PathLike[str]],
    registered_trackers: Collection[str] | None = None,
    *,
    stacks: Mapping[str, Sequence[str]] | None = None,
    active_stack: str | None = None,
) -> list[Finding]:
    """Every finding in the files under `paths`, sorted by file and position.

    SW004 runs only when `registered_trackers` is given (the experiment tracker names in the
    metadata store); `stacks` (stack -> tracker names) and `active_stack` add the note for a
    tracker the active stack lacks.

        >>> check_paths(["pipeline/"], registered_trackers={"mlflow_tracker"})  # doctest: +SKIP
        [Finding(path='pipeline/steps.py', line=98, col=26, code='SW004', ...)]
    """
    scan = scan_paths(paths)
    findings = list(scan.findings)
    if registered_trackers is not None:
        findings += tracker_findings(
            scan.tracker_uses, registered_trackers, stacks=stacks, active_stack=active_stack
        )
    return sort_findings(findings)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (f.path, f.line, f.col, f.code))


def scan_paths(paths: Iterable[str | os.PathLike[str]]) -> Scan:
    """Read every Python file under `paths` (see `files.python_files`)."""
    scan = Scan()
    for path in python_files(paths):
        scan.extend(scan_file(path))
    return scan


def scan_file(path: Path) -> Scan:
    """Check one file, honouring its encoding declaration; an unreadable file is SW000."""
    shown = str(path)
    try:
        data = path.read_bytes()
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        source = data.decode(encoding)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as error:
        return Scan(
            [shown],
            [
                Finding(
                    shown,
                    1,
                    1,
                    PARSE_ERROR,
                    f"cannot read this file ({error}); it was not checked.",
                )
            ],
        )
    return scan_source(source, shown)


def scan_source(source: str, path: str = "<string>") -> Scan:
    """Check one file's text; `path` is only used to label the findings."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the user's SyntaxWarnings are not ours to raise
            tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        line = getattr(error, "lineno", None) or 1
        col = getattr(error, "offset", None) or 1
        reason = getattr(error, "msg", None) or str(error) or type(error).__name__
        return Scan(
            [path],
            [
                Finding(
                    path,
                    line,
                    col,
                    PARSE_ERROR,
                    f"cannot parse this file ({reason}); it was not checked. "
                    "Fix the syntax error to check it.",
                )
            ],
        )
    walker = _Walker(path, source)
    walker.walk(tree)
    return Scan(
        [path],
        [f for f in walker.findings if not walker.silenced(f.line, f.code)],
        [u for u in walker.tracker_uses if not walker.silenced(u.line, TRACKER_CODE)],
    )


class _Walker:
    """One module: finds the steps through its statements, then walks each step's body node by
    node, scopes and the enclosing step travelling with each node. Code outside steps is only
    searched for `.with_options(experiment_tracker=...)`, and only if the text is there."""

    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self.lines = source.splitlines()
        self.findings: list[Finding] = []
        self.tracker_uses: list[TrackerUse] = []

    def walk(self, tree: ast.Module) -> None:
        if "step" in self.source:  # every spelling of the decorator contains it
            self._find_steps(tree, Scope.for_module(tree))
        if TRACKER_OPTION in self.source:
            for node in ast.walk(tree):
                if isinstance(node, ast.Call):
                    self._option_call(node)

    def _find_steps(self, tree: ast.Module, module: Scope) -> None:
        """Functions are statements, so only statement bodies are searched (no expressions);
        a step found is walked whole, steps nested in it included."""
        pending: list[tuple[ast.AST, Scope]] = [(stmt, module) for stmt in tree.body]
        while pending:
            node, scope = pending.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if step_decorator(node, scope) is not None:
                    self._walk_step(node, scope)
                else:
                    inner = Scope.for_function(node, scope, in_step=False)
                    pending.extend((stmt, inner) for stmt in node.body)
                continue
            for name in _BODIES:
                for child in getattr(node, name, ()):
                    pending.append((child, scope))

    def _walk_step(self, function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        pending: list[tuple[ast.AST, Scope, StepDef | None]] = [(function, scope, None)]
        while pending:
            node, scope, step = pending.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                pending.extend(self._enter_function(node, scope, step))
                continue
            if isinstance(node, ast.Lambda):
                inner = Scope.for_function(node, scope, in_step=step is not None)
                pending.append((node.args, scope, step))
                pending.append((node.body, inner, step))
                continue
            if step is not None:
                self._check_in_step(node, scope, step)
            pending.extend((child, scope, step) for child in ast.iter_child_nodes(node))

    def _enter_function(
        self, function: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, step: StepDef | None
    ) -> list[tuple[ast.AST, Scope, StepDef | None]]:
        # decorators, defaults and annotations belong to the enclosing scope
        outer: list[ast.AST] = [*function.decorator_list, function.args]
        if function.returns is not None:
            outer.append(function.returns)
        inner_step = step
        decorator = step_decorator(function, scope)
        if decorator is not None:
            inner_step = StepDef(function.name, function)
            self._check_step(inner_step, decorator)
        inner = Scope.for_function(function, scope, in_step=inner_step is not None)
        return [
            *((n, scope, step) for n in outer),
            *((n, inner, inner_step) for n in function.body),
        ]

    def _check_step(self, step: StepDef, decorator: ast.expr) -> None:
        returned = step_outputs.value_return(step.node)
        if returned is not None:
            self._add(step.node, step_outputs.CODE, step_outputs.message(step.name, returned))
        if isinstance(decorator, ast.Call):
            self._tracker(decorator, step.name)

    def _option_call(self, call: ast.Call) -> None:
        target = option_call_target(call)
        if target is not None:
            self._tracker(call, target)

    def _tracker(self, call: ast.Call, step_name: str) -> None:
        option = tracker_option(call)
        if option is not None:
            line, col = self._position(option[1])
            self.tracker_uses.append(TrackerUse(self.path, line, col, step_name, option[0]))

    def _check_in_step(self, node: ast.AST, scope: Scope, step: StepDef) -> None:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported = cloud_sdk.imported_packages(node)
            if imported is not None:
                self._add(node, cloud_sdk.CODE, cloud_sdk.import_message(step.name, *imported))
        elif isinstance(node, ast.Call):
            called = cloud_sdk.called_package(node, scope)
            if called is not None:
                self._add(node, cloud_sdk.CODE, cloud_sdk.call_message(step.name, *called))
            self._check_destinations(node, scope, step)

    def _check_destinations(self, call: ast.Call, scope: Scope, step: StepDef) -> None:
        found = hardcoded_paths.destinations(call, scope)
        if found is None:
            return
        used_in, arguments = found
        for argument in arguments:
            leading = hardcoded_paths.leading_text(argument, scope)
            if leading is None:
                continue
            kind = hardcoded_paths.absolute_kind(leading[0])
            if kind is not None:
                self._add(
                    argument,
                    hardcoded_paths.CODE,
                    hardcoded_paths.message(step.name, kind, *leading, used_in),
                )

    def _add(self, node: ast.AST, code: str, message: str) -> None:
        line, col = self._position(node)
        self.findings.append(Finding(self.path, line, col, code, message))

    def _position(self, node: ast.AST) -> tuple[int, int]:
        """1-based line and character column (ast's col_offset counts UTF-8 bytes)."""
        line = getattr(node, "lineno", 1)
        offset = getattr(node, "col_offset", 0)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return line, len(text.encode()[:offset].decode(errors="replace")) + 1

    def silenced(self, line: int, code: str) -> bool:
        """Whether a `# stackwise: ignore` comment on `line` covers `code`."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        match = _IGNORE.search(text)
        if match is None:
            return False
        codes = match.group("codes")
        return codes is None or code in re.split(r"[\s,]+", codes.strip())
