"""The Dask LocalCluster of this process: started by the first run of a `dask` orchestrator
without an `address`, then kept for this process's later runs, which would otherwise each pay
its start-up (a scheduler and worker processes: a second or more on a small machine).

It is reused only while it is what a fresh one would be: the same `n_workers` and
`threads_per_worker`, workers that inherited this process's environment, sys.path and cwd as
they are now, and no module file changed since they started (`warm_processes`); else it is
closed and another started. It is closed at interpreter exit. Its workers are not daemonic, so
that steps may start processes of their own (multiprocessing, joblib).
"""

from __future__ import annotations

import logging
import sys
import threading
from dataclasses import dataclass
from typing import Any

from stackwise.execution.warm_processes import (
    code_changed_since,
    ignore_path,
    keep_warm,
    launch_state,
    now_ns,
)

logger = logging.getLogger("stackwise")


@dataclass(frozen=True)
class _Cluster:
    shape: tuple[int, int]  # n_workers, threads_per_worker
    launch_state: str
    started_ns: int
    cluster: Any
    client: Any

    def reusable(self, shape: tuple[int, int]) -> bool:
        return (
            self.shape == shape
            and self.client.status == "running"
            and getattr(self.cluster.status, "name", "") == "running"
            and self.launch_state == launch_state()
            and not code_changed_since(self.started_ns)
        )


_current: _Cluster | None = None
_lock = threading.Lock()


def local_cluster_client(n_workers: int, threads_per_worker: int, timeout: float) -> Any:
    """A client of this process's LocalCluster of that shape (started now if there is none,
    or if the one there cannot be reused). Raises OSError or TimeoutError if it cannot start."""
    global _current
    shape = (n_workers, threads_per_worker)
    with _lock:
        if _current is not None and not _current.reusable(shape):
            stale, _current = _current, None
            _close(stale)
        if _current is None:
            _current = _start(shape, timeout)
            keep_warm(close_local_cluster)
        return _current.client


def close_local_cluster() -> None:
    """Close this process's LocalCluster, if it has one (at exit, and in tests)."""
    global _current
    with _lock:
        stale, _current = _current, None
    if stale is not None:
        _close(stale)


def _start(shape: tuple[int, int], timeout: float) -> _Cluster:
    import dask
    import distributed

    started, path = now_ns(), list(sys.path)
    # non-daemonic workers let steps start processes (multiprocessing, joblib)
    with dask.config.set({"distributed.worker.daemon": False}):
        cluster = distributed.LocalCluster(
            n_workers=shape[0],
            threads_per_worker=shape[1],
            processes=True,
            host="127.0.0.1",
            scheduler_port=0,
            dashboard_address=None,
            worker_dashboard_address=None,
            # no dashboard, but the scheduler's HTTP routes would take port 8787 (warning and
            # moving on when it is taken): a free port at once
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.ERROR,
        )
    client = None
    try:
        client = distributed.Client(cluster, set_as_default=False, timeout=timeout)
        client.wait_for_workers(1, timeout=timeout)
    except BaseException:
        if client is not None:
            client.close()
        cluster.close()
        raise
    for entry in sys.path:  # its scheduler's scratch folder, one per cluster
        if entry not in path:
            ignore_path(entry)
    # after the start: starting a LocalCluster sets variables of its own (OMP_NUM_THREADS...)
    return _Cluster(shape, launch_state(), started, cluster, client)


def _close(shared: _Cluster) -> None:
    for closable in (shared.client, shared.cluster):
        try:
            closable.close()
        except Exception as error:  # noqa: BLE001 - closing must not hide anything else
            logger.warning("Closing the Dask %s failed: %s", type(closable).__name__, error)
