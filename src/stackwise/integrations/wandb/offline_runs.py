"""Reading what an offline W&B run recorded, from its local folder, without a W&B server.

Recent wandb versions write an offline run only as its transaction log, `run-<id>.wandb`
(no `files/config.yaml` or `files/wandb-summary.json` until the run is synced), so this reads
that log: W&B's header (":W&B", a 2-byte magic, a version byte), then LevelDB's log format
(32 KiB blocks of checksummed records, a record split into FIRST/MIDDLE/LAST fragments when
it crosses a block), each record a `wandb.proto.wandb_internal_pb2.Record`. Used to check
that a step's logging landed (tests, CI without W&B access); `wandb sync <folder>` uploads it.

`run.finish()` returns before the log is all on disk: wandb-core buffers it and closes it a
moment later, in its own process. So a reader right after a step passes `wait=` to wait for
the run's exit record, the last record W&B writes.
"""

from __future__ import annotations

import json
import struct
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_IDENT = b":W&B"
_FILE_HEADER = struct.Struct("<4sHB")  # ident, magic, version
_MAGIC = 0xBEE1
_RECORD_HEADER = struct.Struct("<IHB")  # checksum (CRC-32 of type + data), length, type
_BLOCK = 32768
_FULL, _FIRST, _MIDDLE, _LAST = 1, 2, 3, 4


@dataclass
class OfflineRun:
    """What one local W&B run folder holds."""

    path: Path
    run_id: str = ""
    project: str = ""
    entity: str = ""
    name: str = ""
    group: str = ""
    job_type: str = ""
    tags: list[str] = field(default_factory=list)
    config: dict[str, Any] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    exit_code: int | None = None  # None: the run never finished (still running or crashed)
    offline: bool = False  # the run was written in offline mode

    @property
    def metrics(self) -> dict[str, Any]:
        """The summary without W&B's own keys (`_step`, `_runtime`, `_wandb`, ...)."""
        return {k: v for k, v in self.summary.items() if not k.startswith("_")}

    def metric_history(self, key: str) -> list[tuple[int, Any]]:
        """(`_step`, value) of every history row that logged `key`."""
        return [(row.get("_step", i), row[key]) for i, row in enumerate(self.history) if key in row]


def transaction_log(path: str | Path) -> Path:
    """The `run-<id>.wandb` file of a run folder (or `path` itself when it is that file)."""
    path = Path(path)
    if path.is_file():
        return path
    found = sorted(path.glob("run-*.wandb"))
    if len(found) != 1:
        raise FileNotFoundError(
            f"{path} is not a W&B run folder: expected one run-<id>.wandb file in it, found "
            f"{len(found)}. Run folders are <dir>/wandb/offline-run-<time>-<id>."
        )
    return found[0]


def read_records(path: str | Path) -> Iterator[Any]:
    """The `wandb_internal_pb2.Record`s of a transaction log (file or run folder), in order.

    A record cut short at the end (a run still writing, or killed) ends the iteration; a
    checksum mismatch is an error naming the offset.
    """
    from wandb.proto import wandb_internal_pb2

    for payload in _payloads(transaction_log(path)):
        # protobuf builds the message classes at import time; wandb ships no .pyi for them
        record = wandb_internal_pb2.Record()  # type: ignore[attr-defined]
        record.ParseFromString(payload)
        yield record


def read_offline_run(path: str | Path, *, wait: float = 0.0) -> OfflineRun:
    """Replay a run folder's transaction log into its config, summary, history and exit.

    With `wait`, up to that many seconds are given for a finished run's log to reach the disk
    (until its exit record is there); what is there then is returned, `exit_code` None if the
    run did not finish.
    """
    deadline = time.monotonic() + wait
    while True:
        run = _replay(transaction_log(path))
        if run.exit_code is not None or time.monotonic() >= deadline:
            return run
        time.sleep(0.02)


def _replay(log: Path) -> OfflineRun:
    run = OfflineRun(path=log.parent)
    for record in read_records(log):
        kind = record.WhichOneof("record_type")
        if kind == "run":
            _read_run(run, record.run)
        elif kind == "config":
            _apply(run.config, record.config.update, record.config.remove)
        elif kind == "summary":
            _apply(run.summary, record.summary.update, record.summary.remove)
        elif kind == "history":
            row: dict[str, Any] = {}
            _apply(row, record.history.item, ())
            run.history.append(row)
        elif kind == "telemetry":
            run.offline = run.offline or record.telemetry.feature.offline
        elif kind == "exit":
            run.exit_code = record.exit.exit_code
    run.config.pop("_wandb", None)
    return run


def _read_run(run: OfflineRun, record: Any) -> None:
    run.run_id = record.run_id
    run.project = record.project
    run.entity = record.entity
    run.name = record.display_name
    run.group = record.run_group
    run.job_type = record.job_type
    run.tags = list(record.tags)
    _apply(run.config, record.config.update, record.config.remove)


def _apply(target: dict[str, Any], updates: Any, removals: Any) -> None:
    """Apply W&B config/summary/history items: a `key`, or a `nested_key` path, to a JSON
    value."""
    for item in updates:
        path = list(item.nested_key) or [item.key]
        node = target
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = json.loads(item.value_json)
    for item in removals:
        path = list(item.nested_key) or [item.key]
        node = target
        for part in path[:-1]:
            node = node.get(part, {})
        node.pop(path[-1], None)


def _payloads(log: Path) -> Iterator[bytes]:
    data = log.read_bytes()
    if len(data) < _FILE_HEADER.size:
        return
    ident, magic, _version = _FILE_HEADER.unpack_from(data)
    if ident != _IDENT or magic != _MAGIC:
        raise ValueError(f"{log} is not a W&B transaction log (it starts with {data[:7]!r}).")
    position = _FILE_HEADER.size
    pending: bytearray | None = None
    while True:
        room = _BLOCK - position % _BLOCK
        if room < _RECORD_HEADER.size:  # a block's trailer: zero padding
            position += room
            continue
        if position + _RECORD_HEADER.size > len(data):
            return
        checksum, length, kind = _RECORD_HEADER.unpack_from(data, position)
        start = position + _RECORD_HEADER.size
        if start + length > len(data):
            return  # cut short while being written
        payload = data[start : start + length]
        if kind == 0 and length == 0 and checksum == 0:  # preallocated, never written
            return
        if zlib.crc32(bytes([kind]) + payload) != checksum:
            raise ValueError(f"{log}: corrupt record at byte {position} (checksum mismatch).")
        position = start + length
        if kind == _FULL:
            yield payload
        elif kind == _FIRST:
            pending = bytearray(payload)
        elif kind in (_MIDDLE, _LAST) and pending is not None:
            pending += payload
            if kind == _LAST:
                yield bytes(pending)
                pending = None
