"""The dashboard in a real headless Chromium against a real server (uvicorn on loopback) over
a store holding real runs: what a team member does in it — log in, find runs, read a run's
DAG while and after it runs, a step's logs and previews, stacks without their secrets, models
and their deployments."""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from tests.fixtures.browser import chromium_browser, screenshot  # noqa: F401 - a fixture
from tests.fixtures.dashboard_server import PASSWORD, USERNAME, DashboardServer, dashboard_server
from tests.fixtures.peers import require_module

from stackwise import pipeline, step
from stackwise.client import Client
from stackwise.store import get_store, reset_store_cache
from stackwise.types import HTMLString, MarkdownString

pd = require_module("pandas", "pip install -e '.[dev]'")

SECRET_VALUE = "hunter2-very-secret"
PLAIN_TOKEN = "plain-token-0123456789"
GATE = threading.Event()


@step
def load() -> pd.DataFrame:
    print("loading the frame now")
    return pd.DataFrame({"amount": [10, 20, 30], "label": ["<b>a</b>", "b", "c"]})


@step
def report(
    frame: pd.DataFrame,
) -> tuple[Annotated[HTMLString, "summary_html"], Annotated[MarkdownString, "summary_md"]]:
    html = HTMLString("<h1>Rows</h1><script>window.parent.pwned = 1</script>")
    return html, MarkdownString(f"# Report\n\n{len(frame)} rows <img src=x onerror=alert(1)>")


@step
def explode(frame: pd.DataFrame) -> int:
    raise ValueError("the explode step failed on purpose")


@pipeline(name="sales")
def sales(fail: bool = False) -> None:
    frame = load()
    report(frame)
    if fail:
        explode(frame)


@step
def trivial() -> int:
    return 1


@pipeline(name="housekeeping")
def housekeeping() -> None:
    trivial()


@step
def wait_for_gate() -> int:
    print("waiting at the gate", flush=True)
    if not GATE.wait(60):
        raise TimeoutError("the test never opened the gate")
    return 1


@step
def after_gate(value: int) -> int:
    return value + 1


@pipeline(name="gated", enable_cache=False)
def gated() -> None:
    after_gate(wait_for_gate())


@dataclass
class Seeded:
    server: DashboardServer
    store_url: str
    completed_run: str
    failed_run: str
    frame_version: str
    stack: str
    model: str
    model_version: str


def _seed(root: Path) -> dict[str, Any]:
    from stackwise.store.records import ServiceRecord

    sales.with_options(tags=["nightly"])()
    with pytest.raises(Exception, match="explode"):
        sales(fail=True)  # load and report are cached, explode fails
    housekeeping()
    client = Client()
    store = get_store()
    completed = client.get_pipeline("sales").runs[-1]
    failed = client.get_pipeline("sales").last_run
    frame = completed.steps["load"].outputs["output"][0]

    client.create_secret("db", values={"password": SECRET_VALUE})
    client.create_stack_component(
        "team_tracker",
        flavor="mlflow",
        component_type="experiment_tracker",
        configuration={
            "tracking_uri": "http://127.0.0.1:5999",
            "tracking_password": "{{db.password}}",
        },
    )
    store.create_component(
        name="legacy_tracker",
        type="experiment_tracker",
        flavor="mlflow",
        configuration={"tracking_uri": "http://127.0.0.1:5998", "tracking_token": PLAIN_TOKEN},
    )
    stack = client.create_stack(
        "team",
        components={
            "orchestrator": "default",
            "artifact_store": "default",
            "experiment_tracker": "team_tracker",
        },
    )
    model = client.create_model("churn", license="Apache-2.0", description="who leaves")
    version = client.create_model_version("churn", name="v1")
    store.update_model_version(str(version.id), stage="production")
    store.link_artifacts_to_model_version(str(version.id), [str(frame.id)])
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    store.create_service(
        ServiceRecord(
            id=str(uuid.uuid4()),
            name="churn-server",
            deployer_id=None,
            flavor="local",
            model_name="churn",
            model_version="v1",
            model_version_id=str(version.id),
            artifact_version_id=str(frame.id),
            pipeline_name="sales",
            pipeline_step_name="load",
            pipeline_run_id=str(completed.id),
            config={},
            admin_state="active",
            pid=None,
            port=8911,
            service_dir=str(root / "service"),
            labels={},
            created=now,
            updated=now,
        )
    )
    return {
        "store_url": store.url,
        "completed_run": str(completed.id),
        "failed_run": str(failed.id),
        "frame_version": str(frame.id),
        "stack": str(stack.id),
        "model": str(model.id),
        "model_version": str(version.id),
    }


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    from stackwise.store.sql.sql_store import SqlStore

    root = tmp_path_factory.mktemp("dashboard")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("STACKWISE_HOME", str(root / "home"))
        for name in ("STACKWISE_STORE_URL", "STACKWISE_STACK"):
            patch.delenv(name, raising=False)
        reset_store_cache()
        facts = _seed(root)
        reset_store_cache()
    store = SqlStore(facts["store_url"])
    try:
        with dashboard_server(store) as server:
            yield Seeded(server=server, **facts)
    finally:
        store.close()


