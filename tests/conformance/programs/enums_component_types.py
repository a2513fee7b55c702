"""StackComponentType and the artifact enums: members, values, helpers users call."""

from zenml.enums import (
    ArtifactSaveType,
    ArtifactType,
    ModelStages,
    StackComponentType,
    StepRunInputArtifactType,
    VisualizationType,
)

types = {m.name: m.value for m in StackComponentType}
assert types == {
    "ALERTER": "alerter", "ANNOTATOR": "annotator", "ARTIFACT_STORE": "artifact_store",
    "CONTAINER_REGISTRY": "container_registry", "DATA_VALIDATOR": "data_validator",
    "EXPERIMENT_TRACKER": "experiment_tracker", "FEATURE_STORE": "feature_store",
    "IMAGE_BUILDER": "image_builder", "LOG_STORE": "log_store",
    "MODEL_DEPLOYER": "model_deployer", "ORCHESTRATOR": "orchestrator",
    "STEP_OPERATOR": "step_operator", "MODEL_REGISTRY": "model_registry",
    "DEPLOYER": "deployer", "SANDBOX": "sandbox",
}, types
assert StackComponentType("artifact_store") is StackComponentType.ARTIFACT_STORE
assert StackComponentType.MODEL_REGISTRY.plural == "model_registries"
assert StackComponentType.SANDBOX.plural == "sandboxes"
assert StackComponentType.ORCHESTRATOR.plural == "orchestrators"
assert StackComponentType.EXPERIMENT_TRACKER.supports_multiple_per_stack
assert StackComponentType.STEP_OPERATOR.supports_multiple_per_stack
assert not StackComponentType.ORCHESTRATOR.supports_multiple_per_stack
assert not StackComponentType.ARTIFACT_STORE.supports_multiple_per_stack

assert {m.name: m.value for m in ArtifactType} == {
    "DATA_ANALYSIS": "DataAnalysisArtifact", "DATA": "DataArtifact", "MODEL": "ModelArtifact",
    "SCHEMA": "SchemaArtifact", "SERVICE": "ServiceArtifact",
    "STATISTICS": "StatisticsArtifact", "BASE": "BaseArtifact"}
assert {m.value for m in ArtifactSaveType} == {"step_output", "manual", "preexisting",
                                               "external"}
assert {m.name: m.value for m in StepRunInputArtifactType} == {
    "STEP_OUTPUT": "step_output", "MANUAL": "manual", "EXTERNAL": "external",
    "LAZY_LOADED": "lazy", "OVERRIDE": "override"}
assert {m.value for m in VisualizationType} == {"csv", "html", "image", "markdown", "json"}
assert [m.value for m in ModelStages] == ["none", "staging", "production", "archived",
                                          "latest"]
assert ModelStages.PRODUCTION == "production"
print("ok")
