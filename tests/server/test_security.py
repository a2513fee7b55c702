"""What keeps a team's server safe, against a real `stackwise server`: every route needs a
valid token, every write needs a role that may write, forged, expired and revoked credentials
stop working at once, cookies cannot drive writes (CSRF), and filters cannot inject SQL."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from tests.server.conftest import JWT_SECRET, Team, login

from stackwise.server import create_app
from stackwise.server.access import SESSION_COOKIE, OpenAccess
from stackwise.server.roles import ACTION_CLASSES, allowed
from stackwise.store.rest.methods import store_methods
from stackwise.store.rest.rest_store import RestStore
from stackwise.store.sql.sql_store import SqlStore

# no token needed: liveness, version, the login itself and the API's own description
PUBLIC = {"/health", "/api/v1/info", "/api/v1/login", "/openapi.json", "/docs", "/redoc"}
PUBLIC_PREFIXES = ("/docs/",)


def _routes(tmp_path: Path) -> list[tuple[str, str]]:
    """(method, concrete path) of every route the app serves, dashboard's included."""
    app = create_app(SqlStore(f"sqlite:///{tmp_path / 'routes.db'}"), auth=OpenAccess())
    found = []
    for route in app.routes:
        path = str(getattr(route, "path", ""))
        concrete = path.replace("{name_or_id}", "x")
        while "{" in concrete:
            start = concrete.index("{")
            concrete = concrete[:start] + "x" + concrete[concrete.index("}", start) + 1 :]
        methods = getattr(route, "methods", None)
        if methods is None:  # a Mount (static files): one asset below it
            found.append(("GET", concrete.rstrip("/") + "/x"))
            continue
        found.extend((m, concrete) for m in sorted(methods) if m != "HEAD")
    return found


def _public(method: str, path: str) -> bool:
    if path in PUBLIC or path.startswith(PUBLIC_PREFIXES):
        return True
    # the dashboard's login/logout pages and its static assets
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return not path.startswith("/api/") and (
        last in ("login", "logout") or "/static" in path or path.endswith("/x")
    )


def _send(team: Team, method: str, path: str, **kwargs: Any) -> httpx.Response:
    body = {"json": {"args": [], "kwargs": {}}} if method == "POST" else {}
    return httpx.request(method, f"{team.url}{path}", follow_redirects=False, **body, **kwargs)


def _refused_without_token(answer: httpx.Response, path: str) -> bool:
    if answer.status_code == 401:
        return True
    # a dashboard page may send a browser to its login page instead
    location = answer.headers.get("location", "")
    return not path.startswith("/api/") and answer.is_redirect and "login" in location


def test_the_role_table_classifies_every_store_method() -> None:
    routed = set(store_methods()) | {"replace_secret"}
    assert routed - set(ACTION_CLASSES) == set(), "classify new Store methods in roles.py"
    assert set(ACTION_CLASSES) - routed == {"current_user"}, "stale names in roles.py"


def test_every_route_refuses_a_caller_without_a_token(team: Team, tmp_path: Path) -> None:
    routes = [r for r in _routes(tmp_path) if not _public(*r)]
    assert len(routes) > 120  # the Store routes, the REST routes, current-user
    wrong = {}
    for method, path in routes:
        answer = _send(team, method, path)
        if not _refused_without_token(answer, path):
            wrong[f"{method} {path}"] = answer.status_code
    assert wrong == {}


def test_a_viewer_can_read_but_every_write_is_forbidden(team: Team, tmp_path: Path) -> None:
    viewer = team.headers("victor")
    wrong = {}
    for method, path in _routes(tmp_path):
        if _public(method, path):
            continue
        answer = _send(team, method, path, headers=viewer)
        action = path.rsplit("/", 1)[-1] if path.startswith("/api/v1/store/") else None
        if method == "GET":
            may = True
        elif action is not None:
            may = allowed("viewer", action)
        else:
            may = False  # a REST delete, a dashboard form
        if (answer.status_code == 403) == may or answer.status_code in (401, 500):
            wrong[f"{method} {path}"] = answer.status_code
    assert wrong == {}
    runs = httpx.get(f"{team.url}/api/v1/runs", headers=viewer)
    assert runs.status_code == 200 and runs.json()["total"] == 0


def test_an_editor_writes_but_cannot_manage_users_or_keys(team: Team) -> None:
    editor = RestStore(team.url, token=team.tokens["edith"])
    assert editor.create_tag("nightly").name == "nightly"
    with pytest.raises(Exception, match="role editor") as refused:
        editor.create_user("mallory", password="mallory-password", role="admin")
    assert type(refused.value).__name__ == "AuthorizationException"
    with pytest.raises(Exception, match="may not"):
        editor.list_api_keys("robot")


