"""The detail pane: the whole mention, why it scored as it did, and what was done to it.

Why it scored as it did (the category's reason, each priority part with its weights) is shown
on request, at the top where it is seen without scrolling: ``?`` in the inbox turns it on for
every mention the cursor lands on, ``?`` again or Escape turns it off.

Every field a stranger or a teammate wrote (text, title, author, URL, tags, notes) is added
to a Rich ``Text`` as plain characters; nothing here parses markup.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from core.analysis.priority import Part
from core.inbox.triage import Detail, HistoryEntry
from core.inbox.why import why
from core.wording import author_name
from tui.widgets.cells import block, glyph, long_time, matched_names, one_line


class DetailPane(VerticalScroll, can_focus=False):
    """A scrolling view of one mention."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"detail--title", "detail--label", "detail--negative",
                         "detail--positive", "detail--link"}

    def __init__(self, tz: tzinfo, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._tz = tz
        self.detail: Detail | None = None
        self.rising: Part | None = None  # the priority's rising part, read with the detail
        self.explaining = False
        self.team_note = ""  # "ana is replying (2 min) · also here: bo" (core.team.awareness)

    def compose(self) -> ComposeResult:
        """One Static holds the text; the container scrolls it."""
        yield Static(id="detail-body")

    def show(self, detail: Detail | None, rising: Part | None = None) -> None:
        """Show a mention (with its rising part, if it is rising), or a hint when the view
        is empty."""
        self.detail, self.rising = detail, rising
        body = self.query_one("#detail-body", Static)
        body.update(self._text(detail) if detail else Text("No mention selected."))
        self.scroll_home(animate=False)

    def explain(self, on: bool) -> None:
        """Show (or hide) why the mention has its category and priority, at the top."""
        self.explaining = on
        self.show(self.detail, self.rising)

    def show_team(self, note: str) -> None:
        """The teammates line for the mention shown; redrawn in place (scroll kept) if new."""
        if note != self.team_note:
            self.team_note = note
            if self.detail is not None:
                self.query_one("#detail-body", Static).update(self._text(self.detail))

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"detail--{name}", partial=True)

    def _text(self, d: Detail) -> Text:
        row = d.row
        text = Text()
        if row.title:  # a comment or a toot has none: its text below says it all
            text.append(one_line(row.title), self._style("title"))
            text.append("\n")
        if self.explaining:
            self._append_why(text, d)
        for label, value in self._facts(d):
            text.append(f"{label}: ", self._style("label"))
            text.append_text(value)
            text.append("\n")
        text.append("\n")
        text.append(block(d.text) or "(no text)")
        if not self.explaining:
            text.append("\n\nWhy: ? shows the category's reason and the priority's parts",
                        self._style("label"))
        self._append_notes(text, d)
        self._append_history(text, d.history)
        return text

    def _facts(self, d: Detail) -> list[tuple[str, Text]]:
        row = d.row
        facts = [("From", Text(f"{one_line(author_name(row.author))} on {one_line(row.source)}")),
                 ("When", Text(long_time(d.published_at or row.sort_at, self._tz))),
                 ("Link", Text(one_line(row.url or "none"), self._style("link"))),
                 ("Sentiment", self._sentiment(d)),
                 ("Engagement", Text(_engagement(d))),
                 ("Matched", Text(matched_names(row.matched) or "nothing")),
                 ("Triage", Text(self._triage(d)))]
        if d.tags:
            facts.append(("Tags", Text(one_line(", ".join(d.tags)))))
        if self.team_note:
            facts.append(("Team", Text(one_line(self.team_note))))
        return facts

    def _sentiment(self, d: Detail) -> Text:
        label = d.row.sentiment_label
        style = self._style(label) if label in ("negative", "positive") else Style()
        text = Text(f"{glyph(label)} {label} {d.sentiment:+.2f}", style)
        text.append(f" ({d.sentiment_method}, language {one_line(d.row.language)})")
        if d.sentiment_drivers:
            text.append(" because of: " + one_line(", ".join(d.sentiment_drivers)))
        return text

    def _triage(self, d: Detail) -> str:
        row = d.row
        parts = [row.status, f"category {row.category or 'none'}",
                 f"assigned to {one_line(row.assignee)}" if row.assignee else "unassigned"]
        if row.starred:
            parts.append("starred")
        if row.snoozed_until:
            parts.append(f"snoozed until {long_time(row.snoozed_until, self._tz)}")
        return " · ".join(parts)

    def _append_why(self, text: Text, d: Detail) -> None:
        reasons = why(d, self.rising)
        text.append("Why (? or Esc hides this)\n", self._style("label"))
        text.append(f"category {one_line(reasons.category)}\n")
        text.append(f"priority {d.row.priority:.1f} = the sum of its parts:\n")
        for part in reasons.parts:
            text.append(f"  {one_line(part.worked())}\n")
        text.append("\n")

    def _append_notes(self, text: Text, d: Detail) -> None:
        if not d.notes:
            return
        text.append("\n\nNotes\n", self._style("label"))
        for at, author, body in d.notes:
            text.append(f"{long_time(at, self._tz)} {one_line(author)}: ")
            text.append(block(body) + "\n")

    def _append_history(self, text: Text, history: tuple[HistoryEntry, ...]) -> None:
        if not history:
            return
        text.append("\n\nHistory\n", self._style("label"))
        for entry in history:
            undone = " (undone)" if entry.undone else ""
            text.append(f"{long_time(entry.at, self._tz)} {one_line(entry.actor)} "
                        f"{one_line(history_words(entry, self._tz))}{undone}\n")


# Actions whose log entry needs no detail to read well.
PLAIN_ACTIONS = {"done": "marked it done", "reopen": "put it back to new", "star": "starred it",
                 "unstar": "unstarred it", "note": "added a note", "undo": "undid an action"}


def history_words(entry: HistoryEntry, tz: tzinfo) -> str:
    """A logged action as a sentence ("snoozed it until …", "assigned it to bo"), never the
    stored column names and values."""
    after = entry.after
    if entry.action == "snooze":
        until = after.get("snoozed_until")
        return f"snoozed it until {long_time(until if isinstance(until, int) else None, tz)}"
    if entry.action == "assign":
        who = after.get("assignee")
        return f"assigned it to {who}" if who else "unassigned it"
    if entry.action == "category":
        category = after.get("category")
        return f"set the category to {category}" if category else "cleared the category"
    if entry.action == "tag":
        return f"tagged it {after.get('tag')}"
    return PLAIN_ACTIONS.get(entry.action, entry.action.replace("_", " "))


def _engagement(d: Detail) -> str:
    counts = [(d.replies, "replies"), (d.reshares, "reshares"), (d.likes, "likes")]
    shown = [f"{n:,} {what}" for n, what in counts if n is not None]
    return " · ".join(shown) or "not reported"
