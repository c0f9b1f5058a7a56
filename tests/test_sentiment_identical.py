"""The constant-cost VADER (negation as a set lookup, words lower-cased once per text) scores
every corpus text exactly as stock VADER does: the Danish sentences and the demo's posts read as
English (the tweets are checked in test_sentiment_corpus.py), and the negation rules one by one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from core.analysis.sentiment import bound_text, score
from core.demo.content import build_demo_feeds

STOCK = SentimentIntensityAnalyzer()


def _differing(texts: list[str]) -> list[str]:
    return [t for t in texts if bound_text(t) and abs(
        score(t, "en").compound - STOCK.polarity_scores(bound_text(t))["compound"]) > 1e-4]


@pytest.mark.corpus
def test_danish_sentences_read_as_english_score_as_stock_vader(corpora: Path) -> None:
    """It should give every Danish LCC sentence, read as English, stock VADER's compound."""
    texts = []
    for path in sorted((corpora / "danish-sentiment" / "lcc-sentiment").glob("*.csv")):
        texts += path.read_text(encoding="utf-8").splitlines()
    assert len(texts) > 400
    assert _differing(texts) == []


def test_demo_posts_score_as_stock_vader() -> None:
    """It should give every line of the demo's feeds (markup removed) stock VADER's compound."""
    texts = []
    for body in build_demo_feeds(1_790_000_000).values():
        texts += re.sub(r"<[^>]+>|&\w+;", " ", body.decode("utf-8")).splitlines()
    assert len(texts) > 500
    assert _differing(texts) == []


@pytest.mark.parametrize("text", [
    "not good", "isn't good", "wasn't very good", "never so good", "never this bad",
    "never really so good", "without doubt good", "without a doubt good", "so very good",
    "this is not really good", "NOT good at all", "Ain't NOTHING great", "nor happy",
    "hardly nice", "don't seem so bad", "cannot love", "it's not the bomb",
    "shouldn't've liked", "y'all mightn't enjoy it",
])
def test_negation_rules_match_stock_vader(text: str) -> None:
    """It should apply VADER's negation rules ("n't", "never so", "without doubt") exactly."""
    assert _differing([text]) == []
