"""The inbox screen: sidebar of views, the mention list, the detail pane, the status line.

Every triage key lands in an ``action_*`` method here; each acts on the selection (or the
mention under the cursor) through ``core.inbox.triage.Inbox``, then rereads what is on screen with
the cursor kept on the same mention. Notifications never parse markup, since they may quote
what a stranger wrote.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer

from core.analysis.categories import CATEGORIES
from core.inbox.snooze import PRESETS, SnoozeError, parse_snooze
from core.inbox.triage import SEARCH_COUNT_CAP, ActionResult, Inbox, SourceHealth, Target
from core.inbox.views import (
    BUILTIN_VIEWS,
    FilterError,
    Filters,
    Order,
    View,
    describe_filters,
    order_of,
    parse_filters,
    search_view,
    source_view,
)
from tui.keys import INBOX_KEYS, bindings
from tui.messages import CursorMoved, SelectionChanged, ViewChosen
from tui.screens.prompts import ChoiceScreen, PromptScreen
from tui.widgets.cells import one_line
from tui.widgets.detail import DetailPane
from tui.widgets.mention_list import MentionList
from tui.widgets.sidebar import Sidebar
from tui.widgets.status_line import StatusLine


class InboxScreen(Screen[None]):
    """Where a community manager clears what came in."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(INBOX_KEYS)  # type: ignore[assignment]

    def __init__(self, inbox: Inbox, *, clock: Callable[[], float], tz: tzinfo, db_path: Path,
                 team: Sequence[str] = (), saved_searches: Sequence[tuple[str, str]] = ()
                 ) -> None:
        super().__init__()
        self.inbox, self._clock, self._tz, self.db_path = inbox, clock, tz, db_path
        self.team = list(team)
        self._saved = [search_view(query, name) for name, query in saved_searches]
        self._search: View | None = None
        self.views: list[View] = list(BUILTIN_VIEWS)
        self.poll_state = "not polled yet"
        self.health: list[SourceHealth] = []
        self._selection = 0

    def compose(self) -> ComposeResult:
        """Sidebar | list over detail; status and keys at the bottom."""
        with Horizontal(id="inbox-body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="inbox-main"):
                yield MentionList(self.inbox, self._clock, self._tz, id="mentions")
                yield DetailPane(self._tz, id="detail")
        yield StatusLine(id="status")
        yield Footer(compact=True)

    @property
    def mentions(self) -> MentionList:
        """The list widget."""
        return self.query_one(MentionList)

    def now(self) -> int:
        """The injected clock in whole seconds."""
        return int(self._clock())

    async def on_mount(self) -> None:
        """Load views, counts and the first window."""
        self.mentions.focus()
        await self._load_views()
        await self.mentions.show(self.views[0], Filters(), Order.TRIAGE)
        await self.refresh_all()

    # -- refreshing ------------------------------------------------------------------------

    async def _load_views(self) -> None:
        sources = [source_view(i, name) for i, name in await self.inbox.sources()]
        searches = [self._search] if self._search else []
        self.views = [*BUILTIN_VIEWS, *sources, *self._saved, *searches]
        self.query_one(Sidebar).set_views(self.views, self.mentions.view.key)

    async def refresh_all(self) -> None:
        """Reread counts, the list (cursor kept on its mention), detail and status."""
        if {v.key for v in self.views} != {v.key for v in await self._wanted_views()}:
            await self._load_views()
        await self.mentions.reload()
        await self.refresh_counts()
        self.health = await self.inbox.health(now=self.now())
        self.show_status()

    async def _wanted_views(self) -> list[View]:
        sources = [source_view(i, name) for i, name in await self.inbox.sources()]
        return [*BUILTIN_VIEWS, *sources, *self._saved, *([self._search] if self._search else [])]

    async def refresh_counts(self) -> None:
        """The sidebar numbers and the list's title."""
        counts = await self.inbox.counts(self.views, now=self.now())
        self.query_one(Sidebar).set_counts(counts)
        view, filters = self.mentions.view, self.mentions.filters
        shown = counts.get(view.key, 0)
        if not filters.is_empty():
            shown = await self.inbox.count_filtered(view, filters, now=self.now())
        capped = (view.fts is not None or not filters.is_empty()) and shown >= SEARCH_COUNT_CAP
        title = f"{view.label} · {shown:,}{'+' if capped else ''}"
        if not filters.is_empty():
            title += f" · filter: {describe_filters(filters)}"
        if order_of(view, self.mentions.order) is Order.STORED:
            title += " · newest stored first"
        elif self.mentions.order is Order.NEWEST:
            title += " · newest first"
        self.mentions.border_title = Content(one_line(title))

    def show_status(self) -> None:
        """Redraw the status line."""
        self.query_one(StatusLine).show(poll=self.poll_state, health=self.health,
                                        db_path=self.db_path, selection=self._selection)

    async def on_cursor_moved(self, message: CursorMoved) -> None:
        """Show the mention under the cursor in the detail pane."""
        self.run_worker(self._show_detail(message.mention_id), exclusive=True, group="detail")

    async def _show_detail(self, mention_id: int | None) -> None:
        detail = await self.inbox.detail(mention_id) if mention_id is not None else None
        self.query_one(DetailPane).show(detail)

    def on_selection_changed(self, message: SelectionChanged) -> None:
        """Keep the status line's selection count current."""
        self._selection = message.count
        self.show_status()

    async def on_view_chosen(self, message: ViewChosen) -> None:
        """A click in the sidebar."""
        await self.action_show_view(message.key)

    # -- movement --------------------------------------------------------------------------

    async def action_cursor_down(self) -> None:
        """Next mention."""
        await self.mentions.move(1)

    async def action_cursor_up(self) -> None:
        """Previous mention."""
        await self.mentions.move(-1)

    async def action_next_page(self) -> None:
        """A page further."""
        await self.mentions.page(1)

    async def action_prev_page(self) -> None:
        """A page back."""
        await self.mentions.page(-1)

    async def action_top(self) -> None:
        """First mention."""
        await self.mentions.home()

    async def action_bottom(self) -> None:
        """Last mention."""
        await self.mentions.end()

    async def action_view(self, number: int) -> None:
        """Jump to view 1-9, or 0 for the tenth (All)."""
        await self._switch((number - 1) % 10)

    async def action_show_view(self, key: str) -> None:
        """Jump to the view with this key (the palette reaches every view this way)."""
        keys = [v.key for v in self.views]
        if key in keys:
            await self._switch(keys.index(key))

    async def action_next_view(self) -> None:
        """The view below in the sidebar."""
        await self._switch((self._view_index() + 1) % len(self.views))

    async def action_prev_view(self) -> None:
        """The view above in the sidebar."""
        await self._switch((self._view_index() - 1) % len(self.views))

    def _view_index(self) -> int:
        keys = [v.key for v in self.views]
        return keys.index(self.mentions.view.key) if self.mentions.view.key in keys else 0

    async def _switch(self, index: int) -> None:
        if not 0 <= index < len(self.views):
            return
        view = self.views[index]
        await self.mentions.show(view, self.mentions.filters, self.mentions.order)
        self.query_one(Sidebar).highlight_view(view.key)
        await self.refresh_counts()

    # -- reading ---------------------------------------------------------------------------

    def action_open(self) -> None:
        """Read the mention full screen; again to go back."""
        self.toggle_class("-reading")

    def action_open_link(self) -> None:
        """Open the link in a browser (http and https only)."""
        row = self.mentions.current
        if row and row.url and row.url.startswith(("https://", "http://")):
            self.app.open_url(row.url)
        else:
            self.notify("This mention has no web link.", severity="warning", markup=False)

    def action_copy_link(self) -> None:
        """Copy the link (OSC 52: the terminal must allow it)."""
        row = self.mentions.current
        if row and row.url:
            self.app.copy_to_clipboard(row.url)
            self.notify("Link copied.", markup=False)

    # -- triage ----------------------------------------------------------------------------

    def _target(self) -> Target | None:
        target = self.mentions.target()
        if target is None:
            self.notify("Nothing to act on in this view.", severity="warning", markup=False)
        return target

    async def _act(self, run: Callable[[Target], Awaitable[ActionResult]], verb: str) -> None:
        target = self._target()
        if target is None:
            return
        result = await run(target)
        if self.mentions.selected or self.mentions.all_selected:
            self.mentions.clear_selection()
        await self.refresh_all()
        await self._show_detail(self.mentions.current.id if self.mentions.current else None)
        noun = "mention" if result.changed == 1 else "mentions"
        self.notify(f"{verb} {result.changed} {noun}. u undoes.", markup=False)

    def _actor(self) -> str:
        return self.inbox.me

    async def action_done(self) -> None:
        """Mark done."""
        await self._act(lambda t: self.inbox.set_status(t, "done", actor=self._actor(),
                                                        now=self.now()), "Done:")

    async def action_reopen(self) -> None:
        """Back to new."""
        await self._act(lambda t: self.inbox.set_status(t, "new", actor=self._actor(),
                                                        now=self.now()), "Back to new:")

    async def action_star(self) -> None:
        """Star, or unstar when the current mention is starred."""
        row = self.mentions.current
        starred = not (row and row.starred)
        await self._act(lambda t: self.inbox.star(t, starred, actor=self._actor(),
                                                  now=self.now()),
                        "Starred:" if starred else "Unstarred:")

    def action_snooze(self) -> None:
        """Ask until when, then snooze."""
        def check(text: str) -> str | None:
            try:
                parse_snooze(text, self.now(), self._tz)
            except SnoozeError as error:
                return str(error)
            return None

        prompt = PromptScreen("Snooze until (2h, tonight, tomorrow 9:00, mon, 2024-06-03 14:00)",
                              placeholder="2h", presets=PRESETS, check=check)
        self.app.push_screen(prompt, self._snooze_chosen)

    async def _snooze_chosen(self, text: str | None) -> None:
        if text:
            until = parse_snooze(text, self.now(), self._tz)
            await self._act(lambda t: self.inbox.snooze(t, until, actor=self._actor(),
                                                        now=self.now()), "Snoozed:")

    def action_assign(self) -> None:
        """Pick a team member (or yourself, or nobody)."""
        choices = [(self.inbox.me, f"me ({self.inbox.me})")]
        choices += [(name, name) for name in self.team if name != self.inbox.me]
        choices.append(("", "nobody (unassign)"))
        self.app.push_screen(ChoiceScreen("Assign to", choices), self._assign_chosen)

    async def _assign_chosen(self, who: str | None) -> None:
        if who is not None:
            await self._assign(who or None)

    async def action_take(self) -> None:
        """Assign to me in one key."""
        await self._assign(self.inbox.me)

    async def _assign(self, who: str | None) -> None:
        await self._act(lambda t: self.inbox.assign(t, who, actor=self._actor(), now=self.now()),
                        f"Assigned to {who}:" if who else "Unassigned:")

    def action_category(self) -> None:
        """Pick the category."""
        choices = [(c.id, c.english) for c in CATEGORIES] + [("", "none")]
        self.app.push_screen(ChoiceScreen("Category", choices), self._category_chosen)

    async def _category_chosen(self, category: str | None) -> None:
        if category is not None:
            await self._act(lambda t: self.inbox.set_category(
                t, category or None, actor=self._actor(), now=self.now()), "Category set:")

    def action_tag(self) -> None:
        """Ask for a tag, then add it."""
        check = _needs_text("a tag cannot be empty")
        self.app.push_screen(PromptScreen("Tag", placeholder="tag", check=check), self._tag_chosen)

    async def _tag_chosen(self, tag: str | None) -> None:
        if tag and tag.strip():
            await self._act(lambda t: self.inbox.add_tag(t, tag.strip(), actor=self._actor(),
                                                         now=self.now()), "Tagged:")

    def action_note(self) -> None:
        """Ask for a note, then attach it."""
        check = _needs_text("a note cannot be empty")
        self.app.push_screen(PromptScreen("Note", placeholder="what should the team know?",
                                          check=check), self._note_chosen)

    async def _note_chosen(self, body: str | None) -> None:
        if body and body.strip():
            await self._act(lambda t: self.inbox.add_note(t, body.strip(), actor=self._actor(),
                                                          now=self.now()), "Noted:")

    def action_select(self) -> None:
        """Select or unselect, then step down (like marking in a mail client)."""
        self.mentions.toggle_select()
        self.run_worker(self.mentions.move(1), exclusive=True, group="move")

    def action_select_all(self) -> None:
        """Everything in the view."""
        self.mentions.select_all()

    def action_clear_selection(self) -> None:
        """Select nothing."""
        self.mentions.clear_selection()

    async def action_undo(self) -> None:
        """Undo my last action, a bulk one as a whole."""
        result = await self.inbox.undo_last(self._actor(), now=self.now())
        await self.refresh_all()
        await self._show_detail(self.mentions.current.id if self.mentions.current else None)
        if result is None:
            self.notify("Nothing to undo.", markup=False)
        else:
            self.notify(f"Undid {result.action} on {result.changed} mentions.", markup=False)

    # -- finding ---------------------------------------------------------------------------

    def action_search(self) -> None:
        """Full-text search; the result becomes a view."""
        check = _needs_text("type words to search for")
        self.app.push_screen(PromptScreen("Search", placeholder="words, \"a phrase\", prefix*",
                                          check=check), self._search_chosen)

    async def _search_chosen(self, query: str | None) -> None:
        if not query or not query.strip():
            return
        self._search = search_view(query.strip())
        await self._load_views()
        await self._switch(len(self.views) - 1)

    def action_filter(self) -> None:
        """Narrow the view: source:, sentiment:, category:, lang:, assignee:, since:, until:."""
        def check(text: str) -> str | None:
            try:
                parse_filters(text, self.now())
            except FilterError as error:
                return str(error)
            return None

        prompt = PromptScreen("Filter (source:hn sentiment:neg category:question lang:da "
                              "assignee:me since:2d until:2024-06-01 tag:vip)",
                              value=describe_filters(self.mentions.filters), check=check)
        self.app.push_screen(prompt, self._filter_chosen)

    async def _filter_chosen(self, text: str | None) -> None:
        if text is not None:
            await self._refilter(parse_filters(text, self.now()))

    async def action_clear_filter(self) -> None:
        """Back to the whole view."""
        await self._refilter(Filters())

    async def _refilter(self, filters: Filters) -> None:
        await self.mentions.show(self.mentions.view, filters, self.mentions.order)
        await self.refresh_counts()

    async def action_toggle_order(self) -> None:
        """Most urgent first, or newest first."""
        order = Order.NEWEST if self.mentions.order is Order.TRIAGE else Order.TRIAGE
        await self.mentions.show(self.mentions.view, self.mentions.filters, order)
        await self.refresh_counts()

    def notify_arrival(self, count: int, sources: Sequence[str]) -> None:
        """The "N new mentions" notice (source names are not markup)."""
        noun = "mention" if count == 1 else "mentions"
        where = f" from {one_line(', '.join(sources))}" if sources else ""
        self.notify(Text(f"{count} new {noun}{where}").plain, markup=False)


def _needs_text(problem: str) -> Callable[[str], str | None]:
    return lambda text: None if text.strip() else problem
