"""`BaseSettings`: the base of every settings object passed as `settings={key: ...}`.

Settings are plain pydantic models; compiling turns them into dicts keyed as given (`docker`,
`resources`, `<component_type>` or `<component_type>.<flavor>`), which is how the spec and the
step run's config record them.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


class SettingsLevel(str, Enum):
    """Where a settings object may be given: on a pipeline, on a step, or both."""

    STEP = "step"
    PIPELINE = "pipeline"


class BaseSettings(BaseModel):
    """Settings for a general concern (docker, resources) or a stack component."""

    LEVEL: ClassVar[set[SettingsLevel]] = {SettingsLevel.PIPELINE, SettingsLevel.STEP}

    model_config = ConfigDict(extra="allow", validate_assignment=True)

    @property
    def required_secrets(self) -> set[Any]:
        """Secrets the settings reference as `{{name.key}}` (names only)."""
        import json
        import re

        text = json.dumps(self.model_dump(mode="json"))
        return set(re.findall(r"\{\{\s*([\w-]+)\.", text))
