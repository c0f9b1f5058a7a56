"""Finding many hand-written phrase patterns in a text quickly, each able to say what it found.

The classifier's cues and the sentiment's service phrases are a few hundred regular
expressions, each an alternation of phrases ("still waiting|no reply|…"). Trying them all on
every mention was the slowest step of ingest (about 100 µs a post; re tries a whole
alternation at every position). So each alternative becomes its own ``Phrase``, compiled so
that re can use its fast literal search, and keyed by the opening of its first word: a
``PhraseSet`` tries only the phrases whose key opens some word of the text (a dozen or two of
300 on a typical post, each word's phrases looked up once per process and remembered).
Before its regular expression runs, a phrase must find one of its ``needles`` in the text:
literal text that every match contains (`` agency`` of ``\\w+ agency``). A substring test is
a tenth of a search, and the phrases that open with a wildcard or a digit class, which the
index must always try and whose searches backtrack at every word, were 90 of the 180 µs the
cues cost a 30-word post (measured: 180 -> 40 µs, the same phrases found).

Patterns are matched on lower-cased text; a match must start and end a word (a ``#hashtag``
or ``/s`` starts one too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

PREFIX = 3  # a word's opening three characters narrow 300 phrases down to a dozen or two
# Words whose phrases a set remembers; past this many distinct words it starts afresh (a
# process meets a few thousand distinct words a poll; the memory stays under a few MB).
WORD_MEMORY = 50_000
# Needles a phrase may have: testing more than this many substrings costs about as much as the
# search they would spare (measured on the bench's posts).
MAX_NEEDLES = 8
# A set of fewer phrases than this skips the index: testing every phrase's needles costs less
# than finding the text's words and their phrases (the service phrases, 24 with 44 needles, on
# the bench's posts: 20 -> 14 µs).
INDEX_FROM = 64
_WORD = re.compile(r"[#/]?\w+")  # "#refund" is the word "refund" and the hashtag "#refund"
_LITERAL = re.compile(r"[\w '’:,/#-]+")
_GROUP = re.compile(r"\(\?:([\w '’|]+)\)(?![?*{])")  # a required group of plain words
_OPTIONAL = re.compile(r"\(\?:[^()]*\)\?")  # an optional group: it anchors nothing


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrase pattern: what it speaks for (a category, a valence's name), its weight, its
    anchors: the literal text any match starts with, one per alternative (empty when one
    starts with a digit class or a wildcard; then it is always tried), and its needles:
    literal texts one of which every match contains (empty: none known, the pattern is run)."""

    label: str
    pattern: re.Pattern[str]
    weight: float
    anchors: tuple[str, ...]
    needles: tuple[str, ...] = ()


def phrases(label: str, patterns: tuple[str, ...], weight: float) -> tuple[Phrase, ...]:
    """One ``Phrase`` per top-level alternative of each pattern."""
    branches = (_required(branch) for p in patterns for branch in _branches(p))
    return tuple(Phrase(label, re.compile(rf"{b}(?!\w)"), weight, anchors(b), needles(b))
                 for b in branches)


class PhraseSet:
    """Phrases indexed by the opening of their anchors' first words."""

    def __init__(self, members: tuple[Phrase, ...]) -> None:
        self.members = members
        by_key: dict[str, set[int]] = {}
        always = []
        for number, phrase in enumerate(members):
            if not phrase.anchors:
                always.append(number)
            for anchor in phrase.anchors:
                by_key.setdefault(_key(anchor), set()).add(number)
        self._by_key = {key: tuple(numbers) for key, numbers in by_key.items()}
        self._always = tuple(always)
        self._of_word: dict[str, tuple[int, ...]] = {}

    def candidates(self, text: str) -> list[Phrase]:
        """The phrases that could match ``text``, in the set's order."""
        words = set(_WORD.findall(text))
        of_word = self._of_word
        if len(of_word) > WORD_MEMORY:
            of_word.clear()
        for word in words.difference(of_word):
            of_word[word] = self._keyed_by(word)
        numbers = set(self._always).union(*map(of_word.__getitem__, words))
        return [self.members[number] for number in sorted(numbers)]

    def _keyed_by(self, word: str) -> tuple[int, ...]:
        """The phrases keyed by an opening of ``word`` (a hashtag's also by the bare word's)."""
        numbers: set[int] = set()
        for bare in (word, word[1:]) if word[0] in "#/" else (word,):
            keys = {bare[:PREFIX], bare[: PREFIX - 1]}
            if len(bare) < PREFIX:
                keys.add(f"={bare}")
            for key in keys:
                numbers.update(self._by_key.get(key, ()))
        return tuple(numbers)

    def find(self, text: str) -> Iterator[tuple[Phrase, str]]:
        """Each phrase found in ``text`` with the distinct texts it matched, in order."""
        tried = self.candidates(text) if len(self.members) >= INDEX_FROM else self.members
        for phrase in tried:
            for needle in phrase.needles:
                if needle in text:
                    break
            else:
                if phrase.needles:
                    continue  # no match can be without one of them
            if phrase.pattern.search(text) is None:
                continue
            found = (f.group(0) for f in phrase.pattern.finditer(text)
                     if starts_word(text, f.start()))
            for matched in dict.fromkeys(found):
                yield phrase, matched


