"""Exports straight from the store: one summary query, then the mentions a page at a time.

A million stored mentions must export in time proportional to their number and in flat
memory, so nothing here holds the whole list: the summary comes from ``Store.export_groups``
(one GROUP BY) and the rows from ``Store.export_pages`` (one cursor), both inside one read
snapshot so the numbers describe exactly the rows written. The writers are the same ones
``render`` drives over an in-memory ``Report``, so both paths give the same bytes.
"""

from __future__ import annotations

from typing import TextIO

from core.export import writer_for
from core.export.report import Group, Report, summarise
from core.store import Store


async def write_export(store: Store, report: Report, fmt: str, out: TextIO) -> None:
    """Write ``report``'s head and every stored mention (since ``report.since``) to ``out``.

    ``report.mentions`` is ignored: the mentions come from ``store``."""
    writer = writer_for(fmt, report, out)
    async with store.snapshot():
        groups = [Group(*row) for row in await store.export_groups(since=report.since)]
        writer.begin(summarise(groups, report.sources))
        async for page in store.export_pages(since=report.since):
            writer.add(page)
    writer.end()
