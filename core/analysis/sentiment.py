"""Sentiment of a mention's text, by a method fit for its language, with the words that drove it.

- English and undetermined text: VADER, giving exactly VADER's own compound for the text read.
  Stock VADER's cost grows with the square of the text's length (two checks it runs around every
  sentiment word lower-case the whole text again), measured at 4,780 short posts/s but 371/s for
  1 KB. Those checks only read three words before the word and two after, so ``_FastVader``
  hands them that window (same answer, constant work) and drives VADER's own per-word steps
  without its character-by-character emoji pass when the text holds no emoji: one call per text,
  linear in its length (measured 125 -> 75 µs for a 30-word post, 600 -> 200 µs for 1 KB). The
  text is still bounded to its opening ``MAX_CHARS`` characters: the title and the opening carry
  a post's gist, and past a dozen sentiment words the compound is saturated anyway.
- Danish (and Norwegian, whose written Bokmål shares most of its sentiment words with Danish):
  the AFINN-da lexicon that the ``afinn`` package ships, multi-word phrases first, with
  negation ("ikke", "aldrig", "ingen", … flip the next sentiment word), normalised to [-1, 1]
  the way VADER normalises (x / sqrt(x² + 15)).
- Any other language: method ``"none"``, compound 0 — English VADER on, say, German text is
  noise, and noise in a triage queue is worse than an honest "not scored".

Labels use VADER's thresholds for every method: positive > 0.05, negative < -0.05.

Mentions are scored with ``service=True`` (see ``core.analysis.service``): VADER's and AFINN's
general lexicons misread customer-service language — "#help", "please help" and "fine" read
as warm, "no" in "no tools needed" as negative, "still waiting for my refund" as nothing — so
those words are neutralised and service-failure phrases add their own negative valence. Plain
``score`` stays exactly VADER (the corpus floors below are measured on it).

Measured on the corpora (tests/test_sentiment_corpus.py holds the floors): VADER tweets, Pearson
r 0.872 against the human means through ``score`` (plain VADER's own scores), 0.871 through
detect_language + score; Danish LCC sentences r 0.542 through detect_language + score (0.546
when all are scored as Danish; English VADER on them: 0.165).
"""

from __future__ import annotations

import math
import re
import threading
from dataclasses import dataclass
from importlib import resources

from vaderSentiment.vaderSentiment import BOOSTER_DICT, N_SCALAR, NEGATE, SentiText
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as Vader

from core.analysis.service import adjust
from core.model import Label, Sentiment

VADER = "vader"
DANISH = "afinn-da"
NONE = "none"
VADER_LANGUAGES = frozenset({"en", "und"})
DANISH_LANGUAGES = frozenset({"da", "no", "nn"})

# 1,200 characters is a title plus the first paragraph or two of a blog post, about 200 words;
# VADER reads that in about 0.4 ms, and the compound of more text barely moves (saturation).
MAX_CHARS = 1200
ALPHA = 15  # VADER's normalisation constant: a sum of ±15 maps to about ±0.97
MAX_DRIVERS = 5
POSITIVE_ABOVE = 0.05
NEGATIVE_BELOW = -0.05


def score(text: str, language: str, *, service: bool = False) -> Sentiment:
    """The sentiment of ``text`` written in ``language`` (ISO 639-1 or ``"und"``); with
    ``service``, read as a message to a brand (customer-service language adjusted)."""
    bounded = bound_text(text)
    if not bounded:
        return Sentiment()
    if language in VADER_LANGUAGES:
        raw, contributions = _vader_raw(bounded, service)
        method = VADER
    elif language in DANISH_LANGUAGES:
        raw, contributions = _danish_raw(bounded)
        if service:
            raw, contributions = adjust(bounded, raw, contributions)
        method = DANISH
    else:
        return Sentiment()
    compound = normalize(raw)
    return Sentiment(round(compound, 4), label_for(compound), method, drivers(contributions, raw))


def bound_text(text: str) -> str:
    """``text`` stripped and cut to ``MAX_CHARS`` at a word boundary."""
    text = text.strip()
    if len(text) <= MAX_CHARS:
        return text
    cut = text.rfind(" ", 0, MAX_CHARS + 1)
    return text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS].rstrip()


def normalize(raw: float) -> float:
    """A raw valence sum mapped into [-1, 1] as VADER does."""
    return raw / math.sqrt(raw * raw + ALPHA) if raw else 0.0


def label_for(compound: float) -> Label:
    """VADER's label thresholds."""
    if compound > POSITIVE_ABOVE:
        return Label.POSITIVE
    if compound < NEGATIVE_BELOW:
        return Label.NEGATIVE
    return Label.NEUTRAL


