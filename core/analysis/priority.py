"""Triage priority: how soon a mention deserves a person, as a sum of parts that explain
themselves.

Higher first. The parts, with their weights (points):

=================  ==========================================================================
needs a reply      ``REPLY_POINTS`` for a question or a complaint, ``COMPLAINT_POINTS`` more for
                   a complaint (an early warning outranks a how-to question)
negative           ``NEGATIVE_POINTS`` plus ``NEGATIVE_EXTRA`` x how negative (-1.0 gets all)
addressed to us    ``ADDRESSED_POINTS`` when it names a handle or says "you"/"jer": someone
                   is talking to the brand and waits for an answer
reach              up to ``REACH_POINTS``, logarithmic in followers (all at a million)
active thread      up to ``THREAD_POINTS``, logarithmic in replies (all at a hundred)
fresh              ``FRESH_POINTS`` halving every ``FRESH_HALF_LIFE`` seconds
rising             up to ``RISING_POINTS``, logarithmic in the interactions (replies, reshares,
                   likes) gained per hour between the mention's last two engagement snapshots
                   (all at a hundred an hour); ``core.store.snapshots`` takes a snapshot when a
                   poll sees the counts change (and one more when they stop), and moves the
                   stored priority by the change in this part and in active thread
pure news          ``NEWS_POINTS`` (negative) for news, regulation and competitor talk that
                   neither asks nor addresses anyone
=================  ==========================================================================

Fresh and the parts before it are scored as the mention arrived (``now`` is then its fetch
time); rising is scored as its last snapshot landed. So a question or complaint (50-60, plus
negativity) outranks an unaddressed remark with every other part at its best (25 + 10 + 20 +
10 = 65: needs a reply's 50 plus a negative word to be sure, plus an address when the remark
is not rising); a negative remark outranks a fresh neutral one. The brand's own posts get
0. The clock is injected (``now``), so the order is reproducible.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from core.analysis.categories import (
    COMPETITOR,
    COMPLAINT,
    OTHER,
    REGULATION,
    REPLY_CATEGORIES,
)
from core.model import Label, Mention

# The cue tables (core.analysis.cues, through classify) are imported inside the two parts that
# read them: compiling them is ~0.1 s, and the inbox, which imports this module for the parts'
# names and the rising part, paints its first screen without them.

REPLY_POINTS = 50.0
COMPLAINT_POINTS = 10.0
NEGATIVE_POINTS = 20.0  # a negative remark: as much as a post published this minute
NEGATIVE_EXTRA = 20.0
ADDRESSED_POINTS = 8.0
REACH_POINTS = 25.0
REACH_FULL_DECADES = 6  # log10(1,000,000): the follower count that earns all reach points
THREAD_POINTS = 10.0
THREAD_FULL_DECADES = 2  # log10(100): a hundred replies is a busy thread anywhere
FRESH_POINTS = 20.0
FRESH_HALF_LIFE = 6 * 3600  # a community manager's half-day: yesterday's post is worth 1/16
NEWS_POINTS = -10.0
RISING_POINTS = 10.0  # a thread taking off: as much as a busy one, half a negative remark
RISING_FULL_DECADES = 2  # log10(100): a hundred interactions an hour is a thread taking off
RISING_MIN_SECONDS = 600  # growth over a shorter gap is counted as over ten minutes, so two
# polls a few seconds apart cannot turn one new like into hundreds an hour
NEWS_CATEGORIES = frozenset({OTHER, REGULATION, COMPETITOR})

SECOND_PERSON = re.compile(r"\b(?:you|your|yours|jer|jeres)\b", re.IGNORECASE)
DANISH_YOU = re.compile(r"\bI\b")  # Danish "I" is "you" (plural); in English it is the writer
DANISH = frozenset({"da", "no", "nn"})


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a priority: its name, its points and why, in words; ``weights`` shows how
    the weights above made the points ("20 + 20 × 0.50"), for the ``?`` explanation."""

    name: str
    points: float
    reason: str
    weights: str = ""

    def __str__(self) -> str:
        return f"{self.name}: {self.reason}: {self.points:+.0f}"

    def worked(self) -> str:
        """The part with its weights: ``negative: 20 + 20 × 0.50 = +30.0 (sentiment -0.50)``."""
        weights = f"{self.weights} = " if self.weights else ""
        return f"{self.name}: {weights}{self.points:+.1f} ({self.reason})"


def priority(m: Mention, now: int) -> float:
    """How soon ``m`` deserves a person's attention; higher first. ``now`` is epoch seconds."""
    return round(sum(part.points for part in priority_parts(m, now)), 2)


