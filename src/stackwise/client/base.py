"""What every part of the Client shares: the store it reads and writes through, and the
translation of ZenML's list-method keywords into store filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from stackwise.exceptions import EntityNotFoundError
from stackwise.models.base import DEFAULT_PROJECT_ID, DEFAULT_USER_ID, Page
from stackwise.store.filters import plain, split_operator

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import Page as RecordPage

T = TypeVar("T")
R = TypeVar("R")

_OWNERS = {"default", str(DEFAULT_USER_ID)}
_PROJECTS = {"default", str(DEFAULT_PROJECT_ID)}


class NoMatch(Exception):
    """A filter on something no stored entity has (a schedule, a build…): the page is empty."""


def given(**filters: Any) -> dict[str, Any]:
    """The filters the caller set (None means not set), values made store-friendly."""
    return {k: plain(v) for k, v in filters.items() if v is not None}


def never_set(**fields: Any) -> None:
    """Filters on relations stackwise does not record yet (schedules, builds, code
    repositories, templates, triggers, model versions): nothing has one, so only `isnull:`
    matches; any other value matches nothing."""
    for value in fields.values():
        if value is None:
            continue
        op, _ = split_operator(value)
        if op != "isnull":
            raise NoMatch


def check_owner(user: Any = None, project: Any = None) -> None:
    """Everything on a local store belongs to the `default` user in the `default` project."""
    if user is not None:
        op, value = split_operator(plain(getattr(user, "id", user)))
        if str(value) not in _OWNERS and op in ("equals", "oneof"):
            raise NoMatch
    check_project(project)


def check_project(project: Any) -> None:
    if project is None:
        return
    value = str(plain(getattr(project, "id", project)))
    if value not in _PROJECTS:
        raise EntityNotFoundError(
            f"No project named '{value}': this store has one project, 'default'."
        )


def to_page(records: RecordPage[Any], convert: Callable[[Any], T]) -> Page[T]:
    return Page.of(
        [convert(r) for r in records.items],
        total=records.total,
        index=records.index,
        max_size=records.size,
    )


def empty_page(page: int, size: int) -> Page[Any]:
    return Page.of([], total=0, index=page, max_size=size)


def metadata_ids(store: Store, resource_type: str, wanted: Mapping[str, Any]) -> list[str]:
    """Ids of resources whose run metadata holds every key with the given value."""
    matches: set[str] | None = None
    for key, value in wanted.items():
        ids = set(store.find_by_metadata(resource_type, key, value))
        matches = ids if matches is None else matches & ids
    return sorted(matches or set())


def model_version_ids(store: Store, model_version_id: Any = None, model: Any = None) -> list[str]:
    """The model versions a `model_version_id=` / `model=` filter names (a version id, a
    model's name or id: all its versions); NoMatch when it names none."""
    from stackwise.exceptions import EntityNotFoundError

    ids: list[str] | None = None
    if model_version_id is not None:
        op, value = split_operator(plain(getattr(model_version_id, "id", model_version_id)))
        if op != "equals":
            raise NoMatch  # only a version's id is understood here
        try:
            ids = [store.get_model_version(str(value)).id]
        except EntityNotFoundError:
            raise NoMatch from None
    if model is not None:
        try:
            found = store.get_model(str(plain(getattr(model, "id", model))))
        except EntityNotFoundError:
            raise NoMatch from None
        of_model = [
            v.id
            for v in store.list_model_versions(filters={"model_id": found.id}, size=1_000_000).items
        ]
        ids = of_model if ids is None else [i for i in ids if i in of_model]
    if not ids:
        raise NoMatch
    return ids


def linked_run_ids(store: Store, version_ids: list[str]) -> list[str]:
    """Runs linked to any of the model versions (they used it, the pipeline's or a step's)."""
    links = store.list_model_version_run_links(
        filters={"model_version_id": "oneof:" + repr(version_ids)}, size=1_000_000
    )
    return sorted({link.target_id for link in links.items})


class ClientBase:
    def __init__(self, store: Store | None = None, *, root: Any = None) -> None:
        self._store_override = store
        self._root = root

    @cached_property
    def store(self) -> Store:
        if self._store_override is not None:
            return self._store_override
        from stackwise.store import get_store

        return get_store()

    @property
    def root(self) -> Any:
        """The project folder (`stackwise init`) this client reads its config from, if any."""
        if self._root is not None:
            return self._root
        from stackwise.config.global_config import find_project_root

        return find_project_root()


__all__ = [
    "ClientBase",
    "NoMatch",
    "check_owner",
    "check_project",
    "empty_page",
    "given",
    "linked_run_ids",
    "metadata_ids",
    "model_version_ids",
    "never_set",
    "to_page",
]
