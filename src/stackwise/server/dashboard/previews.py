"""The visualizations saved with an artifact version, made safe to show in the dashboard.

An artifact's HTML is the artifact author's (or its data's) markup: it goes into an iframe
with `srcdoc` and an empty `sandbox` (no `allow-scripts`, no `allow-same-origin`), so nothing in
it runs script or reaches the dashboard's origin. A CSV (a DataFrame's head and description)
becomes an escaped table in such a frame too; Markdown is rendered with markdown-it-py with raw
HTML off; an image becomes a `data:` URL; JSON is shown as escaped text.
"""

from __future__ import annotations

import base64
import csv
import io
import json
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from stackwise.store.base import Store
    from stackwise.store.records import ArtifactVersionRecord

MAX_PREVIEW_BYTES = 2_000_000
MAX_CSV_ROWS = 50
_FRAME_STYLE = (
    "<style>body{font:13px system-ui,sans-serif;margin:6px;color:#1f2933}"
    "table{border-collapse:collapse}td,th{border:1px solid #d9dee4;padding:2px 8px;"
    "text-align:right}th{background:#f1f4f7}</style>"
)


@dataclass(frozen=True)
class Preview:
    """One visualization: `frame` is a document for a sandboxed iframe, `inline` is markup
    that is safe as it is (already escaped or rendered without raw HTML), `error` says why
    there is nothing to show."""

    type: str
    name: str
    frame: str | None = None
    inline: Markup | None = None
    error: str | None = None


def csv_table(text: str) -> str:
    """The first rows of a CSV as an HTML table, every cell escaped."""
    rows = list(csv.reader(io.StringIO(text)))[: MAX_CSV_ROWS + 1]
    if not rows:
        return "<p>(empty)</p>"
    head = "".join(f"<th>{escape(cell)}</th>" for cell in rows[0])
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows[1:]
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def markdown_html(text: str) -> Markup:
    """Markdown as HTML with raw HTML in it escaped, not passed through."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": False}).render(text)
    return Markup(rendered)  # noqa: S704 - markdown-it escapes all text; raw HTML is off


def _image_url(data: bytes) -> str:
    kind = "png"
    if data[:3] == b"\xff\xd8\xff":
        kind = "jpeg"
    elif data[:4] == b"GIF8":
        kind = "gif"
    elif data.lstrip()[:1] == b"<":
        kind = "svg+xml"  # in an <img>, an SVG's scripts never run
    return f"data:image/{kind};base64,{base64.b64encode(data).decode()}"


def render(kind: str, name: str, value: str | bytes) -> Preview:
    """The preview of one loaded visualization."""
    if len(value) > MAX_PREVIEW_BYTES:
        return Preview(kind, name, error=f"too large to preview ({len(value):,} bytes)")
    if kind == "image":
        data = value if isinstance(value, bytes) else value.encode()
        url = escape(_image_url(data), quote=True)
        return Preview(kind, name, inline=Markup(f'<img class="preview-image" src="{url}" alt="">'))  # noqa: S704
    text = value.decode(errors="replace") if isinstance(value, bytes) else value
    if kind == "html":
        return Preview(kind, name, frame=text)
    if kind == "csv":
        return Preview(kind, name, frame=_FRAME_STYLE + csv_table(text))
    if kind == "markdown":
        return Preview(kind, name, inline=markdown_html(text))
    if kind == "json":
        try:
            text = json.dumps(json.loads(text), indent=2)
        except ValueError:
            pass
    return Preview(kind, name, inline=Markup(f"<pre>{escape(text)}</pre>"))  # noqa: S704


def previews(record: ArtifactVersionRecord, store: Store) -> list[Preview]:
    """Every visualization of an artifact version, each read through the artifact store that
    holds it; one that cannot be read says why instead of failing the page."""
    if not record.visualizations:
        return []
    from stackwise.artifact_stores.resolution import resolve_artifact_store

    shown = []
    try:
        artifact_store = resolve_artifact_store(record, store)
    except Exception as error:  # noqa: BLE001 - the page still shows everything else
        return [Preview("error", record.name, error=str(error))]
    for item in record.visualizations:
        kind, uri = str(item.get("type")), str(item.get("uri"))
        name = uri.rstrip("/").rsplit("/", 1)[-1]
        try:
            with artifact_store.open(uri, "rb") as handle:
                value = handle.read()
        except Exception as error:  # noqa: BLE001 - one unreadable file, not a broken page
            shown.append(Preview(kind, name, error=f"cannot read {uri}: {error}"))
            continue
        shown.append(
            render(kind, name, value if kind == "image" else value.decode("utf-8", "replace"))
        )
    return shown
