"""Every message the app's workers and widgets post, in one place (past-tense names).

Workers never touch widgets: they post one of these and a handler on the app or the screen
updates the UI. Messages are dataclasses so tests can assert on what was posted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from textual.message import Message

from core.model import PollOutcome


@dataclass
class MentionsArrived(Message):
    """A poll stored new mentions: refresh counts and the list, keep the cursor, notify."""

    count: int
    sources: tuple[str, ...] = ()


@dataclass
class PollFinished(Message):
    """One poll round ended; the outcomes feed the status line's source health."""

    outcomes: Sequence[PollOutcome] = field(default_factory=tuple)


@dataclass
class PollFailed(Message):
    """The poll round itself failed (not one source: those are outcomes)."""

    error: str


@dataclass
class PollWatched(Message):
    """No round ran: another process holds the polling lease; ``who`` says which and where."""

    who: str  # "the daemon on HOST (pid N) polls this database"
    asked: bool  # the user pressed p (a notice), rather than the timer (the status line only)


@dataclass
class DatabaseChanged(Message):
    """Another process committed to the database: reread what is on screen."""

    data_version: int


@dataclass
class CursorMoved(Message):
    """The list cursor is on another mention (None: the view is empty)."""

    mention_id: int | None


@dataclass
class SelectionChanged(Message):
    """The set of selected mentions changed; ``count`` is -1 for "all in view"."""

    count: int


@dataclass
class ViewChosen(Message):
    """The person picked a view in the sidebar."""

    key: str