@pytest.fixture
def page(chromium_browser: Any, seeded: Seeded) -> Iterator[Any]:  # noqa: F811
    context = chromium_browser.new_context(base_url=seeded.server.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, f"script errors on the page: {errors}"


def log_in(page: Any, next_path: str = "/runs") -> None:
    page.goto(next_path)
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def test_logging_in_wrong_password_shows_an_error_right_one_lands_on_the_runs(
    page: Any, seeded: Seeded
) -> None:
    page.goto("/runs")
    assert page.url.endswith("/login?next=%2Fruns")
    page.fill("input[name=username]", USERNAME)
    page.fill("input[name=password]", "not the password")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").inner_text() == "Wrong username or password."
    screenshot(page, "login-refused")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/runs$"))
    assert page.locator("table.runs tbody tr").count() == seeded.server.store.list_runs().total
    cookie = next(c for c in page.context.cookies() if c["name"] == "stackwise_token")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    screenshot(page, "runs")
    page.click("text=Log out")
    page.wait_for_url(re.compile(r"/login$"))
    page.goto("/runs")
    assert "/login" in page.url  # the session ended


def test_runs_are_filtered_by_status_pipeline_tag_and_date(page: Any, seeded: Seeded) -> None:
    log_in(page)
    page.select_option("select[name=status]", "failed")
    page.click("text=Filter")
    page.wait_for_url(re.compile(r"status=failed"))
    rows = page.locator("table.runs tbody tr")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-run") == seeded.failed_run
    page.goto("/runs?pipeline=housekeeping")
    assert page.locator("table.runs tbody tr td:nth-child(2)").all_inner_texts() == ["housekeeping"]
    page.goto("/runs?tag=nightly")
    assert [r.get_attribute("data-run") for r in rows.all()] == [seeded.completed_run]
    page.goto("/runs?until=2001-01-01")
    assert page.locator("table.runs tbody").inner_text().strip() == "No runs match."
    page.goto("/runs?since=yesterday")
    assert "is not a date" in page.get_by_role("alert").inner_text()
    screenshot(page, "runs-filtered")


def _node(page: Any, name: str) -> Any:
    return page.locator(f'svg.dag g.node[data-step="{name}"]')


def test_a_runs_dag_shows_each_steps_status_cached_mark_and_edges(
    page: Any, seeded: Seeded
) -> None:
    log_in(page, f"/runs/{seeded.failed_run}")
    classes = {n: _node(page, n).get_attribute("class") for n in ("load", "report", "explode")}
    assert classes == {
        "load": "node status-cached cached",
        "report": "node status-cached cached",
        "explode": "node status-failed",
    }
    assert "cached" in _node(page, "load").text_content()
    stroke = _node(page, "explode").locator("rect").evaluate("r => getComputedStyle(r).stroke")
    assert stroke == "rgb(198, 47, 47)"  # failed: red
    edges = page.locator("svg.dag path.edge")
    assert {(e.get_attribute("data-from"), e.get_attribute("data-to")) for e in edges.all()} == {
        ("load", "report"),
        ("load", "explode"),
    }
    assert "the explode step failed on purpose" in page.locator("details").first.inner_text()
    screenshot(page, "run-failed")
    page.goto(f"/runs/{seeded.completed_run}")
    assert _node(page, "load").get_attribute("class") == "node status-completed"
    assert re.search(r"completed · \d+\.\d{3}s", _node(page, "load").text_content())
    green = _node(page, "load").locator("rect").evaluate("r => getComputedStyle(r).stroke")
    assert green == "rgb(30, 142, 78)"
    screenshot(page, "run-completed")


def test_a_running_runs_dag_updates_without_reloading(
    page: Any, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKWISE_STORE_URL", seeded.store_url)
    reset_store_cache()
    GATE.clear()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            gated()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            failure.append(error)

    runner = threading.Thread(target=run)
    runner.start()
    try:
        store = seeded.server.store
        deadline = time.monotonic() + 30
        while True:
            runs = store.list_runs(filters={"pipeline_name": "gated"}).items
            steps = store.list_step_runs(runs[0].id) if runs else []
            if any(s.name == "wait_for_gate" and s.status == "running" for s in steps):
                break
            assert time.monotonic() < deadline, "the gated run did not start"
            time.sleep(0.05)
        log_in(page, f"/runs/{runs[0].id}")
        assert _node(page, "wait_for_gate").get_attribute("class") == "node status-running"
        assert _node(page, "after_gate").get_attribute("class") == "node status-pending"
        page.evaluate("window.notReloaded = true")
        screenshot(page, "run-in-progress")
        step_page = page.context.new_page()
        step_page.goto(f"/runs/{runs[0].id}/steps/wait_for_gate")
        step_page.wait_for_selector(
            "#logs:has-text('waiting at the gate')"
        )  # the line arrives by polling, the step still running
        GATE.set()
        step_page.wait_for_selector('#logs[data-status="completed"]')
        screenshot(step_page, "step-live-logs")
        page.wait_for_selector('g.node.status-completed[data-step="after_gate"]', timeout=20_000)
        page.wait_for_selector('#run-status[data-status="completed"]')
        assert page.evaluate("window.notReloaded") is True
        screenshot(page, "run-finished-live")
    finally:
        GATE.set()
        runner.join(60)
        reset_store_cache()
    assert not failure, failure


def test_a_steps_page_shows_its_logs_parameters_and_outputs(page: Any, seeded: Seeded) -> None:
    log_in(page, f"/runs/{seeded.completed_run}")
    _node(page, "load").locator("a").click()
    page.wait_for_url(re.compile(r"/steps/load$"))
    assert "[stdout] loading the frame now" in page.locator("#logs").inner_text()
    assert "pandas:DataFrame" in page.locator("section", has_text="Outputs").inner_text()
    screenshot(page, "step-load")


def test_a_dataframe_preview_is_shown_in_a_sandboxed_frame_and_artifact_html_cannot_run(
    page: Any, seeded: Seeded
) -> None:
    log_in(page, f"/runs/{seeded.completed_run}/steps/report")
    frames = page.locator("figure.preview-csv iframe")
    assert frames.count() >= 1
    assert all(f.get_attribute("sandbox") == "" for f in page.locator("iframe").all())
    sample = page.frame_locator("figure.preview-csv:has-text('sample.csv') iframe")
    cells = sample.locator("td").all_inner_texts()
    assert "<b>a</b>" in cells and "30" in cells  # the head, as text, not markup
    html_frame = page.frame_locator("figure.preview-html iframe")
    assert html_frame.locator("h1").inner_text() == "Rows"
    assert page.evaluate("window.pwned") is None  # the artifact's script never ran
    markdown = page.locator("figure.preview-markdown")
    assert markdown.locator("h1").inner_text() == "Report"
    assert markdown.locator("img").count() == 0  # raw HTML in Markdown is shown as text
    assert "<img src=x" in markdown.inner_text()
    screenshot(page, "step-report-previews")


def test_an_artifact_versions_lineage_names_its_producer_and_consumers(
    page: Any, seeded: Seeded
) -> None:
    log_in(page, f"/artifact_versions/{seeded.frame_version}")
    assert "step load" in page.locator("#producer").inner_text()
    consumers = page.locator("#consumers").inner_text()
    assert "step report" in consumers and "step explode" in consumers
    screenshot(page, "artifact-version")


def test_a_stack_page_shows_a_secret_reference_but_never_a_secret_value(
    page: Any, seeded: Seeded
) -> None:
    log_in(page, f"/stacks/{seeded.stack}")
    text = page.locator("main").inner_text()
    assert "{{db.password}}" in text
    assert SECRET_VALUE not in page.content()
    page.click("text=team_tracker")
    assert "{{db.password}}" in page.locator("main").inner_text()
    screenshot(page, "stack")
    store = seeded.server.store
    legacy = store.get_component("experiment_tracker", "legacy_tracker")
    page.goto(f"/components/{legacy.id}")
    row = page.locator("table.kv tr", has_text="tracking_token")
    assert row.locator("td").inner_text() == "****"  # a plain credential is masked
    assert PLAIN_TOKEN not in page.content()
    screenshot(page, "component-masked")


def test_a_model_page_shows_versions_stages_and_deployments(page: Any, seeded: Seeded) -> None:
    log_in(page, "/models")
    page.click("text=churn")
    assert page.locator("table.versions").inner_text().count("production") == 1
    assert "churn-server" in page.locator("table.deployments").inner_text()
    page.click("table.versions a")
    assert "production" in page.locator(".facts").inner_text()
    assert "demo" not in page.locator("main").inner_text()
    screenshot(page, "model-version")
    page.goto("/deployments")
    row = page.locator("table.deployments tbody tr").first
    assert "churn-server" in row.inner_text() and "active" in row.inner_text()
    screenshot(page, "deployments")


def test_every_dashboard_route_needs_a_session_and_the_role_to_read_it(seeded: Seeded) -> None:
    from stackwise.server.dashboard.pages import router

    ids = {
        "run_id": seeded.completed_run,
        "step": "load",
        "artifact_id": "x",
        "version_id": seeded.frame_version,
        "stack_id": seeded.stack,
        "component_id": "x",
        "model_id": seeded.model,
        "step_run_id": "x",
    }
    with httpx.Client(base_url=seeded.server.url) as client:
        for route in router.routes:
            path = route.path.format(**ids)  # type: ignore[attr-defined]
            if path in ("/login", "/logout"):
                continue
            answer = client.get(path)
            if path.startswith("/dashboard/api/"):
                assert answer.status_code == 401, path
            else:
                assert answer.status_code == 303, path
                assert answer.headers["location"].startswith("/login?next="), path
        token = seeded.server.access.login("viewer", PASSWORD).access_token
        client.cookies.set("stackwise_token", token)
        assert client.get("/runs").status_code == 200  # a viewer reads runs
        assert client.get(f"/runs/{seeded.completed_run}").status_code == 200
        poll = client.get(f"/dashboard/api/runs/{seeded.completed_run}/status")
        assert poll.status_code == 200
        viewer = seeded.server.store.get_user("viewer")
        seeded.server.store.update_user(viewer.id, active=False)
        try:  # a disabled account's session stops working at once
            assert client.get("/runs").status_code == 303
            assert client.get(poll.url.path).status_code == 401
        finally:
            seeded.server.store.update_user(viewer.id, active=True)
        assert client.get("/login?next=//evil.example").status_code == 200
        answer = client.post(
            "/login",
            data={"username": USERNAME, "password": PASSWORD, "next": "//evil.example/x"},
        )
        assert answer.status_code == 303 and answer.headers["location"] == "/runs"


def test_the_dashboard_assets_are_served_by_the_server_itself(seeded: Seeded) -> None:
    with httpx.Client(base_url=seeded.server.url) as client:
        css, js = client.get("/static/dashboard.css"), client.get("/static/dashboard.js")
        assert css.status_code == js.status_code == 200
        assert "svg.dag" in css.text and "data-poll" not in css.text
        login = client.get("/login")
        assert not re.search(r"(src|href)=\"https?://", login.text)  # nothing from elsewhere
        policy = login.headers["content-security-policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_a_server_without_authentication_has_no_login_page(seeded: Seeded) -> None:
    from stackwise.server.access import OpenAccess

    with dashboard_server(seeded.server.store, auth=OpenAccess()) as server:
        with httpx.Client(base_url=server.url) as client:
            assert client.get("/login").headers["location"] == "/"
            runs = client.get("/runs")
            assert runs.status_code == 200 and "Log out" not in runs.text
            assert runs.text.count('data-run="') == server.store.list_runs().total


def test_every_dashboard_asset_and_template_is_package_data() -> None:
    """A wheel carries what the server serves: each file under the dashboard's static/ and
    templates/ matches a `[tool.setuptools.package-data]` pattern."""
    import fnmatch

    import tomllib

    import stackwise.server.dashboard as dashboard

    root = Path(dashboard.__file__).parent
    package = root.parents[1]
    pyproject = tomllib.loads((package.parents[1] / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["stackwise"]
    files = [p for d in ("static", "templates") for p in (root / d).iterdir()]
    assert len(files) > 10
    for path in files:
        relative = path.relative_to(package).as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_the_dashboard_reads_a_postgresql_store_the_same_way(
    chromium_browser: Any,  # noqa: F811
    postgres_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stackwise.store.sql.sql_store import SqlStore

    monkeypatch.setenv("STACKWISE_STORE_URL", postgres_url)
    reset_store_cache()
    with pytest.raises(Exception, match="explode"):
        sales(fail=True)
    housekeeping()
    reset_store_cache()
    store = SqlStore(postgres_url)
    failed = store.list_runs(filters={"status": "failed"}).items[0]
    try:
        with dashboard_server(store) as server:
            context = chromium_browser.new_context(base_url=server.url)
            page = context.new_page()
            log_in(page, f"/runs?status=failed&since={failed.created.date().isoformat()}")
            rows = page.locator("table.runs tbody tr")
            assert [r.get_attribute("data-run") for r in rows.all()] == [failed.id]
            rows.first.locator("a").click()
            assert _node(page, "explode").get_attribute("class") == "node status-failed"
            assert _node(page, "load").get_attribute("class") == "node status-completed"
            page.goto(f"/runs/{failed.id}/steps/load")
            assert "[stdout] loading the frame now" in page.locator("#logs").inner_text()
            screenshot(page, "postgresql-step")
            context.close()
    finally:
        store.close()
