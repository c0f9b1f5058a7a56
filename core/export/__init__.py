"""Headless exports: the same picture as the inbox, as CSV, JSON, or a Markdown or HTML daily
report; ``metrics`` is the period's metrics as JSON (``--report metrics``).

Every writer takes one ``Report`` and returns text; ``render`` picks the writer by format.
Ordering is fixed (newest first, then by id) and nothing depends on the wall clock except
``generated_at``, which the caller supplies, so two exports of the same data are identical
byte for byte (set ``SOURCE_DATE_EPOCH`` to pin ``generated_at`` too).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TextIO

from core.export.report import Report, Writer

FORMATS = ("csv", "json", "md", "html")  # the one list: --format's choices, format_for's names
METRICS = "metrics"  # the writer of ``--report metrics``: the metrics document, as JSON


def format_for(path: str, explicit: str | None) -> str:
    """The export format: ``--format`` when given, else the file's extension; JSON on stdout
    (``-``), the one a pipe into ``jq`` or another program most likely wants."""
    if explicit:
        return explicit
    if path == "-":
        return "json"
    suffix = Path(path).suffix.lower().lstrip(".")
    aliases = {"markdown": "md", "jsn": "json", "htm": "html"}
    fmt = aliases.get(suffix, suffix)
    if fmt not in FORMATS:
        files = ", ".join(f".{f}" for f in FORMATS)
        raise ValueError(
            f"cannot tell the export format from {path!r}: use a file ending in {files}, "
            f"or pass --format {'|'.join(FORMATS)} (stdout, '-', defaults to json)"
        )
    return fmt


def render(report: Report, fmt: str) -> str:
    """The export text of ``report`` in ``fmt``."""
    out = io.StringIO()
    writer = writer_for(fmt, report, out)
    writer.begin(report.summary())
    writer.add(report.mentions)
    writer.end()
    return out.getvalue()


def writer_for(fmt: str, report: Report, out: TextIO) -> Writer:
    """The writer of ``fmt`` for ``report``'s head (its mentions come through ``add``)."""
    if fmt == "csv":
        from core.export.csv_export import CsvWriter

        return CsvWriter(report, out)
    if fmt == "json":
        from core.export.json_export import JsonWriter

        return JsonWriter(report, out)
    if fmt == "md":
        from core.export.markdown import MarkdownWriter

        return MarkdownWriter(report, out)
    if fmt == "html":
        from core.export.html import HtmlWriter

        return HtmlWriter(report, out)
    if fmt == METRICS:
        from core.export.metrics_json import MetricsJsonWriter

        return MetricsJsonWriter(report, out)
    raise ValueError(f"unknown export format {fmt!r} (expected one of {', '.join(FORMATS)})")


__all__ = ["FORMATS", "METRICS", "Report", "format_for", "render", "writer_for"]
