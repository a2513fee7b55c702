"""The dashboard the server serves at `/`: server-rendered Jinja2 templates (autoescaped) plus
one small vanilla-JS file, with CSS and JS served from this package under `/static/`.

Why this build: every page is one paged Store read rendered on the server, so the first paint
needs no JS bundle and no API round trips (the run list shows in one request even with 10,000
runs stored); the only live part — a run's DAG while it runs — polls a small JSON endpoint.
There is no npm build to keep working, nothing is fetched from a CDN (a server on an offline
network works the same), and autoescaping plus sandboxed frames for artifact HTML keep stored
data from running script in the dashboard's origin.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).parent / "static"


def add_dashboard(app: FastAPI) -> None:
    """Serve the dashboard's pages at `/` and its assets at `/static`."""
    from stackwise.server.dashboard.pages import router

    app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
