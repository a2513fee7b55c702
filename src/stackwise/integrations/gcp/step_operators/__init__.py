"""The Vertex AI step operator (imports google-cloud-aiplatform when a step is launched)."""

from stackwise.integrations.gcp.step_operators.vertex_step_operator import VertexStepOperator

__all__ = ["VertexStepOperator"]
