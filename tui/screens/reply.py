"""The reply editor: the mention being answered on top, the draft below, measured as it is typed.

The draft is saved at most ``SAVE_DELAY`` after any change (a throttle, not a debounce that
waits for a pause: someone typing without stopping is still saved every second), so a dropped
SSH session or a ``kill -9`` loses at most the last second. Escape saves what is left and closes;
reopening the mention reopens its draft. The counter and tone line follow every keystroke.

Sending posts through the mention's own source where it can (``core.replies.send``: a worker
posts ``ReplySendFinished``); anywhere else the text goes to the terminal clipboard with OSC 52
(base64, so nothing in the draft can end the sequence early) and the person confirms once they
have posted it at the URL shown. A send whose outcome is unknown is never repeated without the
person saying which way it went.

Opening the editor claims the mention (``core.team.claims``) so teammates see "ana is replying";
typing renews the claim, and leaving the editor in any way but a crash gives it up. Someone who
opens a mention another person has claimed is asked first, and replying anyway takes it over.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static, TextArea

from core.config import Config
from core.config.model import ReplyTemplate
from core.model import SourceConfig
from core.replies.approval import needs_approval, waiting_line, waits_for_someone_else
from core.replies.drafts import Replies, Reply, ReplyTarget, Sent, clean_draft
from core.replies.limits import count, limit_for
from core.replies.send import Failed, Outcome, Posted, Unknown, can_post, post_reply
from core.replies.templates import mention_values, missing, render
from core.replies.tone import tone_of
from core.store.errors import DiskFull
from core.team.claims import RENEW_EVERY, Claim, Claims
from tui.commands import ScreenCommands
from tui.keys import REPLY_KEYS, bindings
from tui.messages import ReplySendFinished
from tui.screens.prompts import ChoiceScreen, PromptScreen
from tui.screens.reply_dialogs import TemplatePicker, VariablesForm
from tui.widgets.cells import block, glyph, one_line

SAVE_DELAY = 1.0  # seconds: the most typing a crash can lose (issue 12 asks for about one)
MENTION_LINES = 6  # of the mention's text above the draft; the rest is in the inbox's detail


class ReplyScreen(Screen[None]):
    """Write, save and send one reply."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(REPLY_KEYS)  # type: ignore[assignment]
    COMMANDS: ClassVar = {ScreenCommands}
    KEY_SPECS = REPLY_KEYS
    AREA = "Reply"

    def __init__(self, mention_id: int, replies: Replies, *, config: Config,
                 clock: Callable[[], float], tz: tzinfo, me: str,
                 claims: Claims | None = None) -> None:
        super().__init__()
        self._claims = claims  # None: no claims (a store without a team, or a test)
        self._claimed = False
        self._renewed_at = 0.0  # monotonic seconds of the last claim write
        self.mention_id, self.replies, self.config = mention_id, replies, config
        self._clock, self._tz, self._me = clock, tz, me
        self.target: ReplyTarget | None = None
        self.reply: Reply | None = None
        self._saved_text = ""
        self._save_timer: Timer | None = None
        self._sending = False
        self._full = False  # the last save met a full disk
        self._close_warned = False  # and Escape has said what closing would lose

    def compose(self) -> ComposeResult:
        """Mention, draft, counter, tone, status."""
        with Vertical(id="reply-mention"):
            yield Static(id="reply-who")
            yield Static(id="reply-link")
            yield Static(id="reply-said")
        yield TextArea(id="reply-draft", soft_wrap=True, tab_behavior="focus")
        yield Static(id="reply-count")
        yield Static(id="reply-tone")
        yield Static(id="reply-status")
        yield Footer(compact=True)

    @property
    def draft(self) -> TextArea:
        """The text area."""
        return self.query_one("#reply-draft", TextArea)

    def now(self) -> int:
        """The injected clock in whole seconds."""
        return int(self._clock())

    async def on_mount(self) -> None:
        """Load the mention and its draft (or start one)."""
        self.target = await self.replies.target(self.mention_id)
        if self.target is None:
            self.notify("That mention is gone.", severity="warning", markup=False)
            self.dismiss()
            return
        self._show_mention(self.target)
        self.reply = await self.replies.live(self.mention_id)
        if self.reply is not None:
            self._saved_text = self.reply.text
        self.draft.load_text(clean_draft(self.reply.text) if self.reply else _opening(self.target))
        self.draft.move_cursor(self.draft.document.end)
        self.draft.focus()
        self._measure()
        self._show_state()
        await self._claim_or_ask()

    def _show_mention(self, target: ReplyTarget) -> None:
        who = Text(f"{glyph(target.sentiment_label)} {one_line(target.author) or 'someone'}")
        who.append(f" · {target.platform} · {one_line(target.source_name)}", style="dim")
        self.query_one("#reply-who", Static).update(who)
        self.query_one("#reply-link", Static).update(Text(target.url or "(no link)"))
        said = block(f"{target.title}\n{target.text}" if target.title else target.text)
        self.query_one("#reply-said", Static).update(
            Text("\n".join(said.splitlines()[:MENTION_LINES])))

    # -- claiming --------------------------------------------------------------------------

    async def _claim_or_ask(self) -> None:
        """Claim the mention; when a teammate holds a live claim, ask before taking it over."""
        if self._claims is None:
            return
        claim = await self._claims.holder(self.mention_id, now=self.now())
        if claim is None or claim.person == self._me:
            await self._take_claim()
            return
        choices = [("reply", "Reply anyway (you take the claim over)"),
                   ("", "Leave it to them (close the editor)")]
        self.app.push_screen(ChoiceScreen(f"{claim.words(self.now())}. Reply anyway?", choices),
                             self._claim_answered)

    async def _claim_answered(self, choice: str | None) -> None:
        if choice == "reply":
            await self._take_claim()
        else:
            await self._leave()

    async def _take_claim(self) -> None:
        assert self._claims is not None
        try:
            await self._claims.take(self.mention_id, now=self.now())
        except DiskFull as full:  # the draft cannot be saved either: say so once, here
            self._say(full.notice, error=True)
            return
        self._claimed, self._renewed_at = True, time.monotonic()

    def _renew_claim(self) -> None:
        """Typing keeps the claim alive: one write per RENEW_EVERY seconds at most."""
        if self._claimed and time.monotonic() - self._renewed_at >= RENEW_EVERY:
            self._renewed_at = time.monotonic()
            self.run_worker(self._renew_worker(), group="claim")

    async def _renew_worker(self) -> None:
        assert self._claims is not None
        try:
            if await self._claims.renew(self.mention_id, now=self.now()):
                return
        except DiskFull:
            return  # the draft's own save says so; the claim lives on until it lapses
        claim = await self._claims.holder(self.mention_id, now=self.now())
        if claim is not None and claim.person != self._me:  # a teammate replied anyway
            self._claimed = False
            self._say(_taken_over(claim, self.now()), error=True)
        else:  # lapsed (a long pause): take it again
            await self._take_claim()

    async def _leave(self) -> None:
        """Close the editor, giving up the claim."""
        if self._claimed and self._claims is not None:
            self._claimed = False
            with contextlib.suppress(DiskFull):  # then it lapses by itself in a few minutes
                await self._claims.release(self.mention_id)
        self.dismiss()

    # -- typing and saving -----------------------------------------------------------------

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Measure now; save within SAVE_DELAY."""
        self._measure()
        self._renew_claim()
        if self.draft.text != self._saved_text and self._save_timer is None:
            self._save_timer = self.set_timer(SAVE_DELAY, self._save)

    def _measure(self) -> None:
        if self.target is None:
            return
        text = self.draft.text
        measured = count(text, limit_for(self.target.platform, self.config.reply_limits))
        line = Text(measured.describe())
        if measured.over:
            line.stylize("bold red")
            line.append(" — too long to send", style="bold red")
        self.query_one("#reply-count", Static).update(line)
        tone = tone_of(text, mention_label=self.target.sentiment_label,
                       language=self.target.language)
        shown = Text(tone.describe(), style="dim")
        if tone.warning:
            shown.append(f"\n⚠ {tone.warning}", style="bold yellow")
        self.query_one("#reply-tone", Static).update(shown)

    async def _save(self) -> None:
        """Write the draft if it changed since the last save."""
        if self._save_timer is not None:
            self._save_timer.stop()
            self._save_timer = None
        text = self.draft.text
        if text == self._saved_text or self.target is None:
            return
        try:
            self.reply = await self.replies.save(self.mention_id, text, actor=self._me,
                                                 now=self.now())
        except DiskFull as full:  # unsaved: the next change (or Esc) tries again
            self._say(full.notice, error=True)
            self._full = True
            return
        self._saved_text = text
        if self._full:
            self._full = self._close_warned = False
            self._show_state()

    async def action_close(self) -> None:
        """Save what is left and go back; the draft stays. On a full disk the first Escape
        stays, saying what would be lost; a second one closes anyway."""
        await self._save()
        if self._full and not self._close_warned:
            self._close_warned = True
            self._say("The disk is full, so this draft is not saved: Esc again closes and loses "
                      "what was typed since the last save.", error=True)
            return
        await self._leave()

    # -- templates -------------------------------------------------------------------------

    def action_template(self) -> None:
        """Pick a template; ask for any variable it needs that nothing supplies."""
        self.app.push_screen(TemplatePicker(self.config.templates), self._template_chosen)

    def _template_chosen(self, template: ReplyTemplate | None) -> None:
        if template is None or self.target is None:
            return
        values = self._values(template)
        gaps = missing(template.text, values)
        if not gaps:
            self._insert(render(template.text, values, name=template.name))
            return

        def filled(given: dict[str, str] | None) -> None:
            if given is not None:
                self._insert(render(template.text, {**values, **given}, name=template.name))

        self.app.push_screen(VariablesForm(template.name, gaps), filled)

    def _values(self, template: ReplyTemplate) -> dict[str, str]:
        assert self.target is not None
        today = datetime.fromtimestamp(self.now(), self._tz).date()
        return mention_values(author=self.target.author, brand=self.config.brand.name,
                              link=self.target.url, today=today, extra=dict(template.values))

    def _insert(self, text: str) -> None:
        before = self.draft.get_text_range((0, 0), self.draft.cursor_location)
        self.draft.insert(text if not before or before[-1].isspace() else f" {text}")
        self.draft.focus()

    # -- deleting --------------------------------------------------------------------------

    async def action_delete_draft(self) -> None:
        """Ask once, then delete (u in the inbox brings it back)."""
        await self._save()
        if self.reply is None or self.reply.state != "open":
            self.notify("There is no saved draft to delete.", markup=False)
            return
        choices = [("delete", "Delete the draft"), ("", "Keep it")]
        self.app.push_screen(ChoiceScreen("Delete this draft? (u in the inbox undoes it)",
                                          choices), self._delete_chosen)

    async def _delete_chosen(self, choice: str | None) -> None:
        if choice != "delete" or self.reply is None:
            return
        await self.replies.delete(self.reply.id, actor=self._me, now=self.now())
        self.notify("Draft deleted. u in the inbox undoes.", markup=False)
        await self._leave()

    # -- sending ---------------------------------------------------------------------------

    async def action_send(self) -> None:
        """Post, or copy to post by hand; an unknown earlier outcome asks first."""
        if self._sending or self.target is None:
            return
        await self._save()
        problem = self._unsendable()
        if problem or self.reply is None:
            self._say(problem or "Write the reply first.", error=True)
            return
        team = self.config.team
        if self.reply.state == "unknown":
            self._ask_unknown(self.reply)
        elif self.reply.state == "pending":
            if waits_for_someone_else(self.reply, self._me) and needs_approval(team, self._me):
                self._say(waiting_line(self.reply, team))
                return
            await self.replies.approve(self.reply.id, actor=self._me, now=self.now())
            self._deliver(self.target, self.reply)
        elif needs_approval(team, self._me):
            await self.replies.request_approval(self.reply.id, actor=self._me, now=self.now())
            self.notify("Sent for approval; it is under Awaiting approval.", markup=False)
            await self._leave()
        else:
            self._deliver(self.target, self.reply)

    def _deliver(self, target: ReplyTarget, reply: Reply) -> None:
        if can_post(target, self._source()):
            self._post(reply)
        else:
            self._copy_to_post_by_hand(target, reply)

    def _unsendable(self) -> str | None:
        assert self.target is not None
        if not self.draft.text.strip():
            return "Write the reply first."
        measured = count(self.draft.text, limit_for(self.target.platform, self.config.reply_limits))
        if measured.over:
            return f"{measured.over} over the limit ({measured.describe()}): shorten it first."
        return None

    def _source(self) -> SourceConfig | None:
        assert self.target is not None
        return next((s for s in self.config.sources if s.name == self.target.source_name), None)

    def _post(self, reply: Reply) -> None:
        self._sending = True
        self._say(f"Sending to {self.target.platform if self.target else ''}…")
        self.run_worker(self._post_worker(reply), exclusive=True, group="send")

    async def _post_worker(self, reply: Reply) -> None:
        from core.net.fetch import Fetcher

        source = self._source()
        assert self.target is not None and source is not None
        outcome: Outcome
        try:
            async with Fetcher(self.config.network) as fetcher:
                outcome = await post_reply(self.target, reply.text, reply.idempotency_key,
                                           source=source, fetcher=fetcher, now=self.now())
        except Exception as error:  # noqa: BLE001 -- a bug must not lose the draft or the app
            # It may have failed after the post left, so it is treated as possibly posted.
            outcome = Unknown(f"the send stopped with an internal error ({type(error).__name__}:"
                              f" {error}); look at the thread before sending again")
        self.post_message(ReplySendFinished(reply.id, outcome))

    async def on_reply_send_finished(self, message: ReplySendFinished) -> None:
        """Record what happened and say it in words."""
        self._sending = False
        outcome = message.outcome
        if isinstance(outcome, Posted):
            assert self.target is not None
            sent = Sent(self.target.platform, outcome.post_id, outcome.post_url)
            await self._sent(message.reply_id, sent)
        elif isinstance(outcome, Failed):
            await self.replies.record_failure(message.reply_id, outcome.reason)
            await self._reload_state()
            self.notify(f"Not sent: {one_line(outcome.reason)}", severity="error", markup=False)
        else:
            await self.replies.record_unknown(message.reply_id, outcome.reason)
            await self._reload_state()
            self.notify("Unknown whether it was posted: look before sending again.",
                        severity="warning", markup=False)

    def _copy_to_post_by_hand(self, target: ReplyTarget, reply: Reply) -> None:
        self.app.copy_to_clipboard(clean_draft(reply.text))  # a row another tool wrote, too
        where = target.url or "the mention's page"
        choices = [("posted", "I have posted it: mark it sent"), ("", "Not yet: keep the draft")]
        self.app.push_screen(ChoiceScreen(f"Copied the reply. Post it at:\n{where}", choices),
                             lambda choice: self._confirmed(choice, reply))

    async def _confirmed(self, choice: str | None, reply: Reply) -> None:
        if choice == "posted" and self.target is not None:
            await self._sent(reply.id, Sent("elsewhere", None, self.target.url))

    def _ask_unknown(self, reply: Reply) -> None:
        where = (self.target.url if self.target else None) or "the thread"
        choices = [("posted", "It was posted: mark it sent"),
                   ("again", "It was not: send it again"), ("", "Cancel")]
        title = f"The last send may have gone through. Look at {where} first."
        self.app.push_screen(ChoiceScreen(title, choices),
                             lambda choice: self._unknown_resolved(choice, reply))

    async def _unknown_resolved(self, choice: str | None, reply: Reply) -> None:
        if choice == "posted" and self.target is not None:
            await self._sent(reply.id, Sent(self.target.platform, None, self.target.url))
        elif choice == "again":
            await self.replies.reopen(reply.id)
            await self._reload_state()
            await self.action_send()

    async def _sent(self, reply_id: int, sent: Sent) -> None:
        self.reply = await self.replies.record_sent(reply_id, sent, actor=self._me,
                                                    now=self.now())
        where = sent.post_url or sent.via
        self.notify(f"Replied: {one_line(where)}", markup=False)
        await self._leave()

    def action_send_back(self) -> None:
        """An approver returns a waiting reply to its writer, with a note."""
        reply = self.reply
        if reply is None or reply.state != "pending" or reply.requested_by == self._me:
            self.notify("Only a reply waiting for your approval can be sent back.",
                        markup=False)
            return
        prompt = PromptScreen(f"Send back to {reply.requested_by} with a note",
                              placeholder="what should change?",
                              check=lambda text: None if text.strip() else "write a note")
        self.app.push_screen(prompt, self._sent_back)

    async def _sent_back(self, note: str | None) -> None:
        if note and note.strip() and self.reply is not None:
            await self._save()
            await self.replies.send_back(self.reply.id, note.strip(), actor=self._me,
                                         now=self.now())
            self.notify(f"Sent back to {self.reply.requested_by}.", markup=False)
            await self._leave()

    # -- status ----------------------------------------------------------------------------

    async def _reload_state(self) -> None:
        self.reply = await self.replies.live(self.mention_id)
        self._show_state()

    def _show_state(self) -> None:
        reply = self.reply
        if reply is not None and reply.state == "unknown":
            self._say(f"May have been posted: {reply.last_error or ''}", error=True)
        elif reply is not None and reply.state == "pending":
            self._say(waiting_line(reply, self.config.team))
        elif reply is not None and reply.review_note:
            self._say(f"Sent back by {reply.reviewed_by}: {reply.review_note}", error=True)
        elif reply is not None and reply.last_error:
            self._say(f"Last send failed: {reply.last_error}", error=True)
        else:
            self._say(self._how_it_sends())

    def _how_it_sends(self) -> str:
        assert self.target is not None
        if needs_approval(self.config.team, self._me):
            return "Ctrl+S asks another member to approve this reply before it is sent."
        if can_post(self.target, self._source()):
            return f"Ctrl+S posts this as a reply on {self.target.platform}."
        return "Ctrl+S copies the reply to post by hand, then asks when it is posted."

    def _say(self, text: str, *, error: bool = False) -> None:
        self.query_one("#reply-status", Static).update(
            Text(one_line(text), style="bold red" if error else "dim"))


def _taken_over(claim: Claim, now: int) -> str:
    return f"Taken over: {claim.words(now)}. Sending now would answer twice."


def _opening(target: ReplyTarget) -> str:
    """A new draft's first words: on Mastodon the author's handle, so they are notified."""
    handle = target.author_handle or ""
    if target.platform == "mastodon" and "@" in handle and " " not in handle:
        return f"@{handle.lstrip('@')} "
    return ""
