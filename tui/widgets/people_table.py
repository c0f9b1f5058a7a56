"""The influencers table: a windowed list of people that holds only the rows on screen.

Like the mention list (and through the same ``tui.widgets.windowed``), it never asks the store
for more than a screenful: ``rows`` is one window fetched by keyset
(``core.people.directory.People.window``), the cursor moves inside it without a query, and only
the rows that scroll in are read. The first line is a header naming
the columns, the sorted one marked. Names are strangers' text: painted through ``one_line`` into
Rich ``Text``, never parsed as markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from functools import lru_cache
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from core.people.directory import People, PeopleFilter, PeopleOrder, PersonRow
from tui.messages import PersonHighlighted
from tui.widgets.cells import one_line, short_time
from tui.widgets.windowed import WindowedRows

EMPTY = "No people yet: authors appear here once their mentions are stored."
STANCE_MARKS = {"advocate": "+ advocate", "critic": "- critic", "neutral": "  neutral"}
SORT_LABELS = {PeopleOrder.SCORE: "score", PeopleOrder.POSTS: "posts",
               PeopleOrder.PER_POST: "eng/post", PeopleOrder.LAST_SEEN: "seen"}


@lru_cache(maxsize=8)
def columns(width: int) -> tuple[tuple[str, int], ...]:
    """Column titles and widths for this width (lists only where there is room)."""
    name = max(12, min(28, width - 58))
    platform = 16 if width >= 100 else 10  # room for a merged person's "mastodon,reddit"
    cells = [("score", 6), ("name", name), ("platform", platform), ("posts", 6),
             ("eng/post", 9), ("stance", 11), ("seen", 6)]
    if width >= 100:
        cells.append(("lists", max(0, width - sum(w + 1 for _, w in cells))))
    return tuple(cells)


@lru_cache(maxsize=1024)
def row_cells(row: PersonRow, width: int) -> tuple[str, str, str]:
    """A person's line at ``width`` as the text before the stance, the stance, and the lists
    after the seen column (which ages, so the caller adds it); kept for the rows on screen."""
    sizes = dict(columns(width))
    name = one_line(row.name) + (" (muted)" if row.muted else "")
    before = "".join(set_cell_size(value, sizes[title]) + " " for title, value in (
        ("score", f"{row.score:5.1f}"), ("name", name), ("platform", one_line(row.platforms)),
        ("posts", f"{row.posts:>5}"), ("eng/post", f"{row.per_post:>8.1f}")))
    stance = set_cell_size(STANCE_MARKS.get(row.stance, row.stance), sizes["stance"]) + " "
    lists = set_cell_size(one_line(", ".join(row.lists)), sizes.get("lists", 0))
    return before, stance, lists


class PeopleTable(WindowedRows[PersonRow], Widget, can_focus=True):
    """A keyboard-driven, windowed table of people in one order under one filter."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "people-table--cursor", "people-table--header", "people-table--marked",
        "people-table--advocate", "people-table--critic", "people-table--dim",
    }

    def __init__(self, people: People, clock: Callable[[], float], tz: tzinfo,
                 *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.people, self._clock, self._tz = people, clock, tz
        self.filters = PeopleFilter()
        self.order = PeopleOrder.SCORE
        self.rows: list[PersonRow] = []
        self.cursor = 0
        self.marked: int | None = None  # a person marked to merge into another
        self._at_top = True
        self._shown: int | None = None
        self._styles: dict[str, Style] = {}  # this paint's component styles, by name

    @property
    def page_size(self) -> int:
        """Rows that fit under the header."""
        return max(1, self.size.height - 1)

    async def _window(self, *, after: PersonRow | None = None, before: PersonRow | None = None,
                      at: PersonRow | None = None, last: bool = False,
                      limit: int | None = None) -> list[PersonRow]:
        return await self.people.window(self.filters, self.order, limit=limit or self.page_size,
                                        after=after, before=before, at=at, last=last)

    async def show(self, filters: PeopleFilter, order: PeopleOrder) -> None:
        """Another filter or order, from the top."""
        self.filters, self.order = filters, order
        await self.home()

    async def reload(self) -> None:
        """Reread in place: the same first row, the cursor kept on the same person."""
        keep = self.current.id if self.current else None
        rows = await self._window() if self._at_top or not self.rows else \
            await self._window(at=self.rows[0])
        if not rows and self.rows:  # everything from here on left the table: show its end
            rows = await self._window(last=True)
        ids = [r.id for r in rows]
        self.rows = rows
        self.cursor = ids.index(keep) if keep in ids else \
            min(self.cursor, max(0, len(self.rows) - 1))
        self._changed()

    def _changed(self) -> None:
        current = self.current.id if self.current else None
        if current != self._shown:
            self._shown = current
            self.post_message(PersonHighlighted(current))
        self.refresh()

    async def on_resize(self) -> None:
        """A new height needs a window of that height."""
        if self.is_mounted and len(self.rows) != self.page_size:
            await self.reload()

    # -- painting --------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """Paint: the styles are looked up afresh once per paint (each lookup walks the DOM,
        which was most of a repaint when done per line), then each line is drawn."""
        self._styles.clear()
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        """The header, a person, or the empty hint."""
        width = self.size.width
        if 0 < y <= len(self.rows):
            row = self.rows[y - 1]
            return Strip(self._row_segments(row, width, y - 1 == self.cursor)).crop_extend(
                0, width, self._style(""))
        if y == 0:
            text = Text(self._header(width), style=self._style("header"), no_wrap=True, end="")
        else:
            text = Text(EMPTY if y == 1 and not self.rows else "", style=self._style("dim"))
        return Strip(list(text.render(self.app.console))).crop_extend(0, width, self._style(""))

    def _style(self, name: str) -> Style:
        """A component's style ("" the widget's own), kept until the next paint."""
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style if not name else \
                self.get_component_rich_style(f"people-table--{name}", partial=True)
            self._styles[name] = style
        return style

    def _header(self, width: int) -> str:
        sorted_by = SORT_LABELS[self.order]
        return "".join(set_cell_size(f"{title}▼" if title == sorted_by else title, size) + " "
                       for title, size in columns(width))

    def _row_segments(self, row: PersonRow, width: int, is_cursor: bool) -> list[Segment]:
        """A person's line as three segments: the cells before the stance, the stance (in its
        colour), and the rest; a marked or cursor line's style lies over all three. Drawn as
        segments, not a styled Text: combining a Text's spans was most of a repaint."""
        before, stance, after = row_cells(row, width)
        seen = set_cell_size(short_time(row.last_seen, int(self._clock()), self._tz), 6)
        line = Style.null()
        if row.id == self.marked:
            line += self._style("marked")
        if is_cursor:
            line += self._style("cursor")
        coloured = self._style(row.stance) + line if row.stance != "neutral" else line
        return [Segment(before, line), Segment(stance, coloured), Segment(f"{seen} {after}", line)]
