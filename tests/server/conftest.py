"""A team's server for the security tests: a real `stackwise server` with users of every
role, a service account with an API key, and a known JWT secret (so a test can forge an
expired token with a valid signature)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from tests.fixtures.store_server import ADMIN, ADMIN_PASSWORD, RunningServer, running_server

JWT_SECRET = "a-jwt-secret-for-tests-0123456789abcdef"
PASSWORDS = {"edith": "edith-password", "victor": "victor-password"}


@dataclass
class Team:
    server: RunningServer
    api_key: str
    tokens: dict[str, str] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=lambda: {**PASSWORDS, ADMIN: ADMIN_PASSWORD})

    @property
    def url(self) -> str:
        return self.server.url

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def new_account(self, name: str) -> tuple[str, str]:
        """A new editor service account `name` with an API key `ci`: (key, its token)."""
        from stackwise.store.rest.rest_store import RestStore

        admin = RestStore(self.url, token=self.tokens["admin"])
        account = admin.create_user(name, is_service_account=True, role="editor")
        key = str(admin.create_api_key(account.id, "ci").key)
        admin.close()
        return key, login(self.url, password=key).json()["access_token"]


def login(url: str, **form: str) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/login", data=form)


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    """One server per test module (starting one and hashing passwords takes seconds): tests
    that disable or rotate credentials make their own accounts (`Team.new_account`)."""
    from stackwise.store.rest.rest_store import RestStore

    database = tmp_path_factory.mktemp("team") / "team.db"
    with running_server(database, args=("--jwt-secret-key", JWT_SECRET)) as server:
        admin = RestStore(server.url, username=ADMIN, password=ADMIN_PASSWORD)
        admin.create_user("edith", password=PASSWORDS["edith"], role="editor")
        admin.create_user("victor", password=PASSWORDS["victor"], role="viewer")
        account = admin.create_user("robot", is_service_account=True, role="editor")
        key = admin.create_api_key(account.id, "ci").key
        admin.close()
        assert key is not None
        team = Team(server, key)
        team.tokens["admin"] = server.token()
        for name, password in PASSWORDS.items():
            team.tokens[name] = server.token(name, password)
        team.tokens["robot"] = login(server.url, password=key).json()["access_token"]
        yield team
