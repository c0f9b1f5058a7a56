"""Default feedback category and triage priority of a mention, each able to say why.

These are the defaults before a team writes its own rules: plain functions over a mention that
enrichment has already scored (sentiment, matches), with the clock injected, so the inbox order
is reproducible and testable. Every rule and weight is a named constant here so a later config
section can replace them.

Categories, first rule that fires wins:

1. ``competitor`` — the mention matched only competitor queries (news of a rival, a sales lead).
2. ``idea`` — a feature request or wish ("would be nice", "please add", "forslag", "ønsker").
   Before "question", because "Could you add dark mode?" is a request, not a support question.
3. ``complaint`` — negative sentiment with a problem word ("broken", "crash", "refund", "down",
   "virker ikke"), or strongly negative (compound <= -0.6) with or without one.
4. ``question`` — ends with "?", or opens with a question word (how, why, can, does, anyone;
   hvordan, hvorfor, kan, …), or asks "does anyone …" / "ved nogen …" anywhere.
5. ``praise`` — clearly positive (compound >= 0.5).

Otherwise no category. The brand's own posts are not triaged: no category, priority 0.

Priority, higher first: negative sentiment and questions outrank everything else (each worth
``ATTENTION_POINTS`` or more, more than reach and freshness together can give), then reach
(followers, logarithmic), then freshness (halving every ``FRESH_HALF_LIFE`` seconds).
"""

from __future__ import annotations

import math
import re

from core.analysis.categories import COMPETITOR, COMPLAINT, IDEA, OTHER, PRAISE, QUESTION
from core.model import Label, Mention

CLASSIFY_CHARS = 1000  # rules read the opening of a text: a post's intent shows up early

IDEA_WORDS = re.compile(
    r"\b(?:feature requests?|would be (?:nice|great|cool|awesome|handy|useful)|it'?d be "
    r"(?:nice|great|cool)|i wish|wish (?:it|you|they|there)|should add|please add|"
    r"(?:could|can|would) you (?:please )?add|suggestions?|would love (?:it if|to see)|"
    r"ønsker|ønske|forslag|ville være (?:fedt|godt|rart|smart|dejligt|super)|"
    r"kunne i (?:ikke )?(?:tilføje|lave)|gerne se)\b"
)
PROBLEM = re.compile(
    r"\b(?:broken|break(?:s|ing)?|crash(?:es|ed|ing)?|refunds?|down|outage|bugs?|buggy|worst|"
    r"(?:doesn'?t|does not|don'?t|won'?t|not) work(?:ing)?|errors?|fail(?:s|ed|ing|ure)?|"
    r"scam|disappointed|terrible|awful|useless|overcharged|charged twice|frozen|freez(?:es|ing)|"
    r"virker ikke|fungerer ikke|fejl|nede|refusion|pengene tilbage|elendig|værste|skuffet|"
    r"går ned|crasher|snyd)\b"
)
# Words that open a question even without its "?"; kept short because "When I …", "What a …"
# and "Do yourself a favour" open statements.
QUESTION_OPENERS = frozenset(
    {"how", "why", "can", "could", "does", "anyone", "anybody", "where",
     "hvordan", "hvorfor", "kan", "kunne", "nogen", "hvornår"}
)
QUESTION_PHRASE = re.compile(
    r"\b(?:does anyone|anyone know|any ideas?|how do i|how can i|is there a way|"
    r"ved nogen|kan nogen|er der nogen|hvordan kan jeg)\b"
)
FIRST_WORD = re.compile(r"[^\W\d_]+(?!['’\w])")  # "can't" is not "can"

STRONGLY_NEGATIVE = -0.6  # this negative is a complaint even without a problem word
CLEARLY_POSITIVE = 0.5  # VADER's "positive" starts at 0.05; praise needs real warmth

ATTENTION_POINTS = 50.0  # a negative mention or a question: more than reach + freshness (45)
NEGATIVE_EXTRA = 20.0  # added in proportion to how negative: -1.0 gets all of it
COMPLAINT_POINTS = 10.0  # an early warning also outranks a merely negative remark
REACH_POINTS = 25.0  # at a million followers and beyond
REACH_FULL_DECADES = 6  # log10(1,000,000): the follower count that earns all reach points
FRESH_POINTS = 20.0  # for a mention published just now
FRESH_HALF_LIFE = 6 * 3600  # a community manager's half-day: yesterday's post is worth 1/16


