"""The Vertex AI model deployer."""
