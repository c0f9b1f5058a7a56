"""Phrase sets: anchors, whole-word matches, and an index that never skips a phrase that
matches (checked on every cue and service phrase over the evaluation set)."""

from __future__ import annotations

import pytest

from core.analysis.cues import CUES
from core.analysis.phrases import PhraseSet, anchors, phrases, starts_word
from core.analysis.service import SERVICE_PHRASES
from eval.score import load


def test_anchors() -> None:
    """It should give each alternative's literal opening, or none when one has no literal."""
    assert anchors("still (?:waiting|no)|refunds?") == ("still ", "refund")
    assert anchors("(?:no|zero) reply|(?:pro )?tip") == ("no ", "zero ", "tip")
    assert anchors("#help|/s") == ("#help", "/s")
    assert anchors(r"\d+ days|refund") == ()


def test_whole_words_only() -> None:
    """It should find a phrase only where it starts and ends a word, hashtags included."""
    found = PhraseSet(phrases("x", ("refund|#help",), 1.0))
    assert [text for _, text in found.find("nonrefundable refunds")] == []
    assert [text for _, text in found.find("a refund, #refund and #help")] == [
        "refund", "#help"]
    assert starts_word("a #b", 2) and not starts_word("ab", 1)


@pytest.mark.parametrize("phrase_set", [CUES, SERVICE_PHRASES], ids=["cues", "service"])
def test_the_index_never_skips_a_phrase_that_matches(phrase_set: PhraseSet) -> None:
    """It should leave out of a text's candidates only phrases that cannot match it."""
    texts = [p.text.lower() for p in load("tuning") + load("heldout")]
    texts += ["a #refund please", "ok /s", "still waiting #help", "ingen svar, #hjælp"]
    for text in texts:
        chosen = phrase_set.candidates(text)
        for phrase in phrase_set.members:
            if any(starts_word(text, f.start()) for f in phrase.pattern.finditer(text)):
                assert phrase in chosen, (phrase.pattern.pattern, text)
    assert sum(len(phrase_set.candidates(t)) for t in texts) < len(texts) * len(
        phrase_set.members) / 4
