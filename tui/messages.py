"""Every message the app's workers and widgets post, in one place (past-tense names).

Workers never touch widgets: they post one of these and a handler on the app or the screen
updates the UI. Messages are dataclasses so tests can assert on what was posted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from textual.message import Message

from core.inbox.views import Filters
from core.model import PollOutcome
from core.replies.send import Outcome


@dataclass
class PollFinished(Message):
    """One poll round ended; the outcomes say what each source gave and how it went."""

    outcomes: Sequence[PollOutcome] = field(default_factory=tuple)


@dataclass
class PollFailed(Message):
    """The poll round itself failed (not one source: those are outcomes)."""

    error: str
    read_only: bool = False  # the disk is full: ``error`` is the read-only notice in full


@dataclass
class PollWatched(Message):
    """No round ran: another process holds the polling lease; ``who`` says which and where."""

    who: str  # "the daemon on HOST (pid N) polls this database"
    asked: bool  # the user pressed p (a notice), rather than the timer (the status line only)


@dataclass
class DatabaseChanged(Message):
    """The database's ``data_version`` moved: another connection committed."""

    data_version: int


@dataclass
class CursorMoved(Message):
    """The list cursor is on another mention (None: the view is empty)."""

    mention_id: int | None


@dataclass
class SelectionChanged(Message):
    """The set of selected mentions changed; ``count`` is how many an action would reach
    (``capped``: at least that many, a filtered select-all counted up to a cap)."""

    count: int
    capped: bool = False


@dataclass
class ViewChosen(Message):
    """The person picked a view in the sidebar."""

    key: str


@dataclass
class ScreenRefreshed(Message, bubble=False):
    """A screen reread what it shows from the store (one per announced change). Posted to the
    screen itself and not bubbled, so each refresh is seen once."""

    screen: str
    origin: str


@dataclass
class ReplySendFinished(Message):
    """A reply's send attempt ended (``core.replies.send`` outcome: posted, failed, unknown)."""

    reply_id: int
    outcome: Outcome


@dataclass
class MentionsRequested(Message):
    """A screen asks for the inbox to show the mentions matching ``filters`` (an alert's, say);
    the app switches to the inbox and applies them. ``why`` names the request for the person."""

    filters: Filters
    why: str = ""


@dataclass
class PersonHighlighted(Message):
    """The influencers table's cursor is on another person (None: the table is empty)."""

    person_id: int | None
