"""Turning a template and its data into a dashboard response: Jinja2 with autoescaping on
(every value is escaped unless a module made it `Markup` on purpose), and the headers that keep
a page from loading anything but the server's own assets.

The Content-Security-Policy also binds the sandboxed frames that show artifact HTML (a
`srcdoc` frame inherits its page's policy): no script runs in them, and nothing loads from
another host; inline styles are allowed, as artifact HTML and the CSV tables use them.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader
from starlette.requests import Request
from starlette.responses import HTMLResponse

from stackwise.ui.console import format_seconds

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def duration(start: datetime | None, end: datetime | None) -> str:
    """`1.250s`, `2m3s`… between two times; '' while one is missing."""
    if start is None or end is None:
        return ""
    return format_seconds((end - start).total_seconds())


templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
)
templates.filters["tojson_pretty"] = lambda value: json.dumps(value, indent=2, default=str)
templates.globals["duration"] = duration


def html_page(name: str, *, http_status: int = 200, **context: Any) -> HTMLResponse:
    """Template `name` rendered with `context`, with the dashboard's security headers."""
    html = templates.get_template(name).render(**context)
    return HTMLResponse(html, status_code=http_status, headers=SECURITY_HEADERS)


def render(
    request: Request, name: str, who: Any, *, http_status: int = 200, **context: Any
) -> HTMLResponse:
    """A page for the signed-in `who` (None on the login page): the navigation shows who
    they are, and a log-out button when the server has logins."""
    return html_page(
        name,
        http_status=http_status,
        who=who,
        auth=request.app.state.access.scheme != "none",
        path=request.url.path,
        **context,
    )
