"""The default feedback category of a mention, with the evidence that chose it.

A plain function over a mention that enrichment has already scored (sentiment, matches), so it
runs at ingest for every mention and is testable without a database. Each category collects
evidence from its cues (``core.analysis.cues``, English and Danish) and from sentiment; the
category with the most evidence wins, and its reason names the cues and the sentiment that
counted. The evidence, in the order a tie is broken:

1. ``complaint`` — its cues, plus ``NEGATIVE_WEIGHT`` x how negative the sentiment is, plus
   ``MODEL_WEIGHT`` x the complaint model's log-odds when it leans that way
   (``core.analysis.complaint_model``, trained on the project's own labelled posts) and the
   post is neither warm nor explicitly thankful.
2. ``question`` — its cues, a question mark ending a sentence, a question word opening one.
3. ``idea``, ``tip``, ``new_use``, ``regulation`` — their cues.
4. ``competitor`` — a mention that matched only competitor queries is always a competitor's;
   one that matched brand and competitor counts comparison words ("switched from", "vs").
5. ``praise`` — its cues, plus ``POSITIVE_WEIGHT`` x how positive the sentiment is.

Every distinct phrase found counts. Below ``MIN_EVIDENCE`` the mention is ``other``. Intent
beats form: a question that reports a problem ("Why is my card declined again?") is a
complaint when the complaint's evidence comes within one strong cue of the question's; a wish
phrased as a question ("Can you add dark mode?") is an idea; and warmth without a strong praise
cue ("shoutout", "highly recommend") yields to any intent (complaint, question, idea, tip, new
use) with a strong cue ("would be amazing" is an idea). Talk of rules and regulators that is
not the writer's own experience (no "I", "my", "jeg") is regulation, whatever it mentions.
Handles are not read as words (``@FixItHelp`` says nothing); hashtags are (``#help`` asks for
help). The brand's own posts get no category.

Cost, CPU time per mention on the evaluation set (this 2-core machine): category and priority
90 µs, against 10 µs for the single-rule classifier this replaced (which found 16 % of the
complaints); only the cues that could match are tried (see ``core.analysis.phrases``).
"""

from __future__ import annotations

from core.analysis.categories import (
    COMPETITOR,
    COMPLAINT,
    IDEA,
    NEW_USE,
    OTHER,
    PRAISE,
    QUESTION,
    REGULATION,
    TIP,
)
from core.analysis.complaint_model import log_odds
from core.analysis.cues import (
    COMPARISON,
    CUES,
    FIRST_PERSON,
    HANDLE,
    QUESTION_MARK,
    QUESTION_OPENER,
    STRONG,
)
from core.model import Mention

# Rules read a post's title and opening, where its intent shows (a 1 KB blog post took 265 µs
# read to 1,000 characters).
OPENING_CHARS = 600

NEGATIVE_WEIGHT = 2.0  # compound -1.0 counts as much as one strong complaint cue
POSITIVE_WEIGHT = 2.0  # compound +0.5 and up alone is praise; milder warmth needs a cue
QUESTION_MARK_WEIGHT = 1.5
QUESTION_OPENER_WEIGHT = 1.0
MIN_EVIDENCE = 1.0  # less than one leaning word, or mild sentiment alone: "other"
MODEL_WEIGHT = 0.75  # per unit of the complaint model's log-odds (above even odds)
MODEL_CAP = 4.0  # the model alone is worth at most two strong cues
POSITIVE_BELOW_MODEL = 0.05  # a warm post ("no problem at all after a year") is no complaint
MAX_REASONS = 3
INTENTS = (COMPLAINT, QUESTION, IDEA, TIP, NEW_USE)  # what a person means, beyond warmth

# Tie order: what needs a person first.
ORDER = (COMPLAINT, QUESTION, IDEA, TIP, NEW_USE, REGULATION, COMPETITOR, PRAISE)

Evidence = dict[str, tuple[float, list[str]]]  # category -> (points, reasons)


def opening(m: Mention) -> str:
    """The title and the opening of the text, as written."""
    return f"{m.title}\n{m.text}".strip()[:OPENING_CHARS]