def explain_priority(m: Mention, now: int) -> list[str]:
    """Why ``m`` has its priority: one line per part that contributed."""
    return [str(part) for part in priority_parts(m, now)]


def priority_parts(m: Mention, now: int, rising: Part | None = None) -> list[Part]:
    """The parts of ``m``'s priority (``m.category`` already set); ``rising`` is the part
    ``rising_part`` gave for its last two engagement snapshots, when it has them."""
    if m.owned:
        return [Part("own post", 0.0, "ours, not triaged")]
    parts = [_reply(m), _negative(m), _addressed(m), _reach(m), _thread(m), _fresh(m, now),
             _news(m), rising]
    return [part for part in parts if part is not None]


def rising_part(gained: int, seconds: int) -> Part | None:
    """The rising part for ``gained`` interactions over ``seconds`` between two snapshots
    (None when nothing was gained)."""
    if gained <= 0 or seconds <= 0:
        return None
    per_hour = gained * 3600 / max(seconds, RISING_MIN_SECONDS)
    share = min(1.0, math.log10(1 + per_hour) / RISING_FULL_DECADES)
    return Part("rising", RISING_POINTS * share,
                f"+{gained:,} interactions in {_age(seconds)}, {per_hour:,.0f} an hour",
                f"{RISING_POINTS:g} × {share:.2f}")


def _reply(m: Mention) -> Part | None:
    if m.category not in REPLY_CATEGORIES:
        return None
    if m.category == COMPLAINT:
        return Part("needs a reply", REPLY_POINTS + COMPLAINT_POINTS, f"a {m.category}",
                    f"{REPLY_POINTS:g} + {COMPLAINT_POINTS:g} for a complaint")
    return Part("needs a reply", REPLY_POINTS, f"a {m.category}", f"{REPLY_POINTS:g}")


def _negative(m: Mention) -> Part | None:
    if m.sentiment.label is not Label.NEGATIVE:
        return None
    share = min(1.0, -m.sentiment.compound)
    return Part("negative", NEGATIVE_POINTS + NEGATIVE_EXTRA * share,
                f"sentiment {m.sentiment.compound:+.2f}",
                f"{NEGATIVE_POINTS:g} + {NEGATIVE_EXTRA:g} × {share:.2f}")


def _addressed(m: Mention) -> Part | None:
    from core.analysis.classify import opening
    from core.analysis.cues import HANDLE

    text = opening(m)
    if HANDLE.search(text):
        return Part("addressed to us", ADDRESSED_POINTS, "names a handle", f"{ADDRESSED_POINTS:g}")
    if _speaks_to_us(text, m.language):
        return Part("addressed to us", ADDRESSED_POINTS, "speaks to us", f"{ADDRESSED_POINTS:g}")
    return None


def _speaks_to_us(text: str, language: str) -> bool:
    if SECOND_PERSON.search(text):
        return True
    return language in DANISH and DANISH_YOU.search(text) is not None


def _reach(m: Mention) -> Part | None:
    if not m.author_followers or m.author_followers <= 0:
        return None
    share = min(1.0, math.log10(1 + m.author_followers) / REACH_FULL_DECADES)
    return Part("reach", REACH_POINTS * share, f"{m.author_followers:,} followers",
                f"{REACH_POINTS:g} × {share:.2f}")


def _thread(m: Mention) -> Part | None:
    return thread_part(m.engagement.replies)


def thread_part(replies: int | None) -> Part | None:
    """The active-thread part for a reply count (None when there are none)."""
    if not replies or replies <= 0:
        return None
    share = min(1.0, math.log10(1 + replies) / THREAD_FULL_DECADES)
    return Part("active thread", THREAD_POINTS * share, f"{replies:,} replies",
                f"{THREAD_POINTS:g} × {share:.2f}")


def _fresh(m: Mention, now: int) -> Part:
    if m.published_at is None:
        return Part("fresh", 0.0, "no publication time")
    age = max(0, now - m.published_at)  # a clock ahead of ours counts as "just now"
    share = 0.5 ** (age / FRESH_HALF_LIFE)
    return Part("fresh", FRESH_POINTS * share, f"published {_age(age)} ago",
                f"{FRESH_POINTS:g} × {share:.2f}")


def _news(m: Mention) -> Part | None:
    if m.category not in NEWS_CATEGORIES:
        return None
    from core.analysis.classify import opening
    from core.analysis.cues import FIRST_PERSON

    text = opening(m)
    if FIRST_PERSON.search(text) or _speaks_to_us(text, m.language) or "?" in text:
        return None
    return Part("pure news", NEWS_POINTS, f"{m.category} that asks nothing of us",
                f"{NEWS_POINTS:g}")


def _age(seconds: int) -> str:
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
