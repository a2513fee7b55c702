"""SW002: a hard-coded absolute path or bucket URI that a step writes to or builds a path from.

Such a location exists on one machine or in one cloud account; on another stack the step fails,
or writes outside the artifact store where no run, cache or lineage sees it. Outputs should be
returned (the artifact store saves them); locations should arrive as step parameters.

The heuristic, chosen to keep false positives low:

- Absolute means a string starting `/x` (not `/` alone, not `//`, not `/dev/null`), `C:\\` or
  `C:/`, `\\\\server`, `~/` or `~user/`, or a bucket URI: `s3://`, `gs://`, `az://`,
  `abfs://` and their kin, `hdfs://`, `file://`.
- The string is looked at only where a call takes a destination or builds a path:
  `open()` / `x.open()` with a literal write mode (`w`, `a`, `x`, `+`); writer calls
  (`to_parquet`, `to_csv`, `save`, `save_model`, `savefig`, `dump`, `makedirs`, ...: positional
  arguments and keywords whose name says path, file, dir, dst, uri ...); the destination of
  `copy`/`copyfile`/`copytree`/`move`; and path builders (`os.path.join`, `Path()`,
  `os.path.expanduser`).
- The argument may be the literal itself, an f-string, `+` concatenation, `%` or `.format()`
  whose leading text is the literal, or a name bound exactly once to one of those (in the step
  or at module level).

Known misses: reads (`pd.read_csv("/data/x.csv")` is not flagged), locations built by helpers
or returned by functions (`Path.home()`), names bound more than once, `~` alone. Known false
alarms: a string starting `/` that is not a filesystem path but reaches one of these calls
(say a URL route given to a method called `save`).
"""

from __future__ import annotations

import ast
import re

from stackwise.checks.scopes import Scope, dotted_name

CODE = "SW002"
_ABSOLUTE = re.compile(
    r"""
    /[^\s/]                       # /home/..., /tmp/...
  | [A-Za-z]:[\\/]                # C:\..., C:/...
  | \\\\[^\\\s]                   # \\server\share
  | ~[\w.-]*[\\/]                 # ~/..., ~user/...
""",
    re.X,
)
_BUCKET = re.compile(r"(?:s3|s3a|s3n|gs|gcs|az|abfs|abfss|wasb|wasbs|adl|hdfs|file)://", re.I)
_HARMLESS = ("/dev/null", "/dev/stdout", "/dev/stderr")

WRITERS = frozenset(
    {
        "to_parquet",
        "to_csv",
        "to_json",
        "to_pickle",
        "to_feather",
        "to_excel",
        "to_hdf",
        "to_orc",
        "to_stata",
        "to_xml",
        "to_netcdf",
        "to_zarr",
        "to_html",
        "write_parquet",
        "write_csv",
        "write_json",
        "write_ipc",
        "write_delta",
        "write_table",
        "save",
        "save_model",
        "save_pretrained",
        "save_weights",
        "save_checkpoint",
        "savefig",
        "savez",
        "savez_compressed",
        "savetxt",
        "tofile",
        "dump",
        "dump_model",
        "makedirs",
        "mkdir",
    }
)
COPIERS = frozenset({"copy", "copy2", "copyfile", "copytree", "move"})
PATH_BUILDERS = frozenset(
    {
        "os.path.join",
        "posixpath.join",
        "ntpath.join",
        "os.path.expanduser",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
        "pathlib.WindowsPath",
        "pathlib.PurePosixPath",
        "pathlib.PureWindowsPath",
        "Path",
        "PurePath",
    }
)
OPENERS = frozenset({"open"})
_PATH_KEYWORD = re.compile(r"path|file|dir|dst|dest|uri|url|buf|where|target|output|^fp?$|^to$")
_WRITE_MODE = re.compile(r"[wax+]")
_FOLLOW_LIMIT = 20  # names and concatenations followed before giving up (and no cycles)


def absolute_kind(text: str) -> str | None:
    """ "bucket URI", "absolute path" or None (relative, empty, or harmless like /dev/null)."""
    if _BUCKET.match(text):
        return "bucket URI"
    if _ABSOLUTE.match(text) and not text.startswith(_HARMLESS):
        return "absolute path"
    return None


def leading_text(node: ast.expr, scope: Scope) -> tuple[str, str | None] | None:
    """The literal text an argument starts with, and the names it came through (if any):
    `f"/tmp/{x}"` -> ("/tmp/", None); `OUT + "/m.pkl"` with `OUT = "/data"` -> ("/data", "OUT");
    `path` with `path = f"{OUT}/m"` -> ("/data", "path -> OUT")."""
    names: list[str] = []
    for _ in range(_FOLLOW_LIMIT):
        if isinstance(node, ast.Constant):
            if not isinstance(node.value, str):
                return None
            return node.value, " -> ".join(names) or None
        if isinstance(node, ast.JoinedStr):
            if not node.values:
                return None
            first = node.values[0]
            node = first.value if isinstance(first, ast.FormattedValue) else first
        elif isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            node = node.left
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
        ):
            node = node.func.value
        elif isinstance(node, ast.Name):
            value = scope.single_value(node.id)
            if value is None:
                return None
            names.append(node.id)
            node = value
        else:
            return None
    return None


def destinations(call: ast.Call, scope: Scope) -> tuple[str, list[ast.expr]] | None:
    """(how the call reads in a message, the arguments that are destinations or path parts),
    or None when the call neither writes nor builds a path."""
    func = call.func
    short = (
        func.attr
        if isinstance(func, ast.Attribute)
        else (func.id if isinstance(func, ast.Name) else None)
    )
    if short is None:
        return None
    shown = _shown(func)
    if short in OPENERS:
        mode = call.args[1] if len(call.args) > 1 else _keyword(call, "mode")
        if not (
            isinstance(mode, ast.Constant)
            and isinstance(mode.value, str)
            and _WRITE_MODE.search(mode.value)
        ):
            return None
        target = call.args[0] if call.args else _keyword(call, "file")
        return f"{shown}(..., {mode.value!r})", [target] if target is not None else []
    if short in COPIERS:
        target = call.args[1] if len(call.args) > 1 else _keyword(call, "dst")
        return f"{shown}()", [target] if target is not None else []
    if short in WRITERS:
        named = [k.value for k in call.keywords if k.arg and _PATH_KEYWORD.search(k.arg)]
        return f"{shown}()", [*call.args, *named]
    if dotted_name(func, scope) in PATH_BUILDERS:
        return f"{shown}()", list(call.args)
    return None


def message(step: str, kind: str, text: str, via: str | None, used_in: str) -> str:
    shown = text if len(text) <= 60 else text[:57] + "..."
    through = f" (through {via})" if via else ""
    return (
        f"step '{step}' passes the hard-coded {kind} {shown!r}{through} to {used_in}: it "
        "exists on one machine or cloud only, so on another stack the step fails or writes "
        "where no artifact store tracks it. Return the value and let the artifact store "
        "save it; take locations as step parameters."
    )


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _shown(func: ast.expr) -> str:
    text = ast.unparse(func)
    return text if len(text) <= 40 else "..." + text[-37:]
