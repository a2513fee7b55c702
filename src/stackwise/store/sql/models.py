"""The Model Control Plane's tables: models, their numbered versions and stages, and the links
from a version to artifact versions and pipeline runs.

A version's number is the next one of its model, taken in the write that inserts it (the
unique constraint on (model, number) turns a concurrent writer's duplicate into a retry).
Each stage (`staging`, `production`, `archived`; not `none`) has at most one holder per model,
as in ZenML: moving a version into one is refused while another holds it, unless forced, which
archives the holder in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from stackwise.enums import ModelStages
from stackwise.exceptions import (
    ConfigError,
    EntityExistsError,
    EntityNotFoundError,
    ModelStageConflictError,
    not_found,
)
from stackwise.store.filters import Column, FilterSpec
from stackwise.store.records import (
    ModelRecord,
    ModelVersionLinkRecord,
    ModelVersionRecord,
    Page,
)
from stackwise.store.sql import schema as t
from stackwise.store.sql.metadata import MetadataQueries
from stackwise.store.sql.tags import as_spec
from stackwise.utils.ids import new_id, utcnow

_m = t.models.c
_mv = t.model_versions.c
_ma = t.model_version_artifacts.c
_mr = t.model_version_runs.c
_av = t.artifact_versions.c

MODEL_FIELDS = (
    "license",
    "description",
    "audience",
    "use_cases",
    "limitations",
    "trade_offs",
    "ethics",
)
# stages a version can be moved into; `latest` only names the newest version. Each stage but
# `none` has at most one holder per model (as ZenML: `archived` too, unless forced)
SETTABLE_STAGES = ("none", "staging", "production", "archived")
_EXCLUSIVE_STAGES = ("staging", "production", "archived")

_latest_version = (
    select(_mv.id, _mv.name)
    .where(_mv.model_id == _m.id)
    .order_by(_mv.number.desc())
    .limit(1)
    .correlate(t.models)
)
_latest_id = _latest_version.with_only_columns(_mv.id).scalar_subquery()
_latest_name = _latest_version.with_only_columns(_mv.name).scalar_subquery()

MODEL_FILTERS = FilterSpec(
    "Models",
    {
        "id": Column(_m.id),
        "name": Column(_m.name),
        "created": Column(_m.created, "date"),
        "updated": Column(_m.updated, "date"),
        "license": Column(_m.license),
        "description": Column(_m.description),
        "save_models_to_registry": Column(_m.save_models_to_registry, "bool"),
        "latest_version_name": Column(_latest_name),
    },
)
MODEL_VERSION_FILTERS = FilterSpec(
    "Model versions",
    {
        "id": Column(_mv.id),
        "name": Column(_mv.name),
        "number": Column(_mv.number, "int"),
        "stage": Column(_mv.stage),
        "description": Column(_mv.description),
        "model_id": Column(_mv.model_id),
        "model": Column(_m.name),
        "created": Column(_mv.created, "date"),
        "updated": Column(_mv.updated, "date"),
    },
    default_sort="number",
)
ARTIFACT_LINK_FILTERS = FilterSpec(
    "Model version artifact links",
    {
        "id": Column(_ma.id),
        "model_version_id": Column(_ma.model_version_id),
        "artifact_version_id": Column(_ma.artifact_version_id),
        "artifact_name": Column(t.artifacts.c.name),
        "artifact_type": Column(_av.artifact_type),
        "has_custom_name": Column(t.artifacts.c.has_custom_name, "bool"),
        "created": Column(_ma.created, "date"),
        "updated": Column(_ma.created, "date"),
    },
)
RUN_LINK_FILTERS = FilterSpec(
    "Model version pipeline run links",
    {
        "id": Column(_mr.id),
        "model_version_id": Column(_mr.model_version_id),
        "pipeline_run_id": Column(_mr.run_id),
        "pipeline_run_name": Column(t.pipeline_runs.c.name),
        "created": Column(_mr.created, "date"),
        "updated": Column(_mr.created, "date"),
    },
)


def _model(row: Row[Any]) -> ModelRecord:
    m = row._mapping
    return ModelRecord(
        id=m["id"],
        name=m["name"],
        created=m["created"],
        updated=m["updated"],
        license=m["license"],
        description=m["description"],
        audience=m["audience"],
        use_cases=m["use_cases"],
        limitations=m["limitations"],
        trade_offs=m["trade_offs"],
        ethics=m["ethics"],
        save_models_to_registry=bool(m["save_models_to_registry"]),
        latest_version_id=m.get("latest_version_id"),
        latest_version_name=m.get("latest_version_name"),
    )


def _model_version(row: Row[Any]) -> ModelVersionRecord:
    m = row._mapping
    return ModelVersionRecord(
        id=m["id"],
        model_id=m["model_id"],
        model_name=m["model_name"],
        name=m["name"],
        number=int(m["number"]),
        created=m["created"],
        updated=m["updated"],
        description=m["description"],
        stage=m["stage"],
    )


def _link(kind: str) -> Any:
    def convert(row: Row[Any]) -> ModelVersionLinkRecord:
        m = row._mapping
        return ModelVersionLinkRecord(
            id=m["id"],
            model_version_id=m["model_version_id"],
            target_id=m["target_id"],
            kind=kind,
            created=m["created"],
        )

    return convert


def link_artifact_versions(
    conn: Connection, model_version_id: str, artifact_version_ids: Iterable[str]
) -> None:
    """Link artifact versions to a model version inside the caller's transaction (a step's
    final write); links that exist already are kept."""
    wanted = list(dict.fromkeys(str(i) for i in artifact_version_ids))
    if not wanted:
        return
    existing = set(
        conn.execute(
            select(_ma.artifact_version_id).where(
                _ma.model_version_id == model_version_id, _ma.artifact_version_id.in_(wanted)
            )
        ).scalars()
    )
    now = utcnow()
    rows = [
        {
            "id": new_id(),
            "model_version_id": model_version_id,
            "artifact_version_id": v,
            "created": now,
        }
        for v in wanted
        if v not in existing
    ]
    if rows:
        conn.execute(insert(t.model_version_artifacts), rows)


class ModelQueries(MetadataQueries):
    # -- models --------------------------------------------------------------------------
    def _model_query(self) -> Any:
        return select(
            t.models,
            _latest_id.label("latest_version_id"),
            _latest_name.label("latest_version_name"),
        )

    def create_model(
        self,
        name: str,
        *,
        license: str | None = None,
        description: str | None = None,
        audience: str | None = None,
        use_cases: str | None = None,
        limitations: str | None = None,
        trade_offs: str | None = None,
        ethics: str | None = None,
        save_models_to_registry: bool = True,
        tags: Iterable[Any] = (),
    ) -> ModelRecord:
        if not str(name or "").strip():
            raise ConfigError("A model needs a name; got an empty one.")
        now = utcnow()
        values = {
            "id": new_id(),
            "name": str(name),
            "license": license,
            "description": description,
            "audience": audience,
            "use_cases": use_cases,
            "limitations": limitations,
            "trade_offs": trade_offs,
            "ethics": ethics,
            "save_models_to_registry": bool(save_models_to_registry),
            "created": now,
            "updated": now,
        }
        try:
            with self._write() as conn:
                conn.execute(insert(t.models), values)
                specs = [as_spec(tag) for tag in tags]
                if specs:
                    self._attach(conn, "model", [str(values["id"])], specs)
        except IntegrityError:
            raise EntityExistsError(
                f"A model named '{name}' already exists; get it with "
                f"Client().get_model('{name}') or choose another name."
            ) from None
        return self.get_model(str(values["id"]))

    def get_model(self, name_or_id: str, *, allow_name_prefix: bool = False) -> ModelRecord:
        with self._read() as conn:
            row = self._find(
                conn,
                self._model_query(),
                _m.id,
                _m.name,
                name_or_id,
                "model",
                allow_name_prefix=allow_name_prefix,
                hint_column=_m.name,
            )
        return _model(row)

    def list_models(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
    ) -> Page[ModelRecord]:
        query = self._model_query()
        if tags:
            query = query.where(_m.id.in_(self.tagged_ids("model", tags)))
        return self._list(
            query,
            MODEL_FILTERS,
            _model,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_m.id,
        )

    def update_model(self, model_id: str, **fields: Any) -> ModelRecord:
        """Change the given fields (name, the model card's texts, save_models_to_registry);
        None leaves a field as it is."""
        allowed = {"name", "save_models_to_registry", *MODEL_FIELDS}
        unknown = sorted(set(fields) - allowed)
        if unknown:
            raise ConfigError(
                f"A model has no field(s) {', '.join(unknown)}; fields are "
                f"{', '.join(sorted(allowed))}."
            )
        values: dict[str, Any] = {k: v for k, v in fields.items() if v is not None}
        values["updated"] = utcnow()
        try:
            with self._write() as conn:
                conn.execute(update(t.models).where(_m.id == model_id).values(**values))
        except IntegrityError:
            raise EntityExistsError(
                f"A model named '{fields.get('name')}' already exists."
            ) from None
        return self.get_model(model_id)

    def delete_model(self, model_id: str) -> None:
        """Delete a model with its versions and their links, metadata and tags (the artifact
        versions and runs stay)."""
        with self._write() as conn:
            version_ids = list(
                conn.execute(select(_mv.id).where(_mv.model_id == model_id)).scalars()
            )
            self._delete_model_versions(conn, version_ids)
            self._drop_tag_links(conn, "model", [model_id])
            conn.execute(delete(t.models).where(_m.id == model_id))

    # -- versions ------------------------------------------------------------------------
    def _model_version_query(self) -> Any:
        return (
            select(t.model_versions, _m.name.label("model_name"))
            .select_from(t.model_versions)
            .join(t.models, _m.id == _mv.model_id)
        )

    def create_model_version(
        self,
        model_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        tags: Iterable[Any] = (),
    ) -> ModelVersionRecord:
        """The model's next version ("1", "2", ...), named `name` (default: its number).
        EntityExistsError when the model has a version of that name already."""
        specs = [as_spec(tag) for tag in tags]
        for _attempt in range(5):
            version_id = new_id()
            try:
                with self._write() as conn:
                    top = conn.execute(
                        select(func.max(_mv.number)).where(_mv.model_id == model_id)
                    ).scalar()
                    number = int(top or 0) + 1
                    label = str(name) if name is not None else str(number)
                    taken = conn.execute(
                        select(_mv.id).where(_mv.model_id == model_id, _mv.name == label)
                    ).first()
                    if taken is not None:
                        model = conn.execute(select(_m.name).where(_m.id == model_id)).scalar()
                        raise EntityExistsError(
                            f"Model '{model}' already has a version named '{label}'; give "
                            "another name, or leave it out to get the next number."
                        )
                    now = utcnow()
                    conn.execute(
                        insert(t.model_versions),
                        {
                            "id": version_id,
                            "model_id": model_id,
                            "name": label,
                            "number": number,
                            "description": description,
                            "stage": None,
                            "created": now,
                            "updated": now,
                        },
                    )
                    if specs:
                        self._attach(conn, "model_version", [version_id], specs)
            except IntegrityError:  # a concurrent writer took the number: take the next
                continue
            return self.get_model_version(version_id)
        raise EntityExistsError(f"Could not number a new version of model {model_id}; retry.")

    def get_model_version(self, version_id: str) -> ModelVersionRecord:
        """A version by id (or a unique id prefix)."""
        with self._read() as conn:
            row = self._find(
                conn, self._model_version_query(), _mv.id, None, version_id, "model version"
            )
        return _model_version(row)

    def find_model_version(
        self, model_id: str, version: str | int | None = None
    ) -> ModelVersionRecord:
        """A version of a model: the newest (None or "latest"), the holder of a stage
        ("staging", "production"; the newest "archived"), a number (an int), a name, a
        number given as digits when no version has that name (ZenML looks such a text up by
        name only), or an id. EntityNotFoundError names the versions there are."""
        query = self._model_version_query().where(_mv.model_id == model_id)
        text = None if version is None else str(getattr(version, "value", version))
        with self._read() as conn:
            row = None
            if text is None or text == ModelStages.LATEST.value:
                row = conn.execute(query.order_by(_mv.number.desc()).limit(1)).first()
            elif isinstance(version, ModelStages) or text in (
                "staging",
                "production",
                "archived",
            ):
                row = conn.execute(
                    query.where(_mv.stage == text).order_by(_mv.number.desc()).limit(1)
                ).first()
            else:
                # an int is a number; a text is a name first (as ZenML), then a number or id
                if isinstance(version, int):
                    row = conn.execute(query.where(_mv.number == version)).first()
                if row is None:
                    row = conn.execute(query.where(_mv.name == text)).first()
                if row is None and text.isdigit():
                    row = conn.execute(query.where(_mv.number == int(text))).first()
                if row is None:
                    row = conn.execute(query.where(_mv.id == text)).first()
            if row is None:
                model = conn.execute(select(_m.name).where(_m.id == model_id)).scalar()
                names = list(
                    conn.execute(
                        select(_mv.name).where(_mv.model_id == model_id).order_by(_mv.number)
                    ).scalars()
                )
        if row is None:
            if text is None or text == ModelStages.LATEST.value:
                raise EntityNotFoundError(f"Model '{model}' has no versions yet.")
            if text in ("staging", "production", "archived"):
                raise EntityNotFoundError(
                    f"No version of model '{model}' is in stage '{text}'; set one with "
                    f"`stackwise model version update {model} VERSION --stage {text}`."
                )
            raise not_found(f"version of model '{model}'", text, names)
        return _model_version(row)

    def list_model_versions(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "number",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
        tags: list[str] | None = None,
    ) -> Page[ModelVersionRecord]:
        query = self._model_version_query()
        if tags:
            query = query.where(_mv.id.in_(self.tagged_ids("model_version", tags)))
        return self._list(
            query,
            MODEL_VERSION_FILTERS,
            _model_version,
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_mv.id,
        )

    def update_model_version(
        self,
        version_id: str,
        *,
        name: str | None = None,
        description: str | None = None,
        stage: str | None = None,
        force: bool = False,
    ) -> ModelVersionRecord:
        """Rename, describe, or move into a stage. `staging` and `production` hold one version
        per model: while another holds it, ModelStageConflictError names it, unless `force`
        moves that one to `archived` (in the same transaction); `archived` is refused the same
        way (as ZenML), and forcing it leaves both archived. `none` marks no stage."""
        values: dict[str, Any] = {"updated": utcnow()}
        if name is not None:
            values["name"] = str(name)
        if description is not None:
            values["description"] = description
        target = None
        if stage is not None:
            target = str(getattr(stage, "value", stage)).lower()
            if target not in SETTABLE_STAGES:
                raise ConfigError(
                    f"'{stage}' is not a stage a model version can be moved into; "
                    f"choose one of {', '.join(SETTABLE_STAGES)} ('latest' always names "
                    "the newest version)."
                )
            values["stage"] = target
        current = self.get_model_version(version_id)
        try:
            with self._write() as conn:
                if target in _EXCLUSIVE_STAGES:
                    holders = conn.execute(
                        select(_mv.id, _mv.name).where(
                            _mv.model_id == current.model_id,
                            _mv.stage == target,
                            _mv.id != current.id,
                        )
                    ).all()
                    if holders and not force:
                        held = ", ".join(f"'{h.name}'" for h in holders)
                        raise ModelStageConflictError(
                            f"Model version {held} of model '{current.model_name}' is in "
                            f"{target}; only one version per model can be. Pass force=True "
                            f"(`--force` on the command line) to move version "
                            f"'{current.name}' there and archive {held}."
                        )
                    if holders:
                        conn.execute(
                            update(t.model_versions)
                            .where(_mv.id.in_([h.id for h in holders]))
                            .values(stage=ModelStages.ARCHIVED.value, updated=values["updated"])
                        )
                conn.execute(update(t.model_versions).where(_mv.id == current.id).values(**values))
        except IntegrityError:
            raise EntityExistsError(
                f"Model '{current.model_name}' already has a version named '{name}'."
            ) from None
        return self.get_model_version(current.id)

    def delete_model_version(self, version_id: str) -> None:
        """Delete a version with its links, metadata and tags (artifacts and runs stay)."""
        with self._write() as conn:
            self._delete_model_versions(conn, [version_id])

    def _delete_model_versions(self, conn: Connection, version_ids: list[str]) -> None:
        if not version_ids:
            return
        conn.execute(delete(t.model_version_artifacts).where(_ma.model_version_id.in_(version_ids)))
        conn.execute(delete(t.model_version_runs).where(_mr.model_version_id.in_(version_ids)))
        conn.execute(
            delete(t.run_metadata).where(
                t.run_metadata.c.resource_type == "model_version",
                t.run_metadata.c.resource_id.in_(version_ids),
            )
        )
        self._drop_tag_links(conn, "model_version", version_ids)
        conn.execute(delete(t.model_versions).where(_mv.id.in_(version_ids)))

    # -- links ---------------------------------------------------------------------------
    def link_artifacts_to_model_version(
        self, model_version_id: str, artifact_version_ids: Iterable[str]
    ) -> None:
        with self._write() as conn:
            link_artifact_versions(conn, model_version_id, artifact_version_ids)

    def link_run_to_model_version(self, model_version_id: str, run_id: str) -> None:
        with self._write() as conn:
            found = conn.execute(
                select(_mr.id).where(_mr.model_version_id == model_version_id, _mr.run_id == run_id)
            ).first()
            if found is None:
                conn.execute(
                    insert(t.model_version_runs),
                    {
                        "id": new_id(),
                        "model_version_id": model_version_id,
                        "run_id": run_id,
                        "created": utcnow(),
                    },
                )

    def unlink_artifacts_from_model_version(
        self, model_version_id: str, artifact_version_ids: Iterable[str] | None = None
    ) -> int:
        """Remove links (all of the version's when `artifact_version_ids` is None); returns
        how many were removed."""
        condition = _ma.model_version_id == model_version_id
        if artifact_version_ids is not None:
            condition = condition & _ma.artifact_version_id.in_(
                [str(i) for i in artifact_version_ids]
            )
        with self._write() as conn:
            return int(conn.execute(delete(t.model_version_artifacts).where(condition)).rowcount)

    def list_model_version_artifact_links(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ModelVersionLinkRecord]:
        query = (
            select(
                _ma.id,
                _ma.model_version_id,
                _ma.artifact_version_id.label("target_id"),
                _ma.created,
            )
            .select_from(t.model_version_artifacts)
            .join(t.artifact_versions, _av.id == _ma.artifact_version_id)
            .join(t.artifacts, t.artifacts.c.id == _av.artifact_id)
        )
        return self._list(
            query,
            ARTIFACT_LINK_FILTERS,
            _link("artifact"),
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_ma.id,
        )

    def list_model_version_run_links(
        self,
        *,
        filters: dict[str, Any] | None = None,
        sort_by: str | None = "created",
        logical_operator: str = "and",
        index: int = 1,
        size: int = 50,
    ) -> Page[ModelVersionLinkRecord]:
        query = (
            select(_mr.id, _mr.model_version_id, _mr.run_id.label("target_id"), _mr.created)
            .select_from(t.model_version_runs)
            .join(t.pipeline_runs, t.pipeline_runs.c.id == _mr.run_id)
        )
        return self._list(
            query,
            RUN_LINK_FILTERS,
            _link("run"),
            filters=filters,
            sort_by=sort_by,
            logical_operator=logical_operator,
            index=index,
            size=size,
            tiebreak=_mr.id,
        )


__all__ = [
    "MODEL_FILTERS",
    "MODEL_VERSION_FILTERS",
    "SETTABLE_STAGES",
    "ModelQueries",
    "link_artifact_versions",
]
