"""Stack components and stacks."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Connection,
    Row,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from stackwise.exceptions import (
    EntityExistsError,
    EntityInUseError,
    EntityNotFoundError,
)
from stackwise.store.filters import Column, FilterSpec, bytewise
from stackwise.store.records import (
    ComponentRecord,
    Page,
    StackRecord,
)
from stackwise.store.sql import schema as t
from stackwise.store.sql.rows import _component
from stackwise.store.sql.tags import TagQueries
from stackwise.utils.ids import new_id, utcnow


class StackQueries(TagQueries):
    # -- stack components ----------------------------------------------------------------
    def create_component(
        self,
        *,
        name: str,
        type: str,
        flavor: str,
        configuration: dict[str, Any],
        labels: dict[str, Any] | None = None,
    ) -> ComponentRecord:
        now = utcnow()
        record = ComponentRecord(
            id=new_id(),
            name=name,
            type=str(type),
            flavor=flavor,
            configuration=configuration,
            created=now,
            updated=now,
            labels=labels,
        )
        try:
            with self._write() as conn:
                conn.execute(insert(t.stack_components), record.__dict__)
        except IntegrityError as error:
            label = str(type).replace("_", " ")
            article = "An" if label[0] in "aeiou" else "A"
            raise EntityExistsError(
                f"{article} {label} named '{name}' already exists. Pick another name, or change "
                f"it with `stackwise {str(type).replace('_', '-')} update {name}`."
            ) from error
        return record

    def get_component(
        self, type: str | None, name_or_id: str, *, allow_name_prefix: bool = False
    ) -> ComponentRecord:
        query = select(t.stack_components)
        if type is not None:
            query = query.where(_sc.type == str(type))
        with self._read() as conn:
            try:
                row = self._find(
                    conn,
                    query,
                    _sc.id,
                    _sc.name,
                    name_or_id,
                    str(type or "component").replace("_", " "),
                    allow_name_prefix=allow_name_prefix,
                )
            except EntityNotFoundError as error:
                from stackwise.exceptions import ComponentNotFoundError

                raise ComponentNotFoundError(str(error.args[0])) from None
        return _component(row)

    def get_components(self, ids: Iterable[str]) -> dict[str, ComponentRecord]:
        ids = list(ids)
        with self._read() as conn:
            rows = conn.execute(
                select(t.stack_components).where(t.stack_components.c.id.in_(ids))
            ).all()
        return {r.id: _component(r) for r in rows}

    def list_components(self, type: str | None = None) -> list[ComponentRecord]:
        filters = {"type": str(type)} if type else None
        return self.list_components_page(filters=filters, sort_by="asc:type", size=1_000_000).items

    def list_components_page(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        stack_id: str | None = None,
    ) -> Page[ComponentRecord]:
        query = select(t.stack_components)
        if stack_id is not None:
            members = select(t.stack_composition.c.component_id).where(
                t.stack_composition.c.stack_id == str(stack_id)
            )
            query = query.where(_sc.id.in_(members))
        return self._list(
            query,
            COMPONENT_FILTERS,
            _component,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_sc.name,
        )

    def update_component(
        self,
        component_id: str,
        *,
        name: str | None = None,
        configuration: dict[str, Any] | None = None,
        labels: dict[str, Any] | None = None,
    ) -> None:
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = name
        if configuration is not None:
            values["configuration"] = configuration
        if labels is not None:
            values["labels"] = labels
        if not values:
            return
        values["updated"] = utcnow()
        try:
            with self._write() as conn:
                conn.execute(
                    update(t.stack_components)
                    .where(t.stack_components.c.id == component_id)
                    .values(**values)
                )
        except IntegrityError as error:
            raise EntityExistsError(f"A component of that type named '{name}' exists.") from error

    def delete_component(self, component_id: str) -> None:
        with self._write() as conn:
            users = (
                conn.execute(
                    select(t.stacks.c.name)
                    .join(t.stack_composition, t.stack_composition.c.stack_id == t.stacks.c.id)
                    .where(t.stack_composition.c.component_id == component_id)
                )
                .scalars()
                .all()
            )
            if users:
                name = conn.execute(select(_sc.name).where(_sc.id == component_id)).scalar()
                raise EntityInUseError(
                    f"Component '{name}' is used by stack(s) {', '.join(sorted(users))}; "
                    "remove it from them first (`stackwise stack update` or "
                    "`stack remove-component`)."
                )
            conn.execute(delete(t.stack_components).where(t.stack_components.c.id == component_id))

    # -- stacks --------------------------------------------------------------------------
    def create_stack(
        self,
        name: str,
        component_ids: Iterable[str],
        *,
        description: str | None = None,
        labels: dict[str, Any] | None = None,
    ) -> StackRecord:
        stack_id = new_id()
        now = utcnow()
        try:
            with self._write() as conn:
                conn.execute(
                    insert(t.stacks).values(
                        id=stack_id,
                        name=name,
                        created=now,
                        updated=now,
                        description=description,
                        labels=labels,
                    )
                )
                rows = [{"stack_id": stack_id, "component_id": c} for c in component_ids]
                if rows:
                    conn.execute(insert(t.stack_composition), rows)
        except IntegrityError as error:
            raise EntityExistsError(
                f"A stack named '{name}' already exists. Pick another name, or change it with "
                f"`stackwise stack update {name}`."
            ) from error
        return self.get_stack(stack_id)

    def get_stack(self, name_or_id: str, *, allow_name_prefix: bool = False) -> StackRecord:
        with self._read() as conn:
            row = self._find(
                conn,
                select(t.stacks),
                _st.id,
                _st.name,
                name_or_id,
                "stack",
                allow_name_prefix=allow_name_prefix,
            )
            return self._stack(conn, row)

    def list_stacks(self) -> list[StackRecord]:
        return self.list_stacks_page(sort_by="asc:name", size=1_000_000).items

    def list_stacks_page(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        component_id: str | None = None,
    ) -> Page[StackRecord]:
        query = select(t.stacks)
        if component_id is not None:
            holders = select(t.stack_composition.c.stack_id).where(
                t.stack_composition.c.component_id == str(component_id)
            )
            query = query.where(_st.id.in_(holders))
        page = self._list(
            query,
            STACK_FILTERS,
            lambda r: r,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_st.id,
        )
        with self._read() as conn:
            items = [self._stack(conn, row) for row in page.items]
        return Page(items=items, total=page.total, index=page.index, size=page.size)

    @staticmethod
    def _stack(conn: Connection, row: Row[Any]) -> StackRecord:
        sc, comp = t.stack_composition.c, t.stack_components.c
        components: dict[str, list[str]] = {}
        query = (
            select(comp.type, comp.id)
            .join(t.stack_composition, sc.component_id == comp.id)
            .where(sc.stack_id == row.id)
            .order_by(bytewise(comp.type), bytewise(comp.name))
        )
        for type_, component_id in conn.execute(query):
            components.setdefault(type_, []).append(component_id)
        return StackRecord(
            id=row.id,
            name=row.name,
            created=row.created,
            components=components,
            updated=row.updated or row.created,
            description=row.description,
            labels=row.labels,
        )

    def update_stack(
        self,
        stack_id: str,
        *,
        name: str | None = None,
        component_ids: Iterable[str] | None = None,
        description: str | None = None,
        labels: dict[str, Any] | None = None,
    ) -> None:
        values: dict[str, Any] = {"updated": utcnow()}
        for key, value in (("name", name), ("description", description), ("labels", labels)):
            if value is not None:
                values[key] = value
        try:
            with self._write() as conn:
                conn.execute(update(t.stacks).where(t.stacks.c.id == stack_id).values(**values))
                if component_ids is not None:
                    conn.execute(
                        delete(t.stack_composition).where(
                            t.stack_composition.c.stack_id == stack_id
                        )
                    )
                    rows = [{"stack_id": stack_id, "component_id": c} for c in component_ids]
                    if rows:
                        conn.execute(insert(t.stack_composition), rows)
        except IntegrityError as error:
            raise EntityExistsError(f"A stack named '{name}' already exists.") from error

    def delete_stack(self, stack_id: str) -> None:
        with self._write() as conn:
            conn.execute(
                delete(t.stack_composition).where(t.stack_composition.c.stack_id == stack_id)
            )
            conn.execute(delete(t.stacks).where(t.stacks.c.id == stack_id))

    # -- secrets -------------------------------------------------------------------------
    # Values arrive and leave as one encrypted token: encryption is `stackwise.secrets`'s job,


_sc = t.stack_components.c
_st = t.stacks.c
COMPONENT_FILTERS = FilterSpec(
    "Stack components",
    {
        "id": Column(_sc.id),
        "name": Column(_sc.name),
        "type": Column(_sc.type),
        "flavor": Column(_sc.flavor),
        "created": Column(_sc.created, "date"),
        "updated": Column(func.coalesce(_sc.updated, _sc.created), "date"),
    },
)
STACK_FILTERS = FilterSpec(
    "Stacks",
    {
        "id": Column(_st.id),
        "name": Column(_st.name),
        "description": Column(_st.description),
        "created": Column(_st.created, "date"),
        "updated": Column(func.coalesce(_st.updated, _st.created), "date"),
    },
)
