"""Why a stored mention has its category and its priority, in words, for the detail pane.

The classifier and the priority explain themselves (``core.analysis``); this module asks them
about a mention as the store holds it. The priority is explained as it was computed, at the
moment the mention arrived (its ``fetched_at``), so the parts add up to the stored figure. A
category a person set by hand is shown as theirs, with what the rules would have said.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from core.analysis.priority import Part, priority_parts, rising_part
from core.inbox.triage import Detail
from core.model import Engagement, Label, Mention, Sentiment
from core.rules.stored import RULES_ACTOR
from core.store.rows import parse_matched
from core.store.snapshots import gained, last_snapshots


@dataclass(frozen=True, slots=True)
class Why:
    """The category's reason and the priority's parts: one line each, and the parts
    themselves (with their weights) for the ``?`` explanation."""

    category: str
    priority: tuple[str, ...]
    parts: tuple[Part, ...] = ()


def why(d: Detail, rising: Part | None = None) -> Why:
    """Why the mention in ``d`` has its category and priority (``rising`` from ``rising_of``).
    A stored priority the parts do not reach is explained by the rule that boosted it (or,
    scored before the parts changed, as the difference), so the parts always add up to the
    figure shown."""
    m = _mention(d)
    parts = priority_parts(m, d.fetched_at, rising)
    rest = _rest(d, round(d.row.priority - sum(part.points for part in parts), 2))
    if rest is not None:
        parts.append(rest)
    return Why(_category(d, m), tuple(str(part) for part in parts), tuple(parts))


async def rising_of(db: aiosqlite.Connection, mention_id: int) -> Part | None:
    """The rising part of a stored mention: its growth between its last two snapshots."""
    last = await last_snapshots(db, mention_id)
    if len(last) < 2:
        return None
    return rising_part(gained(*last), last[1].at - last[0].at)


SHOWN_REST = 0.05  # a remainder below what one decimal shows is rounding, not a part


def _rest(d: Detail, points: float) -> Part | None:
    if abs(points) < SHOWN_REST:
        return None
    rule = _boosted_by(d)
    if rule is not None:
        return Part("rule boost", points, rule, f"{points:+g}")
    return Part("scored before", points, "the parts read differently when it was stored")


def _boosted_by(d: Detail) -> str | None:
    """The rule that last moved the priority, if one did (history is newest first)."""
    for entry in d.history:
        if entry.actor == RULES_ACTOR and "priority" in entry.after and not entry.undone:
            set_by = entry.after.get("set_by")
            rule = set_by.get("priority") if isinstance(set_by, dict) else None
            return f"rule {rule!r}" if rule else "the rules"
    return None


LABELS = frozenset(Label)


def _mention(d: Detail) -> Mention:
    label = Label(d.row.sentiment_label) if d.row.sentiment_label in LABELS else Label.NEUTRAL
    return Mention(
        "", title=d.row.title, text=d.text, language=d.row.language, owned=d.owned,
        sentiment=Sentiment(d.sentiment, label, d.sentiment_method, d.sentiment_drivers),
        matched=parse_matched(d.row.matched), author_followers=d.author_followers,
        published_at=d.published_at, engagement=Engagement(d.replies, d.reshares, d.likes),
        category=d.row.category,
    )


def _category(d: Detail, m: Mention) -> str:
    # Imported when first asked: compiling the cue tables takes ~0.1 s of the inbox's start,
    # and its first paint never explains a category.
    from core.analysis.classify import categorize_with_reason

    ruled, reason = categorize_with_reason(m)
    stored = d.row.category or "none"
    setter = _set_by(d)
    if setter:
        return f"{stored}, set by {setter} (the classifier says {ruled or 'none'}: {reason})"
    if stored == (ruled or "none"):
        return f"{stored}: {reason}"
    return f"{stored} when stored; the classifier now says {ruled or 'none'}: {reason}"


def _set_by(d: Detail) -> str | None:
    """Who last set the category, a person or a rule (history is newest first), if any."""
    for entry in d.history:
        if "category" in entry.after and not entry.undone and entry.action != "undo":
            if entry.actor != RULES_ACTOR:
                return entry.actor
            set_by = entry.after.get("set_by")
            rule = set_by.get("category") if isinstance(set_by, dict) else None
            return f"rule {rule!r}" if rule else "the rules"
    return None
