"""SW001: a cloud provider's SDK used inside a step.

A step that imports or calls boto3, google.cloud or azure.storage runs only where that cloud is
reachable and configured: the same pipeline fails on a local or another cloud's stack. Saving
and loading belongs to the active stack's artifact store, so the step should return the value.

Flagged inside a step body (nested functions included): an import of such a package, a call
through a name imported from one (`boto3.client("s3")`, `storage.Client()`), and
`importlib.import_module("boto3")`. A call through a name the step itself imported is not
flagged again: the import already was. Helpers the step calls are not followed.
"""

from __future__ import annotations

import ast

from stackwise.checks.scopes import Scope, dotted_name, head_scope

CODE = "SW001"
# package prefix -> provider, matched on whole dotted parts (`google.cloud` matches
# `google.cloud.storage`, not `google.cloudy`)
CLOUD_PACKAGES: dict[str, str] = {
    "boto3": "AWS",
    "botocore": "AWS",
    "aiobotocore": "AWS",
    "s3fs": "AWS",
    "sagemaker": "AWS",
    "google.cloud": "Google Cloud",
    "google.auth": "Google Cloud",
    "gcsfs": "Google Cloud",
    "azure.storage": "Azure",
    "azure.identity": "Azure",
    "azure.keyvault": "Azure",
    "adlfs": "Azure",
}
DYNAMIC_IMPORTS = frozenset({"importlib.import_module", "__import__"})
ADVICE = (
    "the step then runs only where that cloud is reachable and configured, not on any "
    "stack. Return the value and let the active stack's artifact store save it (take "
    "inputs as step parameters)."
)


def cloud_package(dotted: str) -> tuple[str, str] | None:
    """("google.cloud", "Google Cloud") for "google.cloud.storage.Client"; None if no match."""
    for package, provider in CLOUD_PACKAGES.items():
        if dotted == package or dotted.startswith(package + "."):
            return package, provider
    return None


def imported_packages(node: ast.Import | ast.ImportFrom) -> tuple[list[str], str] | None:
    """The cloud modules an import statement brings in and their provider, or None."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.level == 0 and node.module:
        # `from google import cloud` imports google.cloud, as `from google.cloud import x` does
        names = [
            f"{node.module}.{alias.name}" if alias.name != "*" else node.module
            for alias in node.names
        ]
    else:
        return None
    matches = [(name, cloud_package(name)) for name in names]
    found = [(name, match[1]) for name, match in matches if match is not None]
    if not found:
        return None
    return [name for name, _ in found], found[0][1]


def import_message(step: str, modules: list[str], provider: str) -> str:
    return f"step '{step}' imports {', '.join(modules)} ({provider} SDK): {ADVICE}"


def called_package(call: ast.Call, scope: Scope) -> tuple[str, str] | None:
    """(what is called, provider) when `call` goes through a cloud SDK the step did not
    import itself."""
    dotted = dotted_name(call.func, scope)
    if dotted is None:
        return None
    if dotted in DYNAMIC_IMPORTS:
        first = call.args[0] if call.args else None
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            match = cloud_package(first.value)
            if match is not None:
                return f"{dotted}({first.value!r})", match[1]
        return None
    match = cloud_package(dotted)
    if match is None:
        return None
    binder = head_scope(call.func, scope)
    if binder is not None and binder.in_step:
        return None  # imported inside the step: reported at the import
    return f"{dotted}()", match[1]


def call_message(step: str, called: str, provider: str) -> str:
    return f"step '{step}' calls {called} ({provider} SDK): {ADVICE}"
