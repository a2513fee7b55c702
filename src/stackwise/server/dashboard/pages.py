"""The dashboard's pages: each reads one page of records through the Store (never a whole
table: lists are paged and filtered by the store's own filters) and renders a template.

Every page and poll passes `session.check` with the Store method it reads as the action, so a
role that may not call `list_runs` through the API cannot see the runs page either.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from stackwise.artifact_stores.credential_masking import masked_configuration
from stackwise.enums import ExecutionStatus
from stackwise.exceptions import CredentialsNotValid, StackwiseError
from stackwise.server.dashboard import dag, previews, session
from stackwise.server.dashboard.rendering import duration, render
from stackwise.store.base import Store
from stackwise.store.records import ArtifactVersionRecord, Page, RunRecord, StepRunRecord

PAGE_SIZE = 50
MAX_LOG_CHARS = 400_000
router = APIRouter(include_in_schema=False, route_class=session.DashboardRoute)


def _in_progress(status: str) -> bool:
    return not ExecutionStatus(status).is_finished


def _store(request: Request) -> Store:
    return request.app.state.store  # type: ignore[no-any-return]


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() and int(raw) > 0 else 1


def _pager(request: Request, page: Page[Any]) -> dict[str, Any]:
    """Links to the neighbour pages, keeping the other query parameters."""

    def link(index: int) -> str:
        url = request.url.include_query_params(page=index)
        return f"{url.path}?{url.query}"

    return {
        "index": page.index,
        "total": page.total,
        "pages": page.total_pages,
        "prev": link(page.index - 1) if page.index > 1 else None,
        "next": link(page.index + 1) if page.index < page.total_pages else None,
    }


# -- login -------------------------------------------------------------------------------
@router.get("/login", response_model=None)
def login_form(request: Request) -> Response:
    if request.app.state.access.scheme == "none":
        return RedirectResponse("/", status_code=303)
    return render(request, "login.html", None, next=request.query_params.get("next", ""))


@router.post("/login", response_model=None)
async def login(request: Request) -> Response:
    checks = request.app.state.access
    if checks.scheme == "none":
        return RedirectResponse("/", status_code=303)
    form = await session.form_of(request)
    try:
        token = await run_in_threadpool(  # password hashing must not block the event loop
            checks.login, form.get("username") or None, form.get("password") or None
        )
    except CredentialsNotValid:
        return render(
            request,
            "login.html",
            None,
            next=form.get("next", ""),
            username=form.get("username", ""),
            error="Wrong username or password.",
            http_status=401,
        )
    return session.start_session(request, token, form.get("next", ""))


@router.api_route("/logout", methods=["GET", "POST"], response_model=None)
def logout(request: Request) -> Response:
    open_server = request.app.state.access.scheme == "none"
    return session.end_session("/" if open_server else "/login")


@router.get("/", response_model=None)
def home(request: Request) -> Response:
    session.check(request, "list_runs")
    return RedirectResponse("/runs", status_code=303)


# -- pipelines and runs ------------------------------------------------------------------
@router.get("/pipelines")
def pipelines(request: Request) -> HTMLResponse:
    who = session.check(request, "list_pipelines")
    page = _store(request).list_pipelines(
        sort_by="desc:created", index=_page_number(request), size=PAGE_SIZE
    )
    return render(request, "pipelines.html", who, pipelines=page, paging=_pager(request, page))


def _run_filters(request: Request) -> tuple[dict[str, Any], list[str]]:
    """The runs page's query parameters as store filters, and what was wrong with them."""
    query = request.query_params
    filters: dict[str, Any] = {}
    problems = []
    if query.get("pipeline"):
        filters["pipeline_name"] = query["pipeline"]
    if query.get("status"):
        if query["status"] not in {s.value for s in ExecutionStatus}:
            problems.append(f"Unknown status '{query['status']}'.")
        else:
            filters["status"] = query["status"]
    for key in ("since", "until"):
        text = query.get(key)
        if not text:
            continue
        try:
            day = date.fromisoformat(text)
        except ValueError:
            problems.append(f"'{text}' is not a date: give it as YYYY-MM-DD.")
            continue
        if key == "since":
            filters["created"] = f"gte:{day.isoformat()}"
        else:  # the store takes one condition per field: the end of the range bounds start_time
            filters["start_time"] = f"lt:{(day + timedelta(days=1)).isoformat()}"
    return filters, problems


