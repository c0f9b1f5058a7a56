"""Columns sized by content and width; the sidebar sized to its names and hideable."""

from __future__ import annotations

from pathlib import Path

from core.inbox.triage import Row
from tests.tui.conftest import AppFactory
from tests.tui.inbox_db import M, insert
from tests.tui.screen_text import screen_text
from tui.widgets.columns import MIN_SNIPPET, PREFIX, plan

HN = "Hacker News: Northwind"
ALERT = "Google Alert - Northwind Coffee"


def row(source: str = HN, author: str = "coldbrewcarl", category: str | None = None,
        assignee: str | None = None, matched: str = "") -> Row:
    return Row(1, 0, 0.0, source, author, "title", "text", "neutral", category, matched, "new",
               False, None, assignee, "en", None)


def widths(rows: list[Row], width: int, names: tuple[str, ...] = ()) -> dict[str, int]:
    return {column.name: size for column, size in plan(rows, width, names)}


def test_source_column_fits_a_long_name_at_a_normal_width() -> None:
    """It should give "Hacker News: Northwind" its whole width in a 90-cell list."""
    assert widths([row()], 90, (HN, "blog"))["source"] == len(HN)


def test_empty_optional_columns_take_no_room() -> None:
    """It should leave out category, assignee and matched when no row on screen has one."""
    assert set(widths([row(), row(author="ana")], 150)) == {"source", "author"}
    assert widths([row(category="complaint")], 150)["category"] == len("complaint")


def test_narrow_lists_keep_a_readable_snippet() -> None:
    """It should drop optional columns before the snippet gets narrower than MIN_SNIPPET."""
    rows = [row(category="testimonial", assignee="ana", matched="brand:Northwind")]
    for width in range(50, 200, 5):
        chosen = plan(rows, width, (ALERT,))
        room = width - PREFIX - sum(size + 1 for _, size in chosen)
        optional = {c.name for c, _ in chosen} - {"source", "author"}
        assert room >= MIN_SNIPPET or not optional


async def test_columns_and_sidebar_at_120_and_160(make_app: AppFactory, db: Path) -> None:
    """It should show whole source names in the list at 120 columns and whole view names in
    the sidebar at 160."""
    insert(db, [M(title="Burr Mill squeaks", source=HN, priority=100.0),
                M(title="Alert", source=ALERT, priority=99.0)])
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        row_line = next(line for line in screen_text(app).splitlines()
                        if "Burr Mill squeaks" in line)
        assert HN in row_line
        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        sidebar_names = [line.split("▕")[0].strip() for line in screen_text(app).splitlines()]
        assert any(name.startswith(f"{ALERT} ") for name in sidebar_names)  # then its count


async def test_backslash_hides_and_shows_the_sidebar(make_app: AppFactory) -> None:
    """It should hide the sidebar with \\ (the list takes the width) and bring it back."""
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert "Needs reply" in screen_text(app)
        await pilot.press("backslash")
        await pilot.pause()
        assert "Needs reply" not in screen_text(app)
        await pilot.press("backslash")
        await pilot.pause()
        assert "Needs reply" in screen_text(app)