def _key(anchor: str) -> str:
    """The index key of an anchor: the opening of its first word; a short first word that the
    anchor shows complete ("no " of "no reply") is keyed as that exact word, so "nothing" and
    "northwind" do not wake every "no …" phrase."""
    first = _WORD.match(anchor)
    word = first.group(0) if first else anchor
    if len(word) < PREFIX and anchor[len(word) : len(word) + 1] == " ":
        return f"={word}"
    return word[:PREFIX]


def starts_word(text: str, start: int) -> bool:
    """True when position ``start`` of ``text`` opens a word (a look-behind or ``\\b`` in the
    pattern instead would keep re from its fast literal search)."""
    return start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")


def anchors(pattern: str) -> tuple[str, ...]:
    """Literal text that any match of ``pattern`` starts with, one per alternative; empty when
    some alternative starts with something else (a digit class, a wildcard)."""
    found: list[str] = []
    for branch in _branches(pattern):
        branch = _required(branch)
        group = _GROUP.match(branch)
        if group:
            after = " " if branch[group.end() : group.end() + 1] == " " else ""
            found += [word + after for word in group.group(1).split("|")]
            continue
        literal = _LITERAL.match(branch)
        text = literal.group(0) if literal else ""
        if text and branch[len(text) : len(text) + 1] in ("?", "*", "{"):
            text = text[:-1]  # the last character is optional
        if len(text.strip()) < 2:
            return ()
        found.append(text)
    return tuple(found)


def needles(pattern: str) -> tuple[str, ...]:
    """Literal texts one of which every match of ``pattern`` (one alternative, as ``phrases``
    compiles it) contains: its most telling run of plain characters and groups of plain
    alternatives, multiplied out (``" (?:time|delay)"`` gives ``" time"`` and ``" delay"``).
    Anything else (a class, an escape, an optional or repeated part) ends a run. Empty when no
    run has needles of two characters or more."""
    best: tuple[str, ...] = ()
    run: tuple[str, ...] = ("",)
    for item in _items(pattern):
        if item is None:
            best, run = _more_telling(best, run), ("",)
            continue
        joined = tuple(before + after for before in run for after in item)
        if len(joined) > MAX_NEEDLES:
            best, joined = _more_telling(best, run), item
        run = joined
    best = _more_telling(best, run)
    return best if _shortest(best) >= 2 else ()


def _more_telling(best: tuple[str, ...], run: tuple[str, ...]) -> tuple[str, ...]:
    """The run whose shortest needle is longer; of two as long, the one with fewer needles;
    never one with more than ``MAX_NEEDLES``."""
    if len(run) > MAX_NEEDLES:
        return best
    return run if (_shortest(run), -len(run)) > (_shortest(best), -len(best)) else best


def _shortest(run: tuple[str, ...]) -> int:
    return min((len(needle) for needle in run), default=0)


_PLAIN = re.compile(r"[\w '’:,/#-]")  # characters that stand for themselves (as in _LITERAL)
_QUANTIFIER = re.compile(r"(?:[?*+]|\{[^}]*\})[?+]?")


def _items(pattern: str) -> Iterator[tuple[str, ...] | None]:
    """``pattern``'s parts in order: each plain character or group of plain alternatives as
    its alternatives, and None for anything else or anything a quantifier follows."""
    i = 0
    while i < len(pattern):
        end = _item_end(pattern, i)
        item = _plain_item(pattern[i:end])
        quantifier = _QUANTIFIER.match(pattern, end)
        if quantifier:
            item, end = None, quantifier.end()
        yield item
        i = end


def _item_end(pattern: str, i: int) -> int:
    """Where the part starting at ``pattern[i]`` ends: one character, an escape, a class or a
    whole group."""
    char = pattern[i]
    if char == "\\":
        return i + 2
    if char == "[":
        close = pattern.find("]", i + 2)  # a "]" right after "[" is a member, not the end
        return len(pattern) if close < 0 else close + 1
    if char != "(":
        return i + 1
    depth, j = 0, i
    while j < len(pattern):
        if pattern[j] == "\\":
            j += 2
            continue
        if pattern[j] == "[":
            j = _item_end(pattern, j)
            continue
        depth += (pattern[j] == "(") - (pattern[j] == ")")
        j += 1
        if depth == 0:
            break
    return j


def _plain_item(part: str) -> tuple[str, ...] | None:
    if len(part) == 1:
        return (part,) if _PLAIN.fullmatch(part) else None
    if not (part.startswith("(?:") and part.endswith(")")):
        return None
    alternatives = tuple(_branches(part[3:-1]))
    plain = all(all(_PLAIN.fullmatch(char) for char in alt) for alt in alternatives)
    return alternatives if plain else None


def _required(branch: str) -> str:
    """``branch`` without a leading ``\\b`` or optional group: they change what a match spans,
    not where it starts, and they keep re from its fast literal search."""
    branch = branch.removeprefix("\\b")
    optional = _OPTIONAL.match(branch)
    return branch[optional.end() :] if optional else branch


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern``."""
    branches, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        depth += (char == "(") - (char == ")")
        if char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches
