"""Editing the ``[[rules]]`` of a TOML file in place: one rule changed, added, deleted or moved,
and every other byte of the file (comments, other sections, blank lines) kept as it was.

``tomllib`` only reads, so the file is edited as text: each ``[[rules]]`` table is a *block*
of lines, from its header to its last line that is neither blank nor a comment (comments after
that introduce whatever follows, so they stay where they are). A change replaces, inserts,
drops or swaps blocks, and the result is checked before it is written: it must read as TOML,
its rules must be exactly the ones intended, in the intended order, and the rest of the file
must read as it did. A file whose rules cannot be placed as blocks (written as an inline array,
say) is refused with a message rather than rewritten. Writing is atomic (``core.files``), and a
file changed on disk since it was read is refused, so nobody's edit is lost.

``LiveRules`` keeps a process's rules in step with the file: a poller rereads them when the
file changes, so a rule saved in the app applies to the next mention that arrives.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.config.errors import ConfigError
from core.files import write_atomically
from core.rules.model import Rule
from core.rules.parse import (
    RULES_FILE,
    config_rules,
    load_rules,
    rules_file_beside,
    rules_from_text,
)

# A table header line: [name] or [[name]], with an optional comment after it.
_HEADER = re.compile(r"^\s*\[\[?\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
_RULES_HEADER = re.compile(r"^\s*\[\[\s*rules\s*\]\]\s*(?:#.*)?$")
NEW_RULE = '[[rules]]\nname = "{name}"\nquery = "refund"\ntags = ["refund"]\n'


class RuleFileError(ValueError):
    """The rules file cannot be edited as asked; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Block:
    """One ``[[rules]]`` table's lines: ``start`` to ``end`` (exclusive), 0-based."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RulesFile:
    """A file's text as read, and where each of its rules is."""

    path: Path
    text: str
    blocks: tuple[Block, ...]
    rules: tuple[Rule, ...]

    @property
    def lines(self) -> list[str]:
        """The file's lines, each with its line ending."""
        return self.text.splitlines(keepends=True)

    def rule_text(self, index: int) -> str:
        """The TOML of rule ``index`` as written in the file, comments inside it included."""
        block = self.blocks[index]
        return "".join(self.lines[block.start:block.end])


def read_rules_file(path: Path) -> RulesFile:
    """``path`` and its rules; ``ConfigError`` when its rules are invalid, ``RuleFileError``
    when they cannot be edited as blocks. A missing file reads as one with no rules."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    rules = rules_from_text(text, path, alone=False)
    blocks = find_blocks(text)
    if len(blocks) != len(rules):
        raise RuleFileError(
            f"{path}: its {len(rules)} rules are not all written as [[rules]] tables (an inline"
            " array, say); write each as a [[rules]] table to edit them here")
    return RulesFile(path, text, blocks, rules)


@dataclass(frozen=True, slots=True)
class RuleFiles:
    """The files a config's rules come from, in the order they run: the config file, then the
    ``rules.toml`` beside it when there is one. Rules are numbered across them."""

    files: tuple[RulesFile, ...]

    @property
    def rules(self) -> tuple[Rule, ...]:
        """Every rule, in running order."""
        return tuple(rule for found in self.files for rule in found.rules)

    @property
    def last(self) -> RulesFile:
        """Where a new rule goes: the rules file when there is one, else the config."""
        return self.files[-1]

    def locate(self, index: int) -> tuple[RulesFile, int]:
        """The file of rule ``index`` and the rule's place within it."""
        for found in self.files:
            if index < len(found.rules):
                return found, index
            index -= len(found.rules)
        raise IndexError(index)

    def file_of(self, index: int) -> RulesFile:
        """The file rule ``index`` lives in (the last file for a new rule past the end)."""
        return self.locate(index)[0] if index < len(self.rules) else self.last

    def rule_text(self, index: int) -> str:
        """The TOML of rule ``index`` as written in its file."""
        found, local = self.locate(index)
        return found.rule_text(local)


def read_rule_files(config_path: Path) -> RuleFiles:
    """The config file's rules and those of the ``rules.toml`` beside it, each file editable."""
    beside = rules_file_beside(config_path)
    paths = (config_path,) if beside is None else (config_path, beside)
    return RuleFiles(tuple(read_rules_file(path) for path in paths))


