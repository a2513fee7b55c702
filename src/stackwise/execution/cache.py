"""The cache key of a step: what must be equal for an earlier result to stand in for a run.

It covers the step's code, its parameters (canonical JSON), its inputs (content hash where the
materializer gave one, so re-created but identical inputs still hit; else the version id), its
outputs' names, artifact names and explicit materializers, and the artifact store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from stackwise.utils.jsonable import canonical_json, sha256_hex

if TYPE_CHECKING:
    from stackwise.models.pipeline_spec import StepSpec
    from stackwise.store.records import ArtifactVersionRecord


def cache_key_parts(spec: StepSpec, inputs: Mapping[str, ArtifactVersionRecord],
                    artifact_store_id: str) -> dict[str, str]:
    """The named parts of the key (kept apart so a plan can say which part changed)."""
    return {
        "code": spec.code_hash,
        "parameters": canonical_json(spec.parameters),
        "inputs": canonical_json({n: v.content_hash or v.id for n, v in sorted(inputs.items())}),
        "outputs": canonical_json([[o.name, o.artifact_name, o.materializer, o.data_type]
                                   for o in spec.outputs]),
        "artifact_store": artifact_store_id,
    }


def cache_key(spec: StepSpec, inputs: Mapping[str, ArtifactVersionRecord],
              artifact_store_id: str) -> str:
    parts = cache_key_parts(spec, inputs, artifact_store_id)
    return sha256_hex(*(f"{k}={v}" for k, v in parts.items()))