def mention_text(m: Mention) -> str:
    """The opening as the rules read it: lower-cased, handles blanked."""
    return HANDLE.sub("@", opening(m)).lower()


def categorize(m: Mention) -> str | None:
    """The default feedback category of ``m`` (None for the brand's own posts)."""
    return categorize_with_reason(m)[0]


def categorize_with_reason(m: Mention) -> tuple[str | None, str]:
    """The default category of ``m`` and why, in words."""
    if m.owned:
        return None, "our own post: not triaged"
    if m.matched and all(match.kind == "competitor" for match in m.matched):
        return COMPETITOR, "matched only competitor queries"
    evidence = gather(m)
    best = _intent_over_form(_strongest(evidence, ORDER), evidence, m.sentiment.compound)
    if evidence[REGULATION][0] >= STRONG and not FIRST_PERSON.search(mention_text(m)):
        best = REGULATION  # rules and regulators, not the writer's own experience
    points, reasons = evidence[best]
    if points < MIN_EVIDENCE:
        return OTHER, "no category has enough evidence"
    return best, f"{', '.join(reasons[:MAX_REASONS])} ({points:.1f} points)"


def _strongest(evidence: Evidence, among: tuple[str, ...]) -> str:
    return max(among, key=lambda c: (evidence[c][0], -ORDER.index(c)))


def _intent_over_form(best: str, evidence: Evidence, compound: float) -> str:
    points = {c: evidence[c][0] for c in ORDER}
    praised = points[PRAISE] - POSITIVE_WEIGHT * max(0.0, compound)  # from praise cues alone
    if best == QUESTION and points[COMPLAINT] >= STRONG and points[COMPLAINT] + STRONG > points[
            QUESTION]:
        return COMPLAINT
    if best == QUESTION and points[IDEA] >= STRONG:
        return IDEA
    if best == PRAISE and praised < STRONG and any(points[c] >= STRONG for c in INTENTS):
        return _strongest(evidence, INTENTS)
    return best


def gather(m: Mention) -> Evidence:
    """Every category's evidence for ``m``: points and the reasons that earned them."""
    text = mention_text(m)
    evidence: Evidence = {c: (0.0, []) for c in ORDER}
    for cue, phrase in CUES.find(text):
        _add(evidence, cue.label, cue.weight, repr(phrase.strip()))
    if evidence[PRAISE][0] < STRONG and m.sentiment.compound <= POSITIVE_BELOW_MODEL:
        _model(text, evidence)  # not over explicit thanks, nor over warmth
    _sentiment(m, evidence)
    _question_form(text, evidence)
    if any(match.kind == "competitor" for match in m.matched) and COMPARISON.search(text):
        _add(evidence, COMPETITOR, STRONG, "compares with a competitor")
    return evidence


def _add(evidence: Evidence, category: str, points: float, reason: str) -> None:
    total, reasons = evidence[category]
    evidence[category] = (total + points, [*reasons, reason])


def _sentiment(m: Mention, evidence: Evidence) -> None:
    compound = m.sentiment.compound
    if compound < 0:
        _add(evidence, COMPLAINT, NEGATIVE_WEIGHT * -compound, f"negative ({compound:+.2f})")
    elif compound > 0:
        _add(evidence, PRAISE, POSITIVE_WEIGHT * compound, f"positive ({compound:+.2f})")


def _model(text: str, evidence: Evidence) -> None:
    odds, pushing = log_odds(text)
    if odds > 0:
        words = ", ".join(repr(f) for f in pushing)
        _add(evidence, COMPLAINT, min(MODEL_CAP, MODEL_WEIGHT * odds),
             f"reads like a complaint ({words})")


def _question_form(text: str, evidence: Evidence) -> None:
    if QUESTION_MARK.search(text):
        _add(evidence, QUESTION, QUESTION_MARK_WEIGHT, "a question mark")
    opener = QUESTION_OPENER.search(text)
    if opener:
        word = opener.group(0).strip(" .!?\n")
        _add(evidence, QUESTION, QUESTION_OPENER_WEIGHT, f"opens with {word!r}")
