"""A person's profile (pushed from the influencers table): the Social CRM view.

Who they are on each platform, their score and stance, the notes the team wrote (who, when),
their tags, the lists they are on, every mention they wrote with what we did about it and how
fast we first responded (and the median of those times), and every reply we sent them. ``n``
notes, ``t`` tags, ``l`` lists, ``m`` mutes (their new mentions skip New) or unmutes, ``S``
splits a merged person, ``u`` undoes; each is logged.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import tzinfo
from statistics import median
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from core.people.directory import People, Profile, SentReply, Written
from core.store.errors import DiskFull
from tui.commands import ScreenCommands
from tui.keys import PROFILE_KEYS, bindings
from tui.messages import ScreenRefreshed
from tui.screens.lists import choose_list
from tui.screens.prompts import PromptScreen
from tui.widgets.cells import glyph, long_time, one_line, short_time


def duration(seconds: int | None) -> str:
    """A response time in the largest sensible unit: ``45m``, ``3h``, ``2d``."""
    if seconds is None:
        return "–"  # nobody has acted on it yet
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{max(0, seconds)}s"


def _first_response_line(profile: Profile) -> str:
    """The median time to our first response over their mentions we responded to."""
    times = profile.first_responses()
    if not times:
        return "  first response: none yet\n"
    return (f"  first response: median {duration(int(median(times)))} over {len(times)} of "
            f"{len(profile.mentions)} shown\n")


class ProfileScreen(Screen[None]):
    """Everything we know about one person and how the relationship went."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(PROFILE_KEYS)  # type: ignore[assignment]
    COMMANDS: ClassVar = {ScreenCommands}
    KEY_SPECS = PROFILE_KEYS
    AREA = "Profile"

    def __init__(self, people: People, person_id: int, *, actor: str,
                 clock: Callable[[], float], tz: tzinfo) -> None:
        super().__init__()
        self.people, self.person_id, self.actor = people, person_id, actor
        self._clock, self._tz = clock, tz
        self.profile: Profile | None = None

    def compose(self) -> ComposeResult:
        """The profile, scrolling, over the keys."""
        with VerticalScroll(id="profile-body"):
            yield Static(id="profile-text")
        yield Footer(compact=True)

    def now(self) -> int:
        """The app's clock in whole seconds."""
        return int(self._clock())

    async def on_mount(self) -> None:
        """Read and show the profile."""
        self.query_one("#profile-body").focus()
        await self.show()

    async def show(self) -> None:
        """Reread the profile from the store."""
        self.profile = await self.people.profile(self.person_id)
        body = self.query_one("#profile-text", Static)
        body.update(self._profile_text() if self.profile else Text("This person is gone."))
        self.post_message(ScreenRefreshed("profile", "shown"))

    def _profile_text(self) -> Text:
        assert self.profile is not None
        p, person = self.profile, self.profile.person
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(one_line(person.name), "bold")
        text.append(f"  score {person.score:.1f} · {person.stance}"
                    + (" · muted: their mentions skip New" if person.muted else "") + "\n")
        text.append(f"lists: {one_line(', '.join(person.lists)) or 'none'} · "
                    f"tags: {one_line(', '.join(p.tags)) or 'none'}\n\n")
        text.append("Identities\n", "bold")
        for i in p.identities:
            followers = f"{i.followers:,} followers" if i.followers is not None else ""
            text.append(f"  {i.platform:<10} {one_line(i.handle)}  {one_line(i.name)}  "
                        f"{followers}  {one_line(i.url or '')}\n")
        text.append("\nNotes\n", "bold")
        for at, who, body in p.notes or [(0, "", "")]:
            text.append(f"  {long_time(at, self._tz)} {one_line(who)}: {one_line(body)}\n"
                        if who else "  none yet (n adds one)\n")
        text.append(f"\nMentions ({person.posts}, newest first): what we did, our first response"
                    "\n", "bold")
        for m in p.mentions:
            text.append(self._mention_line(m))
        text.append(_first_response_line(p))
        text.append(f"\nReplies we sent ({len(p.replies)}, newest first): when, how, by whom,"
                    " how long after the mention arrived\n", "bold")
        for r in p.replies or ():
            text.append(self._reply_line(r))
        if not p.replies:
            text.append("  none yet\n", "dim")
        if p.history:
            text.append("\nHistory\n", "bold")
            for at, who, what, undone in p.history:
                text.append(f"  {long_time(at, self._tz)} {one_line(who)} {what}"
                            + (" (undone)" if undone else "") + "\n", "dim" if undone else "")
        return text

    def _mention_line(self, m: Written) -> str:
        words = one_line(f"{m.title} — {m.snippet}" if m.title else m.snippet)[:60]
        outcome = m.status + (f" @{m.assignee}" if m.assignee else "") + \
            (f" {m.category}" if m.category else "")
        return (f"  {glyph(m.sentiment_label)} {short_time(m.sort_at, self.now(), self._tz)} "
                f"{one_line(m.source)[:10]:<10} {outcome[:18]:<18} "
                f"{duration(m.first_response):>4}  {words}\n")

    def _reply_line(self, r: SentReply) -> str:
        where = f"  {one_line(r.url)}" if r.url else ""
        return (f"  {short_time(r.sent_at, self.now(), self._tz)} {one_line(r.via)[:9]:<9} "
                f"{one_line(r.sent_by)[:12]:<12} {duration(r.response):>4}  "
                f"{one_line(r.text)[:50]}  (to: {one_line(r.mention_title)[:30]}){where}\n")

    # -- actions ---------------------------------------------------------------------------------

    def action_note(self) -> None:
        """Ask for a note about them."""
        prompt = PromptScreen("Note about this person", placeholder="what should the team know?",
                              check=lambda t: None if t.strip() else "a note cannot be empty")
        self.app.push_screen(prompt, self._note_chosen)

    async def _note_chosen(self, body: str | None) -> None:
        if body and body.strip() and await self._saved(self.people.add_note(
                self.person_id, body.strip(), actor=self.actor, now=self.now())):
            await self.show()
            self.notify("Noted. u undoes.", markup=False)

    def action_tag(self) -> None:
        """Ask for a tag."""
        prompt = PromptScreen("Tag this person", placeholder="tag",
                              check=lambda t: None if t.strip() else "a tag cannot be empty")
        self.app.push_screen(prompt, self._tag_chosen)

    async def _tag_chosen(self, tag: str | None) -> None:
        if tag and tag.strip() and await self._saved(self.people.add_tag(
                self.person_id, tag.strip(), actor=self.actor, now=self.now())):
            await self.show()

    async def action_list(self) -> None:
        """Put them on a list, or take them off."""
        await choose_list(self, self.people, self.person_id, actor=self.actor, now=self.now,
                          after=self.show)

    async def action_mute(self) -> None:
        """Mute (their new mentions skip New) or unmute."""
        muted = not (self.profile and self.profile.person.muted)
        if not await self._saved(self.people.set_muted(self.person_id, muted, actor=self.actor,
                                                       now=self.now())):
            return
        await self.show()
        self.notify("Muted: their new mentions skip New. u undoes." if muted else "Unmuted.",
                    markup=False)

    async def action_split(self) -> None:
        """Give each identity of a merged person its own person again."""
        count = await self.people.split(self.person_id, actor=self.actor, now=self.now())
        await self.people.refresh(self.now())
        await self.show()
        self.notify(f"Split off {count} identities." if count else "Only one identity here.",
                    markup=False)

    async def action_undo(self) -> None:
        """Undo my last list change, mute, note or tag."""
        undone = await self.people.undo_last(self.actor, now=self.now())
        await self.show()
        self.notify(f"Undid {undone}." if undone else "Nothing to undo.", markup=False)

    async def _saved(self, write: Awaitable[object]) -> bool:
        """Run one write; on a full disk (rolled back whole) say so in the inbox's words."""
        try:
            await write
        except DiskFull as full:
            self.notify(full.notice, severity="error", markup=False, timeout=15)
            return False
        return True

    def action_close(self) -> None:
        """Back to where we came from."""
        self.dismiss(None)
