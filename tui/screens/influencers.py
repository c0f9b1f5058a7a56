"""The influencers screen (``i``): people ranked by relevance-first influence.

A windowed table (``tui.widgets.people_table``) of everyone who wrote a stored mention, with
score, platform, posts, engagement per post, stance and last seen; ``o`` changes the order,
``f`` filters by platform, list or stance, ``?`` explains the highlighted score part by part,
``l`` puts the person on a list, ``enter`` opens their profile, ``x`` then ``M`` merges two
identities into one person. The table shows stored scores at once; a worker then brings the
stale ones up to date (``core.people.refresh``) and the table rereads in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import tzinfo
from typing import ClassVar, Protocol

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen
from textual.widgets import Footer, Static

from core.config import Config
from core.people.directory import COUNT_CAP, STANCES, People, PeopleFilter, PeopleOrder, PersonError
from core.people.refresh import settings_of
from core.people.score import Score
from core.store import Store
from tui.commands import ScreenCommands
from tui.keys import PEOPLE_KEYS, bindings
from tui.messages import PersonHighlighted, ScreenRefreshed
from tui.screens.lists import choose_list
from tui.signals import DataChanged, signals_of
from tui.widgets.cells import one_line
from tui.widgets.people_table import SORT_LABELS, PeopleTable

ORDERS = tuple(PeopleOrder)
FILTER_KEYS = ("platform", "list", "stance")


class Shell(Protocol):
    """What this screen needs of the app."""

    store: Store | None
    config: Config | None
    clock: Callable[[], float]
    tz: tzinfo

    def me(self) -> str: ...


def people_for(app: Shell) -> People:
    """The app's people, scored as its config says."""
    assert app.store is not None
    config = app.config or Config()
    return People(app.store.db, app.store.transaction, settings_of(config.people))


class FilterError(ValueError):
    """A filter line that could not be understood."""


def parse_people_filter(text: str, platforms: Sequence[str] = ()) -> PeopleFilter:
    """``platform:reddit list:advocates stance:critic`` as a ``PeopleFilter``; a platform
    nobody was heard on is refused when ``platforms`` names those there are."""
    found: dict[str, str] = {}
    for part in text.split():
        key, sep, value = part.partition(":")
        if not sep or not value or key not in FILTER_KEYS:
            raise FilterError(f"cannot read {part!r}: write key:value with key "
                              f"{', '.join(FILTER_KEYS)}")
        if key == "stance" and value not in STANCES:
            raise FilterError(f"stance is {', '.join(STANCES)}, not {value!r}")
        if key == "platform" and platforms and value not in platforms:
            raise FilterError(f"nobody was heard on {value!r}; platforms: {', '.join(platforms)}")
        found[key] = value
    return PeopleFilter(**found)


