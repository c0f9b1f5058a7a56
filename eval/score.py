"""Scoring the classifier: per-category precision, recall and F1, and how well priority ranks
mentions that need a person above the rest (ROC AUC), on one part of the evaluation set.

Each labelled post goes through the same steps as ingest (language detection, sentiment,
category, priority) with no author, engagement or time, so priority is judged on what the text
says. The AUC is the chance that a random needs-a-person post outranks a random other post (a
tie counts half): 0.5 is a coin, 1.0 is perfect.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from core.analysis.categories import CATEGORY_IDS, COMPLAINT
from core.analysis.classify import categorize_with_reason
from core.analysis.language import detect_language
from core.analysis.priority import priority
from core.analysis.sentiment import score
from core.model import Label, Match, Mention

HERE = Path(__file__).parent
PARTS = ("tuning", "heldout", "unseen")  # unseen: written after all tuning, other brands
NOW = 1_760_000_000  # any fixed clock: labelled posts carry no time
ABOUT = {"brand": [Match("brand", "Brand")], "competitor": [Match("competitor", "Rival")],
         "both": [Match("brand", "Brand"), Match("competitor", "Rival")]}


@dataclass(frozen=True, slots=True)
class Labelled:
    """One post of the evaluation set with its human labels."""

    text: str
    language: str
    category: str
    needs_person: bool
    about: str


@dataclass(slots=True)
class Scored:
    """A labelled post with what the classifier made of it."""

    post: Labelled
    mention: Mention
    reason: str
    priority: float


def load(part: str) -> list[Labelled]:
    """The labelled posts of one part (``tuning`` or ``heldout``)."""
    lines = (HERE / f"{part}.jsonl").read_text("utf-8").splitlines()
    return [Labelled(**json.loads(line)) for line in lines if line.strip()]


TIMING_ROUNDS = 20  # classifying a few hundred posts takes milliseconds: repeat to steady it


def run(posts: list[Labelled]) -> list[Scored]:
    """Every post classified as ingest would."""
    return [_classify(post) for post in posts]


def _classify(post: Labelled) -> Scored:
    m = Mention("feed", text=post.text, matched=list(ABOUT[post.about]))
    m.language = detect_language(post.text)
    m.sentiment = score(post.text, m.language, service=True)
    m.category, reason = categorize_with_reason(m)
    m.priority = priority(m, NOW)
    return Scored(post, m, reason, m.priority)


def classify_micros(scored: list[Scored]) -> float:
    """Mean µs per mention for category and priority alone (language and sentiment done)."""
    mentions = [s.mention for s in scored]
    start = time.perf_counter()
    for _ in range(TIMING_ROUNDS):
        for m in mentions:
            categorize_with_reason(m)
            priority(m, NOW)
    return (time.perf_counter() - start) / (TIMING_ROUNDS * max(1, len(mentions))) * 1e6


def f1_table(scored: list[Scored]) -> list[tuple[str, int, float, float, float]]:
    """Per category: support, precision, recall and F1."""
    rows = []
    for cat in CATEGORY_IDS:
        truth = [s.post.category == cat for s in scored]
        guess = [s.mention.category == cat for s in scored]
        rows.append((cat, sum(truth), *prf(truth, guess)))
    return rows


def prf(truth: list[bool], guess: list[bool]) -> tuple[float, float, float]:
    """Precision, recall and F1 of ``guess`` against ``truth``."""
    hits = sum(t and g for t, g in zip(truth, guess, strict=True))
    precision = hits / sum(guess) if any(guess) else 0.0
    recall = hits / sum(truth) if any(truth) else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def roc_auc(positives: list[float], negatives: list[float]) -> float:
    """The chance a random positive scores above a random negative; ties count half."""
    if not positives or not negatives:
        return float("nan")
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def priority_auc(scored: list[Scored]) -> float:
    """ROC AUC of priority for "needs a person" against the rest."""
    return roc_auc([s.priority for s in scored if s.post.needs_person],
                   [s.priority for s in scored if not s.post.needs_person])


def negative_baseline_f1(scored: list[Scored]) -> float:
    """Complaint F1 of the naive rule "sentiment is negative", for comparison."""
    truth = [s.post.category == COMPLAINT for s in scored]
    guess = [s.mention.sentiment.label is Label.NEGATIVE for s in scored]
    return prf(truth, guess)[2]
