"""Where a stored mention's bytes go: pages per table and index, per mention, from ``dbstat``.

`python -m bench.bench_bytes [--size 100000] [--db PATH]` fills a store the way the scale curve
does (the real ``Store.ingest``, the bench's short posts) and prints, for the mentions table, its
FTS index, the key index and each secondary index on mentions, the bytes they take divided by the
number of mentions, then the average stored length of each mentions column. It exists to decide
what to cut: an index or column is waste only if this says it is large and no query needs it.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import tempfile
from pathlib import Path

from bench.scale import _fill

# The FTS5 shadow tables all start with the virtual table's name.
FTS_PREFIX = "mentions_fts"


def breakdown(db: Path) -> tuple[int, list[tuple[str, float]]]:
    """(mentions, [(name, bytes per mention)]) for everything that grows with mentions."""
    with sqlite3.connect(db) as con:
        count = int(con.execute("SELECT count(*) FROM mentions").fetchone()[0])
        sizes = dict(con.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"))
        owned = {name for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE tbl_name = 'mentions' AND type = 'index'")}
    rows: list[tuple[str, float]] = [("mentions (table)", sizes.get("mentions", 0) / count)]
    fts = sum(size for name, size in sizes.items() if name.startswith(FTS_PREFIX))
    rows.append(("mentions_fts (all shadow tables)", fts / count))
    rows += [(name, sizes.get(name, 0) / count) for name in sorted(owned)]
    rows.append(("the whole file", sum(sizes.values()) / count))
    return count, rows


def column_lengths(db: Path) -> list[tuple[str, float]]:
    """Average stored length of each mentions column, largest first."""
    with sqlite3.connect(db) as con:
        columns = [row[1] for row in con.execute("PRAGMA table_info(mentions)")]
        picks = ", ".join(
            f'avg(CASE WHEN "{c}" IS NULL THEN 0 ELSE length(CAST("{c}" AS BLOB)) END)'
            for c in columns)
        averages = con.execute(f"SELECT {picks} FROM mentions").fetchone()
    return sorted(zip(columns, averages, strict=True), key=lambda pair: -(pair[1] or 0))


def report(db: Path) -> str:
    count, rows = breakdown(db)
    lines = [f"{count:,} mentions; bytes per mention:"]
    lines += [f"  {name:<40} {per:8.1f}" for name, per in rows]
    lines.append("average length per column as text (numbers are stored in fewer bytes):")
    lines += [f"  {name:<40} {per or 0:8.1f}" for name, per in column_lengths(db)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="measure this store instead of filling one")
    args = parser.parse_args()
    if args.db:
        print(report(args.db))
        return
    with tempfile.TemporaryDirectory(prefix="bench-bytes-") as tmp:
        db = Path(tmp) / "bytes.db"
        asyncio.run(_fill(db, 0, args.size))
        print(report(db))


if __name__ == "__main__":
    main()
