"""The rest of zenml.enums that user code imports: names, values, string behaviour."""

from zenml.enums import (
    ColorVariants,
    ExecutionMode,
    GenericFilterOps,
    HookType,
    LoggingLevels,
    LogicalOperators,
    MetadataResourceTypes,
    PipelineRunEvent,
    SorterOps,
    StepRuntime,
    StoreType,
    TaggableResourceTypes,
    ZenMLServiceType,
)

assert {m.value for m in MetadataResourceTypes} == {
    "pipeline_run", "step_run", "artifact_version", "model_version", "schedule",
    "wait_condition"}
assert LoggingLevels.INFO.value == 20 and LoggingLevels["DEBUG"].value == 10
assert LoggingLevels(40) is LoggingLevels.ERROR
assert [m.value for m in ExecutionMode] == ["fail_fast", "stop_on_failure",
                                            "continue_on_failure"]
assert HookType.STEP_FAILURE == "step_failure" and HookType.CUSTOM.value == "custom"
assert GenericFilterOps.NOT_EQUALS.value == "notequals" and GenericFilterOps.IN == "in"
assert SorterOps.DESCENDING == "desc" and LogicalOperators.OR.value == "or"
assert StoreType.SQL == "sql" and StoreType.REST.value == "rest"
assert ColorVariants.PURPLE.value == "purple" and len(list(ColorVariants)) == 11
assert {m.value for m in TaggableResourceTypes} >= {"artifact", "artifact_version",
                                                    "pipeline", "pipeline_run", "model"}
assert ZenMLServiceType.MODEL_SERVING.value == "model-serving"
assert StepRuntime.INLINE == "inline"
index = PipelineRunEvent.value_description_index()
assert set(index) == {PipelineRunEvent.COMPLETED, PipelineRunEvent.FAILED}
assert all(isinstance(text, str) and text for text in index.values())
# string enums are str: JSON-ready, usable as dict keys interchangeably with their value
assert isinstance(StoreType.SQL, str) and {"sql": 1}[StoreType.SQL] == 1
print("ok")
