"""The constant-cost VADER (words split and lower-cased once per text, negation as a set lookup,
the idiom check only near an idiom's words) scores every text exactly as stock VADER does: every
word's final valence over the corpora's texts, the evaluation sets, the demo and the bench's
posts; the compound of the Danish sentences and the demo's posts read as English (the tweets
are checked in test_sentiment_corpus.py); and the negation rules one by one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from core.analysis.sentiment import _vader, bound_text, score
from core.demo.content import build_demo_feeds
from tests.enrich_texts import corpus_texts, own_texts

STOCK = SentimentIntensityAnalyzer()


class _Recording(SentimentIntensityAnalyzer):
    """Stock VADER keeping the words of the last text it scored and their final valences."""

    seen: tuple[list[str], list[float]] = ([], [])

    def _but_check(self, words: list[str], sentiments: list[float]) -> list[float]:
        valences: list[float] = SentimentIntensityAnalyzer._but_check(words, sentiments)
        self.seen = ([word.lower() for word in words], list(valences))
        return valences


def _stock_valences(recording: _Recording, text: str) -> tuple[list[str], list[float]]:
    recording.seen = ([], [])
    recording.polarity_scores(text)
    return recording.seen


@pytest.mark.corpus
def test_every_word_gets_stock_vaders_valence(corpora: Path) -> None:
    """It should give every word of every text (the corpora's, the evaluation sets', the demo's,
    the bench's posts and entries) exactly the valence stock VADER gives it."""
    recording, ours = _Recording(), _vader()
    texts = own_texts() + corpus_texts(corpora)
    assert len(texts) > 9_000
    differing = [t for t in texts if ours.valences_of(t) != _stock_valences(recording, t)]
    assert differing == []


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
    "shouldn't've liked", "y'all mightn't enjoy it", "the product is the bomb",
    "it is kind of good", "sort of nice but the BUS STOP is awful", "at least good",
    "least good", "very least good",
    "no good", "no no good", "no or nor good", "I am GREAT and so very happy", "😀 fun 😡 bad",
])
def test_rules_match_stock_vader(text: str) -> None:
    """It should apply VADER's rules (negation, "never so", "without doubt", "no", boosters,
    capitals, idioms, "least", "but", emoji) exactly, word by word."""
    assert _differing([text]) == []
    assert _vader().valences_of(text) == _stock_valences(_Recording(), text)
