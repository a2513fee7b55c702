"""Metadata extracted by materializers, and `enable_artifact_metadata=False`."""

import uuid

from zenml import pipeline, step


@step
def numbers() -> list:
    return [1, 2, 3]


@step(enable_artifact_metadata=False)
def hushed() -> list:
    return [1, 2, 3]


@step
def ident() -> uuid.UUID:
    return uuid.UUID(int=7)


@pipeline
def metadata_pipeline():
    numbers()
    hushed()
    ident()


run = metadata_pipeline()
listed = run.steps["numbers"].output.run_metadata
assert listed["length"] == 3, listed
assert listed["storage_size"] > 0, listed
assert run.steps["hushed"].output.run_metadata == {}
assert run.steps["hushed"].output.load() == [1, 2, 3]
ident_metadata = run.steps["ident"].output.run_metadata
assert ident_metadata["string_representation"] == "00000000-0000-0000-0000-000000000007"
assert run.steps["ident"].output.load() == uuid.UUID(int=7)
print("ok")
