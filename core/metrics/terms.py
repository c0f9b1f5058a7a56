"""Emerging terms: words and names rising against their baseline, for "what is new today".

Authors count as terms too ("@name"), so a new voice rising shows beside a new topic.
A term's score is its rate in the current texts over its rate in the baseline texts, both
smoothed by one occurrence so a word never seen before is rising but not infinitely so. Stop
words (English and Danish, the languages listenpost scores) and the brand's own terms are left
out: "northwind" rising in a Northwind listening post is not news.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_][\w'-]{2,}")  # three letters or more; numbers are not topics
MIN_COUNT = 3  # a word said once or twice in a period is chance, not a topic
_STOP_TEXT = """
the and for are but not you all any can had her was one our out day get has him his how man
new now old see two way who boy did its let put say she too use that with have this will your
from they know want been good much some time very when come here just like long make many more
only over such take than them well were what into also back after most then there their these
would about could other which really think because where going being should those while through
http https www com amp via just got its it's i'm don't can't
og det der som til med for jeg har ikke kan var sig men hvad vil den fra når nu bare mig dig
han hun vores jeres deres eller også efter over under meget godt
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True, slots=True)
class Term:
    """A term rising against its baseline: its count now, its expected count, and the ratio."""

    term: str
    count: int
    baseline: float  # the baseline count scaled to the current period's number of texts
    score: float


def words(text: str) -> list[str]:
    """The candidate terms of one text, lower-cased, stop words removed."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


def count_terms(texts: Iterable[str]) -> tuple[Counter[str], int]:
    """How many texts use each term (once per text), and how many texts there were."""
    counts: Counter[str] = Counter()
    n = 0
    for text in texts:
        counts.update(set(_WORD.findall(text.lower())) - STOP_WORDS)
        n += 1
    return counts, n


def count_terms_and_authors(entries: Iterable[tuple[str, str]]) -> tuple[Counter[str], int]:
    """``count_terms`` over the texts, plus each author as "@name" (once per mention): new
    names rise beside new topics."""
    rows = list(entries)
    counts, n = count_terms(text for text, _ in rows)
    counts.update(f"@{author}" for _, author in rows if author)
    return counts, n


def brand_words(names: Iterable[str]) -> frozenset[str]:
    """The words of the brand's, its products' and competitors' names, to leave out."""
    return frozenset(w for name in names for w in words(name))


def emerging(current: tuple[Counter[str], int], baseline: tuple[Counter[str], int],
             exclude: frozenset[str] = frozenset(), limit: int = 10) -> list[Term]:
    """The terms most above their baseline rate, best first (ties by count, then term)."""
    counts, n = current
    base_counts, base_n = baseline
    scale = n / base_n if base_n else 0.0
    found = []
    for term, count in counts.items():
        if count < MIN_COUNT or term in exclude:
            continue
        expected = base_counts.get(term, 0) * scale
        score = (count + 1) / (expected + 1)
        if score > 1:
            found.append(Term(term, count, round(expected, 2), round(score, 2)))
    found.sort(key=lambda t: (-t.score, -t.count, t.term))
    return found[:limit]