@router.get("/runs")
def runs(request: Request) -> HTMLResponse:
    who = session.check(request, "list_runs")
    store = _store(request)
    filters, problems = _run_filters(request)
    tag = request.query_params.get("tag") or None
    page: Page[RunRecord] = Page([], 0, 1, PAGE_SIZE)
    if not problems:
        page = store.list_runs(
            filters=filters or None,
            index=_page_number(request),
            size=PAGE_SIZE,
            tags=[tag] if tag else None,
        )
    tags = store.tags_of("pipeline_run", [run.id for run in page]) if page.items else {}
    names = [p.name for p in store.list_pipelines(sort_by="asc:name", size=200)]
    return render(
        request,
        "runs.html",
        who,
        runs=page,
        tags=tags,
        paging=_pager(request, page),
        pipelines=names,
        statuses=[s.value for s in ExecutionStatus],
        query=request.query_params,
        problems=problems,
    )


def _states(store: Store, run: RunRecord) -> tuple[list[StepRunRecord], dict[str, dag.StepState]]:
    step_runs = store.list_step_runs(run.id)
    return step_runs, dag.step_states(step_runs, (run.spec.get("steps") or {}).keys())


@router.get("/runs/{run_id}")
def run_page(request: Request, run_id: str) -> HTMLResponse:
    who = session.check(request, "get_run")
    store = _store(request)
    run = store.get_run(run_id)
    step_runs, states = _states(store, run)
    failures = [s for s in step_runs if s.exception_info]
    stack = None
    if run.stack_id:
        try:
            stack = store.get_stack(run.stack_id)
        except KeyError:
            stack = None
    return render(
        request,
        "run.html",
        who,
        run=run,
        graph=dag.layout(run.spec, states),
        node_size=(dag.NODE_WIDTH, dag.NODE_HEIGHT),
        in_progress=_in_progress(run.status),
        failures=failures,
        stack=stack,
        tags=store.tags_of("pipeline_run", [run.id]).get(run.id, []),
        metadata=store.get_metadata("pipeline_run", [run.id]).get(run.id, {}),
    )


@router.get("/dashboard/api/runs/{run_id}/status")
def run_status(request: Request, run_id: str) -> JSONResponse:
    """What the run page polls while the run is going."""
    session.check(request, "get_run")
    store = _store(request)
    run = store.get_run(run_id)
    _, states = _states(store, run)
    return JSONResponse(
        {
            "status": run.status,
            "in_progress": _in_progress(run.status),
            "duration": duration(run.start_time or run.created, run.end_time),
            "steps": {name: state.as_json() for name, state in states.items()},
        }
    )


def _step_logs(record: StepRunRecord, store: Store) -> str | None:
    """All the step's captured output so far, None when it keeps none."""
    from stackwise.execution.log_reader import logs_text, read_logs
    from stackwise.models.step_run import StepRunResponse
    from stackwise.stack.stack import build_component

    entries = StepRunResponse.from_record(record, store).log_collection
    if not entries:
        return None
    logs = entries[0]
    try:
        wanted = str(logs.artifact_store_id) if logs.artifact_store_id else None
        component = store.get_components([wanted]).get(wanted) if wanted else None
        if component is not None:
            text = read_logs(build_component(component), logs.uri or "")  # type: ignore[arg-type]
        else:
            text = logs_text(logs, store)
    except (StackwiseError, OSError) as error:
        return f"(the logs at {logs.uri} cannot be read: {error})"
    return text


