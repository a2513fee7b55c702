"""ArtifactType and data_type per built-in output type: int/float/bool/str are DataArtifact,
list/dict/tuple BaseArtifact... as ZenML records them; values load back with their types."""

from typing import Annotated, Tuple

from zenml import pipeline, step
from zenml.client import Client
from zenml.enums import ArtifactType


@step
def many() -> Tuple[
    Annotated[int, "i"], Annotated[float, "f"], Annotated[bool, "b"], Annotated[str, "s"],
    Annotated[bytes, "y"], Annotated[list, "l"], Annotated[dict, "d"], Annotated[tuple, "t"],
]:
    return 1, 1.5, True, "x", b"ab", [1, 2], {"k": [1]}, (1, 2)


@pipeline
def typed():
    many()


run = Client().get_pipeline_run(typed().id)
out = {name: versions[0] for name, versions in run.steps["many"].outputs.items()}
expected = {"i": (1, "int", ArtifactType.DATA), "f": (1.5, "float", ArtifactType.DATA),
            "b": (True, "bool", ArtifactType.DATA), "s": ("x", "str", ArtifactType.DATA),
            "y": (b"ab", "bytes", ArtifactType.DATA), "l": ([1, 2], "list", ArtifactType.BASE),
            "d": ({"k": [1]}, "dict", ArtifactType.BASE), "t": ((1, 2), "tuple", ArtifactType.BASE)}
for name, (value, type_name, artifact_type) in expected.items():
    v = out[name]
    loaded = v.load()
    assert loaded == value and type(loaded) is type(value), (name, loaded)
    assert v.data_type.import_path == f"builtins.{type_name}", (name, v.data_type)
    assert v.type == artifact_type, (name, v.type)
print("ok")
