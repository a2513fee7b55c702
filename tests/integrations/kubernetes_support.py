"""Shared by the Kubernetes tests: the flavors registered, a kubeconfig naming a cluster that
does not exist, a run recorded as `Pipeline.run` records one, manifests as the API receives
them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from stackwise.execution.step_runner import RunContext
from stackwise.stack.active_stack import active_stack
from stackwise.store import get_store


def register_kubernetes_flavors() -> None:
    """The flavors, where the installed stackwise's metadata predates their entry point (a
    venv installed from an older checkout; pyproject.toml declares it)."""
    from stackwise.integrations.kubernetes.flavors import FLAVORS
    from stackwise.stack.flavor_registry import flavor_registry

    for flavor in FLAVORS:
        flavor_registry.register(flavor)


def write_kubeconfig(path: Path) -> Path:
    """A real kubeconfig (context `ci`) whose cluster does not exist: nothing is reached."""
    path.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "v1",
                "kind": "Config",
                "clusters": [{"name": "c", "cluster": {"server": "https://127.0.0.1:9"}}],
                "users": [{"name": "u", "user": {"token": "t"}}],
                "contexts": [{"name": "ci", "context": {"cluster": "c", "user": "u"}}],
                "current-context": "ci",
            }
        )
    )
    return path


def recorded_run(pipeline_object: Any, **options: Any) -> RunContext:
    """A run of `pipeline_object` recorded in the store as `Pipeline.run` records one, on the
    active stack, not yet started."""
    compiled = (pipeline_object.with_options(**options) if options else pipeline_object).compile()
    store = get_store()
    stack = active_stack(store)
    record = store.create_run(
        pipeline=store.get_or_create_pipeline(compiled.spec.name),
        name=f"{compiled.spec.name}-run",
        spec=compiled.spec.to_dict(),
        config={"enable_cache": False},
        stack_id=stack.id,
    )
    return RunContext(store=store, stack=stack, run=record, spec=compiled.spec)


def as_dict(manifest: Any) -> dict[str, Any]:
    from kubernetes.client import ApiClient

    return ApiClient().sanitize_for_serialization(manifest)
