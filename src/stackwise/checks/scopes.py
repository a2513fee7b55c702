"""What a name in pipeline code refers to, worked out from the source alone.

The checks need to know that `storage.Client()` is `google.cloud.storage.Client()` after
`from google.cloud import storage`, that `@s` is stackwise's `step` after
`from stackwise import step as s`, and that a parameter called `boto3` is not the SDK. A `Scope`
holds one function's (or the module's) bindings and points at the enclosing scope, following
Python's rule that any binding in a function makes the name local to the whole function.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Iterable, Sequence

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class Scope:
    """One scope's bindings: imported names (to their dotted origin), other local names, and
    the locals bound exactly once, to an expression (for following `out = "/tmp/x"`).

    Bindings are read from the source on the first lookup: most functions in a file are never
    asked about, and reading every one would make the check several times slower.
    """

    def __init__(
        self,
        parent: Scope | None = None,
        body: Sequence[ast.AST] = (),
        params: Iterable[str] = (),
        *,
        in_step: bool = False,
    ) -> None:
        self.parent = parent
        self.in_step = in_step  # this scope is a step's body or nested inside one
        self._pending: tuple[Sequence[ast.AST], Iterable[str]] | None = (body, params)
        self._imports: dict[str, str] = {}
        self._locals: set[str] = set()
        self._single_values: dict[str, ast.expr] = {}

    @classmethod
    def for_module(cls, module: ast.Module) -> Scope:
        return cls(body=module.body)

    @classmethod
    def for_function(cls, function: FunctionNode, parent: Scope, *, in_step: bool) -> Scope:
        args = function.args
        params = [
            a.arg
            for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
            if a is not None
        ]
        body = function.body if isinstance(function.body, list) else [function.body]
        return cls(parent, body, params, in_step=in_step)

    def binding(self, name: str) -> tuple[str | None, Scope | None]:
        """(dotted origin, scope that binds it): origin None for a local variable; scope None
        for a name bound nowhere (a builtin, or a star import), taken at its word."""
        scope: Scope | None = self
        while scope is not None:
            scope._read()
            if name in scope._imports:
                return scope._imports[name], scope
            if name in scope._locals:
                return None, scope
            scope = scope.parent
        return name, None

    def single_value(self, name: str) -> ast.expr | None:
        """The expression `name` was bound to, if its scope binds it exactly once that way."""
        _, scope = self.binding(name)
        return scope._single_values.get(name) if scope is not None else None

    def _read(self) -> None:
        if self._pending is not None:
            body, params = self._pending
            self._pending = None
            self._locals.update(params)
            self._bind(body)

    def _bind(self, body: Sequence[ast.AST]) -> None:
        stores: Counter[str] = Counter()
        declared_outer: set[str] = set()
        pending: list[ast.AST] = list(body)
        while pending:
            node = pending.pop()
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self._imports[alias.asname] = alias.name
                    else:
                        top = alias.name.partition(".")[0]
                        self._imports[top] = top
            elif isinstance(node, ast.ImportFrom):
                prefix = "." * node.level + (f"{node.module}." if node.module else "")
                for alias in node.names:
                    if alias.name != "*":
                        self._imports[alias.asname or alias.name] = prefix + alias.name
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                declared_outer.update(node.names)
            elif isinstance(node, _NESTED_SCOPES):
                if not isinstance(node, ast.Lambda):
                    self._locals.add(node.name)
                    stores[node.name] += 1
            else:
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    self._locals.add(node.id)
                    stores[node.id] += 1
                elif isinstance(node, ast.ExceptHandler) and node.name:
                    self._locals.add(node.name)
                    stores[node.name] += 1
                elif isinstance(node, ast.Assign) and len(node.targets) == 1:
                    self._remember(node.targets[0], node.value)
                elif isinstance(node, ast.AnnAssign) and node.value is not None:
                    self._remember(node.target, node.value)
                pending.extend(ast.iter_child_nodes(node))
        self._locals -= declared_outer
        self._locals -= self._imports.keys()  # `try: import x / except: x = None` is the import
        for name in list(self._single_values):
            if stores[name] != 1 or name not in self._locals:
                del self._single_values[name]

    def _remember(self, target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            self._single_values[target.id] = value


def dotted_name(node: ast.expr, scope: Scope) -> str | None:
    """`boto3.client` -> "boto3.client", `storage.Client` -> "google.cloud.storage.Client"
    (after `from google.cloud import storage`); None for anything but a name or an attribute
    chain on one, and for local variables (their value is not known)."""
    attrs: list[str] = []
    while isinstance(node, ast.Attribute):
        attrs.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    origin, _ = scope.binding(node.id)
    if origin is None:
        return None
    return ".".join([origin, *reversed(attrs)])


def head_scope(node: ast.expr, scope: Scope) -> Scope | None:
    """The scope binding the first name of `a.b.c` (None if bound nowhere or not a name)."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return scope.binding(node.id)[1] if isinstance(node, ast.Name) else None
