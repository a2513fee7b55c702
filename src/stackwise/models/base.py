"""The base of every response model: a pydantic model of what the store holds (so it
serializes to JSON for the server), plus relations that load lazily through the `Store`
protocol and are kept once loaded.

Responses are built with `model_construct` from records the store already validated: building
one costs a few microseconds, which matters on a step's hot path and in listings.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel, ConfigDict, PrivateAttr

if TYPE_CHECKING:
    from stackwise.store.base import Store

DEFAULT_USER_ID = UUID("00000000-0000-4000-8000-000000000001")
DEFAULT_PROJECT_ID = UUID("00000000-0000-4000-8000-000000000002")
DEFAULT_PROJECT_NAME = "default"

R = TypeVar("R", bound="BaseResponse")
T = TypeVar("T")


def as_uuid(value: Any) -> UUID | None:
    if value is None or isinstance(value, UUID):
        return value
    return UUID(str(value))


class BaseResponse(BaseModel):
    """`id`, `created`, `updated`, the owning user and project, and the store to load
    relations through.

    `defer_build`: pydantic builds a model's validator on its first validation or
    serialization instead of when the class is defined. Responses are made with
    `model_construct`, which needs none, so importing the Client (and every CLI listing)
    skips building a schema per response class.
    """

    model_config = ConfigDict(
        arbitrary_types_allowed=True, protected_namespaces=(), defer_build=True
    )

    id: UUID
    created: datetime | None = None
    updated: datetime | None = None
    user_id: UUID | None = DEFAULT_USER_ID
    project_id: UUID | None = DEFAULT_PROJECT_ID

    _store: Any = PrivateAttr(default=None)

    @classmethod
    def make(cls: type[R], store: Store | None, **fields: Any) -> R:
        """A response from trusted values, without validation (the store validated them)."""
        for key in ("id", "user_id", "project_id"):
            if key in fields:
                fields[key] = as_uuid(fields[key])
        if "updated" in cls.model_fields and fields.get("updated") is None:
            fields["updated"] = fields.get("created")
        response = cls.model_construct(**fields)
        response._store = store
        return response

    @property
    def store(self) -> Store:
        if self._store is None:
            from stackwise.store import get_store

            self._store = get_store()
        return self._store  # type: ignore[no-any-return]

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.id == self.id

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.id))

    def __repr__(self) -> str:
        name = getattr(self, "name", None)
        label = f"name={name!r}" if name is not None else f"id={str(self.id)!r}"
        return f"{type(self).__name__}({label})"

    __str__ = __repr__

    def get_hydrated_version(self: R) -> R:
        """Everything is loaded on access already: the response itself."""
        return self

    @property
    def user(self) -> UserResponse | None:
        if self.user_id is None:
            return None
        return default_user(self._store)

    @property
    def project(self) -> ProjectResponse:
        return ProjectResponse.make(self._store, id=DEFAULT_PROJECT_ID, name=DEFAULT_PROJECT_NAME)


class UserResponse(BaseResponse):
    """A user (ZenML's `is_admin` is `role == "admin"`; roles are stackwise's)."""

    name: str
    full_name: str = ""
    email: str | None = None
    active: bool = True
    is_service_account: bool = False
    is_admin: bool = True
    role: str = "admin"
    description: str | None = None

    @property
    def user(self) -> UserResponse | None:
        return None


class ProjectResponse(BaseResponse):
    name: str
    display_name: str = "Default"
    description: str = ""


def default_user(store: Store | None) -> UserResponse:
    """The user that owns everything on a local store."""
    return UserResponse.make(store, id=DEFAULT_USER_ID, name="default", user_id=None)


class Page(BaseModel, Generic[T]):
    """One page of a listing: `items` (iterable, indexable), `total` matches in all pages,
    `index` (from 1), `max_size` (the page size asked for), `size` (items on this page)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, defer_build=True)  # see BaseResponse

    index: int
    max_size: int
    total_pages: int
    total: int
    items: list[T]

    @property
    def size(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[T]:  # type: ignore[override]
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> T:
        return self.items[index]

    def __contains__(self, item: object) -> bool:
        return item in self.items

    @classmethod
    def of(cls, items: list[T], *, total: int, index: int, max_size: int) -> Page[T]:
        pages = max(1, -(-total // max_size)) if max_size else 1
        return cls.model_construct(
            index=index, max_size=max_size, total_pages=pages, total=total, items=items
        )


__all__ = [
    "DEFAULT_PROJECT_ID",
    "DEFAULT_USER_ID",
    "BaseResponse",
    "Page",
    "ProjectResponse",
    "UserResponse",
    "as_uuid",
    "default_user",
]
