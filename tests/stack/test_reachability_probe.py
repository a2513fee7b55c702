"""The reachability probe a run makes before its first step (and `stackwise stack verify` before
each component's own check): against real listeners on loopback, anything that answers is up,
and a refused connection, a silent listener or a name that does not resolve is down, reported
in a few words within the timeout."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from stackwise.client import Client
from stackwise.exceptions import ComponentUnreachableError, ConfigError
from stackwise.stack.verify import probe_components, probe_timeout, require_reachable
from stackwise.utils.network import unreachable_reason, unreachable_reasons


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def http_server() -> Iterator[str]:
    """A real HTTP server that answers 404 to everything (an answer all the same)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A port that accepts connections and never says anything (a hung server)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        yield int(sock.getsockname()[1])


def test_a_server_that_answers_is_reachable_whatever_its_status(http_server: str) -> None:
    assert unreachable_reason(http_server) is None
    assert unreachable_reason(f"{http_server}/some/path?x=1") is None
    port = http_server.rsplit(":", 1)[1]
    assert unreachable_reason(f"tcp://127.0.0.1:{port}") is None


def test_a_closed_port_is_down_at_once() -> None:
    port = closed_port()
    begin = time.monotonic()
    assert unreachable_reason(f"http://127.0.0.1:{port}") == "[Errno 111] Connection refused"
    assert unreachable_reason(f"tcp://127.0.0.1:{port}") == "[Errno 111] Connection refused"
    assert time.monotonic() - begin < 5


def test_a_silent_listener_is_down_after_the_timeout(silent_listener: int) -> None:
    begin = time.monotonic()
    reason = unreachable_reason(f"http://127.0.0.1:{silent_listener}", timeout=0.5)
    assert reason is not None and reason.startswith("no answer within")
    assert time.monotonic() - begin < 5


def test_a_name_that_does_not_resolve_is_down() -> None:
    reason = unreachable_reason("https://stackwise-probe-test.invalid", timeout=2)
    assert reason is not None
    assert reason.startswith(("the host name does not resolve", "no answer within"))


def test_urls_are_probed_at_the_same_time(silent_listener: int) -> None:
    urls = [f"http://127.0.0.1:{silent_listener}/{i}" for i in range(4)]
    begin = time.monotonic()
    reasons = unreachable_reasons(urls, timeout=1)
    assert all(r is not None and r.startswith("no answer") for r in reasons.values())
    assert time.monotonic() - begin < 4  # not 4 x 1 s one after another


def test_unknown_schemes_and_local_components_are_not_probed() -> None:
    assert unreachable_reason("sqlite:///tmp/x.db") is None
    store = Client().active_stack.artifact_store
    assert store.probe_url() is None
    assert probe_components([store]) == []


def test_the_error_names_each_component_its_address_and_stack_verify(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    down = f"http://127.0.0.1:{closed_port()}"
    client = Client()
    client.create_stack_component(
        "remote_tracker",
        "mlflow",
        "experiment_tracker",
        {"tracking_uri": down.replace("http://", "http://u:pw@")},
    )
    client.create_stack(
        "remote",
        {
            "orchestrator": "default",
            "artifact_store": "default",
            "experiment_tracker": "remote_tracker",
        },
    )
    stack = client.activate_stack("remote")

    with pytest.raises(ComponentUnreachableError) as raised:
        require_reachable([stack.experiment_tracker, stack.artifact_store], "remote")
    message = str(raised.value)
    assert message.startswith(
        f"Cannot reach the experiment tracker 'remote_tracker' (mlflow) at {down}: "
        "[Errno 111] Connection refused."
    )
    assert "pw" not in message  # credentials in the URI are not shown
    assert message.endswith("then check the stack with `stackwise stack verify remote`.")

    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "0")  # the probe turned off
    require_reachable([stack.experiment_tracker], "remote")


def test_the_probe_timeout_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert probe_timeout() == 5.0
    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "2.5")
    assert probe_timeout() == 2.5
    monkeypatch.setenv("STACKWISE_PROBE_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="STACKWISE_PROBE_TIMEOUT='soon' is not a number"):
        probe_timeout()


def test_stack_verify_reports_a_store_that_is_down_in_seconds(invoke) -> None:
    down = f"http://127.0.0.1:{closed_port()}"
    client = Client()
    client.create_stack_component(
        "gone_store",
        "s3",
        "artifact_store",
        {"path": "s3://bucket/root", "client_kwargs": {"endpoint_url": down}},
    )
    client.create_stack("gone", {"orchestrator": "default", "artifact_store": "gone_store"})

    begin = time.monotonic()
    result = invoke("stack", "verify", "gone", env={"COLUMNS": "400"})
    assert time.monotonic() - begin < 15  # its own write probe would spend its retries
    assert result.exit_code == 1
    assert (
        f"Artifact store 'gone_store' gets no answer from {down}: [Errno 111] Connection "
        "refused. Check that the server is up and that the artifact store points at it: "
        "`stackwise artifact-store update gone_store ...`."
    ) in result.stdout
