"""The Google Cloud flavors, announced through the `stackwise.flavors` entry point as
`FLAVORS`. Importing this package must import neither gcsfs, kfp nor google-cloud-aiplatform:
the flavor registry reads it on every lookup of a flavor that is not built in.
"""

from __future__ import annotations

from stackwise.integrations.gcp.flavors.gcp_artifact_store_flavor import (
    GCP_ARTIFACT_STORE_FLAVOR,
    GCPArtifactStoreConfig,
)
from stackwise.integrations.gcp.flavors.vertex_model_deployer_flavor import (
    VERTEX_MODEL_DEPLOYER_FLAVOR,
    VertexModelDeployerConfig,
)
from stackwise.integrations.gcp.flavors.vertex_orchestrator_flavor import (
    VERTEX_ORCHESTRATOR_FLAVOR,
    VertexOrchestratorConfig,
)
from stackwise.integrations.gcp.flavors.vertex_step_operator_flavor import (
    VERTEX_STEP_OPERATOR_FLAVOR,
    VertexStepOperatorConfig,
    VertexStepOperatorSettings,
)
from stackwise.stack.flavor import Flavor

FLAVORS: list[Flavor] = [
    GCP_ARTIFACT_STORE_FLAVOR,
    VERTEX_ORCHESTRATOR_FLAVOR,
    VERTEX_STEP_OPERATOR_FLAVOR,
    VERTEX_MODEL_DEPLOYER_FLAVOR,
]

__all__ = [
    "FLAVORS",
    "GCPArtifactStoreConfig",
    "VertexModelDeployerConfig",
    "VertexOrchestratorConfig",
    "VertexStepOperatorConfig",
    "VertexStepOperatorSettings",
]
