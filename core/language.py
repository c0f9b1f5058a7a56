"""Language detection for mentions, so each one is scored by a sentiment method fit for it.

py3langid's model covers about 100 languages; a brand listening in Europe hears a dozen. Limiting
the classifier to those (``LANGUAGES``) makes short posts far less likely to land on an exotic
look-alike, and handles, hashtags and links (which say nothing about the language but push
short posts towards French or Dutch) are removed before classifying. When the text is too short
or the model is unsure the answer is ``"und"`` (undetermined), which sentiment scores as English.

Measured on the third-party corpora (tests/test_language.py checks the floors): 98.6 % of the
Danish LCC sentences come out as ``da`` (the rest ``und``), and 90.8 % of the VADER tweets as
``en`` (9 % ``und``, which is scored as English too; 0.15 % as another language, and those are
real Spanish, Dutch or Danish tweets).

The model takes about half a second to load, so it is loaded on first use, once per process.
"""

from __future__ import annotations

import re
import threading
from typing import Protocol

# The languages a European brand hears; "no"/"nn" are in so Norwegian is not forced onto Danish.
LANGUAGES = ("en", "da", "sv", "no", "de", "nl", "fr", "es", "it", "pt", "fi", "pl")
UNDETERMINED = "und"

# Classify at most this many characters (about 40 words): enough to tell a European language
# apart with near-certain confidence, and the classifier's cost grows with the length (measured:
# 85 µs for 400 characters, 50 µs for 240).
MAX_CHARS = 240
MIN_LETTERS = 4  # fewer letters than this ("ok", "+1", an emoji) carry no language
# MIN_LETTERS letters with anything but letters between them; search stops at the first hit.
ENOUGH_LETTERS = re.compile(rf"[^\W\d_](?:[\W\d_]*[^\W\d_]){{{MIN_LETTERS - 1}}}")
SHORT_TEXT = 40  # below this many characters a guess is shaky, so it needs more confidence
MIN_CONFIDENCE_SHORT = 0.7  # measured on VADER tweets: 0.5 misroutes 11 English ones, 0.7 none
MIN_CONFIDENCE = 0.5  # a longer text whose best language still has less is mixed or unknown

# Handles, hashtags, links and e-mail addresses say nothing about the language of a post.
NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[@#][\w.@-]+")


# Danish and Norwegian Bokmål share most of their written words, and a short post often holds
# only shared ones; the model then splits its confidence between them. listenpost is Danish
# first, so such a post is Danish, and Norwegian needs this share of the pair's confidence.
# Measured: Danish LCC sentences 94 % -> 98.6 % "da"; Norwegian sentences with Norwegian
# spellings ("veldig", "hva", "nå") keep 83-92 % and stay "no".
NORWEGIAN_SHARE = 0.75


class _Classifier(Protocol):
    def classify(self, text: str) -> tuple[str, float]: ...

    def rank(self, text: str) -> list[tuple[str, float]]: ...


_lock = threading.Lock()
_identifier: _Classifier | None = None


def _classifier() -> _Classifier:
    """py3langid restricted to ``LANGUAGES``, loaded once per process on first use."""
    global _identifier
    if _identifier is not None:
        return _identifier
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
            identifier.set_languages(list(LANGUAGES))
            _identifier = identifier
        return _identifier


def language_text(text: str) -> str:
    """The part of ``text`` that carries its language: no handles, tags or links, bounded."""
    return " ".join(NOISE.sub(" ", text[: MAX_CHARS * 2]).split())[:MAX_CHARS]


def detect_language(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language, or ``"und"`` when too short or unsure."""
    cleaned = language_text(text)
    if ENOUGH_LETTERS.search(cleaned) is None:
        return UNDETERMINED
    classifier = _classifier()
    language, confidence = classifier.classify(cleaned)
    needed = MIN_CONFIDENCE_SHORT if len(cleaned) < SHORT_TEXT else MIN_CONFIDENCE
    if language in ("da", "no"):
        return _danish_or_norwegian(classifier, cleaned, needed)
    return language if confidence >= needed else UNDETERMINED


def _danish_or_norwegian(classifier: _Classifier, text: str, needed: float) -> str:
    """Danish unless clearly Norwegian, when the two together hold the needed confidence."""
    top = dict(classifier.rank(text)[:2])
    danish, norwegian = top.get("da", 0.0), top.get("no", 0.0)
    if danish + norwegian < needed:
        return UNDETERMINED
    return "no" if norwegian >= NORWEGIAN_SHARE * (danish + norwegian) else "da"
