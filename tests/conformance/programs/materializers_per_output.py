"""output_materializers: one class for every output, or a class per output name."""

import os
from typing import Annotated

from zenml import pipeline, step
from zenml.materializers.base_materializer import BaseMaterializer


class UpperMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (str,)

    def save(self, data: str) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "upper.txt"), "w") as f:
            f.write(data.upper())

    def load(self, data_type: type) -> str:
        with self.artifact_store.open(os.path.join(self.uri, "upper.txt")) as f:
            return f.read()


@step(output_materializers={"shout": UpperMaterializer})
def two_texts() -> tuple[Annotated[str, "shout"], Annotated[str, "plain"]]:
    return "hello", "world"


@step(output_materializers=UpperMaterializer)
def all_loud() -> tuple[Annotated[str, "a"], Annotated[str, "b"]]:
    return "x", "y"


@step
def join(shout: str, plain: str) -> str:
    return f"{shout} {plain}"


@pipeline
def texts():
    shout, plain = two_texts()
    join(shout, plain)
    all_loud()


run = texts()
outputs = run.steps["two_texts"].outputs
assert outputs["shout"][0].load() == "HELLO"
assert outputs["plain"][0].load() == "world"  # the built-in, untouched
assert run.steps["join"].output.load() == "HELLO world"
loud = run.steps["all_loud"].outputs
assert (loud["a"][0].load(), loud["b"][0].load()) == ("X", "Y")
assert os.listdir(loud["a"][0].uri) == ["upper.txt"]
print("ok")
