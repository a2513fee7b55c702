"""BaseMaterializer's members that materializer authors call: type checks, item access,
full metadata, temporary directories, visualizations."""

import os
from dataclasses import dataclass

from zenml.client import Client
from zenml.enums import ArtifactType, VisualizationType
from zenml.materializers import (
    BuiltInContainerMaterializer,
    BuiltInMaterializer,
    BytesMaterializer,
    CloudpickleMaterializer,
    DataclassMaterializer,
    InMemoryMaterializer,
    PathMaterializer,
    PydanticMaterializer,
    StructuredStringMaterializer,
    UUIDMaterializer,
)
from zenml.materializers.base_materializer import BaseMaterializer

store = Client().active_stack.artifact_store
root = os.path.join(store.path, "probe")


def folder(name: str) -> str:
    path = os.path.join(root, name)
    os.makedirs(path, exist_ok=True)
    return path


@dataclass
class Point:
    x: int


assert BuiltInMaterializer.can_save_type(bool) and BuiltInMaterializer.can_load_type(int)
assert not BuiltInMaterializer.can_save_type(list)
assert BuiltInContainerMaterializer.can_save_type(list)
assert BytesMaterializer.can_save_type(bytes)
assert DataclassMaterializer.can_save_type(Point) and not DataclassMaterializer.can_save_type(int)
assert CloudpickleMaterializer.can_save_type(Point) and InMemoryMaterializer.can_load_type(int)
assert CloudpickleMaterializer.ASSOCIATED_TYPES == (object,)
assert InMemoryMaterializer.ASSOCIATED_TYPES == (object,)
assert StructuredStringMaterializer.ASSOCIATED_ARTIFACT_TYPE == ArtifactType.DATA_ANALYSIS
assert BuiltInMaterializer.ASSOCIATED_ARTIFACT_TYPE == ArtifactType.DATA
assert BaseMaterializer.ASSOCIATED_ARTIFACT_TYPE == ArtifactType.BASE
assert {t.__name__ for t in PathMaterializer.ASSOCIATED_TYPES} >= {"Path"}
assert {t.__name__ for t in PydanticMaterializer.ASSOCIATED_TYPES} == {"BaseModel"}
assert {t.__name__ for t in UUIDMaterializer.ASSOCIATED_TYPES} == {"UUID"}

scalar = BuiltInMaterializer(folder("scalar"))
assert scalar.expected_content_hash is None
scalar.validate_save_type_compatibility(int)
for check in (scalar.validate_save_type_compatibility, scalar.validate_load_type_compatibility):
    try:
        check(list)
    except TypeError as error:
        assert "BuiltInMaterializer" in str(error)
    else:
        raise AssertionError("an unsupported type must raise TypeError")
scalar.save(42)
assert scalar.load(int) == 42
full = scalar.extract_full_metadata(42)
assert full["storage_size"] > 0, full
assert scalar.get_item_count(42) is None
try:
    scalar.load_item(int, 0)
except NotImplementedError:
    pass
else:
    raise AssertionError("a scalar has no items")
views = scalar.save_visualizations(42)
assert list(views.values()) == [VisualizationType.JSON]

container = BuiltInContainerMaterializer(folder("container"))
container.save([10, 20, 30])
assert container.get_item_count([10, 20, 30]) == 3
assert container.load_item(int, 1) == 20
assert container.extract_full_metadata([10, 20, 30])["length"] == 3

with scalar.get_temporary_directory(delete_at_exit=True) as temporary:
    assert os.path.isdir(temporary)
assert not os.path.exists(temporary)
print("ok")
