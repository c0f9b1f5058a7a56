"""Sentiment against human ratings: the VADER paper's tweets and the Danish LCC sentences.

The r floors are the issue's: VADER's accuracy kept (r >= 0.85; plain VADER gives about 0.87)
and Danish through the real routing (detect_language, then score) at r >= 0.5.
"""

from __future__ import annotations

import csv
import statistics
from collections import Counter
from pathlib import Path

import pytest

from core.analysis.language import detect_language
from core.analysis.sentiment import score
from core.analysis.text import sanitize

pytestmark = pytest.mark.corpus


def _tweets(corpora: Path) -> list[tuple[float, str]]:
    """(human mean, text) per tweet; the file is tab-separated id, mean, text with CRLF."""
    path = corpora / "vader-icwsm2014" / "tweets_GroundTruth.txt"
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    return [(float(row[1]), row[2]) for row in rows if len(row) >= 3]


def _danish(corpora: Path) -> list[tuple[float, str]]:
    """(valence, sentence) from both LCC files, without the one annotation artefact (9)."""
    rows: list[tuple[float, str]] = []
    for path in sorted((corpora / "danish-sentiment" / "lcc-sentiment").glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            for row in list(csv.reader(handle))[1:]:
                if row[1].strip() != "9":
                    rows.append((float(row[1]), row[2]))
    return rows


def test_vader_tweets_keep_vaders_accuracy(corpora: Path) -> None:
    """It should keep Pearson r >= 0.85 against the human means, as English and as routed."""
    tweets = _tweets(corpora)
    assert len(tweets) == 4200
    human = [mean for mean, _ in tweets]
    texts = [sanitize(text) for _, text in tweets]
    direct = statistics.correlation(human, [score(t, "en").compound for t in texts])
    routed = statistics.correlation(human, [score(t, detect_language(t)).compound for t in texts])
    print(f"VADER tweets: r {direct:.4f} as English, {routed:.4f} through detect_language")
    assert direct >= 0.85
    assert routed >= 0.85


def test_every_tweet_gets_plain_vaders_compound(corpora: Path) -> None:
    """It should give every tweet exactly the compound stock VADER gives it."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    stock = SentimentIntensityAnalyzer()
    texts = [sanitize(text) for _, text in _tweets(corpora)]
    ours = [score(t, "en").compound for t in texts]
    theirs = [stock.polarity_scores(t)["compound"] for t in texts]
    assert [t for t, a, b in zip(texts, ours, theirs, strict=True) if abs(a - b) > 1e-4] == []


def test_danish_sentences_reach_the_floor_through_routing(corpora: Path) -> None:
    """It should reach Pearson r >= 0.5 on the Danish sentences through the real routing."""
    rows = _danish(corpora)
    assert len(rows) == 498
    languages = [detect_language(text) for _, text in rows]
    scores = [score(text, lang) for (_, text), lang in zip(rows, languages, strict=True)]
    r = statistics.correlation([v for v, _ in rows], [s.compound for s in scores])
    methods = Counter(s.method for s in scores)
    print(f"Danish LCC: r {r:.4f}; languages {dict(Counter(languages))}; methods {dict(methods)}")
    assert r >= 0.5
    assert methods["afinn-da"] / len(rows) >= 0.9


def test_danish_lexicon_beats_english_vader_on_danish(corpora: Path) -> None:
    """It should score Danish far better with the Danish lexicon than English VADER does."""
    rows = _danish(corpora)
    human = [v for v, _ in rows]
    lexicon = statistics.correlation(human, [score(t, "da").compound for _, t in rows])
    vader = statistics.correlation(human, [score(t, "en").compound for _, t in rows])
    print(f"Danish LCC: r {lexicon:.4f} with AFINN-da, {vader:.4f} with English VADER")
    assert lexicon >= vader + 0.2
