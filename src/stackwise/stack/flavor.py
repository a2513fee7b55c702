"""A flavor: a component type, a name, a config class and an implementation, named by import
path so that nothing is imported until a component of that flavor is used."""

from __future__ import annotations

import builtins
import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from stackwise.enums import StackComponentType
from stackwise.exceptions import ConfigError

if TYPE_CHECKING:
    from stackwise.stack.stack_component import StackComponent, StackComponentConfig


def import_object(path: str) -> Any:
    """`package.module:Qualified.name` -> the object."""
    module_name, _, qualname = path.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class Flavor:
    type: StackComponentType
    name: str
    implementation: str  # "module:Class"
    config: str = "stackwise.stack.stack_component:StackComponentConfig"
    integration: str | None = None  # the extra to install: pip install "stackwise[<it>]"
    description: str = ""

    # `builtins.type` below: in this class body a bare `type` is the `type` field above
    def config_class(self) -> builtins.type[StackComponentConfig]:
        # the flavor names its config class by import path: what is there is that class
        return cast("builtins.type[StackComponentConfig]", import_object(self.config))

    def implementation_class(self) -> builtins.type[StackComponent]:
        try:
            # named by import path like the config class
            return cast("builtins.type[StackComponent]", import_object(self.implementation))
        except ImportError as error:
            hint = (
                f' Install it: pip install "stackwise[{self.integration}]"'
                if self.integration
                else ""
            )
            raise ConfigError(
                f"The {self.type} flavor '{self.name}' cannot be used: {error}.{hint}"
            ) from error

    def fields_doc(self) -> str:
        """One line per config field: name, type, default and description."""
        lines = []
        for name, field in self.config_class().model_fields.items():
            annotation = getattr(field.annotation, "__name__", None) or str(field.annotation)
            default = "required" if field.is_required() else f"default {field.default!r}"
            desc = f": {field.description}" if field.description else ""
            lines.append(f"{name} ({annotation}, {default}){desc}")
        return "\n".join(lines) or "(no configuration)"

    def validate_config(self, configuration: dict[str, Any]) -> StackComponentConfig:
        """The config object, or a ConfigError naming each bad key and the documented fields."""
        from pydantic import ValidationError

        config_class = self.config_class()
        try:
            return config_class(**configuration)
        except ValidationError as error:
            from stackwise.secrets.plaintext import secret_fields
            from stackwise.utils.pydantic_problems import describe_validation_error

            fields, hidden = config_class.model_fields, secret_fields(config_class)
            raise ConfigError(
                f"Invalid configuration for {self.type} flavor '{self.name}': "
                + describe_validation_error(error, fields, hidden)
                + ".\nFields of this flavor:\n  "
                + self.fields_doc().replace("\n", "\n  ")
            ) from None
