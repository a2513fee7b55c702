"""Replaying the answer to a write that a client sends twice.

RestStore retries a write whose answer it did not get (connection dropped, 5xx) with the same
`Idempotency-Key` header. The server keeps the answers of the last keys it saw; a repeated key
gets the stored answer, and a repeat that arrives while the first is still running waits for
it, so the write happens once. Kept in memory: a restarted server forgets its keys.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

_KEPT = 10_000

Answer = tuple[int, Any]


class IdempotencyCache:
    """Answers by idempotency key, the newest `kept` of them."""

    def __init__(self, kept: int = _KEPT) -> None:
        self._kept = kept
        self._lock = threading.Lock()
        self._answers: OrderedDict[str, Answer] = OrderedDict()
        self._running: dict[str, threading.Event] = {}

    def run_once(self, key: str | None, call: Callable[[], Answer]) -> Answer:
        """`call()`'s answer, computed once per key (every call when `key` is None)."""
        if not key:
            return call()
        while True:
            with self._lock:
                if key in self._answers:
                    return self._answers[key]
                running = self._running.get(key)
                if running is None:
                    self._running[key] = threading.Event()
                    break
            running.wait()
        try:
            answer = call()
            with self._lock:
                self._answers[key] = answer
                while len(self._answers) > self._kept:
                    self._answers.popitem(last=False)
            return answer
        finally:
            with self._lock:
                self._running.pop(key).set()