def find_blocks(text: str) -> tuple[Block, ...]:
    """Each ``[[rules]]`` table's block of lines, in file order."""
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    blocks = []
    for n, start in enumerate(headers):
        if not _RULES_HEADER.match(lines[start]):
            continue
        stop = headers[n + 1] if n + 1 < len(headers) else len(lines)
        end = start + 1
        for i in range(start + 1, stop):
            if lines[i].strip() and not lines[i].lstrip().startswith("#"):
                end = i + 1
        blocks.append(Block(start, end))
    return tuple(blocks)


def replace_rule(found: RulesFile, index: int, rule_text: str) -> str:
    """The file's text with rule ``index`` written as ``rule_text``."""
    texts = [found.rule_text(i) for i in range(len(found.blocks))]
    texts[index] = rule_text
    return _rebuilt(found, texts)


def add_rule(found: RulesFile, rule_text: str) -> str:
    """The file's text with ``rule_text`` as its last rule (after the last one, or at the end
    of the file when it has none)."""
    lines = found.lines
    if found.blocks:
        at = found.blocks[-1].end
        return "".join(lines[:at]) + "\n" + _ended(rule_text) + "".join(lines[at:])
    head = _ended(found.text) if found.text else ""
    return head + ("\n" if head else "") + _ended(rule_text)


def delete_rule(found: RulesFile, index: int) -> str:
    """The file's text without rule ``index`` (and the blank line that set it apart)."""
    lines, block = found.lines, found.blocks[index]
    start = block.start - 1 if block.start and not lines[block.start - 1].strip() else block.start
    return "".join(lines[:start] + lines[block.end:])


def move_rule(found: RulesFile, index: int, step: int) -> str:
    """The file's text with rule ``index`` swapped with its neighbour ``step`` (-1 or 1) away;
    the text between them stays where it is."""
    other = index + step
    if not 0 <= other < len(found.blocks):
        raise RuleFileError("there is no rule to swap with in that direction")
    texts = [found.rule_text(i) for i in range(len(found.blocks))]
    texts[index], texts[other] = texts[other], texts[index]
    return _rebuilt(found, texts)


def save(found: RulesFile, new_text: str, names: list[str]) -> RulesFile:
    """Write ``new_text`` over the file atomically once it is checked: its rules are valid and
    named ``names`` in order, and everything but ``rules`` reads as before. Refused, with
    nothing written, when the file changed on disk since ``found`` was read."""
    now = found.path.read_text(encoding="utf-8") if found.path.exists() else ""
    if now != found.text:
        raise RuleFileError(f"{found.path} changed on disk since it was read; nothing was "
                            "written: look again and redo the change")
    rules = rules_from_text(new_text, found.path, alone=False)
    if [r.name for r in rules] != names or _others(new_text) != _others(found.text):
        raise RuleFileError(f"{found.path}: the change could not be placed without touching "
                            "the rest of the file; nothing was written")
    write_atomically(found.path, new_text)
    return read_rules_file(found.path)


def _rebuilt(found: RulesFile, texts: list[str]) -> str:
    lines, out, at = found.lines, [], 0
    for block, text in zip(found.blocks, texts, strict=True):
        out.append("".join(lines[at:block.start]))
        out.append(_ended(text))
        at = block.end
    out.append("".join(lines[at:]))
    return "".join(out)


def _ended(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def _others(text: str) -> dict[str, Any]:
    data = tomllib.loads(text)
    data.pop("rules", None)
    return data


class LiveRules:
    """The rules of a file as they are now: reread whenever the file changes (its size or
    modification time), the last good rules kept while the file does not read. A config file
    (``alone`` False) brings the ``rules.toml`` beside it, watched the same way."""

    def __init__(self, path: Path | None, rules: tuple[Rule, ...], *, alone: bool = False) -> None:
        self.path, self.alone = path, alone
        self._rules, self._seen = rules, self._stamp()
        self.problem: str | None = None  # why the file's latest version was not taken

    def current(self) -> tuple[Rule, ...]:
        """The file's rules, reread if it (or the rules.toml beside it) changed since the
        last call."""
        stamp = self._stamp()
        if stamp == self._seen or self.path is None:
            return self._rules
        self._seen = stamp
        try:
            self._rules = (load_rules(self.path) if self.alone else config_rules(self.path))
            self.problem = None
        except ConfigError as error:
            self.problem = str(error)
        return self._rules

    def _stamp(self) -> tuple[tuple[int, int] | None, ...] | None:
        if self.path is None:
            return None
        watched = [self.path] if self.alone else [self.path, self.path.parent / RULES_FILE]
        return tuple(_stamp_of(path) for path in watched)


def _stamp_of(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size)

