"""Sentiment of a mention's text, by a method fit for its language, with the words that drove it.

- English and undetermined text: VADER, giving exactly VADER's own compound for the text read.
  Stock VADER's cost grows with the square of the text's length (two checks it runs around every
  sentiment word lower-case the whole text again), measured at 4,780 short posts/s but 371/s for
  1 KB. Those checks only read three words before the word and two after, so ``_Vader``
  applies VADER's rules with its lexicon to words split and lower-cased once per text: linear
  in its length, a few lookups per word (measured 125 -> 50 µs for a 30-word post). The
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

import functools
import math
import re
import string
import threading
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise

from vaderSentiment.vaderSentiment import BOOSTER_DICT, C_INCR, N_SCALAR, NEGATE, SPECIAL_CASES
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
SECOND_BOOSTER = 0.95  # VADER's dampening of a booster two words before the sentiment word
THIRD_BOOSTER = 0.9  # … and three words before it
# VADER's checks around a sentiment word read at most this many words before it (negations,
# "never so", idioms such as "kind of") and this many after it ("the bomb", "cut the mustard").
WORDS_BEFORE = 3
WORDS_AFTER = 2
# The opening word pairs of VADER's multi-word idioms and boosters ("the bomb", "kind of"):
# its idiom check compares consecutive words joined by spaces with those phrases (every one of
# two words or more), so it can change a valence only where such a pair is among the words it
# joins; a text without one is never changed by it.
IDIOM_PAIRS = frozenset(
    (parts[0], parts[1]) for parts in (phrase.split(" ") for phrase in (*SPECIAL_CASES,
                                                                        *BOOSTER_DICT))
    if len(parts) > 1
)
IDIOM_WORDS = frozenset(word for pair in IDIOM_PAIRS for word in pair)


# The words by which VADER's rules change a sentiment word's valence from up to three words
# before it: negations (and any word with "n't", see ``negated``), boosters, "no", "so" and
# "this" ("never so good"), "least". A sentiment word with none of them in the three words
# before it, not in capitals among other words, in a text without idiom words, keeps its
# lexicon valence: every rule would leave it as it is.
MODIFIERS = NEGATIONS | frozenset(BOOSTER_DICT) | {"no", "so", "this", "least"}


def negated(word: str) -> bool:
    """Whether the lower-cased ``word`` negates what follows it, as VADER's ``negated``."""
    return word in NEGATIONS or "n't" in word


def vader_words(text: str) -> list[str]:
    """``text``'s words as VADER splits them: at white space, each without its leading and
    trailing punctuation unless that leaves two characters or fewer (":)" stays ":)")."""
    words = []
    for token in text.split():
        stripped = token.strip(string.punctuation)
        words.append(stripped if len(stripped) > 2 else token)
    return words


@dataclass(frozen=True, slots=True)
class _Words:
    """One text's words as VADER reads them, lower-cased once."""

    written: list[str]
    lower: list[str]
    capitals: bool  # some but not all words are in capitals: VADER then boosts those
    idioms: bool  # two consecutive words open an idiom or a multi-word booster


