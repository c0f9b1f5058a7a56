"""How wide each column of the mention list is: sized by what it holds and by the width there is.

Fixed widths cut "Hacker News: Northwind" to "Hacker N" at 120 columns while an empty category
column kept its nine cells. Here each column takes the width of its longest value (source names
from every source, so that column does not jump while scrolling; the others from the rows on
screen), within a share of the list's width, and the optional columns are dropped, least useful
first, when the snippet would be left too little room. Pure: rows and a width in, widths out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len

from core.inbox.triage import Row
from core.wording import author_name
from tui.widgets.cells import matched_names, one_line

PREFIX = 10  # mark, star, sentiment glyph and " 14:02 ": the cells before the first column
MIN_SNIPPET = 24  # below this the snippet is unreadable; optional columns give way first


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its name, how to read it from a row, the most of the width it may take."""

    name: str
    value: Callable[[Row], str]
    share: float  # of the list's width
    floor: int  # never narrower than this while shown (a few letters of every name)
    optional: bool  # dropped when the snippet would be too narrow
    min_width: int = 0  # the list width from which an optional column is shown at all


COLUMNS = (
    Column("source", lambda r: one_line(r.source), 0.25, 6, False),
    Column("author", lambda r: one_line(author_name(r.author)), 0.17, 8, False),
    Column("category", lambda r: r.category or "", 0.18, 0, True, 60),  # "testimonial" whole
    Column("assignee", lambda r: f"@{one_line(r.assignee)}" if r.assignee else "", 0.1, 0, True,
           80),
    Column("matched", lambda r: matched_names(r.matched), 0.14, 0, True, 100),
)
DROP_ORDER = ("matched", "assignee", "category")  # least useful first


def plan(rows: Sequence[Row], width: int, source_names: Sequence[str] = ()
         ) -> list[tuple[Column, int]]:
    """Each shown column with its width in cells (a column whose values are all empty is
    left out)."""
    chosen: list[tuple[Column, int]] = []
    for column in COLUMNS:
        if column.optional and width < column.min_width:
            continue
        values = [column.value(r) for r in rows]
        if column.name == "source":
            values += [one_line(n) for n in source_names]
        longest = max((cell_len(v) for v in values), default=0)
        size = min(longest, max(column.floor, int(width * column.share)))
        if size or not column.optional:
            chosen.append((column, max(size, column.floor)))
    return _fit(chosen, width)


def _fit(chosen: list[tuple[Column, int]], width: int) -> list[tuple[Column, int]]:
    for name in DROP_ORDER:
        if _snippet_room(chosen, width) >= MIN_SNIPPET:
            break
        chosen = [(c, w) for c, w in chosen if c.name != name]
    return chosen


def _snippet_room(chosen: list[tuple[Column, int]], width: int) -> int:
    return width - PREFIX - sum(w + 1 for _, w in chosen)
