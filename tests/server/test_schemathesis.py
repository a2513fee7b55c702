"""schemathesis against a real server's `/openapi.json`, as an admin (who may call every
route): generated requests to every operation never get a 5xx. Bounded: at most 20 examples
per operation, explicit phases, a timeout per request and for the whole run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fixtures.peers import require_module
from tests.fixtures.store_server import running_server


def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    require_module("schemathesis", "pip install 'stackwise[dev]'")
    with running_server(tmp_path / "fuzzed.db") as server:
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "schemathesis"),
                "run",
                f"{server.url}/openapi.json",
                "--header",
                f"Authorization: Bearer {server.token()}",
                "--checks",
                "not_a_server_error",
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "20",
                "--workers",
                "2",
                "--request-timeout",
                "10",
                "--seed",
                "11",
                "--no-color",
            ],
            capture_output=True,
            text=True,
            timeout=110,
            cwd=tmp_path,
        )
    summary = result.stdout[-3000:]
    assert result.returncode == 0, summary
    assert "Tested: " in summary and " passed" in summary
