"""The materializer registry: the first materializer registered for a type is its default;
later ones are used only where a step asks; MRO lookup; built-ins stay the default."""

import os
import uuid
from pathlib import Path

from zenml import pipeline, step
from zenml.materializers.base_materializer import BaseMaterializer
from zenml.materializers.built_in_materializer import BuiltInMaterializer
from zenml.materializers.cloudpickle_materializer import CloudpickleMaterializer
from zenml.materializers.materializer_registry import MaterializerRegistry, materializer_registry
from zenml.materializers.path_materializer import PathMaterializer
from zenml.materializers.uuid_materializer import UUIDMaterializer


class Money:
    def __init__(self, cents: int) -> None:
        self.cents = cents


class Euro(Money):
    pass


class FirstMoneyMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Money,)

    def save(self, data: Money) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "first.txt"), "w") as f:
            f.write(str(data.cents))

    def load(self, data_type: type) -> Money:
        with self.artifact_store.open(os.path.join(self.uri, "first.txt")) as f:
            return data_type(int(f.read()))


class SecondMoneyMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (Money,)

    def save(self, data: Money) -> None:
        with self.artifact_store.open(os.path.join(self.uri, "second.txt"), "w") as f:
            f.write(str(data.cents * 10))

    def load(self, data_type: type) -> Money:
        with self.artifact_store.open(os.path.join(self.uri, "second.txt")) as f:
            return data_type(int(f.read()))


class MyIntMaterializer(BaseMaterializer):
    ASSOCIATED_TYPES = (int,)


assert materializer_registry[Money] is FirstMoneyMaterializer
assert materializer_registry[Euro] is FirstMoneyMaterializer  # found through the MRO
assert materializer_registry.get_materializer_types()[Money] is FirstMoneyMaterializer
assert materializer_registry.materializer_types[Money] is FirstMoneyMaterializer
assert materializer_registry[int] is BuiltInMaterializer  # the built-in stays the default
assert materializer_registry[bool] is BuiltInMaterializer
assert materializer_registry[uuid.UUID] is UUIDMaterializer
assert materializer_registry[type(Path("x"))] is PathMaterializer


class Opaque:
    pass


assert materializer_registry[Opaque] is CloudpickleMaterializer
assert materializer_registry.get_default_materializer() is CloudpickleMaterializer
assert materializer_registry.default_materializer is None

# a registry of one's own
registry = MaterializerRegistry()
registry.register_materializer_type(Money, SecondMoneyMaterializer)
registry.register_materializer_type(Money, FirstMoneyMaterializer)
assert registry.get_materializer_types()[Money] is SecondMoneyMaterializer  # first wins
registry.register_and_overwrite_type(Money, FirstMoneyMaterializer)
assert registry.get_materializer_types()[Money] is FirstMoneyMaterializer


@step
def by_default() -> Money:
    return Money(5)


@step(output_materializers=SecondMoneyMaterializer)
def when_asked() -> Money:
    return Money(5)


@pipeline
def money_pipeline():
    by_default()
    when_asked()


run = money_pipeline()
default_version = run.steps["by_default"].output
asked_version = run.steps["when_asked"].output
assert default_version.load().cents == 5
assert asked_version.load().cents == 50  # saved and loaded by the second materializer
assert "first.txt" in os.listdir(default_version.uri)
assert "second.txt" in os.listdir(asked_version.uri)
print("ok")