def _artifacts(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    """Artifact versions with their metadata and previews, in the order of `ids`."""
    versions = store.get_artifact_versions(ids)
    metadata = store.get_metadata("artifact_version", ids)
    return [
        {
            "version": versions[i],
            "metadata": metadata.get(i, {}),
            "previews": previews.previews(versions[i], store),
        }
        for i in ids
        if i in versions
    ]


def _attempts(store: Store, run: RunRecord, step: str) -> list[StepRunRecord]:
    """A step's attempts in the run, the latest last."""
    attempts = sorted(
        (s for s in store.list_step_runs(run.id) if s.name == step), key=lambda s: s.attempt
    )
    if not attempts:
        raise KeyError(f"Run '{run.name}' has no step '{step}'.")
    return attempts


@router.get("/dashboard/api/runs/{run_id}/steps/{step}/logs")
def step_logs(request: Request, run_id: str, step: str) -> JSONResponse:
    """What a running step's page polls: the text of its logs after `offset` characters."""
    session.check(request, "get_step_run")
    store = _store(request)
    record = _attempts(store, store.get_run(run_id), step)[-1]
    raw = request.query_params.get("offset", "0")
    offset = int(raw) if raw.isdigit() else 0
    text = _step_logs(record, store) or ""
    return JSONResponse(
        {
            "text": text[offset:],
            "offset": len(text),
            "status": record.status,
            "in_progress": _in_progress(record.status),
        }
    )


@router.get("/runs/{run_id}/steps/{step}")
def step_page(request: Request, run_id: str, step: str) -> HTMLResponse:
    who = session.check(request, "get_step_run")
    store = _store(request)
    run = store.get_run(run_id)
    attempts = _attempts(store, run, step)
    record = attempts[-1]
    logs = _step_logs(record, store)
    spec_step = (run.spec.get("steps") or {}).get(step, {})
    inputs = _artifacts(store, list(record.inputs.values()))
    input_names = {v: k for k, v in record.inputs.items()}
    outputs = []
    for name, ids in record.outputs.items():
        for item in _artifacts(store, ids):
            outputs.append({"name": name, **item})
    config = {k: v for k, v in record.config.items() if not k.startswith("logs_")}
    return render(
        request,
        "step.html",
        who,
        run=run,
        step=record,
        attempts=len(attempts),
        parameters=record.config.get("parameters") or spec_step.get("parameters") or {},
        config=config,
        inputs=[{"name": input_names.get(i["version"].id, ""), **i} for i in inputs],
        outputs=outputs,
        logs=None if logs is None else logs[-MAX_LOG_CHARS:],
        logs_offset=len(logs or ""),
        live=_in_progress(record.status),
        metadata=store.get_metadata("step_run", [record.id]).get(record.id, {}),
    )


@router.get("/step_runs/{step_run_id}", response_model=None)
def step_run_link(request: Request, step_run_id: str) -> Response:
    """A step run by id (what a cached step points at): its page in its run."""
    session.check(request, "get_step_run")
    step = _store(request).get_step_run(step_run_id)
    return RedirectResponse(f"/runs/{step.run_id}/steps/{quote(step.name)}", status_code=303)


# -- artifacts ---------------------------------------------------------------------------
@router.get("/artifacts")
def artifacts(request: Request) -> HTMLResponse:
    who = session.check(request, "list_artifacts")
    page = _store(request).list_artifacts(
        sort_by="desc:created", index=_page_number(request), size=PAGE_SIZE
    )
    return render(request, "artifacts.html", who, artifacts=page, paging=_pager(request, page))


@router.get("/artifacts/{artifact_id}")
def artifact_page(request: Request, artifact_id: str) -> HTMLResponse:
    who = session.check(request, "get_artifact")
    store = _store(request)
    artifact = store.get_artifact(artifact_id)
    page = store.list_artifact_versions(
        filters={"artifact_id": artifact.id},
        sort_by="desc:created",
        index=_page_number(request),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "artifact.html",
        who,
        artifact=artifact,
        versions=page,
        paging=_pager(request, page),
    )


def _step_and_run(store: Store, step_run_id: str) -> tuple[StepRunRecord, RunRecord] | None:
    try:
        step = store.get_step_run(step_run_id)
        return step, store.get_run(step.run_id)
    except KeyError:
        return None


@router.get("/artifact_versions/{version_id}")
def artifact_version_page(request: Request, version_id: str) -> HTMLResponse:
    who = session.check(request, "get_artifact_version")
    store = _store(request)
    version: ArtifactVersionRecord = store.get_artifact_version(version_id)
    producer = (
        _step_and_run(store, version.producer_step_run_id) if version.producer_step_run_id else None
    )
    consumer_ids = store.step_runs_using(version.id)
    consumers = [c for c in (_step_and_run(store, i) for i in consumer_ids[:PAGE_SIZE]) if c]
    return render(
        request,
        "artifact_version.html",
        who,
        version=version,
        producer=producer,
        consumers=consumers,
        more_consumers=max(0, len(consumer_ids) - PAGE_SIZE),
        metadata=store.get_metadata("artifact_version", [version.id]).get(version.id, {}),
        tags=store.tags_of("artifact_version", [version.id]).get(version.id, []),
        previews=previews.previews(version, store),
    )


# -- stacks ------------------------------------------------------------------------------
@router.get("/stacks")
def stacks(request: Request) -> HTMLResponse:
    who = session.check(request, "list_stacks_page")
    page = _store(request).list_stacks_page(
        sort_by="asc:name", index=_page_number(request), size=PAGE_SIZE
    )
    return render(request, "stacks.html", who, stacks=page, paging=_pager(request, page))


@router.get("/stacks/{stack_id}")
def stack_page(request: Request, stack_id: str) -> HTMLResponse:
    who = session.check(request, "get_stack")
    store = _store(request)
    stack = store.get_stack(stack_id)
    ids = [i for group in stack.components.values() for i in group]
    found = store.get_components(ids)
    components = [
        {"record": found[i], "configuration": masked_configuration(found[i])}
        for i in ids
        if i in found
    ]
    return render(request, "stack.html", who, stack=stack, components=components)


@router.get("/components/{component_id}")
def component_page(request: Request, component_id: str) -> HTMLResponse:
    who = session.check(request, "get_component")
    store = _store(request)
    component = store.get_component(None, component_id)
    used_by = store.list_stacks_page(component_id=component.id, size=PAGE_SIZE)
    return render(
        request,
        "component.html",
        who,
        component=component,
        configuration=masked_configuration(component),
        stacks=used_by,
    )


# -- models and deployments --------------------------------------------------------------
@router.get("/models")
def models(request: Request) -> HTMLResponse:
    who = session.check(request, "list_models")
    page = _store(request).list_models(
        sort_by="asc:name", index=_page_number(request), size=PAGE_SIZE
    )
    return render(request, "models.html", who, models=page, paging=_pager(request, page))


@router.get("/models/{model_id}")
def model_page(request: Request, model_id: str) -> HTMLResponse:
    who = session.check(request, "get_model")
    store = _store(request)
    model = store.get_model(model_id)
    page = store.list_model_versions(
        filters={"model_id": model.id},
        sort_by="desc:number",
        index=_page_number(request),
        size=PAGE_SIZE,
    )
    services = store.list_services(filters={"model_name": model.name}, size=PAGE_SIZE)
    return render(
        request,
        "model.html",
        who,
        model=model,
        versions=page,
        paging=_pager(request, page),
        services=services,
    )


@router.get("/model_versions/{version_id}")
def model_version_page(request: Request, version_id: str) -> HTMLResponse:
    who = session.check(request, "get_model_version")
    store = _store(request)
    version = store.get_model_version(version_id)
    links = store.list_model_version_artifact_links(
        filters={"model_version_id": version.id}, size=PAGE_SIZE
    )
    found = store.get_artifact_versions([link.target_id for link in links])
    run_links = store.list_model_version_run_links(
        filters={"model_version_id": version.id}, size=PAGE_SIZE
    )
    linked_runs = []
    for link in run_links:
        try:
            linked_runs.append(store.get_run(link.target_id))
        except KeyError:
            continue
    services = store.list_services(filters={"model_version_id": version.id}, size=PAGE_SIZE)
    return render(
        request,
        "model_version.html",
        who,
        version=version,
        artifacts=[found[link.target_id] for link in links if link.target_id in found],
        runs=linked_runs,
        services=services,
    )


@router.get("/deployments")
def deployments(request: Request) -> HTMLResponse:
    who = session.check(request, "list_services")
    page = _store(request).list_services(
        sort_by="desc:created", index=_page_number(request), size=PAGE_SIZE
    )
    return render(request, "deployments.html", who, services=page, paging=_pager(request, page))
