"""ZenML's registry rule: the first materializer registered for a type is its default, later
ones only where asked; built-ins for core types count as registered first; MRO lookup."""

from __future__ import annotations

import uuid
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from stackwise.exceptions import MaterializerInterfaceError
from stackwise.materializers import (
    BuiltInMaterializer,
    CloudpickleMaterializer,
    PathMaterializer,
    StructuredStringMaterializer,
    UUIDMaterializer,
)
from stackwise.materializers.base_materializer import BaseMaterializer
from stackwise.materializers.materializer_registry import (
    MaterializerRegistry,
    materializer_registry,
)
from stackwise.types import CSVString, HTMLString, JSONString, MarkdownString


class Token:
    pass


class SpecialToken(Token):
    pass


def _materializer(name: str, *types: type[Any]) -> type[BaseMaterializer]:
    return type(name, (BaseMaterializer,), {"ASSOCIATED_TYPES": types})


def test_the_first_registered_materializer_stays_the_default() -> None:
    class Coin:
        pass

    first = _materializer("FirstCoin", Coin)
    second = _materializer("SecondCoin", Coin)
    assert materializer_registry.get(Coin) is first
    assert materializer_registry[Coin] is first
    assert materializer_registry.get_materializer_types()[Coin] is first
    assert second.can_save_type(Coin)  # still usable where a step asks for it


def test_register_and_overwrite_type_replaces_the_default() -> None:
    registry = MaterializerRegistry()
    first, second = _materializer("A", Token), _materializer("B", Token)
    registry.register_materializer_type(Token, first)
    registry.register_materializer_type(Token, second)
    assert registry[SpecialToken] is first
    registry.register_and_overwrite_type(Token, second)
    assert registry[SpecialToken] is second
    assert registry.get_materializer_types() is registry.materializer_types


def test_a_user_materializer_for_a_core_type_does_not_replace_the_built_in() -> None:
    registry = MaterializerRegistry()
    mine = type("MyIntMaterializer", (BaseMaterializer,), {"SKIP_REGISTRATION": True})
    registry.register_materializer_type(int, mine)
    assert registry[int] is BuiltInMaterializer
    registry.register_materializer_type(uuid.UUID, mine)
    assert registry[uuid.UUID] is UUIDMaterializer


def test_core_built_ins_are_found_through_the_mro() -> None:
    assert materializer_registry[uuid.UUID] is UUIDMaterializer
    assert materializer_registry[type(Path("x"))] is PathMaterializer
    assert materializer_registry[PurePosixPath] is PathMaterializer
    for cls in (HTMLString, MarkdownString, CSVString, JSONString):
        assert materializer_registry[cls] is StructuredStringMaterializer
    assert materializer_registry[str] is BuiltInMaterializer


def test_the_default_materializer_is_cloudpickle_unless_set() -> None:
    registry = MaterializerRegistry()
    assert registry.default_materializer is None
    assert registry.get_default_materializer() is CloudpickleMaterializer

    class Opaque:
        pass

    with pytest.warns(UserWarning, match="falling back to cloudpickle"):
        assert registry[Opaque] is CloudpickleMaterializer
    chosen = type("Chosen", (BaseMaterializer,), {"SKIP_REGISTRATION": True})
    registry.default_materializer = chosen
    assert registry.get_default_materializer() is chosen
    assert registry[Opaque] is chosen


def test_object_materializers_are_never_chosen_by_type() -> None:
    class Anything:
        pass

    catch_all = _materializer("CatchAll", object)
    assert catch_all.can_save_type(Anything)
    assert object not in materializer_registry.materializer_types
    with pytest.warns(UserWarning):
        assert materializer_registry.get(Anything) is CloudpickleMaterializer


def test_a_badly_defined_materializer_raises_the_interface_error() -> None:
    with pytest.raises(MaterializerInterfaceError, match="not a class"):
        _materializer("Bad", "Token")
