"""The cache key of a step: what must be equal for an earlier result to stand in for a run.

By default it covers the step's code, its parameters (canonical JSON), its inputs (content hash
where the materializer gave one, so re-created but identical inputs still hit; else the version
id), its outputs' names, artifact names and explicit materializers, and the artifact store.

A step's `cache_policy` (ZenML's `CachePolicy`) changes the parts: `include_step_code`,
`include_step_parameters`, `include_artifact_values` (content hashes) and
`include_artifact_ids` (version ids) switch parts off; `ignored_inputs` leaves inputs out;
`file_dependencies` and `source_dependencies` add the contents of files and the code of
functions/classes; `cache_func` adds the string a function returns; `expires_after` (seconds)
makes older results misses (`expired`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from stackwise.utils.jsonable import canonical_json, sha256_hex

if TYPE_CHECKING:
    from stackwise.models.pipeline_spec import StepSpec
    from stackwise.store.records import ArtifactVersionRecord, StepRunRecord


def _input_part(inputs: Mapping[str, ArtifactVersionRecord], policy: Mapping[str, Any]) -> str:
    ignored = set(policy.get("ignored_inputs") or ())
    values = policy.get("include_artifact_values", True)
    ids = policy.get("include_artifact_ids", True)
    part: dict[str, Any] = {}
    for name, version in sorted(inputs.items()):
        if name in ignored:
            continue
        if values and ids:
            part[name] = version.content_hash or version.id
        elif values:
            part[name] = version.content_hash or ""
        elif ids:
            part[name] = version.id
    return canonical_json(part)


def _file_digest(path: str) -> str:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError as error:
        raise FileNotFoundError(
            f"cache_policy file_dependencies: cannot read {path} ({error.strerror})."
        ) from None


def cache_key_parts(
    spec: StepSpec,
    inputs: Mapping[str, ArtifactVersionRecord],
    artifact_store_id: str,
    load: Callable[[str], Any] | None = None,
) -> dict[str, str]:
    """The named parts of the key (kept apart so a plan can say which part changed).
    `load` imports a source (for `source_dependencies` and `cache_func`)."""
    policy = spec.cache_policy or {}
    parts: dict[str, str] = {}
    if policy.get("include_step_code", True):
        parts["code"] = spec.code_hash
    if policy.get("include_step_parameters", True):
        parts["parameters"] = canonical_json(spec.parameters)
    parts["inputs"] = _input_part(inputs, policy)
    parts["outputs"] = canonical_json(
        [[o.name, o.artifact_name, o.materializer, o.data_type] for o in spec.outputs]
    )
    parts["artifact_store"] = artifact_store_id
    if not policy:
        return parts
    for path in policy.get("file_dependencies") or ():
        parts[f"file:{path}"] = _file_digest(path)
    if policy.get("source_dependencies") or policy.get("cache_func"):
        from stackwise.utils.source import code_hash, load_source

        load = load or load_source
        for source in policy.get("source_dependencies") or ():
            parts[f"source:{source}"] = code_hash(load(source))
        if policy.get("cache_func"):
            value = load(policy["cache_func"])()
            if not isinstance(value, str):
                raise TypeError(
                    f"cache_policy cache_func {policy['cache_func']} must return "
                    f"a str, returned {type(value).__name__}."
                )
            parts["cache_func"] = value
    return parts


def cache_key(
    spec: StepSpec,
    inputs: Mapping[str, ArtifactVersionRecord],
    artifact_store_id: str,
    load: Callable[[str], Any] | None = None,
) -> str:
    parts = cache_key_parts(spec, inputs, artifact_store_id, load)
    return sha256_hex(*(f"{k}={v}" for k, v in parts.items()))


def expired(spec: StepSpec, original: StepRunRecord) -> bool:
    """True when the policy's `expires_after` (seconds) has passed since `original` ended."""
    seconds: float | None = (spec.cache_policy or {}).get("expires_after")
    if not seconds:
        return False
    ended = original.end_time or original.start_time
    if ended is None:
        return False
    if ended.tzinfo is None:
        ended = ended.replace(tzinfo=timezone.utc)
    return (datetime.now(timezone.utc) - ended).total_seconds() > seconds
