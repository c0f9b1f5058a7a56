"""The mention list: a virtual list that holds only the rows on screen.

A view can hold a million mentions, so this widget never asks for more than a screenful. It
keeps one window of rows (``rows``, at most the widget's height) fetched from SQLite by keyset
(see ``core.inbox.triage.Inbox.window``), moves the cursor inside it without a query, and asks for
just the rows that scroll in when the cursor leaves it; that movement is shared with the
influencers table (``tui.widgets.windowed``). Lines are painted one at a time
(Textual's line API) from Rich ``Text`` built without markup parsing, so mention text is shown
literally; a painted row is kept by everything it depends on (``RowLook``), so moving the
cursor repaints two rows, not a screenful. Reloading keeps the cursor on the same mention id,
which is what lets new mentions arrive live without moving it. One exception: while the app's
first poll is still bringing mentions in (``hold_top``) and the person has not moved, the cursor
stays on the first row, so the most urgent mentions of that first poll are not left above it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import ClassVar, NamedTuple

from rich.cells import set_cell_size
from rich.style import Style
from rich.text import Text
from textual.cache import LRUCache
from textual.strip import Strip
from textual.widget import Widget

from core.inbox.triage import Ids, Inbox, InView, Row, Target
from core.inbox.views import Filters, Order, View, builtin_view
from tui.messages import CursorMoved, SelectionChanged
from tui.widgets.cells import glyph, one_line, short_time
from tui.widgets.columns import Column, plan
from tui.widgets.windowed import WindowedRows

EMPTY = "Nothing here. Views: 1-9 and 0, [ and ]; / searches; f filters."
WAKES_CELLS = len("wakes ") + 10  # "wakes Tue 09:00 ": the columns give way to it
PAINTED_ROWS = 512  # rows kept painted: a few screenfuls at any terminal height


class RowLook(NamedTuple):
    """Everything a painted row depends on; two equal looks paint the same cells."""

    row: Row
    width: int
    is_cursor: bool
    picked: bool
    when: str  # the row's short time, which moves with the clock
    wakes: str | None  # when a snoozed row wakes, in the Snoozed view
    claim: str | None  # "ana is replying (2 min)"
    columns: tuple[tuple[Column, int], ...]


class MentionList(WindowedRows[Row], Widget, can_focus=True):
    """A keyboard-driven, windowed list of mentions in one view."""

    PAGE_KEEPS_SCREEN_ROW = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "mention-list--cursor",
        "mention-list--selected",
        "mention-list--negative",
        "mention-list--positive",
        "mention-list--star",
        "mention-list--dim",
    }

    def __init__(self, inbox: Inbox, clock: Callable[[], float], tz: tzinfo,
                 *, hold_top: bool = False, id: str | None = None) -> None:
        super().__init__(id=id)
        self.inbox = inbox
        self._clock = clock
        self._tz = tz
        self.view: View = builtin_view("new")
        self.filters = Filters()
        self.order = Order.TRIAGE
        self.rows: list[Row] = []
        self.cursor = 0
        self.selected: set[int] = set()
        self.everything: InView | None = None  # select-all: the view as it was when selected
        self._at_top = True  # rows[0] is the first row of the view
        self._pinned = hold_top  # cursor held on the first row (see the module docstring)
        self._shown_id: int | None = None
        self.source_names: tuple[str, ...] = ()  # every source, for a steady source column
        self._layout: tuple[object, list[tuple[Column, int]]] | None = None
        self.claims: dict[int, str] = {}  # mention id -> "ana is replying (2 min)" (others')
        self._painted: LRUCache[RowLook, Strip] = LRUCache(PAINTED_ROWS)

    # -- state -----------------------------------------------------------------------------

    @property
    def page_size(self) -> int:
        """Rows that fit; one before the first layout so a window is never empty by mistake."""
        return max(1, self.size.height)

    def now(self) -> int:
        """The injected clock, in whole seconds (the inbox's time unit)."""
        return int(self._clock())

    def target(self) -> Target | None:
        """What an action applies to: the selection, else the mention under the cursor."""
        if self.everything is not None:
            return self.everything
        if self.selected:
            return Ids(tuple(sorted(self.selected)))
        return Ids((self.current.id,)) if self.current else None

    # -- loading ---------------------------------------------------------------------------

    async def show(self, view: View, filters: Filters, order: Order) -> None:
        """Switch to a view from its top, clearing the selection."""
        self.view, self.filters, self.order = view, filters, order
        self.selected.clear()
        self.everything = None
        self.post_message(SelectionChanged(0))
        await self.home()

    async def _window(self, *, after: Row | None = None, before: Row | None = None,
                      limit: int | None = None, last: bool = False) -> list[Row]:
        return await self.inbox.window(self.view, self.filters, now=self.now(),
                                       limit=limit or self.page_size, order=self.order,
                                       after=after, before=before, last=last)

    async def reload(self) -> None:
        """Reread the window in place: same first row, cursor kept on the same mention."""
        keep = self.current.id if self.current else None
        rows = await self._window() if self._at_top else []
        if not self._at_top or (keep is not None and keep not in {r.id for r in rows}):
            rows = await self._reload_from_first()
        self._set_rows(rows, keep)

    async def _reload_from_first(self) -> list[Row]:
        if not self.rows:
            return await self._window()
        rows = await self.inbox.window_from(self.view, self.filters, now=self.now(),
                                            limit=self.page_size, order=self.order,
                                            first=self.rows[0])
        missing = self.page_size - len(rows)
        if missing > 0:  # rows left the end of the view: fill the page from above
            above = await self._window(before=rows[0], limit=missing) if rows else \
                await self._window(last=True)
            rows = above + rows
        self._at_top = False
        return rows

    def _set_rows(self, rows: list[Row], keep: int | None) -> None:
        ids = [r.id for r in rows]
        self.rows = rows
        if self._pinned and self._at_top:
            self.cursor = 0
        else:
            self.cursor = ids.index(keep) if keep in ids else \
                min(self.cursor, max(0, len(rows) - 1))
        self._changed()

    def _moved_by_hand(self) -> None:
        self._pinned = False

    # -- selection -------------------------------------------------------------------------

    def release_top(self) -> None:
        """The first poll is in: from now on the cursor stays on its mention."""
        self._pinned = False

    def toggle_select(self) -> None:
        """Select or unselect the mention under the cursor."""
        if self.current is None:
            return
        self._pinned = False
        self.everything = None
        self.selected.symmetric_difference_update({self.current.id})
        self._selection_changed(len(self.selected))

    async def select_all(self) -> None:
        """Select everything the view shows now under the current filters (however many);
        mentions that arrive later are not part of it."""
        self._pinned = False
        everything = InView(self.view, self.filters, up_to=await self.inbox.newest_id())
        self.everything = everything
        self.selected.clear()
        count, capped = await self.inbox.count_selected(everything, now=self.now())
        self._selection_changed(count, capped)

    @property
    def has_selection(self) -> bool:
        """Whether an action would apply to a selection rather than the current mention."""
        return bool(self.selected) or self.everything is not None

    def clear_selection(self) -> None:
        """Select nothing."""
        self.everything = None
        self.selected.clear()
        self._selection_changed(0)

    def _selection_changed(self, count: int, capped: bool = False) -> None:
        self.post_message(SelectionChanged(count, capped))
        self.refresh()

    def _changed(self) -> None:
        current = self.current.id if self.current else None
        if current != self._shown_id:
            self._shown_id = current
            self.post_message(CursorMoved(current))
        self.refresh()

    async def on_resize(self) -> None:
        """A taller or shorter widget needs a window of its new height."""
        if self.is_mounted and len(self.rows) != self.page_size:
            await self.reload()

    # -- painting --------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """One row of the list, or the empty-view hint on the first line. A row is painted
        once per look (see ``RowLook``): a cursor move repaints two rows, not a screenful."""
        width = self.size.width
        if y >= len(self.rows):
            text = Text(EMPTY if y == 0 and not self.rows else "", style=self._style("dim"))
            return Strip(list(text.render(self.app.console))).crop_extend(0, width,
                                                                         self.rich_style)
        look = self._look(self.rows[y], width, y == self.cursor)
        strip = self._painted.get(look)
        if strip is None:
            text = self._row_text(look)
            strip = Strip(list(text.render(self.app.console))).crop_extend(0, width,
                                                                          self.rich_style)
            self._painted[look] = strip
        return strip

    def notify_style_update(self) -> None:
        """A theme, focus or CSS change: every painted row has the old colours."""
        super().notify_style_update()
        self._painted.clear()

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"mention-list--{name}", partial=True)

    def _look(self, row: Row, width: int, is_cursor: bool) -> RowLook:
        now = self.now()
        snoozed = row.snoozed_until is not None and row.snoozed_until > now
        return RowLook(
            row, width, is_cursor, row.id in self.selected or self._in_everything(row),
            short_time(row.sort_at, now, self._tz),
            wake_label(row.snoozed_until, now, self._tz) if snoozed and row.snoozed_until
            else None,
            self.claims.get(row.id),
            tuple(self._plan(max(0, width - WAKES_CELLS) if snoozed else width)))

    def _row_text(self, look: RowLook) -> Text:
        row, width = look.row, look.width
        text = Text(no_wrap=True, end="")
        text.append("✓" if look.picked else " ")
        text.append("★" if row.starred else " ", self._style("star"))
        text.append(glyph(row.sentiment_label), self._sentiment_style(row.sentiment_label))
        text.append(f" {look.when} ", self._style("dim"))
        if look.wakes is not None:  # in the Snoozed view: the columns give way to it
            text.append(f"wakes {set_cell_size(look.wakes, 9)} ", self._style("star"))
        for column, size in look.columns:
            text.append(set_cell_size(column.value(row), size) + " ")
        if look.claim is not None:  # a teammate is replying: said before the text
            text.append(f"{one_line(look.claim)} · ", self._style("star"))
        text.append(set_cell_size(self._snippet(row), max(0, width - text.cell_len)))
        if row.status == "done":
            text.stylize(self._style("dim"))
        if look.picked:
            text.stylize(self._style("selected"))
        if look.is_cursor:
            text.stylize(self._style("cursor"))
        return text

    def show_claims(self, claims: dict[int, str]) -> None:
        """Teammates' claims on the rows shown; repainted only when they changed."""
        if claims != self.claims:
            self.claims = claims
            self.refresh()

    def _in_everything(self, row: Row) -> bool:
        bound = self.everything.up_to if self.everything else None
        return bound is not None and row.id <= bound

    def _sentiment_style(self, label: str) -> Style:
        return self._style(label) if label in ("negative", "positive") else Style()

    def _plan(self, width: int) -> list[tuple[Column, int]]:
        """Column widths for the rows on screen, worked out once per window and width."""
        key = (width, self.source_names, tuple(self.rows))  # other rows: size them again
        if self._layout is None or self._layout[0] != key:
            self._layout = (key, plan(self.rows, width, self.source_names))
        return self._layout[1]

    @staticmethod
    def _snippet(row: Row) -> str:
        title, body = one_line(row.title), one_line(row.snippet)
        return f"{title} — {body}" if title and body else title or body


def wake_label(until: int, now: int, tz: tzinfo) -> str:
    """When a snooze ends: ``18:00`` today, ``Tue 09:00`` within the week, ``Dec 24`` later
    (at most 9 cells, the width the list gives it)."""
    when, today = datetime.fromtimestamp(until, tz), datetime.fromtimestamp(now, tz)
    days = (when.date() - today.date()).days
    if days == 0:
        return when.strftime("%H:%M")
    if days < 7:
        return when.strftime("%a %H:%M")
    return when.strftime("%b %d")
