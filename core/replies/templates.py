"""Reply templates: ``{variable}`` slots filled from the mention, the brand and the person.

A slot is ``{name}`` or ``{name|fallback}`` (the fallback is used when the variable has no
value, so ``Hi {first_name|there}`` never reads "Hi ,"). ``{{`` and ``}}`` are literal braces.
Built-in variables are ``author``, ``first_name``, ``brand``, ``link`` and ``today``; a
template's own ``[templates.NAME]`` keys and anything the person types in add more. A slot
with neither a value nor a fallback is reported by ``missing`` so the editor can ask for it;
``render`` refuses to fill it with nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from core.analysis.text import sanitize

BUILTIN_VARIABLES = ("author", "first_name", "brand", "link", "today")
_SLOT = re.compile(r"\{\{|\}\}|\{([a-z_][a-z0-9_]*)(?:\|([^{}]*))?\}", re.IGNORECASE)


class TemplateError(ValueError):
    """A template that cannot be filled; the message names the variable and the template."""


@dataclass(frozen=True, slots=True)
class Slot:
    """One ``{name}`` or ``{name|fallback}`` in a template."""

    name: str
    fallback: str | None


def slots(text: str) -> list[Slot]:
    """Every slot of ``text`` in order (a name may repeat)."""
    return [Slot(m.group(1), m.group(2)) for m in _SLOT.finditer(text) if m.group(1)]


def missing(text: str, values: Mapping[str, str]) -> list[str]:
    """Names of the slots that have neither a value nor a fallback, each once, in order."""
    names: list[str] = []
    for slot in slots(text):
        if not values.get(slot.name) and slot.fallback is None and slot.name not in names:
            names.append(slot.name)
    return names


def render(text: str, values: Mapping[str, str], *, name: str = "template") -> str:
    """``text`` with every slot filled; TemplateError names the first variable without a value."""
    gaps = missing(text, values)
    if gaps:
        listed = ", ".join("{" + gap + "}" for gap in gaps)
        raise TemplateError(f"template {name!r} needs a value for {listed} (or a fallback such "
                            f"as {{{gaps[0]}|there}})")

    def fill(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)[0]  # "{{" -> "{", "}}" -> "}"
        return values.get(match.group(1)) or (match.group(2) or "")

    return _SLOT.sub(fill, text)


def mention_values(*, author: str, brand: str, link: str | None, today: date,
                   extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The built-in variables for one mention (empty ones left out, so fallbacks apply),
    with ``extra`` (a template's own values, then the person's) on top."""
    author = sanitize(author).strip()
    values = {"author": author, "first_name": first_name(author), "brand": brand.strip(),
              "link": link or "", "today": today.isoformat()}
    values.update(extra or {})
    return {key: value for key, value in values.items() if value}


def first_name(author: str) -> str:
    """The first word of a display name, unless the name is a handle (``@x``, ``x@host``)."""
    words = author.split()
    if not words or "@" in words[0] or words[0].startswith(("http:", "https:")):
        return ""
    return words[0].strip(",.;:")
