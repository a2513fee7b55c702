"""The Kubeflow orchestrator and the KFP v2 compilation it shares with Vertex AI."""
