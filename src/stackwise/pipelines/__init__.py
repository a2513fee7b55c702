"""Pipelines: `@pipeline`, compiling into a PipelineSpec, and run configuration files."""

from stackwise.pipelines.pipeline import Pipeline, pipeline
from stackwise.pipelines.pipeline_context import PipelineContext, get_pipeline_context

__all__ = ["Pipeline", "PipelineContext", "get_pipeline_context", "pipeline"]
