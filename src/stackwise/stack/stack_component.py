"""The base of every stack component: a named, configured instance of a flavor."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from stackwise.enums import StackComponentType


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
        return {"name": self.name, "type": str(self.TYPE), "flavor": self.flavor,
                "configuration": self.config.model_dump(mode="json")}
