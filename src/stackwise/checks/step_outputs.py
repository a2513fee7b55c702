"""SW003: a step that returns a value but has no return annotation.

stackwise keeps such a value as one artifact called `output`, with no declared type: the
lineage shows no meaningful name, the materializer follows whatever the value happens to be,
and a tuple stays one artifact instead of several. `-> Annotated[T, "name"]` fixes all three.

Only the step's own `return` statements count (not those of functions nested in it); `return`
and `return None` return nothing; `-> None` is an annotation, so it is not flagged here.
"""

from __future__ import annotations

import ast

CODE = "SW003"
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def value_return(function: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.Return | None:
    """The first `return <value>` of an unannotated function, if it has one."""
    if function.returns is not None:
        return None
    first: ast.Return | None = None
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, _NESTED):
            continue
        if (
            isinstance(node, ast.Return)
            and node.value is not None
            and not (isinstance(node.value, ast.Constant) and node.value.value is None)
        ):
            if first is None or node.lineno < first.lineno:
                first = node
        pending.extend(ast.iter_child_nodes(node))
    return first


def message(step: str, returned: ast.Return) -> str:
    value = returned.value
    if isinstance(value, ast.Tuple) and len(value.elts) > 1:
        names = ", ".join(f'Annotated[T{i}, "name{i}"]' for i in range(1, len(value.elts) + 1))
        fix = f"annotate each value: `-> Tuple[{names}]`"
        what = f"returns {len(value.elts)} values (line {returned.lineno})"
    else:
        fix = 'annotate it: `-> Annotated[T, "name"]`'
        what = f"returns a value (line {returned.lineno})"
    return (
        f"step '{step}' {what} but has no return annotation: the output is saved under "
        f"'output', unnamed and untyped, so lineage and materializer choice cannot rely on "
        f"it; {fix}."
    )
