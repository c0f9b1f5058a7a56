"""Phrase sets: anchors, needles, whole-word matches, and an index and needle filter that never
skip a phrase that matches (checked on every cue and service phrase over the evaluation set, the
corpora's texts, the demo and the bench's posts, against every phrase tried on every text; and
needles on sample matches of every phrase, from re's own parse of its pattern)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from core.analysis.cues import CUES
from core.analysis.phrases import Phrase, PhraseSet, anchors, needles, phrases, starts_word
from core.analysis.service import SERVICE_PHRASES
from eval.score import load
from tests.enrich_texts import corpus_texts, own_texts


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


def test_needles() -> None:
    """It should give the most telling literal run each match contains, or none."""
    assert needles(r"\w+ agency") == (" agency",)
    assert needles(r"(?:third|\d+th) (?:time|delay)") == (" time", " delay")
    assert needles(r"(?:is |went )?down") == ("down",)
    assert needles(r"refunds?") == ("refund",)
    assert needles(r"i'?m done with") == ("m done with",)
    assert needles(r"(?:fixed|solved) (?:my|it|out|me|a|the)") == ("fixed ", "solved ")
    assert needles(r"[\w ]{1,30}x") == ()  # one character tells nothing
    assert needles(r"(?:a|b|c|d|e|f|g|h|i)bc") == ("bc",)  # nine alternatives cost a search
    assert needles(r"\d+(?:x|y)") == ()


def _found_by_every_phrase(phrase_set: PhraseSet, text: str) -> list[tuple[Phrase, str]]:
    """What ``find`` promises, by trying every phrase of the set on ``text``."""
    every: list[tuple[Phrase, str]] = []
    for phrase in phrase_set.members:
        matches = (found.group(0) for found in phrase.pattern.finditer(text)
                   if starts_word(text, found.start()))
        every += [(phrase, matched) for matched in dict.fromkeys(matches)]
    return every


@pytest.mark.corpus
@pytest.mark.parametrize("phrase_set", [CUES, SERVICE_PHRASES], ids=["cues", "service"])
def test_find_gives_what_every_phrase_tried_gives(phrase_set: PhraseSet, corpora: Path) -> None:
    """It should find, in the corpora's texts, the evaluation sets, the demo and the bench's
    posts, exactly the phrases and texts that trying every phrase finds, and every match of
    every phrase should hold one of its needles."""
    texts = [text[:600].lower() for text in own_texts() + corpus_texts(corpora)]
    for text in texts:
        assert list(phrase_set.find(text)) == _found_by_every_phrase(phrase_set, text), text
        for phrase in phrase_set.members:
            if phrase.needles and phrase.pattern.search(text):
                assert any(needle in text for needle in phrase.needles), (phrase, text)


# Sample matches of a phrase pattern, from re's own parse of it: every alternative, each
# optional part absent and present, each repeat at its least and once more, a class by one of
# its characters. Needles are checked on them, so phrases no text of the corpora matches are
# checked too.
SAMPLES = 400  # per pattern: enough for every alternative of the cues' longest alternation
_CATEGORY = {"CATEGORY_WORD": "x", "CATEGORY_DIGIT": "7", "CATEGORY_SPACE": " "}


def _samples(parsed: Any) -> list[str]:
    texts = [""]
    for op, arg in parsed:
        texts = [a + b for a in texts for b in _samples_of(str(op), arg)][:SAMPLES]
    return texts


def _samples_of(op: str, arg: Any) -> list[str]:
    if op == "LITERAL":
        return [chr(arg)]
    if op == "IN":
        return [_member(arg)]
    if op == "ANY":
        return ["x"]
    if op == "SUBPATTERN":
        return _samples(arg[-1])
    if op == "BRANCH":
        return [text for branch in arg[1] for text in _samples(branch)]
    if op in ("MAX_REPEAT", "MIN_REPEAT"):
        least, most, inner = arg
        once = _samples(inner)
        counts = [n for n in (least, least + 1) if n <= most]
        return [(once[0] * (n - 1) + text) if n else "" for n in counts for text in once]
    return [""]  # anchors and look-arounds match no text


def _member(items: Any) -> str:
    for op, arg in items:
        if str(op) == "LITERAL":
            return chr(arg)
        if str(op) == "RANGE":
            return chr(arg[0])
        if str(op) == "CATEGORY":
            return _CATEGORY.get(str(arg), "x")
    return "x"


@pytest.mark.parametrize("phrase_set", [CUES, SERVICE_PHRASES], ids=["cues", "service"])
def test_every_sample_match_of_a_phrase_holds_a_needle(phrase_set: PhraseSet) -> None:
    """It should give each phrase needles that every match holds, checked on sample matches of
    every alternative (from re's own parse of the pattern), so phrases no corpus text matches
    are checked too."""
    from re import _parser  # type: ignore[attr-defined]  # re's parser: an independent reading

    for phrase in phrase_set.members:
        samples = [text for text in _samples(_parser.parse(phrase.pattern.pattern))
                   if phrase.pattern.fullmatch(text)]
        assert samples, phrase.pattern.pattern
        if phrase.needles:
            assert all(any(n in text for n in phrase.needles) for text in samples), phrase
