"""The people export: ``--export people.csv --report people`` (or ``.json``).

One row per person, highest score first (ties by id, so two exports of the same data are
identical), with the score and the points of each part (``relevance``, ``engagement``,
``consistency``, ``reach``), rounded to hundredths; ``score`` is the sum of the rounded
parts, so the columns add up in a spreadsheet too. Scores are computed at ``generated_at``,
which ``SOURCE_DATE_EPOCH`` pins, so recency does not make a golden file drift.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from typing import TextIO

from core.analysis.text import sanitize
from core.export.csv_export import neutralise
from core.export.report import iso
from core.people.directory import PeopleFilter, PersonRow
from core.people.score import PART_NAMES, Weights

PEOPLE_FORMATS = ("csv", "json")
COLUMNS = ("rank", "id", "name", "platforms", "posts", "engagement_per_post", "followers",
           "last_seen", "score", *PART_NAMES, "stance", "lists", "muted")


def person_entry(rank: int, row: PersonRow) -> dict[str, object]:
    """One person as the export writes them."""
    parts = {name: round(getattr(row, name), 2) for name in PART_NAMES}
    return {
        "rank": rank, "id": row.id, "name": sanitize(row.name), "platforms": row.platforms,
        "posts": row.posts, "engagement_per_post": round(row.per_post, 2),
        "followers": row.followers, "last_seen": iso(row.last_seen),
        "score": round(sum(parts.values()), 2), **parts, "stance": row.stance,
        "lists": list(row.lists), "muted": row.muted,
    }


def write_people(rows: Sequence[PersonRow], fmt: str, out: TextIO, *, generated_at: int,
                 weights: Weights, narrowed: PeopleFilter) -> None:
    """Write ``rows`` (already in score order) as CSV or JSON."""
    entries = [person_entry(rank, row) for rank, row in enumerate(rows, start=1)]
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows([neutralise(_cell(e[c])) for c in COLUMNS] for e in entries)
        return
    if fmt != "json":
        raise ValueError(f"--report people writes {' or '.join(PEOPLE_FORMATS)}, not {fmt!r}")
    head = {"generated_at": iso(generated_at), "list": narrowed.list,
            "weights": {name: weights.of(name) for name in PART_NAMES}, "people": entries}
    json.dump(head, out, ensure_ascii=False, indent=1)
    out.write("\n")


def _cell(value: object) -> object:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, bool):
        return int(value)
    return value
