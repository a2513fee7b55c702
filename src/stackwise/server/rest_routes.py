"""ZenML's REST paths for the main entities (`/api/v1/pipelines`, `/api/v1/runs`, ...), for
scripts and tools that speak HTTP rather than Python.

Each entity has `GET /api/v1/<entity>` (query parameters: the list filters as in `Client`'s
list methods — `name=contains:abc` —, `sort_by`, `logical_operator`, `page`, `size`; answered
in ZenML's page shape: `index`, `max_size`, `total_pages`, `total`, `items`),
`GET /api/v1/<entity>/{name_or_id}` and `DELETE /api/v1/<entity>/{id}`. Creating and changing
go through the Store routes (`/api/v1/store/<method>`), which RestStore uses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from stackwise.server import access
from stackwise.server.wire import status_of
from stackwise.store.base import Store
from stackwise.store.records import Page

_PAGING = frozenset({"page", "size", "sort_by", "logical_operator"})


@dataclass(frozen=True)
class Entity:
    path: str
    list: str
    get: Callable[[Store, str], Any]
    delete: str | None


def _by(method: str) -> Callable[[Store, str], Any]:
    return lambda store, key: getattr(store, method)(key)


ENTITIES = (
    Entity("pipelines", "list_pipelines", _by("get_pipeline"), "delete_pipeline"),
    Entity("runs", "list_runs", _by("get_run"), "delete_run"),
    Entity("steps", "list_step_runs_page", _by("get_step_run"), None),
    Entity("artifacts", "list_artifacts", _by("get_artifact"), "delete_artifact"),
    Entity(
        "artifact_versions",
        "list_artifact_versions",
        _by("get_artifact_version"),
        "delete_artifact_version",
    ),
    Entity("stacks", "list_stacks_page", _by("get_stack"), "delete_stack"),
    Entity(
        "components",
        "list_components_page",
        lambda store, key: store.get_component(None, key),
        "delete_component",
    ),
    Entity("secrets", "list_secrets", _by("get_secret"), "delete_secret"),
    Entity("tags", "list_tags", _by("get_tag"), "delete_tag"),
    Entity("models", "list_models", _by("get_model"), "delete_model"),
    Entity("model_versions", "list_model_versions", _by("get_model_version"), None),
)


def page_json(page: Page[Any]) -> dict[str, Any]:
    """ZenML's page shape."""
    return {
        "index": page.index,
        "max_size": page.size,
        "total_pages": page.total_pages,
        "total": page.total,
        "items": jsonable_encoder(page.items),
    }


def _int(request: Request, name: str, default: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"Query parameter '{name}' must be a whole number, got '{raw}'.") from None


async def _answer(action: str, request: Request, work: Callable[[Store], Any]) -> JSONResponse:
    """`work(store)` for an authorized caller, the store as that caller sees it."""

    def run() -> JSONResponse:
        try:
            checks: access.Access = request.app.state.access
            principal = checks.authenticate(access.token_of(request))
            checks.authorize(principal, action)
            return JSONResponse(work(request.app.state.view(principal)))
        except Exception as error:  # noqa: BLE001 - every error is an HTTP answer
            return JSONResponse({"detail": str(error)}, status_code=status_of(error))

    return await run_in_threadpool(run)


def add_rest_routes(app: FastAPI) -> None:
    for entity in ENTITIES:
        _add_entity(app, entity)


def _add_entity(app: FastAPI, entity: Entity) -> None:
    base = f"/api/v1/{entity.path}"

    async def list_route(request: Request) -> JSONResponse:
        def work(store: Store) -> Any:
            lister = getattr(store, entity.list)
            if entity.list == "list_secrets":  # not paged in the Store: one page of all
                items = lister()
                return page_json(Page(items, len(items), 1, max(1, len(items))))
            filters = {k: v for k, v in request.query_params.items() if k not in _PAGING}
            options = {k: request.query_params.get(k) for k in ("sort_by", "logical_operator")}
            page = lister(
                filters=filters or None,
                index=_int(request, "page", 1),
                size=_int(request, "size", 50),
                **{k: v for k, v in options.items() if v},
            )
            return page_json(page)

        return await _answer(entity.list, request, work)

    async def get_route(request: Request, name_or_id: str) -> JSONResponse:
        return await _answer(
            entity.list, request, lambda store: jsonable_encoder(entity.get(store, name_or_id))
        )

    app.add_api_route(base, list_route, methods=["GET"], summary=f"List {entity.path}")
    app.add_api_route(
        f"{base}/{{name_or_id}}", get_route, methods=["GET"], summary=f"Get one of {entity.path}"
    )
    if entity.delete is not None:
        delete = entity.delete

        async def delete_route(request: Request, name_or_id: str) -> JSONResponse:
            def work(store: Store) -> None:
                getattr(store, delete)(name_or_id)

            return await _answer(delete, request, work)

        app.add_api_route(
            f"{base}/{{name_or_id}}",
            delete_route,
            methods=["DELETE"],
            summary=f"Delete one of {entity.path}",
        )
