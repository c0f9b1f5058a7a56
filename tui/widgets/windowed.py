"""One screenful of rows read by keyset: the cursor and scrolling shared by every long list.

The inbox's mention list and the influencers table both show lists far longer than memory should
hold (a million mentions, a hundred thousand people). Each keeps one window of rows (``rows``, at
most a page), moves the cursor inside it without a query, and asks its store only for the rows
that scroll in. This module holds that movement once; a list says how to read a window
(``_window``), how tall a page is, and what to do when the cursor's row changes (``_changed``).
"""

from __future__ import annotations

from typing import Generic, TypeVar

R = TypeVar("R")


class WindowedRows(Generic[R]):
    """Cursor movement over a keyset window; mixed into a Textual widget before ``Widget``."""

    PAGE_KEEPS_SCREEN_ROW = False  # a page leaves the cursor on its screen row, not its count

    rows: list[R]
    cursor: int
    _at_top: bool  # rows[0] is the first row of the whole list

    @property
    def page_size(self) -> int:
        """Rows that fit on screen."""
        raise NotImplementedError

    @property
    def current(self) -> R | None:
        """The row under the cursor."""
        return self.rows[self.cursor] if self.rows else None

    async def _window(self, *, after: R | None = None, before: R | None = None,
                      limit: int | None = None, last: bool = False) -> list[R]:
        """Up to ``limit`` (else a page of) rows after or before a row, or the first/last."""
        raise NotImplementedError

    def _changed(self) -> None:
        """The rows or the cursor changed: announce the cursor's row if new, repaint."""
        raise NotImplementedError

    def _moved_by_hand(self) -> None:
        """The person moved (a key, not a reload): a list that holds its top lets go here."""

    async def move(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows, scrolling the window when it leaves it."""
        self._moved_by_hand()
        target = self.cursor + delta
        if not self.rows or 0 <= target < len(self.rows):
            self.cursor = max(0, min(target, len(self.rows) - 1))
            self._changed()
        elif target >= len(self.rows):
            await self._scroll_down(target - len(self.rows) + 1, keep_screen_row=False)
        else:
            await self._scroll_up(-target, keep_screen_row=False)

    async def page(self, direction: int) -> None:
        """Scroll a page down (``direction`` > 0) or up."""
        self._moved_by_hand()
        keep = self.PAGE_KEEPS_SCREEN_ROW
        if direction > 0:
            await self._scroll_down(self.page_size, keep_screen_row=keep)
        else:
            await self._scroll_up(self.page_size, keep_screen_row=keep)

    async def home(self) -> None:
        """The first row of the list."""
        self.rows, self.cursor, self._at_top = await self._window(), 0, True
        self._changed()

    async def end(self) -> None:
        """The last row of the list."""
        self._moved_by_hand()
        self.rows = await self._window(last=True)
        self.cursor, self._at_top = max(0, len(self.rows) - 1), False
        self._changed()

    async def _scroll_down(self, count: int, *, keep_screen_row: bool) -> None:
        more = await self._window(after=self.rows[-1], limit=count) if self.rows else []
        if not more:
            self.cursor = max(0, len(self.rows) - 1)
        else:
            rows = self.rows + more
            dropped = max(0, len(rows) - self.page_size)
            self.rows, self._at_top = rows[dropped:], self._at_top and dropped == 0
            wanted = self.cursor + (len(more) if keep_screen_row else count)
            self.cursor = min(wanted - dropped, len(self.rows) - 1)
        self._changed()

    async def _scroll_up(self, count: int, *, keep_screen_row: bool) -> None:
        more = await self._window(before=self.rows[0], limit=count) if self.rows else []
        self._at_top = len(more) < count
        if not more:
            self.cursor = 0
        else:
            self.rows = (more + self.rows)[: self.page_size]
            # A page keeps the screen row unless the top came first; a move lands on its row.
            wanted = self.cursor - (count - len(more)) if keep_screen_row else \
                self.cursor + len(more) - count
            self.cursor = max(0, min(wanted, len(self.rows) - 1))
        self._changed()
