"""What a tag may be: one short word, checked the same way wherever a tag is written.

A tag is typed in a one-line prompt, filtered on as ``tag:NAME`` in a filter line that splits
on spaces, listed beside a mention and written into CSV cells. So it is a word: letters and
digits of any script plus ``-``, ``_`` and ``.``, at most ``MAX_TAG`` characters. Anything
longer or with spaces is a note's job, and the error says which character broke the rule.
"""

from __future__ import annotations

import re

MAX_TAG = 32  # "complaint-shipping-eu" fits with room; a list row shows tags beside the text
_WORD = re.compile(r"[\w.-]+")  # \w is Unicode: æ, ø, ü and digits of every script are fine


class TagError(ValueError):
    """A tag that breaks the rules; the message says how."""


def check_tag(text: str) -> str:
    """``text`` without surrounding spaces, if it is a valid tag; TagError saying why if not."""
    tag = text.strip()
    if not tag:
        raise TagError("a tag cannot be empty")
    if len(tag) > MAX_TAG:
        raise TagError(f"a tag is at most {MAX_TAG} characters, not {len(tag)} "
                       "(longer text belongs in a note)")
    bad = next((c for c in tag if not _WORD.fullmatch(c)), None)
    if bad is not None:  # what is wrong first: a prompt at 80 columns shows about 70 characters
        raise TagError(f"{_name(bad)} is not allowed in a tag (one word: letters, digits, - _ .)")
    return tag


def tag_problem(text: str) -> str | None:
    """The rule ``text`` breaks as a tag, or None when it is a valid tag (for prompts)."""
    try:
        check_tag(text)
    except TagError as error:
        return str(error)
    return None


def _name(char: str) -> str:
    names = {" ": "a space", ",": "a comma", "\t": "a tab", "#": "'#'"}
    return names.get(char, f"{char!r}" if char.isprintable() else f"U+{ord(char):04X}")
