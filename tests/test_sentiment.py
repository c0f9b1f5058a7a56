"""Sentiment: VADER for English, AFINN-da for Danish, bounded text, drivers."""

from __future__ import annotations

import time

import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from core.analysis.sentiment import MAX_CHARS, bound_text, label_for, score
from core.model import Label


def test_english_positive_and_negative() -> None:
    """It should score English with VADER and label by its thresholds."""
    good = score("I love the new Acme app, it is great!", "en")
    bad = score("The Acme app is terrible and support is awful.", "en")
    assert (good.method, good.label) == ("vader", Label.POSITIVE)
    assert (bad.method, bad.label) == ("vader", Label.NEGATIVE)
    assert -1.0 <= bad.compound < -0.05 < 0.05 < good.compound <= 1.0


def test_undetermined_language_is_scored_as_english() -> None:
    """It should use VADER when the language is undetermined."""
    assert score("love it", "und").method == "vader"
    assert score("love it", "und").label is Label.POSITIVE


def test_short_text_gets_vaders_own_compound() -> None:
    """It should give a tweet exactly the compound plain VADER gives it."""
    text = "Not bad at all, but the battery life is kind of disappointing!! :("
    expected = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert score(text, "en").compound == pytest.approx(expected, abs=1e-4)


def test_emoji_count() -> None:
    """It should read emoji the way VADER does."""
    assert score("new phone 😍", "en").label is Label.POSITIVE


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Det er en rigtig god app, jeg er glad for den.", Label.POSITIVE),
        ("Appen er elendig og jeg er skuffet.", Label.NEGATIVE),
        ("Appen er ikke god.", Label.NEGATIVE),  # negation flips
        ("Jeg var aldrig glad for den.", Label.NEGATIVE),
        ("Der er ingen problemer med den.", Label.POSITIVE),
        ("Login fungerer ikke.", Label.NEGATIVE),  # a multi-word phrase of the lexicon
        ("Vi mødes på tirsdag klokken ti.", Label.NEUTRAL),
    ],
)
def test_danish_lexicon(text: str, label: Label) -> None:
    """It should score Danish with AFINN-da, phrases first, negations flipping."""
    result = score(text, "da")
    assert result.method == "afinn-da"
    assert result.label is label


def test_negation_reaches_only_a_few_words() -> None:
    """It should flip a sentiment word right after a negation, not one far away."""
    near = score("ikke særlig god", "da").compound
    far = score("ikke noget af det her var det der var god", "da").compound
    assert near < 0 < far


def test_norwegian_uses_the_danish_lexicon() -> None:
    """It should score Norwegian with the Danish lexicon, whose words it shares."""
    assert score("Appen er elendig", "no").method == "afinn-da"


def test_other_languages_are_not_scored() -> None:
    """It should give other languages method 'none' and a neutral zero."""
    result = score("Das ist wirklich schlecht", "de")
    assert (result.method, result.compound, result.label) == ("none", 0.0, Label.NEUTRAL)


def test_empty_text_is_not_scored() -> None:
    """It should give empty text method 'none'."""
    assert score("   ", "en").method == "none"


def test_drivers_name_the_words_that_moved_the_score() -> None:
    """It should name the strongest words, those agreeing with the verdict first."""
    result = score("I love the design but the app is horrible and crashes, awful.", "en")
    assert result.label is Label.NEGATIVE
    assert result.drivers[:2] == ("horrible", "awful")
    assert "love" in result.drivers
    assert (
        len(
            score(
                " ".join(["good"] * 3 + ["nice", "great", "happy", "lovely", "sad"]), "en"
            ).drivers
        )
        == 5
    )


def test_danish_drivers() -> None:
    """It should name the Danish terms that moved the score, phrases whole."""
    assert set(score("Login fungerer ikke, elendig!", "da").drivers) == {"elendig", "fungerer ikke"}


@pytest.mark.parametrize(
    ("compound", "label"),
    [
        (0.06, Label.POSITIVE),
        (0.05, Label.NEUTRAL),
        (-0.05, Label.NEUTRAL),
        (-0.051, Label.NEGATIVE),
    ],
)
def test_label_thresholds(compound: float, label: Label) -> None:
    """It should label with VADER's thresholds (> 0.05, < -0.05)."""
    assert label_for(compound) is label


def test_bound_text_cuts_at_a_word() -> None:
    """It should cut long text to the bound at a word boundary."""
    text = "word " * 1000
    bounded = bound_text(text)
    assert len(bounded) <= MAX_CHARS
    assert bounded.endswith("word")


def test_long_text_gets_vaders_own_compound_of_its_opening() -> None:
    """It should give a long text exactly the compound plain VADER gives its bounded opening."""
    sentence = "Not bad, but the battery is kind of awful and support never so helpful!! "
    text = "I love it. " + sentence * 40 + "At least it works. No good, no. The bomb!"
    expected = SentimentIntensityAnalyzer().polarity_scores(bound_text(text))["compound"]
    assert score(text, "en").compound == pytest.approx(expected, abs=1e-4)


def test_emoji_text_gets_vaders_own_compound() -> None:
    """It should read emoji as VADER does, giving its own compound and naming the emoji's words."""
    text = "Battery died again 😡 but the camera 😍 is great"
    expected = SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    result = score(text, "en")
    assert result.compound == pytest.approx(expected, abs=1e-4)
    assert "great" in result.drivers


def test_long_text_costs_bounded_time() -> None:
    """It should score a 200 KB text in a few milliseconds, not VADER's quadratic seconds."""
    text = "The service was good but the app crashed and I am not happy at all. " * 3000
    started = time.perf_counter()
    result = score(text, "en")
    elapsed = time.perf_counter() - started
    assert result.method == "vader"
    assert elapsed < 0.05  # measured about 0.5 ms; unbounded VADER takes tens of seconds