def test_a_tampered_or_expired_token_is_refused(team: Team) -> None:
    token = team.tokens["victor"]
    head, claims, signature = token.split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    guessed = "a-guessed-secret-that-is-long-enough-0123"
    forged_admin = jwt.encode(jwt.decode(token, options={"verify_signature": False}), guessed)
    now = int(time.time())
    victor = jwt.decode(token, options={"verify_signature": False})["sub"]
    expired = jwt.encode(
        {"sub": victor, "iat": now - 7200, "exp": now - 3600}, JWT_SECRET, algorithm="HS256"
    )
    unsigned = jwt.encode({"sub": victor, "iat": now, "exp": now + 60}, None, algorithm="none")
    for bad in (f"{head}.{claims}.{flipped}", forged_admin, expired, unsigned, "garbage"):
        answer = httpx.get(f"{team.url}/api/v1/runs", headers={"Authorization": f"Bearer {bad}"})
        assert answer.status_code == 401, bad
    answer = httpx.get(f"{team.url}/api/v1/runs", headers={"Authorization": f"Bearer {expired}"})
    assert "expired" in answer.json()["detail"]


def test_a_disabled_account_or_key_stops_working_at_once(team: Team) -> None:
    admin = RestStore(team.url, token=team.tokens["admin"])
    key, token = team.new_account("builder")
    bearer = {"Authorization": f"Bearer {token}"}
    who = httpx.get(f"{team.url}/api/v1/current-user", headers=bearer).json()
    assert (who["name"], who["role"], who["is_service_account"]) == ("builder", "editor", True)
    admin.update_user("builder", active=False)
    assert httpx.get(f"{team.url}/api/v1/runs", headers=bearer).status_code == 401
    assert login(team.url, password=key).status_code == 401
    admin.update_user("builder", active=True)
    assert httpx.get(f"{team.url}/api/v1/runs", headers=bearer).status_code == 200
    admin.update_api_key("builder", "ci", active=False)
    assert httpx.get(f"{team.url}/api/v1/runs", headers=bearer).status_code == 401
    # a disabled user's password tokens too, and a demotion applies to the next request
    admin.create_user("walter", password="walter-password", role="editor")
    walter = {"Authorization": f"Bearer {team.server.token('walter', 'walter-password')}"}
    tag = {"json": {"args": ["walter"], "kwargs": {}}, "headers": walter}
    assert httpx.post(f"{team.url}/api/v1/store/create_tag", **tag).status_code == 200
    admin.update_user("walter", role="viewer")
    assert httpx.post(f"{team.url}/api/v1/store/delete_tag", **tag).status_code == 403
    admin.update_user("walter", active=False)
    assert httpx.get(f"{team.url}/api/v1/runs", headers=walter).status_code == 401
    assert login(team.url, username="walter", password="walter-password").status_code == 401


def test_rotating_a_key_retires_the_old_one_now_or_after_the_retain_period(team: Team) -> None:
    admin = RestStore(team.url, token=team.tokens["admin"])
    key, old_token = team.new_account("rotator")
    retained = admin.rotate_api_key("rotator", "ci", retain_period_minutes=5)
    assert retained.key and retained.key != key
    # within the retain period the old key and its tokens still work
    assert login(team.url, password=key).status_code == 200
    bearer = {"Authorization": f"Bearer {old_token}"}
    assert httpx.get(f"{team.url}/api/v1/runs", headers=bearer).status_code == 200
    now = admin.rotate_api_key("rotator", "ci")
    assert login(team.url, password=key).status_code == 401
    assert login(team.url, password=str(retained.key)).status_code == 401
    assert httpx.get(f"{team.url}/api/v1/runs", headers=bearer).status_code == 401
    fresh = login(team.url, password=str(now.key))
    assert fresh.status_code == 200
    admin.delete_api_key("rotator", "ci")
    fresh_bearer = {"Authorization": f"Bearer {fresh.json()['access_token']}"}
    assert httpx.get(f"{team.url}/api/v1/runs", headers=fresh_bearer).status_code == 401


