"""stackwise.enums: ZenML's members and values, the helpers, and a light import."""

from __future__ import annotations

import subprocess
import sys

from stackwise.enums import (
    DescribedValuesEnum,
    ExecutionStatus,
    LoggingLevels,
    MetadataResourceType,
    MetadataResourceTypes,
    PipelineEvent,
    StackComponentType,
    StrEnum,
)


def test_status_helpers() -> None:
    assert {s for s in ExecutionStatus if s.is_failed} == {
        ExecutionStatus.FAILED,
        ExecutionStatus.CANCELLED,
    }
    assert ExecutionStatus.SKIPPED.is_successful and ExecutionStatus.SKIPPED.is_finished
    assert not ExecutionStatus.QUEUED.is_finished and not ExecutionStatus.RETRYING.is_finished
    assert ExecutionStatus.STOPPED.is_finished and not ExecutionStatus.STOPPED.is_successful


def test_component_type_names() -> None:
    assert StackComponentType.SANDBOX.plural == "sandboxes"
    assert StackComponentType.CONTAINER_REGISTRY.plural == "container_registries"
    assert StackComponentType.LOG_STORE.cli_name == "log-store"
    assert StackComponentType.LOG_STORE.label == "log store"
    several = {t for t in StackComponentType if t.supports_multiple_per_stack}
    assert (
        several
        == {t for t in StackComponentType if t.allows_several}
        == {StackComponentType.EXPERIMENT_TRACKER, StackComponentType.STEP_OPERATOR}
    )


def test_the_old_metadata_name_is_the_same_enum() -> None:
    assert MetadataResourceType is MetadataResourceTypes
    assert MetadataResourceType.ARTIFACT_VERSION == "artifact_version"


def test_string_enums_print_and_compare_as_their_value() -> None:
    assert issubclass(ExecutionStatus, StrEnum) and issubclass(PipelineEvent, DescribedValuesEnum)
    assert str(ExecutionStatus.RUNNING) == "running" == ExecutionStatus.RUNNING
    assert ExecutionStatus.values()[:3] == ["initializing", "running", "completed"]
    assert LoggingLevels.WARN.value == 30
    assert set(PipelineEvent.value_description_index()) == set(PipelineEvent)


def test_import_stays_light() -> None:
    code = (
        "import sys, stackwise.enums, stackwise.exceptions, stackwise.types; "
        "print(sorted(m for m in ('pydantic', 'numpy', 'sqlalchemy', 'click') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
