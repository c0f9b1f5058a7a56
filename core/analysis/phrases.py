"""Finding many hand-written phrase patterns in a text quickly, each able to say what it found.

The classifier's cues and the sentiment's service phrases are a few hundred regular
expressions, each an alternation of phrases ("still waiting|no reply|…"). Trying them all on
every mention was the slowest step of ingest (about 100 µs a post; re tries a whole
alternation at every position). So each alternative becomes its own ``Phrase``, compiled so
that re can use its fast literal search, and keyed by the opening of its first word: a
``PhraseSet`` runs only the phrases whose key opens some word of the text (a dozen or two of
300 on a typical post).

Patterns are matched on lower-cased text; a match must start and end a word (a ``#hashtag``
or ``/s`` starts one too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

PREFIX = 3  # a word's opening three characters narrow 300 phrases down to a dozen or two
_WORD = re.compile(r"[#/]?\w+")  # "#refund" is the word "refund" and the hashtag "#refund"
_LITERAL = re.compile(r"[\w '’:,/#-]+")
_GROUP = re.compile(r"\(\?:([\w '’|]+)\)(?![?*{])")  # a required group of plain words
_OPTIONAL = re.compile(r"\(\?:[^()]*\)\?")  # an optional group: it anchors nothing


@dataclass(frozen=True, slots=True)
class Phrase:
    """One phrase pattern: what it speaks for (a category, a valence's name), its weight, and
    its anchors: the literal text any match starts with, one per alternative (empty when one
    starts with a digit class or a wildcard; then it is always tried)."""

    label: str
    pattern: re.Pattern[str]
    weight: float
    anchors: tuple[str, ...]


def phrases(label: str, patterns: tuple[str, ...], weight: float) -> tuple[Phrase, ...]:
    """One ``Phrase`` per top-level alternative of each pattern."""
    branches = (_required(branch) for p in patterns for branch in _branches(p))
    return tuple(Phrase(label, re.compile(rf"{b}(?!\w)"), weight, anchors(b)) for b in branches)


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
        self._keys = frozenset(self._by_key)
        self._always = tuple(always)

    def candidates(self, text: str) -> list[Phrase]:
        """The phrases that could match ``text``, in the set's order."""
        words = _WORD.findall(text)
        words += [w[1:] for w in words if w[0] in "#/"]
        keys = {w[:PREFIX] for w in words} | {w[: PREFIX - 1] for w in words}
        keys |= {f"={w}" for w in words if len(w) < PREFIX}
        numbers = set(self._always).union(*(self._by_key[key] for key in keys & self._keys))
        return [self.members[number] for number in sorted(numbers)]

    def find(self, text: str) -> Iterator[tuple[Phrase, str]]:
        """Each phrase found in ``text`` with the distinct texts it matched, in order."""
        for phrase in self.candidates(text):
            if phrase.pattern.search(text) is None:  # most candidates: one cheap call
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