def drivers(contributions: list[tuple[str, float]], raw: float) -> tuple[str, ...]:
    """The words that moved the score most: those agreeing with its sign first, then by size."""
    totals: dict[str, float] = {}
    for word, value in contributions:
        if value:
            totals[word] = totals.get(word, 0.0) + value
    sign = 1.0 if raw >= 0 else -1.0
    ranked = sorted(totals.items(), key=lambda item: (item[1] * sign <= 0, -abs(item[1])))
    return tuple(word for word, _ in ranked[:MAX_DRIVERS])


# --- VADER ---------------------------------------------------------------------------------


# VADER's negations, as a set: stock VADER copies its list and scans it for every word it asks
# about. A word is also a negation when it holds "n't" (VADER's include_nt).
NEGATIONS = frozenset(NEGATE)
INTENSIFYING = frozenset({"so", "this"})  # "never so good", "never this good"
NEVER_SO = 1.25  # VADER's boost for "never so …"


def negated(word: str) -> bool:
    """Whether the lower-cased ``word`` negates what follows it, as VADER's ``negated``."""
    return word in NEGATIONS or "n't" in word


# VADER's checks around a sentiment word read at most this many words before it (negations,
# "never so", idioms such as "kind of") and this many after it ("the bomb", "cut the mustard").
WORDS_BEFORE = 3
WORDS_AFTER = 2


class _FastVader(Vader):
    """VADER's own scoring steps, at a constant cost per word.

    Stock VADER's ``_negation_check`` lower-cases the whole text each time it looks at the few
    words before a sentiment word, then asks whether one of them is a negation by copying
    VADER's list of negations and scanning it. Here the words are lower-cased once per text
    (``_lowered``, kept while the same word list is being scored) and a negation is a set
    lookup (``negated``); the rules around them ("never so", "without doubt", the dampening
    factor) are VADER's, applied to the same words. ``_special_idioms_check``, handed just the
    words around the sentiment word (the index shifted to match), answers as stock VADER does
    in constant time. ``valences`` is VADER's per-word loop from ``polarity_scores`` minus the
    work whose answer is known: the character by character emoji pass when no character is an
    emoji, and the valence lookup of a word that is not in the lexicon (VADER gives it 0).
    ``_but_check``, VADER's last step, records the words and their final valences, so the emoji
    path (plain ``polarity_scores``) yields them too. Measured over 24,804 texts (the VADER and
    Danish corpora, the demo, the bench's posts): 97 -> 63 µs of CPU per text (medians of three
    alternated runs), identical scores.
    Private API (VADER's underscored helpers and SentiText; tests/test_private_apis.py).
    """

    def __init__(self) -> None:
        super().__init__()
        self.emoji_chars = frozenset(key for key in self.emojis if len(key) == 1)
        self.words: list[str] = []
        self.valences: list[float] = []
        self._lowered_of: list[str] | None = None
        self._lowered: list[str] = []

    def lowered(self, words: list[str]) -> list[str]:
        """``words`` lower-cased, computed once per word list VADER scores."""
        if words is not self._lowered_of:
            self._lowered_of, self._lowered = words, [word.lower() for word in words]
        return self._lowered

    def _negation_check(
        self, valence: float, words: list[str], start_i: int, i: int
    ) -> float:
        low = self.lowered(words)
        before = low[i - start_i - 1]  # the word start_i + 1 places before the sentiment word
        if start_i == 1:
            if low[i - 2] == "never" and low[i - 1] in INTENSIFYING:
                return valence * NEVER_SO
            if low[i - 2] == "without" and low[i - 1] == "doubt":
                return valence
        elif start_i == 2:
            if (low[i - 3] == "never" and low[i - 2] in INTENSIFYING) or low[i - 1] in INTENSIFYING:
                return valence * NEVER_SO
            if low[i - 3] == "without" and "doubt" in (low[i - 2], low[i - 1]):
                return valence
        return valence * N_SCALAR if negated(before) else valence

    def _special_idioms_check(
        self, valence: float, words: list[str], i: int
    ) -> float:
        if i < WORDS_BEFORE:  # VADER never asks this early (it would read wrapped indices)
            early: float = Vader._special_idioms_check(valence, words, i)
            return early
        window = self.lowered(words)[i - WORDS_BEFORE : i + WORDS_AFTER + 1]
        result: float = Vader._special_idioms_check(valence, window, WORDS_BEFORE)
        return result

    def _but_check(self, words: list[str], sentiments: list[float]) -> list[float]:
        valences: list[float] = Vader._but_check(words, sentiments)
        self.words, self.valences = words, valences
        return valences

    def valences_of(self, text: str) -> tuple[list[str], list[float]]:
        """The words of ``text`` as VADER splits them, and each one's final valence."""
        if not self.emoji_chars.isdisjoint(text):
            self.polarity_scores(text)  # VADER's own emoji pass; _but_check records the result
            return self.words, self.valences
        sentitext = SentiText(text.strip())
        words: list[str] = sentitext.words_and_emoticons
        sentiments: list[float] = []
        for i, word in enumerate(words):
            if self._neutral(word.lower(), words, i):
                sentiments.append(0.0)
            else:
                self.sentiment_valence(0.0, sentitext, word, i, sentiments)
        return words, self._but_check(words, sentiments)

    def _neutral(self, lower: str, words: list[str], i: int) -> bool:
        """True when VADER gives the word 0 without looking further: not in the lexicon, a
        booster ("very"), or "kind" of "kind of"."""
        if lower not in self.lexicon or lower in BOOSTER_DICT:
            return True
        return lower == "kind" and i < len(words) - 1 and words[i + 1].lower() == "of"


