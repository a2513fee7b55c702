"""Is a server there at all? A cheap answer for the components that talk to a network, asked
before a run's first step and by `stackwise stack verify`, so a server that is down fails the
run in seconds instead of after the retries of the library that talks to it.

An `http(s)://` URL is probed with one HEAD request, through the proxy the environment names
for it (HTTPS_PROXY, NO_PROXY, ...): any HTTP answer, an error status included, and a TLS
failure (the library will report its own) count as reachable. A `tcp://host:port` address
(a database server) is probed by opening a connection. Only a refused connection, a name that
does not resolve, an unreachable network or no answer within the timeout count as down.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit, urlunsplit

DEFAULT_TIMEOUT = 5.0


def unreachable_reason(url: str, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """Why nothing answers at `url` within `timeout` seconds, in a few words; None when
    something does (or the URL is not one this module can probe). Never raises."""
    return unreachable_reasons([url], timeout)[url]


def unreachable_reasons(urls: list[str], timeout: float = DEFAULT_TIMEOUT) -> dict[str, str | None]:
    """`unreachable_reason` of each URL, probed at the same time: the whole call takes at most
    about `timeout` seconds however many URLs there are."""
    outcome: dict[str, str | None] = {}
    started = time.monotonic()
    # Threads bound what the socket timeout does not: resolving a name can hang for long.
    threads = []
    for url in dict.fromkeys(urls):
        thread = threading.Thread(
            target=_record, args=(outcome, url, timeout), name="stackwise-probe", daemon=True
        )
        thread.start()
        threads.append(thread)
    deadline = started + timeout + 1.0
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    waited = f"no answer within {time.monotonic() - started:.0f} s"
    return {url: outcome[url] if url in outcome else waited for url in urls}


def _record(outcome: dict[str, str | None], url: str, timeout: float) -> None:
    outcome[url] = _probe(url, timeout)


def _probe(url: str, timeout: float) -> str | None:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("http", "https"):
            return _probe_http(url, timeout)
        if scheme == "tcp" and parts.hostname and parts.port:
            with socket.create_connection((parts.hostname, parts.port), timeout=timeout):
                return None
    except OSError as error:
        return _reason(error, timeout)
    except Exception:  # noqa: BLE001 - a probe that cannot tell must not fail a run
        return None
    return None


def _probe_http(url: str, timeout: float) -> str | None:
    parts = urlsplit(url)
    if "@" in parts.netloc:  # user:password@host: urllib would take it all for the host
        url = urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
    headers = {"User-Agent": "stackwise-probe"}
    request = urllib.request.Request(url, method="HEAD", headers=headers)  # noqa: S310 - http(s)
    try:
        with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310 - as above
            return None
    except urllib.error.HTTPError:
        return None  # the server answered
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, ssl.SSLError) or not isinstance(reason, OSError):
            return None  # something answered; the component's library judges the rest
        return _reason(reason, timeout)
    except (ConnectionResetError, ssl.SSLError):
        return None  # something listens, but does not speak plain HEAD: not "down"


def _reason(error: OSError, timeout: float) -> str:
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(error, socket.gaierror):
        return f"the host name does not resolve ({error.strerror or error})"
    if error.errno is not None and error.strerror:
        return f"[Errno {error.errno}] {error.strerror}"
    return f"{type(error).__name__}: {error}"
