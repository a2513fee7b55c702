"""Materializers save step outputs to an artifact store and load them back, chosen by type."""

from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.materializer_registry import materializer_registry

__all__ = ["BaseMaterializer", "materializer_registry"]
