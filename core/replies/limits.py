"""How long a reply may be on each platform, counted the way the platform counts.

Mastodon allows 500 characters (its default ``max_characters``; it counts code points). Bluesky
allows 300 graphemes: what a reader sees as one character, so a thumbs-up with a skin tone or a
family joined by zero-width joiners counts once. Grapheme clusters follow Unicode's UAX #29,
for which the ``regex`` module's ``\\X`` is the maintained implementation (``unicodedata`` has
no cluster-break properties, and hand-rolled tables would go stale with each Unicode version).
Other platforms have no limit unless the config gives one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import regex  # type: ignore[import-untyped]  # no stubs; one call, typed below

_GRAPHEME = regex.compile(r"\X")


class Unit(StrEnum):
    """What a platform counts."""

    CHARACTERS = "characters"
    GRAPHEMES = "graphemes"


@dataclass(frozen=True, slots=True)
class Limit:
    """A platform's length limit and what it counts."""

    size: int
    unit: Unit


PLATFORM_LIMITS: dict[str, Limit] = {
    "mastodon": Limit(500, Unit.CHARACTERS),
    "bluesky": Limit(300, Unit.GRAPHEMES),
}


@dataclass(frozen=True, slots=True)
class Count:
    """How much of the limit a draft uses; ``limit`` is None where there is none."""

    used: int
    limit: Limit | None

    @property
    def over(self) -> int:
        """How far past the limit (0 when within it)."""
        return max(0, self.used - self.limit.size) if self.limit else 0

    def describe(self) -> str:
        """``123/300 graphemes``, ``520/500 characters, 20 over``, or ``123 characters``."""
        if self.limit is None:
            return f"{self.used} characters"
        text = f"{self.used}/{self.limit.size} {self.limit.unit}"
        return f"{text}, {self.over} over" if self.over else text


def graphemes(text: str) -> int:
    """The number of user-perceived characters (extended grapheme clusters) in ``text``."""
    return len(_GRAPHEME.findall(text))


def limit_for(platform: str, overrides: Mapping[str, int] | None = None) -> Limit | None:
    """The limit on ``platform``: the config's override (in characters) first, then ours."""
    if overrides and platform in overrides:
        return Limit(overrides[platform], Unit.CHARACTERS)
    return PLATFORM_LIMITS.get(platform)


def count(text: str, limit: Limit | None) -> Count:
    """How ``text`` measures against ``limit``."""
    if limit is not None and limit.unit is Unit.GRAPHEMES:
        return Count(graphemes(text), limit)
    return Count(len(text), limit)
