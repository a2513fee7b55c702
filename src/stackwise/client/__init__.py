"""Client: the one facade users and the CLI read and change everything through — pipelines,
runs, step runs, hook invocations, artifacts, models and model versions, model deployments,
schedules, stacks, components, flavors, secrets and tags — with ZenML's method names, parameters and
return shapes (response models in `Page`s).

Creating a Client is free; the store connects on first use and is shared per process. Each
entity's methods live in their own module (`runs`, `hooks`, `artifacts`, `models`, `services`,
`stacks`, `secrets`, `tags`, `users`); the Client is their sum.
"""

from __future__ import annotations

from typing import Any

from stackwise.client.artifacts import ArtifactsMixin
from stackwise.client.base import ClientBase
from stackwise.client.builds import BuildsMixin
from stackwise.client.hooks import HookInvocationsMixin
from stackwise.client.models import ModelsMixin
from stackwise.client.runs import RunsMixin
from stackwise.client.schedules import SchedulesMixin
from stackwise.client.secrets import SecretsMixin
from stackwise.client.services import ServicesMixin
from stackwise.client.stacks import StacksMixin
from stackwise.client.tags import TagsMixin
from stackwise.client.users import UsersMixin
from stackwise.exceptions import EntityNotFoundError


class Client(
    RunsMixin,
    ArtifactsMixin,
    StacksMixin,
    SecretsMixin,
    TagsMixin,
    HookInvocationsMixin,
    ServicesMixin,
    SchedulesMixin,
    ModelsMixin,
    BuildsMixin,
    UsersMixin,
    ClientBase,
):
    """`Client()` reads and changes the configured store (STACKWISE_STORE_URL, else the
    SQLite store under STACKWISE_HOME)."""

    def create_run_metadata(
        self,
        metadata: dict[str, Any],
        resources: list[Any],
        stack_component_id: Any = None,
        publisher_step_id: Any = None,
    ) -> None:
        """Log `metadata` on each resource: `RunMetadataResource(id=..., type=...)` items
        (type: pipeline_run, step_run or artifact_version)."""
        from stackwise.exceptions import ConfigError

        for resource in resources:
            kind = str(
                getattr(getattr(resource, "type", None), "value", getattr(resource, "type", ""))
            )
            if kind not in ("pipeline_run", "step_run", "artifact_version"):
                raise ConfigError(
                    f"Run metadata goes on pipeline runs, step runs and artifact "
                    f"versions, not on '{kind}'."
                )
            self.store.add_metadata(kind, str(resource.id), metadata)


__all__ = ["Client", "EntityNotFoundError"]
