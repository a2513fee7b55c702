"""The base of every stack component: a named, configured instance of a flavor.

Three hooks let a flavor say what it needs beyond its own configuration: `validate_in_stack`
(checked before every run, without touching the network), `probe_url` (where it reaches the
network: checked for an answer before a run's first step) and `verify` (tries the connection,
for `stackwise stack verify`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict

from stackwise.enums import StackComponentType

if TYPE_CHECKING:
    from stackwise.stack.stack import Stack


class StackComponentConfig(BaseModel):
    """A flavor's validated configuration. Unknown keys are errors, not silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @property
    def is_remote(self) -> bool:
        """True when the component reaches beyond this machine (used by stack validation)."""
        return False


class StackComponent:
    """A component of a stack. Subclasses add the behaviour of their component type."""

    TYPE: ClassVar[StackComponentType]

    def __init__(self, *, id: str, name: str, flavor: str, config: StackComponentConfig) -> None:
        self.id = id
        self.name = name
        self.flavor = flavor
        self.config = config

    @property
    def type(self) -> StackComponentType:
        return self.TYPE

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r}, flavor={self.flavor!r})"

    def describe(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": str(self.TYPE),
            "flavor": self.flavor,
            "configuration": self.config.model_dump(mode="json"),
        }

    def validate_in_stack(self, stack: Stack) -> list[str]:
        """What this component needs from the rest of `stack`, as problems (none: `[]`).

        Called before every run, so it must be quick and must not reach the network. Each
        problem is one sentence naming what is missing and the command that fixes it, e.g.
        "needs a container registry: `stackwise stack update dev -c NAME`".
        """
        return []

    def probe_url(self) -> str | None:
        """The address this component reaches over the network (a server's URL, an object
        store's endpoint, `tcp://host:port` for a database), or None when it needs no network.

        Before the first step of a run that uses the component, and in `stackwise stack
        verify`, stackwise checks in seconds that something answers there
        (stackwise.utils.network), so a server that is down fails the run at once, naming it.
        """
        return None

    def verify(self) -> None:
        """Try the component's connection (write a probe file, reach the server) and raise,
        saying what failed and how to fix it, if it does not work. The default has nothing
        to try."""
