"""Metadata value types (ZenML's `zenml.metadata`)."""
