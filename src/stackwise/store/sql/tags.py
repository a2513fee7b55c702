"""Tags: named entities (colour, exclusive) attached to runs, pipelines, artifacts and artifact
versions through `tag_resources`.

Attaching creates a tag on first use. An exclusive tag marks one run per pipeline, or one version
per artifact, at a time (as ZenML): attaching it moves it (the previous holder of the same
pipeline or artifact loses it in the same transaction). Pipelines and artifacts themselves
cannot carry an exclusive tag.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from stackwise.enums import ColorVariants
from stackwise.exceptions import ConfigError, EntityExistsError
from stackwise.store.filters import Column, FilterSpec, bytewise
from stackwise.store.records import Page, TagRecord, TagSpec
from stackwise.store.sql import schema as t
from stackwise.store.sql.connection import SqlBase
from stackwise.utils.ids import new_id, utcnow

COLORS = tuple(ColorVariants.values())
RESOURCE_TYPES = (
    "artifact",
    "artifact_version",
    "model",
    "model_version",
    "pipeline",
    "pipeline_run",
    "run_template",
    "pipeline_snapshot",
    "deployment",
)

_tc = t.tags.c
# resource types an exclusive tag can mark, and what it is exclusive within
_GROUPED = {
    "pipeline_run": (t.pipeline_runs, t.pipeline_runs.c.pipeline_id),
    "artifact_version": (t.artifact_versions, t.artifact_versions.c.artifact_id),
}
_counts = (
    select(t.tag_resources.c.tag_id, func.count().label("n"))
    .group_by(t.tag_resources.c.tag_id)
    .subquery()
)
TAG_FILTERS = FilterSpec(
    "Tags",
    {
        "id": Column(_tc.id),
        "name": Column(_tc.name),
        "color": Column(_tc.color),
        "exclusive": Column(_tc.exclusive, "bool"),
        "created": Column(_tc.created, "date"),
        "updated": Column(_tc.updated, "date"),
    },
)


def default_color(name: str) -> str:
    """A stable colour per name (ZenML picks one at random; stable reads better in tables)."""
    return COLORS[zlib.crc32(name.encode()) % len(COLORS)]


def as_spec(tag: Any) -> TagSpec:
    """A str, a TagSpec or a user's `stackwise.Tag` (name, color, exclusive), or such a tag
    as a mapping (how it arrives through the server)."""
    if isinstance(tag, TagSpec):
        return tag
    if isinstance(tag, str):
        return TagSpec(name=tag)
    if isinstance(tag, Mapping):
        return TagSpec(
            name=str(tag["name"]), color=tag.get("color"), exclusive=bool(tag.get("exclusive"))
        )
    color = getattr(tag, "color", None)
    return TagSpec(
        name=str(tag.name),
        color=getattr(color, "value", color),
        exclusive=bool(getattr(tag, "exclusive", False) or False),
    )


def _check_type(resource_type: str) -> str:
    resource_type = str(getattr(resource_type, "value", resource_type))
    if resource_type not in RESOURCE_TYPES:
        raise ConfigError(
            f"'{resource_type}' cannot be tagged; taggable resources are "
            f"{', '.join(RESOURCE_TYPES)}."
        )
    return resource_type


def _tag(row: Row[Any]) -> TagRecord:
    m = row._mapping
    return TagRecord(
        id=m["id"],
        name=m["name"],
        color=m["color"],
        exclusive=bool(m["exclusive"]),
        created=m["created"],
        updated=m["updated"],
        tagged_count=int(m.get("tagged_count") or 0),
    )


class TagQueries(SqlBase):
    def _tag_query(self) -> Any:
        return select(t.tags, func.coalesce(_counts.c.n, 0).label("tagged_count")).outerjoin(
            _counts, _counts.c.tag_id == _tc.id
        )

    def create_tag(
        self, name: str, *, color: str | None = None, exclusive: bool = False
    ) -> TagRecord:
        if not name or not name.strip():
            raise ConfigError("A tag needs a non-empty name.")
        now = utcnow()
        values = {
            "id": new_id(),
            "name": name,
            "color": color or default_color(name),
            "exclusive": bool(exclusive),
            "created": now,
            "updated": now,
        }
        try:
            with self._write() as conn:
                conn.execute(insert(t.tags), values)
        except IntegrityError as error:
            raise EntityExistsError(f"A tag named '{name}' already exists.") from error
        return TagRecord(**values)  # type: ignore[arg-type]

    def get_tag(self, name_or_id: str, *, allow_name_prefix: bool = False) -> TagRecord:
        """By id, name, unique id prefix (or, when allowed, unique name prefix)."""
        with self._read() as conn:
            row = self._find(
                conn,
                self._tag_query(),
                _tc.id,
                _tc.name,
                str(name_or_id),
                "tag",
                allow_name_prefix=allow_name_prefix,
            )
        return _tag(row)

    def list_tags(
        self,
        *,
        filters: Mapping[str, Any] | None = None,
        sort_by: str = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        resource_type: Any = None,
    ) -> Page[TagRecord]:
        query = self._tag_query()
        condition = TAG_FILTERS.conditions(filters or {}, logical_operator)
        if condition is not None:
            query = query.where(condition)
        if resource_type is not None:
            types = (
                resource_type if isinstance(resource_type, (list, tuple, set)) else [resource_type]
            )
            used = select(t.tag_resources.c.tag_id).where(
                t.tag_resources.c.resource_type.in_([_check_type(r) for r in types])
            )
            query = query.where(_tc.id.in_(used))
        return self._page(query, TAG_FILTERS.order(sort_by), _tag, index, size)

    def update_tag(
        self,
        tag_id: str,
        *,
        name: str | None = None,
        color: str | None = None,
        exclusive: bool | None = None,
    ) -> TagRecord:
        values: dict[str, Any] = {"updated": utcnow()}
        if name is not None:
            if not name.strip():
                raise ConfigError("A tag needs a non-empty name.")
            values["name"] = name
        if color is not None:
            values["color"] = str(getattr(color, "value", color))
        if exclusive is not None:
            values["exclusive"] = bool(exclusive)
        try:
            with self._write() as conn:
                if exclusive:
                    self._check_can_be_exclusive(conn, tag_id)
                conn.execute(update(t.tags).where(_tc.id == tag_id).values(**values))
        except IntegrityError as error:
            raise EntityExistsError(f"A tag named '{name}' already exists.") from error
        return self.get_tag(tag_id)

    @staticmethod
    def _check_can_be_exclusive(conn: Connection, tag_id: str) -> None:
        """An exclusive tag may hold at most one run per pipeline and one version per
        artifact, and no pipeline or artifact at all."""
        r = t.tag_resources.c
        on_types = set(
            conn.execute(select(r.resource_type).where(r.tag_id == tag_id).distinct()).scalars()
        )
        refused = sorted(on_types - set(_GROUPED))
        if refused:
            raise ConfigError(
                f"The tag is attached to {' and '.join(refused)} resources, which cannot carry "
                "an exclusive tag (exclusive tags mark one pipeline run per pipeline or one "
                "artifact version per artifact). Detach it from those first."
            )
        for resource_type, (table, group_column) in _GROUPED.items():
            crowded = (
                conn.execute(
                    select(group_column)
                    .select_from(table)
                    .join(t.tag_resources, r.resource_id == table.c.id)
                    .where(r.tag_id == tag_id, r.resource_type == resource_type)
                    .group_by(group_column)
                    .having(func.count() > 1)
                )
                .scalars()
                .all()
            )
            if crowded:
                owner = "pipeline" if resource_type == "pipeline_run" else "artifact"
                raise ConfigError(
                    f"The tag is attached to several {resource_type}s of the same {owner} "
                    f"({', '.join(map(str, crowded))}); an exclusive tag marks one at a time. "
                    "Detach it from all but one first."
                )

    def delete_tag(self, tag_id: str) -> None:
        with self._write() as conn:
            conn.execute(delete(t.tag_resources).where(t.tag_resources.c.tag_id == tag_id))
            conn.execute(delete(t.tags).where(_tc.id == tag_id))

    def attach_tags(
        self, resource_type: str, resource_ids: Sequence[str], tags: Iterable[Any]
    ) -> None:
        """Attach tags (names, TagSpecs or `Tag` objects) to resources; creates missing tags."""
        specs = [as_spec(tag) for tag in tags]
        if not specs or not resource_ids:
            return
        with self._write() as conn:
            self._attach(conn, _check_type(resource_type), [str(i) for i in resource_ids], specs)

    def _attach(
        self,
        conn: Connection,
        resource_type: str,
        resource_ids: Sequence[str],
        specs: Sequence[TagSpec],
    ) -> None:
        """Inside a write transaction: used by the artifact writes to tag new versions."""
        r = t.tag_resources.c
        now = utcnow()
        targets = list(dict.fromkeys(resource_ids))
        for spec in specs:
            row = conn.execute(
                select(_tc.id, _tc.exclusive, _tc.color).where(_tc.name == spec.name)
            ).first()
            if row is None:
                tag_id, exclusive = new_id(), spec.exclusive
                conn.execute(
                    insert(t.tags),
                    {
                        "id": tag_id,
                        "name": spec.name,
                        "color": spec.color or default_color(spec.name),
                        "exclusive": exclusive,
                        "created": now,
                        "updated": now,
                    },
                )
            else:
                tag_id, exclusive = row.id, bool(row.exclusive)
                if spec.exclusive and not exclusive:
                    raise ConfigError(
                        f"Tag '{spec.name}' exists and is not exclusive; make it exclusive "
                        f"first: Client().update_tag('{spec.name}', exclusive=True)."
                    )
                if spec.color and spec.color != row.color:  # asked for: act on it
                    conn.execute(
                        update(t.tags).where(_tc.id == tag_id).values(color=spec.color, updated=now)
                    )
            if exclusive:
                self._make_room(conn, spec.name, tag_id, resource_type, targets)
            present = set(
                conn.execute(
                    select(r.resource_id).where(
                        r.tag_id == tag_id,
                        r.resource_type == resource_type,
                        r.resource_id.in_(targets),
                    )
                ).scalars()
            )
            rows = [
                {"tag_id": tag_id, "resource_type": resource_type, "resource_id": i, "created": now}
                for i in targets
                if i not in present
            ]
            if rows:
                conn.execute(insert(t.tag_resources), rows)

    @staticmethod
    def _make_room(
        conn: Connection, name: str, tag_id: str, resource_type: str, targets: Sequence[str]
    ) -> None:
        """Before an exclusive tag goes on `targets`: the other runs of their pipelines (or
        versions of their artifacts) lose it."""
        grouped = _GROUPED.get(resource_type)
        if grouped is None:
            raise ConfigError(
                f"Tag '{name}' is exclusive, and a {resource_type} cannot carry an exclusive "
                "tag: exclusive tags mark one pipeline run per pipeline or one artifact "
                "version per artifact. Use a non-exclusive tag here."
            )
        table, group_column = grouped
        groups = conn.execute(select(table.c.id, group_column).where(table.c.id.in_(targets))).all()
        owners = [g for _, g in groups]
        if len(owners) != len(set(owners)):
            owner = "pipeline" if resource_type == "pipeline_run" else "artifact"
            raise ConfigError(
                f"Tag '{name}' is exclusive: it marks one {resource_type} per "
                f"{owner} at a time, and {len(targets)} of the same {owner} "
                "were given."
            )
        r = t.tag_resources.c
        holders = select(table.c.id).where(group_column.in_(owners))
        conn.execute(
            delete(t.tag_resources).where(
                r.tag_id == tag_id,
                r.resource_type == resource_type,
                r.resource_id.in_(holders),
                r.resource_id.not_in(list(targets)),
            )
        )

    def detach_tags(
        self, resource_type: str, resource_ids: Sequence[str], names: Iterable[Any]
    ) -> int:
        """Detach tags by name; returns how many links were removed."""
        wanted = [as_spec(n).name for n in names]
        if not wanted or not resource_ids:
            return 0
        r = t.tag_resources.c
        tag_ids = select(_tc.id).where(_tc.name.in_(wanted))
        with self._write() as conn:
            result = conn.execute(
                delete(t.tag_resources).where(
                    r.resource_type == _check_type(resource_type),
                    r.resource_id.in_([str(i) for i in resource_ids]),
                    r.tag_id.in_(tag_ids),
                )
            )
        return int(result.rowcount or 0)

    def tags_of(
        self, resource_type: str, resource_ids: Iterable[str]
    ) -> dict[str, list[TagRecord]]:
        """Tags per resource id (one query for any number of resources), in attach order."""
        ids = [str(i) for i in resource_ids]
        out: dict[str, list[TagRecord]] = {i: [] for i in ids}
        if not ids:
            return out
        r = t.tag_resources.c
        query = (
            self._tag_query()
            .add_columns(r.resource_id.label("resource_id"))
            .join(t.tag_resources, r.tag_id == _tc.id)
            .where(r.resource_type == _check_type(resource_type), r.resource_id.in_(ids))
            .order_by(r.created, bytewise(_tc.name))
        )
        with self._read() as conn:
            for row in conn.execute(query):
                out[row.resource_id].append(_tag(row))
        return out

    def tagged_ids(self, resource_type: str, names: Iterable[str]) -> Any:
        """A subquery of the ids of resources carrying every one of `names` (for filters)."""
        r = t.tag_resources.c
        wanted = list(dict.fromkeys(names))
        return (
            select(r.resource_id)
            .join(t.tags, _tc.id == r.tag_id)
            .where(r.resource_type == _check_type(resource_type), _tc.name.in_(wanted))
            .group_by(r.resource_id)
            .having(func.count(func.distinct(_tc.name)) == len(wanted))
        )

    def _drop_tag_links(self, conn: Connection, resource_type: str, resource_ids: Any) -> None:
        """Inside a write transaction: a deleted resource keeps no tag links."""
        conn.execute(
            delete(t.tag_resources).where(
                t.tag_resources.c.resource_type == resource_type,
                t.tag_resources.c.resource_id.in_(resource_ids),
            )
        )


__all__ = ["COLORS", "RESOURCE_TYPES", "TAG_FILTERS", "TagQueries", "as_spec", "default_color"]