def mention_text(m: Mention) -> str:
    """Title and text as the rules read them: lower-cased and bounded."""
    return f"{m.title}\n{m.text}".strip()[:CLASSIFY_CHARS].lower()


def categorize(m: Mention) -> str | None:
    """The default feedback category of ``m``, or None."""
    return categorize_with_reason(m)[0]


def categorize_with_reason(m: Mention) -> tuple[str | None, str]:
    """The default category of ``m`` and the rule that chose it, in words."""
    if m.owned:
        return None, "our own post: not triaged"
    if m.matched and all(match.kind == "competitor" for match in m.matched):
        return COMPETITOR, "matched only competitor queries"
    text = mention_text(m)
    for rule in (_idea, _complaint, _question, _praise):
        found = rule(m, text)
        if found:
            return found
    return OTHER, "no rule matched"


def _idea(m: Mention, text: str) -> tuple[str, str] | None:
    found = IDEA_WORDS.search(text)
    return (IDEA, f"asks for something: {found.group(0)!r}") if found else None


def _complaint(m: Mention, text: str) -> tuple[str, str] | None:
    if m.sentiment.label is not Label.NEGATIVE:
        return None
    found = PROBLEM.search(text)
    if found:
        return COMPLAINT, f"negative and names a problem: {found.group(0)!r}"
    if m.sentiment.compound <= STRONGLY_NEGATIVE:
        return COMPLAINT, f"strongly negative ({m.sentiment.compound:+.2f})"
    return None


def _question(m: Mention, text: str) -> tuple[str, str] | None:
    if text.rstrip().endswith("?"):
        return QUESTION, "ends with a question mark"
    first = FIRST_WORD.search(text)
    if first and first.start() < 3 and first.group(0) in QUESTION_OPENERS:
        return QUESTION, f"opens with {first.group(0)!r}"
    found = QUESTION_PHRASE.search(text)
    return (QUESTION, f"asks: {found.group(0)!r}") if found else None


def _praise(m: Mention, text: str) -> tuple[str, str] | None:
    if m.sentiment.compound >= CLEARLY_POSITIVE:
        return PRAISE, f"clearly positive ({m.sentiment.compound:+.2f})"
    return None


def priority(m: Mention, now: int) -> float:
    """How soon ``m`` deserves a person's attention; higher first. ``now`` is epoch seconds."""
    return round(sum(points for points, _ in _priority_parts(m, now)), 2)


def explain_priority(m: Mention, now: int) -> list[str]:
    """Why ``m`` has its priority: one line per part that contributed."""
    return [reason for _, reason in _priority_parts(m, now)]


def _priority_parts(m: Mention, now: int) -> list[tuple[float, str]]:
    if m.owned:
        return [(0.0, "our own post: not triaged")]
    parts = [_negative_part(m), _question_part(m), _reach_part(m), _fresh_part(m, now)]
    return [part for part in parts if part is not None]


def _negative_part(m: Mention) -> tuple[float, str] | None:
    if m.sentiment.label is not Label.NEGATIVE:
        return None
    points = ATTENTION_POINTS + NEGATIVE_EXTRA * min(1.0, -m.sentiment.compound)
    if m.category == COMPLAINT:
        points += COMPLAINT_POINTS
    return points, f"negative ({m.sentiment.compound:+.2f}): +{points:.0f}"


def _question_part(m: Mention) -> tuple[float, str] | None:
    if m.category != QUESTION:
        return None
    return ATTENTION_POINTS, f"a question: +{ATTENTION_POINTS:.0f}"


def _reach_part(m: Mention) -> tuple[float, str] | None:
    if not m.author_followers or m.author_followers <= 0:
        return None
    share = min(1.0, math.log10(1 + m.author_followers) / REACH_FULL_DECADES)
    points = REACH_POINTS * share
    return points, f"reach: {m.author_followers:,} followers: +{points:.0f}"


def _fresh_part(m: Mention, now: int) -> tuple[float, str]:
    if m.published_at is None:
        return 0.0, "no publication time: no freshness points"
    age = max(0, now - m.published_at)  # a clock ahead of ours counts as "just now"
    points = FRESH_POINTS * 0.5 ** (age / FRESH_HALF_LIFE)
    return points, f"published {_age(age)} ago: +{points:.0f}"


def _age(seconds: int) -> str:
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
