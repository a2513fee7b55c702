"""Pipelines: `@pipeline`, compiling into a PipelineSpec, and run configuration files."""

from stackwise.pipelines.pipeline import Pipeline, pipeline

__all__ = ["Pipeline", "pipeline"]
