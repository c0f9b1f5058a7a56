"""What the app announces to its screens, once, whichever screens are open.

Workers post messages to the app (``tui.messages``); the app turns each into one announcement
on a Textual ``Signal`` and every screen that cares subscribes, the way Textual announces theme
changes. No handler names a screen, so a new screen joins by subscribing, and one poll round is
one ``DataChanged``: the app counts its own poller's commit as seen before it announces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol, cast

from textual.app import App
from textual.signal import Signal

from core.model import PollOutcome


class ChangeOrigin(StrEnum):
    """Why the data on screen may be stale."""

    POLL = "poll"  # our own poll round committed
    ELSEWHERE = "elsewhere"  # another process (a teammate's inbox, a poller) committed
    CLOCK = "clock"  # nothing was written, but time moved: snoozes end, "14:02" labels age
    PEOPLE = "people"  # a person's lists or mute changed here (the inbox's list views follow)


@dataclass(frozen=True, slots=True)
class DataChanged:
    """Reread what is shown. ``new`` mentions arrived from ``sources`` (poll rounds only)."""

    origin: ChangeOrigin
    new: int = 0
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PollState:
    """The poller's state in words, and the outcomes of the round that just ended, if any;
    ``round_over`` once a round has ended, well or not."""

    text: str
    outcomes: Sequence[PollOutcome] = field(default_factory=tuple)
    round_over: bool = False


class AppSignals:
    """The app's announcements; screens subscribe in ``on_mount``."""

    def __init__(self, owner: App[object]) -> None:
        self.data_changed: Signal[DataChanged] = Signal(owner, "data-changed")
        self.poll_state: Signal[PollState] = Signal(owner, "poll-state")


class _Announcing(Protocol):
    signals: AppSignals


def signals_of(app: App[object]) -> AppSignals:
    """The signals of the running listenpost app (screens never import the app module)."""
    return cast(_Announcing, app).signals