_local = threading.local()


def _vader() -> _FastVader:
    """One analyzer per thread (it records its last text), created on first use."""
    analyzer: _FastVader | None = getattr(_local, "vader", None)
    if analyzer is None:
        analyzer = _local.vader = _FastVader()
    return analyzer


def _vader_raw(text: str, service: bool = False) -> tuple[float, list[tuple[str, float]]]:
    """VADER's raw valence sum of ``text`` with its punctuation emphasis, and each word's share
    (with ``service``, adjusted before the emphasis, which follows the adjusted sign)."""
    analyzer = _vader()
    words, valences = analyzer.valences_of(text)
    contributions = list(zip((word.lower() for word in words), valences, strict=True))
    raw = float(sum(valences))
    if service:
        raw, contributions = adjust(text, raw, contributions)
    emphasis = analyzer._punctuation_emphasis(text)  # "!!" and "??" add intensity, as in VADER
    return (raw + emphasis if raw > 0 else raw - emphasis if raw < 0 else 0.0), contributions


# --- Danish --------------------------------------------------------------------------------

# Words that flip the sentiment word that follows them ("ikke god", "aldrig glad", "ingen fejl").
DANISH_NEGATIONS = frozenset({"ikke", "aldrig", "ingen", "intet", "ingenting", "hverken", "ej"})
NEGATION_REACH = 3  # "ikke særlig god": a negation reaches past a word or two, not further
NEGATION_SCALE = -0.74  # VADER's factor: "not good" is less bad than "bad" is bad
DANISH_TOKEN = re.compile(r"\w+(?:[-']\w+)*")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """AFINN-da: single words, and phrases indexed by their first word (longest first)."""

    words: dict[str, int]
    phrases: dict[str, tuple[tuple[tuple[str, ...], int], ...]]


_lexicon_lock = threading.Lock()
_danish: _Lexicon | None = None


def _danish_lexicon() -> _Lexicon:
    """AFINN-da as shipped by the ``afinn`` package, read once per process."""
    global _danish
    if _danish is None:
        with _lexicon_lock:
            if _danish is None:
                _danish = _read_lexicon(
                    resources.files("afinn").joinpath("data", "AFINN-da-32.txt").read_text("utf-8")
                )
    return _danish


def _read_lexicon(data: str) -> _Lexicon:
    """Parse AFINN's ``term<TAB>score`` lines into words and phrases."""
    words: dict[str, int] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], int]]] = {}
    for line in data.splitlines():
        term, _, value = line.rpartition("\t")
        tokens = tuple(DANISH_TOKEN.findall(term.lower()))
        if len(tokens) == 1:
            words[tokens[0]] = int(value)
        elif tokens:
            phrases.setdefault(tokens[0], []).append((tokens, int(value)))
    ordered = {k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in phrases.items()}
    return _Lexicon(words, ordered)


def _danish_raw(text: str) -> tuple[float, list[tuple[str, float]]]:
    """The AFINN-da valence sum of ``text`` with negation, and each term's share."""
    lexicon = _danish_lexicon()
    tokens = DANISH_TOKEN.findall(text.lower())
    contributions: list[tuple[str, float]] = []
    negation_left = 0
    i = 0
    while i < len(tokens):
        term, value, width = _danish_term(lexicon, tokens, i)
        if value and negation_left:
            value, negation_left = value * NEGATION_SCALE, 0
        elif tokens[i] in DANISH_NEGATIONS:
            negation_left = NEGATION_REACH + 1
        if value:
            contributions.append((term, value))
        negation_left = max(negation_left - 1, 0)
        i += width
    return sum(value for _, value in contributions), contributions


def _danish_term(lexicon: _Lexicon, tokens: list[str], i: int) -> tuple[str, float, int]:
    """The lexicon term starting at ``tokens[i]``: its text, valence and width in tokens."""
    for phrase, value in lexicon.phrases.get(tokens[i], ()):
        if tuple(tokens[i : i + len(phrase)]) == phrase:
            return " ".join(phrase), float(value), len(phrase)
    return tokens[i], float(lexicon.words.get(tokens[i], 0)), 1
