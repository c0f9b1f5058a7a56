"""The metrics in two steps: ``overview`` reads only the rollups and owned posts, ``details``
adds the rest, and the two together are exactly ``compute_metrics``."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest

from core.metrics import queries
from core.metrics.panel import MetricsRequest, compute_metrics, details, overview
from core.metrics.periods import period_of
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert

H = 3600


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    path = tmp_path / "metrics.db"
    await create_db(path)
    return path


def rows() -> list[M]:
    return [M(sort_at=T0 + 2 * H + i * 60, title=f"grinder recall {i}", source="forum",
              sentiment_label="negative", category="idea", matched="brand:Acme")
            for i in range(6)] + [
        M(sort_at=T0 - 3 * H, title="old espresso", matched="brand:Acme\ncompetitor:Globex")]


async def test_the_overview_holds_the_rollup_figures_and_says_it_is_not_complete(db: Path
                                                                                 ) -> None:
    """It should give the headline, series and voices of the full report, with the tables
    that read mentions left empty and ``complete`` False."""
    insert(db, rows())
    request = MetricsRequest(period_of("day", T0 + 5 * H, UTC), UTC, T0 + 5 * H,
                             names=("Acme",))
    async with await Store.open(db) as store:
        first = await overview(store.db, request)
        full = await compute_metrics(store.db, request)
        filled = await details(store.db, request, first)
    assert not first.complete and full.complete and filled == full
    assert (first.series, first.totals, first.totals_before) == (
        full.series, full.totals, full.totals_before)
    assert (first.voices, first.voices_before) == (full.voices, full.voices_before)
    assert first.totals.negative == 6 and full.voices_before["competitor:Globex"] == 1
    assert (first.top, first.terms, first.alerts, first.negative) == ({}, [], [], [])
    assert full.top["sources"] == [("forum", 6)] and len(full.negative) == 5
    assert replace(full, complete=False) != first  # the tables were what the overview lacked


async def test_facets_counts_only_what_it_is_asked_for(db: Path) -> None:
    """It should leave the facets it was not asked for empty, and count the rest as ever."""
    insert(db, rows())
    async with await Store.open(db) as store:
        voices = await queries.facets(store.db, T0, T0 + 6 * H, which="m")
        every = await queries.facets(store.db, T0, T0 + 6 * H)
    assert voices.voices == every.voices and voices.totals == every.totals
    assert not (voices.sources or voices.languages or voices.categories)
    assert every.sources["forum"] == 6 and every.categories["idea"] == 6
