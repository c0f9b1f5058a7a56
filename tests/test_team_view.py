"""A team's inbox view and its digest read the same routing: the view lists the new mentions
of exactly the categories the digest sections name, over a real store."""

from __future__ import annotations

from pathlib import Path

from core.export.digest import render_digest
from core.inbox.triage import Inbox
from core.inbox.views import Filters, team_view
from core.rules.routing import categories_of
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert

ROUTING = {"idea": "product", "tip": "product"}
ROWS = [M(title="Add a decaf", category="idea"), M(title="Use it for tea", category="new_use"),
        M(title="Grind finer", category="tip"), M(title="Where is it?", category="question"),
        M(title="Old idea", category="idea", status="done"), M(title="No category")]


async def test_the_team_view_lists_what_the_team_digest_lists(tmp_path: Path) -> None:
    """It should list the new mentions of the team's routed categories, as its digest does."""
    path = tmp_path / "t.db"
    await create_db(path)
    insert(path, ROWS)
    view = team_view("Product", categories_of("Product", ROUTING))
    async with await Store.open(path) as store:
        inbox = Inbox(store.db, store.transaction, me="ana")
        listed = {r.title for r in await inbox.window(view, Filters(), now=T0, limit=50)}
        count = await inbox.count(view, now=T0)
        stored = await store.export_mentions()
    digest = render_digest("product", categories_of("product", ROUTING), stored, brand="N",
                           since=None, generated_at=T0)
    assert listed == {"Add a decaf", "Use it for tea", "Grind finer"} and count == 3
    in_digest = {m.title for m in stored if f": {m.title}" in digest}
    assert in_digest - {"Old idea"} == listed  # the digest also keeps what was done


def test_a_team_with_no_categories_lists_nothing() -> None:
    """It should make a view that matches nothing when no category is routed to the team."""
    view = team_view("legal", ())
    assert "m.category IN (NULL)" in view.predicate and view.params == ()
