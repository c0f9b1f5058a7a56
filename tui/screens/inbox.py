"""The inbox screen: sidebar of views, the mention list, the detail pane, the status line.

Every triage key lands in an ``action_*`` method here; each acts on the selection (or the
mention under the cursor) through ``core.inbox.triage.Inbox``, then rereads what is on screen with
the cursor kept on the same mention. Notifications never parse markup, since they may quote
what a stranger wrote.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Sequence
from datetime import tzinfo
from pathlib import Path
from typing import ClassVar

from textual import events, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen

from core.analysis.categories import CATEGORIES
from core.config import Config
from core.inbox.snooze import SnoozeError, examples, parse_snooze, presets
from core.inbox.sources import calm_health
from core.inbox.tags import MAX_TAG, check_tag, tag_problem
from core.inbox.triage import (
    SEARCH_COUNT_CAP,
    ActionResult,
    Inbox,
    Note,
    SourceHealth,
    Target,
    UndoRefused,
)
from core.inbox.views import (
    BUILTIN_VIEWS,
    FilterChoices,
    FilterError,
    Filters,
    Order,
    View,
    describe_filters,
    list_view,
    mine_view,
    next_order,
    order_of,
    parse_filters,
    search_problem,
    search_view,
    source_view,
    team_view,
)
from core.inbox.why import rising_of
from core.metrics.outcomes import parse_entry
from core.replies.drafts import Replies
from core.rules.routing import categories_of, known_teams
from core.store.errors import DiskFull
from core.team.awareness import TeamAwareness
from core.wording import plural
from tui.browser import browser_argv, has_desktop, run_browser
from tui.commands import ScreenCommands
from tui.keys import INBOX_KEYS, bindings
from tui.messages import CursorMoved, ScreenRefreshed, SelectionChanged, ViewChosen
from tui.screens.influencers import people_for
from tui.screens.lists import choose_list
from tui.screens.prompts import ChoiceScreen, LinkScreen, PromptScreen
from tui.signals import ChangeOrigin, DataChanged, PollState, signals_of
from tui.widgets.cells import one_line
from tui.widgets.detail import DetailPane
from tui.widgets.mention_list import MentionList
from tui.widgets.sidebar import Sidebar
from tui.widgets.status_line import StatusLine
from tui.widgets.steady_footer import SteadyFooter

# Seconds between re-reads of teammates' claims and presence for the rows shown (and this
# inbox's own heartbeat, which writes only when due): a claim that lapses leaves within it.
TEAM_EVERY = 1.0
SEARCH_PLACEHOLDER = 'words, "a phrase", prefix*, OR, NOT, -exclusion, (groups)'


class InboxScreen(Screen[None]):
    """Where a community manager clears what came in."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(INBOX_KEYS)  # type: ignore[assignment]
    COMMANDS: ClassVar = {ScreenCommands}
    KEY_SPECS = INBOX_KEYS  # the palette offers these as "Inbox: …"
    AREA = "Inbox"

    def __init__(self, inbox: Inbox, *, clock: Callable[[], float], tz: tzinfo, db_path: Path,
                 team: Sequence[tuple[str, str]] = (),  # (handle, name) of each member
                 saved_searches: Sequence[tuple[str, str]] = (), hold_top: bool = False,
                 browser: str = "") -> None:
        super().__init__()
        self._browser = browser  # [ui] browser: the command o opens links with
        self._hold_top = hold_top  # keep the cursor on the first row until the first poll
        self.inbox, self._clock, self._tz, self.db_path = inbox, clock, tz, db_path
        self.team = list(team)
        self._saved = [search_view(query, name) for name, query in saved_searches]
        self._search: View | None = None
        self.views: list[View] = list(BUILTIN_VIEWS)
        self.poll_state = "not polled yet"
        self.health: list[SourceHealth] = []
        self.calm = "sources not read yet"
        self._selection = 0
        self._stale = False
        self._selection_capped = False
        self._awareness: TeamAwareness | None = None  # claims and presence (issue 16)
        self._disk_full = False  # the last change failed for want of space: read-only
        self._triage_stamp: tuple[int, int, int] | None = None  # see _counts_may_differ

    def compose(self) -> ComposeResult:
        """Sidebar | list over detail; status and keys at the bottom."""
        with Horizontal(id="inbox-body"):
            yield Sidebar(id="sidebar")
            with Vertical(id="inbox-main"):
                yield MentionList(self.inbox, self._clock, self._tz, hold_top=self._hold_top,
                                  id="mentions")
                yield DetailPane(self._tz, id="detail")
        yield StatusLine(id="status")
        yield SteadyFooter(compact=True)

    @property
    def mentions(self) -> MentionList:
        """The list widget."""
        return self.query_one(MentionList)

    def now(self) -> int:
        """The injected clock in whole seconds."""
        return int(self._clock())

    async def on_mount(self) -> None:
        """Load views, counts and the first window; listen to the app's announcements."""
        self.mentions.focus()
        await self._load_views()
        await self.mentions.show(self.views[0], Filters(), Order.TRIAGE)
        await self.refresh_all()
        signals = signals_of(self.app)
        signals.data_changed.subscribe(self, self._on_data_changed)
        signals.poll_state.subscribe(self, self._on_poll_state)
        self._awareness = _awareness_of(self.app, self.inbox.me)
        self.set_interval(TEAM_EVERY, self._show_team)

    async def _on_data_changed(self, change: DataChanged) -> None:
        """Reread what is shown (once per announcement), then say what arrived. After a poll
        round the cursor is free to stay on its mention (it held the top during the first)."""
        if self.is_current:
            await self.refresh_all(counts=await self._counts_may_differ(change))
            self.post_message(ScreenRefreshed("inbox", change.origin.value))
        else:
            self._stale = True
        if change.origin is ChangeOrigin.POLL:
            self.mentions.release_top()
        if change.new:
            self.notify_arrival(change.new, change.sources)

    def _on_poll_state(self, state: PollState) -> None:
        self.poll_state = state.text
        self.show_status()
        if state.round_over and not state.outcomes:  # the round failed as a whole
            self.mentions.release_top()

    async def on_screen_resume(self) -> None:
        """Back on top (a dialog closed, another screen left): catch up if anything changed."""
        if self._stale:
            self._stale = False
            await self.refresh_all()

    # -- refreshing ------------------------------------------------------------------------

    async def _load_views(self) -> None:
        named = await self.inbox.sources()
        self.mentions.source_names = tuple(name for _, name in named)
        sources = [source_view(i, name) for i, name in named]
        searches = [self._search] if self._search else []
        mine = mine_view(self.inbox.me)
        self.views = [*BUILTIN_VIEWS, mine, *self._teams(), *sources, *self._saved, *searches,
                      *await self._lists()]
        self.query_one(Sidebar).set_views(self.views, self.mentions.view.key)

    async def refresh_all(self, *, counts: bool = True) -> None:
        """Reread counts (unless told they stand), the list (cursor kept on its mention),
        detail and status."""
        if {v.key for v in self.views} != {v.key for v in await self._wanted_views()}:
            await self._load_views()
        await self.mentions.reload()
        if counts:
            await self.refresh_counts()
        self.health = await self.inbox.health(now=self.now())
        self.calm = calm_health(await self.inbox.sources_overview(now=self.now()))
        self.show_status()
        await self._show_team()

    async def _counts_may_differ(self, change: DataChanged) -> bool:
        """False when another process's commit left the triage stamp as it was (a teammate's
        heartbeat or claim): the counts, seconds of work at a million mentions, stand."""
        if self._awareness is None:
            return True
        stamp = await self._awareness.triage_stamp()
        differ = change.origin is not ChangeOrigin.ELSEWHERE or stamp != self._triage_stamp
        self._triage_stamp = stamp
        return differ

    def palette_extras(self) -> list[tuple[str, str, str]]:
        """Every view for the command palette: (name, key id, action)."""
        return [(f"View: {view.label}{f' ({view.group})' if view.group else ''}",
                 f"view-{(index + 1) % 10}" if index < 10 else "",
                 f"show_view({view.key!r})") for index, view in enumerate(self.views)]

    async def _wanted_views(self) -> list[View]:
        sources = [source_view(i, name) for i, name in await self.inbox.sources()]
        mine = mine_view(self.inbox.me)
        return [*BUILTIN_VIEWS, mine, *self._teams(), *sources, *self._saved,
                *([self._search] if self._search else []), *await self._lists()]

    def _teams(self) -> list[View]:
        """One view per team the routing names (the defaults with [routing] on top): the new
        mentions of the categories it owns, as its digest lists them."""
        routing = getattr(getattr(self.app, "config", None), "reserved", {}).get("routing", {})
        return [team_view(team, categories_of(team, routing)) for team in known_teams(routing)]

    async def _lists(self) -> list[View]:
        """One view per people list: mentions by my advocates, critics, …"""
        return [list_view(name) for name in await people_for(self.app).list_names()]  # type: ignore[arg-type]

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
        elif self.mentions.order is Order.OLDEST:
            title += " · oldest first"
        self.mentions.border_title = Content(one_line(title))

    def show_status(self) -> None:
        """Redraw the status line."""
        self.query_one(StatusLine).show(poll=self.poll_state, health=self.health,
                                        db_path=self.db_path, selection=self._selection,
                                        calm=self.calm, capped=self._selection_capped)

    async def on_cursor_moved(self, message: CursorMoved) -> None:
        """Show the mention under the cursor in the detail pane."""
        self.run_worker(self._show_detail(message.mention_id), exclusive=True, group="detail")

    async def _show_detail(self, mention_id: int | None) -> None:
        pane = self.detail
        detail = await self.inbox.detail(mention_id) if mention_id is not None else None
        store = self.app.store  # type: ignore[attr-defined]
        rising = await rising_of(store.db, detail.row.id) if detail is not None else None
        if self._awareness is not None:  # the teammates line of this mention, not the last
            pane.team_note = await self._awareness.note(mention_id or 0, now=self.now())
        if pane.is_attached:  # else the screen closed meanwhile
            pane.show(detail, rising)

    async def _show_team(self) -> None:
        """Teammates' claims on the rows shown and on the detail's mention; our heartbeat."""
        if self._awareness is None:
            return
        mentions, pane, now = self.mentions, self.detail, self.now()
        current = mentions.current
        claims = await self._awareness.row_claims([row.id for row in mentions.rows], now=now)
        note = await self._awareness.note(current.id, now=now) if current else ""
        if not pane.is_attached:  # the screen closed while we read
            return
        mentions.show_claims(claims)
        pane.show_team(note)
        self._beat(current.id if current else None, now)  # a write: never waited on here

    @work(exclusive=True, group="presence")
    async def _beat(self, mention_id: int | None, now: int) -> None:
        if self._awareness is not None:
            await self._awareness.beat(mention_id, now=now)

    async def on_unmount(self) -> None:
        """Closing: teammates should not see this inbox as still here."""
        if self._awareness is not None:
            await self._awareness.presence.leave(now=self.now())

    def on_selection_changed(self, message: SelectionChanged) -> None:
        """Keep the status line's selection count current."""
        self._selection = message.count
        self._selection_capped = message.capped
        self.show_status()

    async def on_view_chosen(self, message: ViewChosen) -> None:
        """A click in the sidebar."""
        await self.action_show_view(message.key)

    # -- movement (in the reader, the same keys scroll the text) --------------------------

    @property
    def reading(self) -> bool:
        """Whether the full-screen reader is open (Enter)."""
        return self.has_class("-reading")

    @property
    def detail(self) -> DetailPane:
        """The detail pane, which is also the reader."""
        return self.query_one(DetailPane)

    async def action_cursor_down(self) -> None:
        """Next mention; a line further in the reader."""
        if self.reading:
            self.detail.scroll_down(animate=False)
        else:
            await self.mentions.move(1)

    async def action_cursor_up(self) -> None:
        """Previous mention; a line back in the reader."""
        if self.reading:
            self.detail.scroll_up(animate=False)
        else:
            await self.mentions.move(-1)

    async def action_next_page(self) -> None:
        """A page further, in the list or the reader."""
        if self.reading:
            self.detail.scroll_page_down(animate=False)
        else:
            await self.mentions.page(1)

    async def action_prev_page(self) -> None:
        """A page back, in the list or the reader."""
        if self.reading:
            self.detail.scroll_page_up(animate=False)
        else:
            await self.mentions.page(-1)

    async def action_top(self) -> None:
        """First mention; the start of the text in the reader."""
        if self.reading:
            self.detail.scroll_home(animate=False)
        else:
            await self.mentions.home()

    async def action_bottom(self) -> None:
        """Last mention; the end of the text in the reader."""
        if self.reading:
            self.detail.scroll_end(animate=False)
        else:
            await self.mentions.end()

    def action_detail_down(self) -> None:
        """Scroll the detail pane a page down without leaving the list."""
        self.detail.scroll_page_down(animate=False)

    def action_detail_up(self) -> None:
        """Scroll the detail pane a page up."""
        self.detail.scroll_page_up(animate=False)

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

    def action_close_reader(self) -> None:
        """Leave the reader; outside it the key is not ours (q then quits)."""
        if not self.reading:
            raise SkipAction()
        self.remove_class("-reading")

    def action_open_link(self) -> None:
        """Open the link with the configured browser; with none, show it to copy."""
        row = self.mentions.current
        if not (row and row.url and row.url.startswith(("https://", "http://"))):
            self.notify("This mention has no web link.", severity="warning", markup=False)
            return
        argv = browser_argv(self._browser, os.environ, row.url)
        if argv is not None:
            self.run_worker(self._open_with(argv, row.url), group="browser")
        elif has_desktop(os.environ):
            self.app.open_url(row.url)
            self.notify("Opening the link in the default browser.", markup=False)
        else:
            self.app.push_screen(LinkScreen(row.url, "No browser here: set [ui] browser in the "
                                            "config or $BROWSER, or copy the link."))

    async def _open_with(self, argv: list[str], url: str) -> None:
        self.notify(f"Opening the link with {one_line(argv[0])}.", markup=False)
        problem = await run_browser(argv)
        if problem is not None:
            self.app.push_screen(LinkScreen(url, f"The browser did not open it: {problem}."))

    def action_copy_link(self) -> None:
        """Send the link to the terminal's clipboard (OSC 52), saying that the terminal decides."""
        row = self.mentions.current
        if not (row and row.url):
            self.notify("This mention has no link.", severity="warning", markup=False)
            return
        self.app.copy_to_clipboard(row.url)
        # "sent", not "copied": the terminal decides, and cannot tell us, whether it took it.
        self.notify("Link sent to the terminal's clipboard (OSC 52).", markup=False)

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
        try:
            result = await run(target)
        except DiskFull as full:
            self._refused(full)
            return
        if self.mentions.has_selection:
            self.mentions.clear_selection()
        await self.refresh_all()
        await self._show_detail(self.mentions.current.id if self.mentions.current else None)
        self.notify(f"{self._space_back()}{verb} {plural(result.changed, 'mention')}. "
                    "u undoes.", markup=False)

    def _refused(self, full: DiskFull) -> None:
        """A change met a full disk: nothing was saved; say so, every time it happens."""
        self._disk_full = True
        self.notify(full.notice, severity="error", markup=False, timeout=15)

    def _space_back(self) -> str:
        """After a full disk, the first change saved again opens its notice with this."""
        if not self._disk_full:
            return ""
        self._disk_full = False
        return "Space is back: changes are saved again. "

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

        prompt = PromptScreen(f"Snooze until ({examples(self.now(), self._tz)})",
                              placeholder="2h", presets=presets(self.now(), self._tz),
                              check=check)
        self.app.push_screen(prompt, self._snooze_chosen)

    async def _snooze_chosen(self, text: str | None) -> None:
        if text:
            until = parse_snooze(text, self.now(), self._tz)
            await self._act(lambda t: self.inbox.snooze(t, until, actor=self._actor(),
                                                        now=self.now()), "Snoozed:")

    def action_assign(self) -> None:
        """Pick a team member (yourself first, once), or nobody."""
        me = self.inbox.me
        names = dict(self.team)
        choices = [(me, f"{names.get(me, me)} (me)")]
        choices += [(handle, name) for handle, name in self.team if handle != me]
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
        """Ask for a tag (one word, see core.inbox.tags), then add it."""
        prompt = PromptScreen(f"Tag (one word: letters, digits, - _ .; up to {MAX_TAG})",
                              placeholder="tag", check=tag_problem)
        self.app.push_screen(prompt, self._tag_chosen)

    async def _tag_chosen(self, tag: str | None) -> None:
        if tag and not tag_problem(tag):
            await self._act(lambda t: self.inbox.add_tag(t, check_tag(tag), actor=self._actor(),
                                                         now=self.now()), "Tagged:")

    async def action_remove_tag(self) -> None:
        """Pick one of the current mention's tags and take it off (the selection's too)."""
        row = self.mentions.current
        detail = await self.inbox.detail(row.id) if row else None
        if detail is None or not detail.tags:
            self.notify("This mention has no tags; t adds one.", markup=False)
            return
        choices = [(tag, tag) for tag in detail.tags]
        self.app.push_screen(ChoiceScreen("Remove which tag", choices), self._untag_chosen)

    async def _untag_chosen(self, tag: str | None) -> None:
        if tag:
            await self._act(lambda t: self.inbox.remove_tag(t, tag, actor=self._actor(),
                                                            now=self.now()), "Tag removed:")

    async def action_edit_note(self) -> None:
        """Rewrite one of the current mention's notes (picked first when it has several)."""
        row = self.mentions.current
        notes = {str(n.id): n for n in (await self.inbox.notes(row.id) if row else ())}
        if not notes:
            self.notify("This mention has no notes; n adds one.", markup=False)
        elif len(notes) == 1:
            self._ask_note_text(next(iter(notes.values())))
        else:
            choices = [(key, f"{n.author}: {n.body}") for key, n in notes.items()]
            self.app.push_screen(ChoiceScreen("Edit which note", choices),
                                 lambda key: self._ask_note_text(notes[key]) if key else None)

    def _ask_note_text(self, note: Note) -> None:
        prompt = PromptScreen("Edit note", value=note.body, select_on_focus=False,
                              check=_needs_text("a note cannot be empty"))
        self.app.push_screen(prompt, lambda body: self._note_edited(note.id, body))

    async def _note_edited(self, note_id: int, body: str | None) -> None:
        if not body or not body.strip():
            return
        try:
            result = await self.inbox.edit_note(note_id, body.strip(), actor=self._actor(),
                                                now=self.now())
        except DiskFull as full:
            self._refused(full)
            return
        await self.refresh_all()
        await self._show_detail(self.mentions.current.id if self.mentions.current else None)
        self.notify("Note edited. u undoes." if result.changed else "Note unchanged.",
                    markup=False)

    def action_note(self) -> None:
        """Ask for a note, then attach it."""
        check = _needs_text("a note cannot be empty")
        self.app.push_screen(PromptScreen("Note", placeholder="what should the team know?",
                                          check=check), self._note_chosen)

    async def _note_chosen(self, body: str | None) -> None:
        if body and body.strip():
            await self._act(lambda t: self.inbox.add_note(t, body.strip(), actor=self._actor(),
                                                          now=self.now()), "Noted:")

    def action_outcome(self) -> None:
        """Record what the mention led to: pick a kind from [outcomes], then amount and note."""
        kinds: dict[str, float] = getattr(getattr(self.app, "config", None), "outcomes", {})
        if not kinds:
            self.notify("No outcome kinds yet: add them under [outcomes] in the config, "
                        "e.g. lead = 250.", markup=False)
            return
        choices = [(kind, f"{kind} ({value:g})") for kind, value in kinds.items()]
        self.app.push_screen(ChoiceScreen("Outcome", choices),
                             lambda kind: self._outcome_kind_chosen(kind, kinds))

    def _outcome_kind_chosen(self, kind: str | None, kinds: dict[str, float]) -> None:
        if kind is None:
            return
        def check(text: str) -> str | None:
            try:
                parse_entry(text, kinds[kind])
            except ValueError as error:
                return str(error)
            return None
        prompt = PromptScreen(f"{kind}: amount (Enter: {kinds[kind]:g}) and note",
                              placeholder="1200 signed the annual plan", check=check)
        self.app.push_screen(prompt, lambda text: self._outcome_entered(kind, kinds[kind], text))

    async def _outcome_entered(self, kind: str, default: float, text: str | None) -> None:
        if text is not None:
            value, note = parse_entry(text, default)
            await self._act(lambda t: self.inbox.record_outcome(
                t, kind, value, note, actor=self._actor(), now=self.now()),
                f"Outcome {kind} ({value:g}) on")
    async def action_author_list(self) -> None:
        """Put the current mention's author on a list, or take them off."""
        people = people_for(self.app)  # type: ignore[arg-type]
        row = self.mentions.current
        person = await people.person_of_mention(row.id) if row else None
        if person is None:
            self.notify("This mention has no known author.", severity="warning", markup=False)
            return
        await choose_list(self, people, person, actor=self._actor(), now=self.now,
                          after=self.refresh_all)

    def action_select(self) -> None:
        """Select or unselect, then step down (like marking in a mail client)."""
        self.mentions.toggle_select()
        self.run_worker(self.mentions.move(1), exclusive=True, group="move")

    async def action_select_all(self) -> None:
        """Everything the view shows now (later arrivals are not selected)."""
        await self.mentions.select_all()

    def action_explain(self) -> None:
        """Show why the current mention has its category and priority (the parts with their
        weights) in the detail pane, for every mention the cursor lands on; again to hide."""
        self.detail.explain(not self.detail.explaining)

    def action_clear_selection(self) -> None:
        """Close the reader if it is open, else hide the why, else select nothing."""
        if self.reading:
            self.remove_class("-reading")
        elif self.detail.explaining:
            self.detail.explain(False)
        else:
            self.mentions.clear_selection()

    async def action_undo(self) -> None:
        """Undo my last action, a bulk one as a whole."""
        try:
            result = await self.inbox.undo_last(self._actor(), now=self.now())
        except DiskFull as full:
            self._refused(full)
            return
        back = self._space_back()
        await self.refresh_all()
        await self._show_detail(self.mentions.current.id if self.mentions.current else None)
        if result is None:
            self.notify("Nothing to undo.", markup=False)
        elif isinstance(result, UndoRefused):
            self.notify(result.words(self._tz), severity="warning", markup=False)
        else:
            self.notify(f"{back}Undid {result.action} on {plural(result.changed, 'mention')}.",
                        markup=False)

    # -- replying --------------------------------------------------------------------------

    def action_reply(self) -> None:
        """Open the reply editor on the current mention (its draft, if it has one)."""
        row = self.mentions.current
        if row is None:
            self.notify("No mention to reply to in this view.", severity="warning", markup=False)
            return
        # The editor (templates, tone, limits) loads on first use: the inbox starts without it.
        from tui.screens.reply import ReplyScreen

        app = self.app
        store = app.store  # type: ignore[attr-defined]
        editor = ReplyScreen(row.id, Replies(store.db, store.transaction),
                             config=getattr(app, "config", None) or Config(), clock=self._clock,
                             tz=self._tz, me=self.inbox.me,
                             claims=self._awareness.claims if self._awareness else None)
        self.app.push_screen(editor, self._reply_closed)

    async def _reply_closed(self, _: None) -> None:
        await self.refresh_all()
        await self._show_detail(self.mentions.current.id if self.mentions.current else None)

    async def action_replied_elsewhere(self) -> None:
        """Mark replied without writing the reply here (it leaves Needs reply)."""
        await self._act(lambda t: self.inbox.mark_replied(t, True, actor=self._actor(),
                                                          now=self.now()), "Replied elsewhere:")

    # -- finding ---------------------------------------------------------------------------

    def action_search(self) -> None:
        """Full-text search; the result becomes a view."""
        self.app.push_screen(PromptScreen("Search", placeholder=SEARCH_PLACEHOLDER,
                                          check=search_problem), self._search_chosen)

    async def _search_chosen(self, query: str | None) -> None:
        if not query or not query.strip():
            return
        self._search = search_view(query.strip())
        await self._load_views()
        await self._switch(len(self.views) - 1)

    async def action_filter(self) -> None:
        """Narrow the view: source:, sentiment:, category:, lang:, assignee:, since:, until:."""
        choices = await self.inbox.filter_choices()

        def check(text: str) -> str | None:
            try:
                parse_filters(text, self.now(), choices)
            except FilterError as error:
                return str(error)
            return None

        prompt = PromptScreen("Filter (source:hn sentiment:neg category:question lang:da "
                              "assignee:me since:2d until:2024-06-01 tag:vip)",
                              value=describe_filters(self.mentions.filters), check=check)
        self.app.push_screen(prompt, lambda text: self._filter_chosen(text, choices))

    async def _filter_chosen(self, text: str | None, choices: FilterChoices) -> None:
        if text is not None:
            await self._refilter(parse_filters(text, self.now(), choices))

    async def show_filtered(self, filters: Filters, why: str = "") -> None:
        """Every mention matching ``filters`` (another screen's request, such as an alert's)."""
        view = next(v for v in self.views if v.key == "all")
        await self.mentions.show(view, filters, self.mentions.order)
        self.query_one(Sidebar).highlight_view(view.key)
        await self.refresh_counts()
        if why:
            self.notify(f"Showing: {why}", markup=False)

    async def action_clear_filter(self) -> None:
        """Back to the whole view."""
        await self._refilter(Filters())

    async def _refilter(self, filters: Filters) -> None:
        await self.mentions.show(self.mentions.view, filters, self.mentions.order)
        await self.refresh_counts()

    def on_resize(self, event: events.Resize) -> None:
        """The sidebar's width bound is a share of the screen's."""
        sidebar = self.query_one(Sidebar)
        sidebar.styles.width = sidebar.wanted_width(event.size.width)

    def action_toggle_sidebar(self) -> None:
        """Hide the sidebar to give the list its width, or show it again."""
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display

    async def action_toggle_order(self) -> None:
        """Most urgent first, then newest first, then oldest first."""
        order = next_order(self.mentions.order)
        await self.mentions.show(self.mentions.view, self.mentions.filters, order)
        await self.refresh_counts()

    def notify_arrival(self, count: int, sources: Sequence[str]) -> None:
        """The "N new mentions" notice (source names are not markup)."""
        where = f" from {one_line(', '.join(sources))}" if 0 < len(sources) <= 2 else \
            f" from {len(sources)} sources" if sources else ""  # a short toast, not a list
        self.notify(f"{plural(count, 'new mention')}{where}", markup=False)


def _awareness_of(app: object, me: str) -> TeamAwareness | None:
    """Claims and presence on the app's store, as ``me`` (None without a store)."""
    store = getattr(app, "store", None)
    config = getattr(app, "config", None) or Config()
    return None if store is None else TeamAwareness(store, me, claim_length=config.team.claim)


def _needs_text(problem: str) -> Callable[[str], str | None]:
    return lambda text: None if text.strip() else problem
