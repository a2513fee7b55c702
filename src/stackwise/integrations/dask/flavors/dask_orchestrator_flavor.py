"""The Dask orchestrator flavor: its configuration and the Flavor naming it. Imports no Dask:
this module is read whenever the flavor is looked up."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from stackwise.enums import StackComponentType
from stackwise.integrations.dask import DASK
from stackwise.stack.flavor import Flavor
from stackwise.stack.stack_component import StackComponentConfig

_LOCAL_SCHEMES = frozenset({"inproc"})


def is_loopback_address(address: str) -> bool:
    """True when a scheduler address can only be this machine (loopback, localhost, inproc).

    A host name or LAN address may be this machine too, but its workers may run on others, so
    only these are taken as "same machine" (what a SQLite store and a local artifact store
    need).
    """
    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    if parts.scheme in _LOCAL_SCHEMES:
        return True
    host = (parts.hostname or "").lower()
    if host in ("", "localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name
        return False


class DaskClusterConfig(StackComponentConfig):
    """Which Dask cluster runs the steps (the orchestrator's and the step operator's)."""

    address: str | None = Field(
        default=None,
        description="Scheduler address, e.g. 'tcp://127.0.0.1:8786'. Unset: a LocalCluster of "
        "worker processes on this machine, started by the first run and kept for the next",
    )
    n_workers: int = Field(
        default=2, ge=1, description="Worker processes of the LocalCluster (address unset)"
    )
    threads_per_worker: int = Field(
        default=1, ge=1, description="Threads per LocalCluster worker (address unset)"
    )
    connect_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds to wait for the scheduler, and for at least one worker",
    )

    @field_validator("address")
    @classmethod
    def _with_scheme(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip()
        if "{{" in value:  # a secret reference, checked once resolved
            return value
        if "://" not in value:
            value = f"tcp://{value}"
        parts = urlsplit(value)
        if not parts.hostname and parts.scheme not in _LOCAL_SCHEMES:
            raise ValueError("must be a scheduler address such as 'tcp://127.0.0.1:8786'")
        return value

    @property
    def runs_on_this_machine(self) -> bool:
        """True when every worker shares this machine's files (LocalCluster or loopback)."""
        return self.address is None or is_loopback_address(self.address)


class DaskOrchestratorConfig(DaskClusterConfig):
    """Which Dask cluster runs the steps, and what happens after a step fails."""

    fail_fast: bool = Field(
        default=False,
        description="After the first failed step, start no further step (steps already "
        "submitted still finish). Default: like the local orchestrator, every step not "
        "downstream of a failure still runs",
    )


DASK_ORCHESTRATOR_FLAVOR = Flavor(
    type=StackComponentType.ORCHESTRATOR,
    name="dask",
    implementation="stackwise.integrations.dask.orchestrators.dask_orchestrator:DaskOrchestrator",
    config="stackwise.integrations.dask.flavors.dask_orchestrator_flavor:DaskOrchestratorConfig",
    integration=DASK,
    description="Runs each step as a task on a Dask cluster, as soon as its upstream steps "
    "succeed.",
)
