"""The Sources screen: every source's health, why one fails, and a key to poll it now.

A failing source used to show only its name in the status line; here each source has a row
(kind, state, last good poll, next poll, backoff, what its last poll brought) and the one under
the cursor is explained below the table: its address, its last error in full, when it will be
tried again. ``r`` polls that one source now, due or not, through the app (which runs every
poll). Everything comes from ``core.inbox.sources`` through the inbox; names and messages come
from config and servers, so they are shown as Rich ``Text``, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import ClassVar, Protocol, cast

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from core.inbox.sources import NOT_POLLED, STATUS_WORDS, SourceOverview
from core.inbox.triage import Inbox
from tui.commands import ScreenCommands
from tui.keys import SOURCES_KEYS, bindings
from tui.messages import ScreenRefreshed
from tui.signals import DataChanged, PollState, signals_of
from tui.widgets.cells import block, long_time, one_line, short_time

# A glyph beside each state's word, so the state never rests on colour alone.
STATUS_GLYPHS: dict[str, str] = {
    "ok": "✓", "not_modified": "=", "warning": "!", "error": "✗", "throttled": "⏸",
    "silent": "…", NOT_POLLED: "–",
}
# Each column after the name with its width: its longest value ("= not modified", "hackernews").
COLUMNS = (("Kind", 10), ("Status", 14), ("Last OK", 7), ("Next poll", 9), ("Backoff", 8),
           ("New/items", 9))
PADDING = 2  # DataTable pads every cell by one on each side
WIDE = 100  # below this the Kind column gives its room to the name; the detail says the kind
NAME_CELLS = (12, 40)  # the name column's bounds; the full name is in the detail below it


class _PollsOneSource(Protocol):
    def poll_source(self, name: str) -> None: ...


class SourcesScreen(Screen[None]):
    """Every source, its health and its latest polls."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(SOURCES_KEYS)  # type: ignore[assignment]
    COMMANDS: ClassVar = {ScreenCommands}
    KEY_SPECS = SOURCES_KEYS  # the palette offers these as "Sources: …"
    AREA = "Sources"

    def __init__(self, inbox: Inbox, *, clock: Callable[[], float], tz: tzinfo) -> None:
        super().__init__()
        self.inbox, self._clock, self._tz = inbox, clock, tz
        self.overview: list[SourceOverview] = []
        self._stale = False

    def compose(self) -> ComposeResult:
        """Title, the table, the detail of the current source, the poll state, the keys."""
        yield Static(id="sources-title")
        yield DataTable(id="sources-table", cursor_type="row")
        with VerticalScroll(id="source-detail-box"):
            yield Static(id="source-detail")
        yield Static("r polls the source under the cursor now", id="sources-poll")
        yield Footer(compact=True)

    @property
    def table(self) -> DataTable[Text]:
        """The table of sources."""
        return cast("DataTable[Text]", self.query_one("#sources-table", DataTable))

    def now(self) -> int:
        """The injected clock in whole seconds."""
        return int(self._clock())

    async def on_mount(self) -> None:
        """Fill the table; listen to the app's announcements."""
        self.table.focus()
        await self.reload()
        signals = signals_of(self.app)
        signals.data_changed.subscribe(self, self._on_data_changed)
        signals.poll_state.subscribe(self, self._on_poll_state)

    async def _on_data_changed(self, change: DataChanged) -> None:
        if self.is_current:
            await self.reload()
            self.post_message(ScreenRefreshed("sources", change.origin.value))
        else:
            self._stale = True

    def _on_poll_state(self, state: PollState) -> None:
        self.query_one("#sources-poll", Static).update(Text(one_line(state.text)))

    async def on_screen_resume(self) -> None:
        """Shown again: catch up if anything changed meanwhile."""
        if self._stale:
            self._stale = False
            await self.reload()

    async def reload(self) -> None:
        """Reread every source, the cursor kept on the same one."""
        keep = self.current.name if self.current else None
        self.overview = await self.inbox.sources_overview(now=self.now())
        table, now = self.table, self.now()
        table.clear(columns=True)
        wide = self.size.width >= WIDE
        columns = COLUMNS if wide else COLUMNS[1:]
        name_cells = self._name_cells(columns)
        table.add_column("Source", width=name_cells)
        for label, width in columns:
            table.add_column(label, width=width)
        for source in self.overview:
            cells = self._cells(source, now, name_cells)
            table.add_row(*(cells if wide else cells[:1] + cells[2:]), key=source.name)
        names = [s.name for s in self.overview]
        if keep in names:
            table.move_cursor(row=names.index(keep))
        failing = sum(1 for s in self.overview if s.failing)
        title = f"Sources · {len(self.overview)}" + (f" · {failing} failing" if failing else "")
        self.query_one("#sources-title", Static).update(Text(title, "bold"))
        self._show_detail()

    @property
    def current(self) -> SourceOverview | None:
        """The source under the cursor."""
        row = self.table.cursor_row
        return self.overview[row] if 0 <= row < len(self.overview) else None

    def _name_cells(self, columns: tuple[tuple[str, int], ...]) -> int:
        others = sum(width + PADDING for _, width in columns)
        spare = self.size.width - others - PADDING - 1  # 1: the table's vertical scrollbar
        longest = max((len(one_line(s.name)) for s in self.overview), default=NAME_CELLS[0])
        return max(NAME_CELLS[0], min(spare, longest, NAME_CELLS[1]))

    async def on_resize(self) -> None:
        """Columns follow the terminal's width."""
        await self.reload()

    def _cells(self, s: SourceOverview, now: int, name_cells: int) -> list[Text]:
        last_ok = short_time(s.last_ok_at, now, self._tz) if s.last_ok_at else "never"
        items = f"{s.last_poll.new}/{s.last_poll.seen}" if s.last_poll else "–"
        name = Text(one_line(s.name), no_wrap=True, overflow="ellipsis")
        name.truncate(name_cells, overflow="ellipsis")
        return [name, Text(s.kind), status_text(s),
                Text(last_ok), Text(next_poll(s, now)), Text(backoff_words(s)), Text(items)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The cursor moved: explain that source."""
        self._show_detail()

    def _show_detail(self) -> None:
        source = self.current
        detail = self.query_one("#source-detail", Static)
        if source is None:
            detail.update(Text("No sources yet: add [[sources]] to the config "
                               "(listenpost --help shows where it is)."))
            return
        detail.update(describe(source, self.now(), self._tz))

    # -- actions ---------------------------------------------------------------------------

    def action_poll_source(self) -> None:
        """Poll the source under the cursor now, due or not."""
        source = self.current
        if source is None:
            self.notify("No source to poll.", severity="warning", markup=False)
            return
        cast(_PollsOneSource, cast(App[object], self.app)).poll_source(source.name)

    def action_cursor_down(self) -> None:
        """Next source."""
        self.table.action_cursor_down()

    def action_cursor_up(self) -> None:
        """Previous source."""
        self.table.action_cursor_up()


def status_text(source: SourceOverview) -> Text:
    """The state as glyph and word; failing states in bold."""
    word = STATUS_WORDS.get(source.status, source.status)
    words = f"{STATUS_GLYPHS.get(source.status, '?')} {word}"
    return Text(words, "bold" if source.failing or source.status == "silent" else "")


def span(seconds: int) -> str:
    """A duration in its largest whole unit: ``45s``, ``12m``, ``3h``, ``2d``."""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{max(seconds, 0)}s"


def next_poll(source: SourceOverview, now: int) -> str:
    """When the source is polled next, relative to now."""
    if source.next_poll_at is None:
        return "now"
    wait = source.next_poll_at - now
    return "due" if wait <= 0 else f"in {span(wait)}"


def backoff_words(source: SourceOverview) -> str:
    """How far the poller has backed off, or nothing when the source is healthy."""
    if source.backoff is None:
        return "–"
    return f"{span(source.backoff)} ×{source.error_count}"


def describe(s: SourceOverview, now: int, tz: tzinfo) -> Text:
    """Everything about one source, the last error in full."""
    text = Text()
    text.append(one_line(s.name), "bold")
    text.append(f"  {s.kind}{', owned' if s.owned else ''}\n")
    text.append(one_line(s.url) + "\n", "dim")
    text.append("Status: ")
    text.append_text(status_text(s))
    if s.error_count:
        failures = "failure" if s.error_count == 1 else "failures"
        text.append(f", {s.error_count} {failures} in a row")
        if s.backoff is not None:
            text.append(f", backing off {span(s.backoff)}")
    text.append(f"; next poll {next_poll(s, now)}\n")
    text.append(f"Last OK: {long_time(s.last_ok_at, tz) if s.last_ok_at else 'never'}\n")
    if s.last_poll is not None:
        p = s.last_poll
        text.append(f"Last poll: {long_time(p.at, tz)}, {p.duration_ms} ms, "
                    f"{p.new} new of {p.seen} items\n")
    if s.last_error is not None:
        e = s.last_error
        text.append(f"Last error ({STATUS_WORDS.get(e.status, e.status)}, "
                    f"{long_time(e.at, tz)}):\n", "bold")
        text.append(block(e.message) + "\n")
    else:
        text.append("No failed poll on record.\n", "dim")
    return text
