"""The status line: poll state, source health and the database in use, on one row.

Source names and error messages come from config and from servers, so the line is built as
Rich ``Text`` (no markup parsing) and flattened to one line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from core.inbox.triage import SourceHealth
from core.model import PollOutcome, PollStatus
from core.wording import plural
from tui.widgets.cells import one_line

# How each unhealthy state is named on the line; a word and a glyph, not colour alone.
HEALTH_LABELS = (
    ("failing", "✗ failing: ", "bold"),
    ("throttled", "⏸ throttled: ", ""),
    ("silent", "… silent: ", ""),
)


class StatusLine(Static):
    """One row at the bottom of the inbox."""

    def show(self, *, poll: str, health: list[SourceHealth], db_path: Path,
             selection: int, calm: str, capped: bool = False) -> None:
        """Redraw from the current state; ``calm`` is said when no source is unhealthy (see
        ``core.inbox.sources.calm_health``: never "sources ok" before a source has polled)."""
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(one_line(poll))
        if selection:
            text.append(" │ ")
            text.append(f"{selection:,}{'+' if capped else ''} selected", "bold")
        shown = False
        for state, label, style in HEALTH_LABELS:
            names = [h.name for h in health if h.state == state]
            if names:
                text.append(" │ ")
                text.append(label + one_line(", ".join(names)), style)
                shown = True
        if not shown:
            text.append(f" │ {calm}")
        text.append(" │ " + one_line(str(db_path)), "dim")
        self.update(text)


def poll_summary(outcomes: Sequence[PollOutcome], now: float, tz: tzinfo) -> str:
    """How a poll round ended, in words: how many sources were polled, how many failed, and
    which wait for their server's Retry-After, until when."""
    waiting = [o for o in outcomes if o.status == PollStatus.THROTTLED]
    failed = sum(1 for o in outcomes if o.status == PollStatus.ERROR)
    text = f"polled {plural(len(outcomes) - len(waiting), 'source')} at {_clock(now, tz)}"
    if failed:
        text += f", {failed} failed"
    if waiting:
        until = max(o.started_at + (o.retry_after or 0) for o in waiting)
        verb = "waits for its" if len(waiting) == 1 else "wait for their"
        text += (f"; {plural(len(waiting), 'source')} {verb} server's Retry-After until "
                 f"{_clock(until, tz)}")
    return text


def _clock(moment: float, tz: tzinfo) -> str:
    return datetime.fromtimestamp(moment, tz).strftime("%H:%M")
