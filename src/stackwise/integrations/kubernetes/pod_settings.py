"""`KubernetesPodSettings`: what users set on the pods stackwise creates (ZenML's fields).
Values are Kubernetes' own (the manifest's camelCase fields inside `affinity`, `tolerations`,
`volumes`...); they are checked when a manifest is built (manifests.py), and a key Kubernetes
does not know is an error there, never dropped."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class KubernetesPodSettings(BaseModel):
    """Pod-level settings of the pods (or Jobs' pods) stackwise creates."""

    model_config = ConfigDict(extra="forbid")

    node_selectors: dict[str, str] = Field(default_factory=dict)
    affinity: dict[str, Any] = Field(default_factory=dict)
    tolerations: list[dict[str, Any]] = Field(default_factory=list)
    resources: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="{'requests': {...}, 'limits': {...}}"
    )
    annotations: dict[str, str] = Field(default_factory=dict)
    volumes: list[dict[str, Any]] = Field(default_factory=list)
    volume_mounts: list[dict[str, Any]] = Field(default_factory=list)
    host_ipc: bool = False
    scheduler_name: str | None = None
    image_pull_secrets: list[str] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    env: list[dict[str, Any]] = Field(default_factory=list)
    env_from: list[dict[str, Any]] = Field(default_factory=list)

    def merged(self, other: KubernetesPodSettings | None) -> KubernetesPodSettings:
        """These settings with `other`'s laid over them: maps merge key by key (resources per
        requests/limits), lists add up, set scalars win."""
        if other is None:
            return self
        mine, theirs = self.model_dump(), other.model_dump(exclude_unset=True)
        for key, value in theirs.items():
            if key == "resources":
                for part, amounts in value.items():
                    mine["resources"].setdefault(part, {}).update(amounts)
            elif isinstance(value, dict):
                mine[key].update(value)
            elif isinstance(value, list):
                mine[key] = [*mine[key], *value]
            else:
                mine[key] = value
        return KubernetesPodSettings(**mine)


def layered(
    values: dict[str, Any], layer: Mapping[str, Any], pod_fields: tuple[str, ...]
) -> dict[str, Any]:
    """`values` (a settings object's fields) with `layer` laid over: pod settings merge field by
    field (`KubernetesPodSettings.merged`), every other field given in `layer` wins."""
    merged = {**values, **layer}
    for key in pod_fields:
        if values.get(key) and layer.get(key):
            base = KubernetesPodSettings.model_validate(values[key])
            merged[key] = base.merged(KubernetesPodSettings.model_validate(layer[key]))
    return merged