class _Vader:
    """VADER's scoring of each word, with its lexicon and its rules, at a constant cost per word.

    Stock VADER lower-cases the whole text again for each check around a sentiment word (its
    cost grows with the square of the length), copies its list of negations to scan it, and
    formats every word sequence its idiom check compares. Here the words are split and
    lower-cased once per text, a negation is a set lookup, the idiom check runs only in a text
    holding an idiom's opening pair and where its words are near (on those few words, so
    constant time), a word outside the lexicon costs one lookup, and a sentiment word that no
    rule can touch (no ``MODIFIERS`` word before it, not in capitals) keeps its lexicon
    valence without the rules being run. The rules and their order are VADER's own: "no"
    before a word, capitals, boosters three words back (dampened with distance), negation,
    "never so", "without doubt", idioms, "least", and "but".
    tests/test_sentiment_identical.py holds every word's valence to
    stock VADER's over the corpora, the evaluation sets, the demo and the bench's posts.
    Measured on the bench's posts, CPU per mention with the service adjustment (the least of
    three alternated runs): 172 -> 106 µs for 30 words, 432 -> 263 µs for 1 KB entries; then
    with the rules skipped where none applies, 99 -> 71 µs and 291 -> 173 µs.
    Private API (VADER's ``_special_idioms_check``, ``_but_check`` and
    ``_punctuation_emphasis``; tests/test_private_apis.py).
    """

    def __init__(self) -> None:
        self.stock = Vader()
        self.lexicon: dict[str, float] = self.stock.lexicon
        self.emojis: dict[str, str] = {k: v for k, v in self.stock.emojis.items() if len(k) == 1}

    def valences_of(self, text: str) -> tuple[list[str], list[float]]:
        """The words of ``text`` as VADER splits them, lower-cased, and each one's valence."""
        if not self.emojis.keys().isdisjoint(text):
            text = self.described(text)
        written = vader_words(text)
        lower = [word.lower() for word in written]
        capitals = sum(1 for word in written if word.isupper())
        words = _Words(written, lower, 0 < capitals < len(written),
                       _holds_idiom_pair(lower))
        lexicon, last = self.lexicon, len(lower) - 1
        valences = []
        last_modifier = -WORDS_BEFORE - 1  # where the latest of MODIFIERS was
        for i, word in enumerate(lower):
            value = lexicon.get(word)
            if value is None or word in BOOSTER_DICT or (
                    word == "kind" and i < last and lower[i + 1] == "of"):
                valences.append(0.0)
            elif i - last_modifier > WORDS_BEFORE and word != "no" and not words.idioms and not (
                    words.capitals and written[i].isupper()):
                valences.append(value)  # no rule applies (see MODIFIERS)
            else:
                valences.append(self._valence(words, i, value))
            if word in MODIFIERS or "n't" in word:
                last_modifier = i
        if "but" in lower:
            valences = Vader._but_check(written, valences)
        return lower, valences

    def described(self, text: str) -> str:
        """``text`` with each emoji replaced by its description, spaced as VADER spaces it."""
        out, after_space = [], True
        for char in text:
            description = self.emojis.get(char)
            if description is None:
                out.append(char)
                after_space = char == " "
            else:
                out.append(description if after_space else f" {description}")
                after_space = False
        return "".join(out)

    def _valence(self, words: _Words, i: int, value: float) -> float:
        """VADER's valence of the lexicon word ``words.lower[i]`` (``value`` in the lexicon)."""
        lower = words.lower
        valence = value
        if lower[i] == "no" and i < len(lower) - 1 and lower[i + 1] in self.lexicon:
            valence = 0.0  # "no" negates the next word instead
        if (i > 0 and lower[i - 1] == "no") or (i > 1 and lower[i - 2] == "no") or (
                i > 2 and lower[i - 3] == "no" and lower[i - 1] in ("or", "nor")):
            valence = value * N_SCALAR
        if words.capitals and words.written[i].isupper():
            valence = valence + C_INCR if valence > 0 else valence - C_INCR
        for before in range(min(i, WORDS_BEFORE)):
            j = i - before - 1
            if lower[j] not in self.lexicon:
                valence = valence + _boost(words, j, valence, before)
                valence = _negation(valence, lower, before, i)
                if before == WORDS_BEFORE - 1 and words.idioms:
                    valence = _idioms(valence, words, i)
        if i > 0 and lower[i - 1] == "least" and (i == 1 or lower[i - 2] not in ("at", "very")):
            valence = valence * N_SCALAR  # "least" alone negates; "at least", "very least" not
        return valence


def _boost(words: _Words, j: int, valence: float, before: int) -> float:
    """What the booster ``words.lower[j]`` adds to ``valence`` from ``before`` + 1 words back."""
    scalar = BOOSTER_DICT.get(words.lower[j])
    if scalar is None:
        return 0.0
    if valence < 0:
        scalar = -scalar
    if words.capitals and words.written[j].isupper():
        scalar = scalar + C_INCR if valence > 0 else scalar - C_INCR
    if before == 1:
        scalar = scalar * SECOND_BOOSTER
    elif before == 2:
        scalar = scalar * THIRD_BOOSTER
    return scalar


def _negation(valence: float, lower: list[str], before: int, i: int) -> float:
    """VADER's negation check of the word ``before`` + 1 places before ``lower[i]``."""
    if before == 1:
        if lower[i - 2] == "never" and lower[i - 1] in INTENSIFYING:
            return valence * NEVER_SO
        if lower[i - 2] == "without" and lower[i - 1] == "doubt":
            return valence
    elif before == 2:
        never_so = lower[i - 3] == "never" and lower[i - 2] in INTENSIFYING
        if never_so or lower[i - 1] in INTENSIFYING:
            return valence * NEVER_SO
        if lower[i - 3] == "without" and "doubt" in (lower[i - 2], lower[i - 1]):
            return valence
    return valence * N_SCALAR if negated(lower[i - before - 1]) else valence


def _holds_idiom_pair(lower: list[str]) -> bool:
    """Whether two consecutive words of ``lower`` open one of VADER's idioms or boosters."""
    if IDIOM_WORDS.isdisjoint(lower):
        return False
    return not IDIOM_PAIRS.isdisjoint(pairwise(lower))


def _idioms(valence: float, words: _Words, i: int) -> float:
    """VADER's idiom check, on the words it reads around word ``i``, when one of them may be an
    idiom's (handed just those words, the index shifted to match, it answers as on all)."""
    start, end = i - WORDS_BEFORE, i + WORDS_AFTER + 1
    if IDIOM_WORDS.isdisjoint(words.lower[start:end]):
        return valence
    result: float = Vader._special_idioms_check(valence, words.written[start:end], WORDS_BEFORE)
    return result


@functools.lru_cache(maxsize=1)
def _vader() -> _Vader:
    """The process's VADER, made on first use (it holds no per-text state)."""
    return _Vader()


def _vader_raw(text: str, service: bool = False) -> tuple[float, list[tuple[str, float]]]:
    """VADER's raw valence sum of ``text`` with its punctuation emphasis, and each word's share
    (with ``service``, adjusted before the emphasis, which follows the adjusted sign)."""
    analyzer = _vader()
    words, valences = analyzer.valences_of(text)
    contributions = list(zip(words, valences, strict=True))
    raw = float(sum(valences))
    if service:
        raw, contributions = adjust(text, raw, contributions)
    emphasis = analyzer.stock._punctuation_emphasis(text)  # "!!" and "??" add intensity
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