def explanation(name: str, result: Score) -> Text:
    """A score's parts: value, weight, points and why, adding up to the total."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(f"{one_line(name)}: {result.total:.1f} of 100", "bold")
    text.append("  (stance is shown beside the score, never in it)\n", "dim")
    for part in result.parts:
        text.append(f"  {part.name:<12} {part.value:5.2f} × {part.weight:4.2f} = "
                    f"{part.points:5.1f}  ")
        text.append(one_line(part.why) + "\n", "dim")
    return text


class InfluencersScreen(Screen[None]):
    """Who is worth a relationship: relevance before reach, and why."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(PEOPLE_KEYS)  # type: ignore[assignment]
    COMMANDS: ClassVar = {ScreenCommands}
    KEY_SPECS = PEOPLE_KEYS
    AREA = "Influencers"

    def __init__(self, app: Shell) -> None:
        super().__init__()
        self.shell = app
        self.people = people_for(app)
        self._explaining = False
        self._stale = False
        self._count: int | None = None  # people under the current filter, for the title

    def compose(self) -> ComposeResult:
        """Title, table, the explanation (shown by ?), keys."""
        yield Static(id="people-title")
        yield PeopleTable(self.people, self.shell.clock, self.shell.tz, id="people")
        yield Static(id="people-why")
        yield Footer(compact=True)

    @property
    def table(self) -> PeopleTable:
        """The table widget."""
        return self.query_one(PeopleTable)

    def now(self) -> int:
        """The app's clock in whole seconds."""
        return int(self.shell.clock())

    async def on_mount(self) -> None:
        """Show the stored table at once, then bring stale scores up to date."""
        self.query_one("#people-why").display = False
        self.table.focus()
        await self.table.home()
        await self.show_title()
        signals_of(self.app).data_changed.subscribe(self, self._on_data_changed)
        self._rescore()

    @work(exclusive=True, group="people-refresh")
    async def _rescore(self) -> None:
        if await self.people.refresh(self.now()):
            await self.reload()
        self.post_message(ScreenRefreshed("influencers", "rescored"))

    async def _on_data_changed(self, change: DataChanged) -> None:
        if self.is_current:
            self._rescore()
        else:
            self._stale = True

    async def on_screen_resume(self) -> None:
        """Back on top: catch up with what changed meanwhile."""
        if self._stale:
            self._stale = False
            self._rescore()
        else:
            await self.reload()

    async def reload(self) -> None:
        """Reread the table in place and its title."""
        await self.table.reload()
        await self.show_title()

    async def show_title(self, *, recount: bool = True) -> None:
        """How many people, in which order, under which filter (a new order alone keeps the
        count: it is the same people)."""
        if recount or self._count is None:
            self._count = await self.people.count(self.table.filters)
        count = self._count
        capped = "+" if count >= COUNT_CAP and self.table.filters != PeopleFilter() else ""
        title = f"Influencers · {count:,}{capped} people · by {SORT_LABELS[self.table.order]}"
        if described := self.table.filters.describe():
            title += f" · filter: {described}"
        self.query_one("#people-title", Static).update(Text(one_line(title)))

    async def on_person_highlighted(self, message: PersonHighlighted) -> None:
        """Keep an open explanation on the highlighted person."""
        if self._explaining:
            await self._show_explanation()

    # -- movement ----------------------------------------------------------------------------

    async def action_cursor_down(self) -> None:
        """Next person."""
        await self.table.move(1)

    async def action_cursor_up(self) -> None:
        """Previous person."""
        await self.table.move(-1)

    async def action_next_page(self) -> None:
        """A page down."""
        await self.table.page(1)

    async def action_prev_page(self) -> None:
        """A page up."""
        await self.table.page(-1)

    async def action_top(self) -> None:
        """First person."""
        await self.table.home()

    async def action_bottom(self) -> None:
        """Last person."""
        await self.table.end()

    # -- reading -------------------------------------------------------------------------------

    async def action_explain(self) -> None:
        """Show (or hide) why the highlighted person scores what they do."""
        self._explaining = not self._explaining
        self.query_one("#people-why").display = self._explaining
        if self._explaining:
            await self._show_explanation()

    async def _show_explanation(self) -> None:
        row = self.table.current
        result = await self.people.explain(row.id, self.now()) if row else None
        pane = self.query_one("#people-why", Static)
        pane.update(explanation(row.name, result) if row and result else Text("Nobody here."))

    async def action_sort(self) -> None:
        """The next order: score, posts, engagement per post, last seen."""
        order = ORDERS[(ORDERS.index(self.table.order) + 1) % len(ORDERS)]
        await self.table.show(self.table.filters, order)
        await self.show_title(recount=False)

    async def action_filter(self) -> None:
        """Ask for a filter line."""
        from tui.screens.prompts import PromptScreen

        platforms = await self.people.platforms()

        def check(text: str) -> str | None:
            try:
                parse_people_filter(text, platforms)
            except FilterError as error:
                return str(error)
            return None

        prompt = PromptScreen("Filter (platform:mastodon list:advocates stance:critic)",
                              value=self.table.filters.describe(), check=check)
        self.app.push_screen(prompt, self._filter_chosen)

    async def _filter_chosen(self, text: str | None) -> None:
        if text is not None:
            await self.table.show(parse_people_filter(text), self.table.order)
            await self.show_title()

    async def action_clear_filter(self) -> None:
        """Everyone again."""
        await self.table.show(PeopleFilter(), self.table.order)
        await self.show_title()

    # -- acting ----------------------------------------------------------------------------------

    async def action_list(self) -> None:
        """Put the highlighted person on a list, or take them off."""
        row = self.table.current
        if row is not None:
            await choose_list(self, self.people, row.id, actor=self.shell.me(), now=self.now,
                              after=self.reload)

    def action_open(self) -> None:
        """The highlighted person's profile."""
        from tui.screens.profile import ProfileScreen

        row = self.table.current
        if row is not None:
            self.app.push_screen(ProfileScreen(self.people, row.id, actor=self.shell.me(),
                                               clock=self.shell.clock, tz=self.shell.tz))

    def action_mark(self) -> None:
        """Mark the highlighted person to merge into another (again to unmark)."""
        row = self.table.current
        if row is None:
            return
        self.table.marked = None if self.table.marked == row.id else row.id
        self.table.refresh()
        if self.table.marked is not None:
            self.notify(f"Marked {one_line(row.name)}: move to the same person elsewhere and "
                        "press M to merge.", markup=False)

    async def action_merge(self) -> None:
        """Merge the marked person into the highlighted one."""
        row, marked = self.table.current, self.table.marked
        if row is None or marked is None:
            self.notify("Mark a person with x first.", severity="warning", markup=False)
            return
        try:
            await self.people.merge(row.id, marked, actor=self.shell.me(), now=self.now())
        except PersonError as error:
            self.notify(str(error), severity="warning", markup=False)
            return
        self.table.marked = None
        await self.people.refresh(self.now())
        await self.reload()
        self.notify(f"Merged into {one_line(row.name)}. S on their profile splits them again.",
                    markup=False)

    async def action_undo(self) -> None:
        """Undo my last list change, mute, note or tag."""
        undone = await self.people.undo_last(self.shell.me(), now=self.now())
        await self.reload()
        self.notify(f"Undid {undone}." if undone else "Nothing to undo.", markup=False)
