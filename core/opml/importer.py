"""Adding an OPML file's feeds to the config file, the way a person would by hand.

Community managers keep their feeds in feed readers; ``listenpost --import-opml FILE`` appends
one ``[[sources]]`` entry per feed that the config does not already poll (same URL, compared
canonically), keeping the file's own text and comments. The combined text is validated with
the real config loader before anything is written, and the write is atomic, so a bad import
leaves the config exactly as it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from core.analysis.dedupe import canonical_url
from core.config import parse_config
from core.files import write_atomically
from core.opml.format import OpmlEntry, describe, parse_opml


@dataclass(slots=True)
class ImportReport:
    added: list[OpmlEntry] = field(default_factory=list)
    already: list[tuple[OpmlEntry, str]] = field(default_factory=list)  # and the source polling it
    skipped: list[str] = field(default_factory=list)  # outlines not imported, each with why

    def skipped_lines(self) -> list[str]:
        """Every entry not added and why, for the person who ran the import."""
        already = [f"{describe(entry)}: the config already polls it as {name!r}"
                   for entry, name in self.already]
        return [*already, *self.skipped]


def import_opml(data: bytes, config_path: Path) -> ImportReport:
    """Append the new feeds of OPML ``data`` to ``config_path`` (created if missing).

    Raises ``OpmlError`` for a broken OPML file and ``ConfigError`` when the result would not
    load (for example, listening feeds but no ``[brand]`` to listen for); nothing is written then.
    """
    parsed = parse_opml(data)
    text = config_path.read_text(encoding="utf-8") if config_path.exists() else ""
    current = parse_config(text, config_path)
    known = {canonical_url(s.url): s.name for s in current.sources}
    taken = {s.name for s in current.sources}
    report = ImportReport(skipped=parsed.skipped)
    for entry in parsed.entries:
        if canonical_url(entry.url) in known:
            report.already.append((entry, known[canonical_url(entry.url)]))
        else:
            report.added.append(_renamed(entry, taken))
    if report.added:
        combined = text.rstrip("\n") + "\n\n" + sources_toml(report.added)
        parse_config(combined, config_path)
        config_path.parent.mkdir(parents=True, exist_ok=True)
        # A new config file may come to hold tokens: only its owner may read it.
        mode = None if config_path.exists() else 0o600  # a replaced file keeps its own mode
        write_atomically(config_path, combined, mode=mode)
    return report


def sources_toml(entries: list[OpmlEntry]) -> str:
    """``[[sources]]`` entries for ``entries``, as TOML text."""
    blocks = ["# Imported from OPML: listening feeds (items must match a [brand] query)."]
    for entry in entries:
        folders = f"  # folder: {' / '.join(entry.folders)}" if entry.folders else ""
        blocks.append(
            f'[[sources]]{_comment_safe(folders)}\nkind = "feed"\n'
            f"name = {_toml_string(entry.name)}\nurl = {_toml_string(entry.url)}\n"
        )
    return "\n".join(blocks)


def _renamed(entry: OpmlEntry, taken: set[str]) -> OpmlEntry:
    name, n = entry.name or entry.url, 1
    while name in taken:
        n += 1
        name = f"{entry.name} ({n})"
    taken.add(name)
    return OpmlEntry(name, entry.url, entry.folders)


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string: the same escapes, \uXXXX for controls.
    return json.dumps(value, ensure_ascii=False)


def _comment_safe(comment: str) -> str:
    return comment.replace("\r", " ").replace("\n", " ")
