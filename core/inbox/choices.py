"""What a filter value may name, and how a typed value picks one of them.

Every filter key with a fixed set of values (source, sentiment, category, language, assignee,
tag) reads its value the same way, so ``source:hn`` and ``sentiment:neg`` behave alike: case
does not matter, and a value may be the whole name, the start of it, the start of one of its
words, or its initials ("hn" for "Hacker News: Northwind"), tried in that order. A value that
names nothing or several things is refused with the names it could have meant.

The sets come through ``Inbox.filter_choices``: the sources in the store, the languages
detection can give, and the assignees and tags triage has used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from core.analysis.categories import CATEGORY_IDS

SENTIMENTS = ("positive", "neutral", "negative")
SHOWN = 15  # names listed in an error before "and N more": every language, most source lists

_WORD = re.compile(r"[^\W_]+")


class ChoiceError(ValueError):
    """A value that names no option, or more than one; the message lists what it could be."""


@dataclass(frozen=True, slots=True)
class FilterChoices:
    """The values each enumerated filter key accepts."""

    sources: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    assignees: tuple[str, ...] = ("me", "none")
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = CATEGORY_IDS  # core.analysis.categories: the one list
    sentiments: tuple[str, ...] = SENTIMENTS


def choose(what: str, value: str, options: Sequence[str]) -> str:
    """The one option ``value`` names (see the module docstring), or ChoiceError."""
    wanted = value.casefold()
    for matches in _TIERS:
        found = sorted({o for o in options if matches(o.casefold(), wanted)})
        if len(found) == 1:
            return found[0]
        if found:
            raise ChoiceError(f"{what} {value!r} could be {_listed(found, ' or ')}: "
                              "write more of it (quote a name that has spaces)")
    known = _listed(sorted(set(options)), ", ") if options else "none yet"
    raise ChoiceError(f"no {what} matches {value!r}; {what}s: {known}")


def _words(name: str) -> list[str]:
    return _WORD.findall(name)


def _initials(name: str) -> str:
    return "".join(word[0] for word in _words(name))


_TIERS: tuple[Callable[[str, str], bool], ...] = (
    lambda name, value: name == value,
    lambda name, value: name.startswith(value),
    lambda name, value: any(word.startswith(value) for word in _words(name)),
    lambda name, value: _initials(name).startswith(value),
)


def _listed(names: Sequence[str], joiner: str) -> str:
    shown = [repr(n) if " " in n else n for n in names[:SHOWN]]
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return joiner.join(shown) + more
