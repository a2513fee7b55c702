"""The Vertex AI orchestrator."""
