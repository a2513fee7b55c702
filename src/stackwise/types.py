"""String types that say what their text is: HTML, Markdown, CSV or JSON.

Return one from a step (`-> HTMLString`) and the artifact is saved as a file of that kind
(`output.html`, `output.md`, `output.csv`, `output.json`), loads back as the same type, and is
shown as itself in the dashboard and by `load_visualizations()`. They are plain `str`
subclasses: everything a string does, they do.
"""

from __future__ import annotations


class HTMLString(str):
    """A string of HTML."""

    __slots__ = ()


class MarkdownString(str):
    """A string of Markdown."""

    __slots__ = ()


class CSVString(str):
    """A string of comma-separated values."""

    __slots__ = ()


class JSONString(str):
    """A string of JSON."""

    __slots__ = ()


__all__ = ["CSVString", "HTMLString", "JSONString", "MarkdownString"]
