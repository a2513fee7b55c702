"""The integrations stackwise ships, for `stackwise integration list` and `install`.

An integration is a package `stackwise.integrations.<name>` that states its pip requirements
(`REQUIREMENTS`) and announces its flavors (`<package>.flavors.FLAVORS`). The catalog finds
those packages instead of keeping its own list, so a new integration shows up as soon as its
package exists and a requirement is written down in one place. Whether an integration is
installed is `importlib.util.find_spec` of its library (the package's `LIBRARY`, else the import
name of its first requirement): nothing is imported, so listing stays fast and side-effect
free.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from types import ModuleType

from stackwise.exceptions import not_found

PACKAGE = "stackwise.integrations"


@dataclass(frozen=True)
class Integration:
    """A third-party tool stackwise provides flavors for."""

    name: str
    requirements: tuple[str, ...]
    library: str  # the top-level module `find_spec` looks for
    description: str = ""

    @classmethod
    def from_package(cls, name: str, package: ModuleType) -> Integration:
        requirements = tuple(package.REQUIREMENTS)
        library = getattr(package, "LIBRARY", None) or _import_name(requirements[0])
        summary = (package.__doc__ or "").strip().split("\n\n", 1)[0]
        return cls(name, requirements, library, " ".join(summary.split()))

    @property
    def extra(self) -> str:
        """What pip installs it as: `stackwise[mlflow]`."""
        return f"stackwise[{self.name}]"

    @property
    def flavors(self) -> list[tuple[str, str]]:
        """(component type, flavor name) of every flavor the integration provides (none yet
        for a package without a `flavors` module)."""
        name = f"{PACKAGE}.{self.name}.flavors"
        if importlib.util.find_spec(name) is None:
            return []
        return [(str(f.type), f.name) for f in importlib.import_module(name).FLAVORS]

    def is_installed(self) -> bool:
        return importlib.util.find_spec(self.library) is not None


def list_integrations() -> list[Integration]:
    """Every integration package, by name."""
    import stackwise.integrations

    found = []
    for module in pkgutil.iter_modules(stackwise.integrations.__path__):
        if not module.ispkg:
            continue
        package = importlib.import_module(f"{PACKAGE}.{module.name}")
        if getattr(package, "REQUIREMENTS", None):
            found.append(Integration.from_package(module.name, package))
    return sorted(found, key=lambda i: i.name)


def get_integration(name: str) -> Integration:
    """The integration called `name`; EntityNotFoundError with a "did you mean" if none is."""
    integrations = list_integrations()
    for integration in integrations:
        if integration.name == name:
            return integration
    raise not_found("integration", name, [i.name for i in integrations])


def install_command(integrations: Sequence[Integration]) -> list[str]:
    """The pip command installing every requirement of `integrations` into this Python (not
    `stackwise[extra]`: that would fetch stackwise itself from the index)."""
    requirements = dict.fromkeys(r for i in integrations for r in i.requirements)
    return [sys.executable, "-m", "pip", "install", *requirements]


def _import_name(requirement: str) -> str:
    """`scikit-learn>=1.3` -> `scikit_learn`: the distribution name as a module name (a package
    whose import name differs says so with `LIBRARY`)."""
    distribution = re.split(r"[\s<>=!~;\[(@]", requirement.strip(), maxsplit=1)[0]
    return distribution.replace("-", "_").replace(".", "_").lower()