def test_no_record_carries_a_hash_or_a_stored_key(team: Team) -> None:
    admin = RestStore(team.url, token=team.tokens["admin"])
    answers = [
        httpx.post(
            f"{team.url}/api/v1/store/{method}",
            json={"args": args, "kwargs": {}},
            headers=team.headers("admin"),
        ).text
        for method, args in (
            ("list_users", []),
            ("get_user", ["edith"]),
            ("list_api_keys", ["robot"]),
            ("get_api_key", ["robot", "ci"]),
        )
    ]
    assert admin.get_api_key("robot", "ci").key is None  # shown once, at creation
    for text in answers:
        assert "hash" not in text and "argon2" not in text and team.api_key not in text


def test_the_session_cookie_reads_but_never_writes(team: Team) -> None:
    """CSRF: a browser sends cookies with a cross-site form POST, so a cookie alone never
    authorizes a write; reads (GET) accept it, for the dashboard."""
    cookies = {SESSION_COOKIE: team.tokens["admin"]}
    read = httpx.get(f"{team.url}/api/v1/runs", cookies=cookies)
    assert read.status_code == 200
    write = httpx.post(
        f"{team.url}/api/v1/store/create_tag",
        json={"args": ["csrf"], "kwargs": {}},
        cookies=cookies,
    )
    assert write.status_code == 401
    delete = httpx.delete(f"{team.url}/api/v1/tags/x", cookies=cookies)
    assert delete.status_code == 401


def test_wrong_passwords_and_keys_are_refused_without_saying_which(team: Team) -> None:
    for form in (
        {"username": "edith", "password": "wrong-password"},
        {"username": "nobody", "password": "whatever-password"},
        {"password": "swk_000000000000_nope"},
        {"password": "not-a-key"},
        {},
    ):
        answer = login(team.url, **form)
        assert answer.status_code == 401, form
        assert answer.headers["www-authenticate"] == "Bearer"


INJECTIONS = (
    "'; DROP TABLE pipelines; --",
    "contains:' OR '1'='1",
    'x" OR 1=1 --',
    "oneof:['a'); DROP TABLE users; --']",
    "startswith:%' UNION SELECT password_hash FROM users --",
)


def test_filters_and_sort_by_cannot_inject_sql(team: Team) -> None:
    admin = team.headers("admin")
    RestStore(team.url, token=team.tokens["admin"]).get_or_create_pipeline("kept")
    before = _pipeline_names(team)
    statuses = []
    for payload in INJECTIONS:
        for entity in ("pipelines", "runs", "artifacts", "stacks", "tags"):
            for params in ({"name": payload}, {"sort_by": payload}, {payload: "x"}):
                answer = httpx.get(f"{team.url}/api/v1/{entity}", params=params, headers=admin)
                statuses.append(answer.status_code)
                if answer.status_code == 200 and "name" in params:
                    assert answer.json()["total"] == 0
        for method in ("list_pipelines", "list_users", "list_runs"):
            for kwargs in (
                {"filters": {"name": payload}},
                {"sort_by": payload},
                {"filters": {payload: "x"}},
            ):
                answer = httpx.post(
                    f"{team.url}/api/v1/store/{method}",
                    json={"args": [], "kwargs": kwargs},
                    headers=admin,
                )
                statuses.append(answer.status_code)
    assert max(statuses) < 500
    assert _pipeline_names(team) == before and "kept" in before
    database = sqlite3.connect(team.server.database)
    try:
        users = database.execute("SELECT count(*) FROM users").fetchone()[0]
    finally:
        database.close()
    assert users >= 5


def _pipeline_names(team: Team) -> list[str]:
    database = sqlite3.connect(team.server.database)
    try:
        return sorted(r[0] for r in database.execute("SELECT name FROM pipelines"))
    finally:
        database.close()


def test_an_api_key_is_exchanged_once_and_again_when_the_token_expires(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STACKWISE_STORE_API_KEY", team.api_key)
    store = RestStore(team.url)
    assert store.current_user()["name"] == "robot"
    store.list_tags()
    assert store.requests == 3  # one login, then the token is reused
    now = int(time.time())
    robot = store.current_user()["id"]
    expired = jwt.encode(
        {"sub": robot, "iat": now - 7200, "exp": now - 3600}, JWT_SECRET, algorithm="HS256"
    )
    stale = RestStore(team.url, token=expired)  # the key from the environment as well
    stale.list_tags()
    assert stale.requests == 3  # refused (401), a new login, the call again
    assert stale.token != expired


def test_info_says_the_server_checks_credentials(team: Team) -> None:
    info = httpx.get(f"{team.url}/api/v1/info").json()
    assert info["auth"] == "oauth2"
    who = httpx.get(f"{team.url}/api/v1/current-user", headers=team.headers("victor")).json()
    assert (who["name"], who["role"], who["is_service_account"]) == ("victor", "viewer", False)
