"""The scale curve: what ingest, the database file, export and the inbox cost as the store grows.

One store grows through ``Store.ingest`` to each size in turn (10k, 100k, then 1M for the full
run). At each size we record the ingest rate over the last block written (the cost of adding
to a store that size), the database file's size, the time of a real
``listenpost --no-poll --export out.json``, and the inbox figures from bench/bench_inbox.py
when that script exists. Each row's peer column is the same figure at the smallest size, so the
ratio shows how cost grows: 10x the data at 10x the time is linear.

Mentions here are made directly (already scored) rather than parsed from feeds: the pipeline's
per-mention cost is the ingest benchmark's subject, the store's growth is this one's.
"""

from __future__ import annotations

import asyncio
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import data
from bench.measure import ChildFailed, last_line, run
from bench.peers import LISTENPOST, Listenpost, config_toml, quiet_env
from bench.report import Row

BATCH = 500  # mentions per transaction: about one busy poll cycle's worth
RATE_WINDOW = 10_000  # the ingest rate at a size is measured over the last this-many mentions
TEXT_POOL = 2_000  # distinct post texts, reused with unique titles; building 1M texts takes long
INBOX_SCRIPT = Path(__file__).with_name("bench_inbox.py")
INBOX_LINE = re.compile(r"^(\w+): (-?[\d.]+)$", re.M)  # "first_paint_s: 1.23"
INBOX_TIMEOUT = 600.0  # seconds; the app's first paint and searches on 1M rows take far less
SCALE_URL = "http://127.0.0.1:9/scale.xml"  # never fetched: --no-poll


def store_unavailable() -> str | None:
    try:
        import core.store  # noqa: F401
    except ImportError as error:
        return f"listenpost store not importable yet ({error})"
    return None


def bench_scale(sizes: list[int], log: list[str]) -> list[Row]:
    """Grow one store through ``sizes`` and return the curve's rows."""
    reason = store_unavailable()
    figures: dict[int, dict[str, float | str]] = {}
    if reason is None:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            try:
                figures = _grow(Path(tmp), sizes, log)
            except Exception as error:
                reason = f"store failed: {type(error).__name__}: {str(error)[:160]}"
    return _rows(sizes, figures, reason)


def _grow(work: Path, sizes: list[int], log: list[str]) -> dict[int, dict[str, float | str]]:
    db, cfg = work / "scale.db", work / "config.toml"
    cfg.write_text(config_toml([SCALE_URL]))
    figures: dict[int, dict[str, float | str]] = {}
    held = 0
    for size in sizes:
        rate = asyncio.run(_fill(db, held, size))
        held = size
        found: dict[str, float | str] = {"ingest": rate, "db": _db_mb(db)}
        found.update(_export(cfg, db, work / "out.json"))
        found.update(_inbox(db, log))
        figures[size] = found
    return figures


def _db_mb(db: Path) -> float:
    """The database with its WAL and shared-memory files, in MB."""
    parts = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    return sum(p.stat().st_size for p in parts if p.exists()) / 1e6


async def _fill(db: Path, start: int, stop: int) -> float:
    """Ingest mentions ``start`` … ``stop - 1``; the rate over the last ``RATE_WINDOW``."""
    from core.config import parse_config
    from core.store import Store

    config = parse_config(config_toml([SCALE_URL]))
    texts = _texts()
    window_start = max(start, stop - RATE_WINDOW)
    async with await Store.open(db) as store:
        source_id = (await store.sync_sources(config.sources))["feed 0"]
        await _ingest_range(store, source_id, texts, start, window_start)
        began = time.perf_counter()
        await _ingest_range(store, source_id, texts, window_start, stop)
        return (stop - window_start) / (time.perf_counter() - began)


async def _ingest_range(store: Any, source_id: int, texts: list[str], start: int,
                        stop: int) -> None:
    for first in range(start, stop, BATCH):
        batch = [_mention(i, texts) for i in range(first, min(first + BATCH, stop))]
        await store.ingest(source_id, batch, now=int(time.time()))


def _texts() -> list[str]:
    rng = random.Random("scale")
    return [data.words(rng, data.POST_WORDS) for _ in range(TEXT_POOL)]


def _mention(i: int, texts: list[str]) -> Any:
    from core.analysis.dedupe import mention_key
    from core.model import Label, Mention, Sentiment

    compound = ((i * 7919) % 2001 - 1000) / 1000  # spread over [-1, 1], deterministic
    label = Label.POSITIVE if compound > 0.05 else Label.NEGATIVE if compound < -0.05 \
        else Label.NEUTRAL
    mention = Mention(
        platform="feed", title=f"post {i} {texts[(i * 31) % TEXT_POOL][:40]}",
        text=texts[i % TEXT_POOL], url=f"https://example.com/scale/{i}",
        guid=f"urn:bench:scale:{i}", author=f"author{i % 5000}",
        published_at=data.BASE_TIME - i * 7, language="en",
        sentiment=Sentiment(compound, label, "vader"),
    )
    mention.key = mention_key(mention, "feed 0")
    return mention


def _export(cfg: Path, db: Path, out: Path) -> dict[str, float | str]:
    reason = Listenpost().unavailable()
    if reason:
        return {"export": reason}
    argv = [str(LISTENPOST), "--config", str(cfg), "--db", str(db), "--no-poll", "--export",
            str(out)]
    try:
        return {"export": run(argv, env=quiet_env()).wall}
    except ChildFailed as error:
        return {"export": str(error)}


def _inbox(db: Path, log: list[str]) -> dict[str, float | str]:
    """The inbox figures of bench/bench_inbox.py (its "name: number" lines) on this store."""
    if not INBOX_SCRIPT.exists():
        return {}
    done = subprocess.run([sys.executable, "-m", "bench.bench_inbox", "--db", str(db)],
                          capture_output=True, text=True, check=False, env=quiet_env(),
                          cwd=INBOX_SCRIPT.parents[1], timeout=INBOX_TIMEOUT)
    found: dict[str, float | str] = {
        f"inbox {m[1]}": float(m[2]) for m in INBOX_LINE.finditer(done.stdout)}
    if done.returncode != 0 or not found:
        log.append(f"bench_inbox.py exited {done.returncode}: {last_line(done.stderr)}")
        return {"inbox": f"bench_inbox.py failed: {last_line(done.stderr)}"}
    return found


def _unit(key: str) -> str:
    """bench_inbox.py names its figures with their unit: first_paint_s, search_ms, rss_mb."""
    for suffix, unit in (("_ms", "ms"), ("_s", "s"), ("_mb", "MB"), ("_shown", "rows")):
        if key.endswith(suffix):
            return unit
    return ""


FIXED = (("ingest", "ingest rate", "mentions/s"), ("db", "database size", "MB"),
         ("export", "--export json time", "s"))


def _rows(sizes: list[int], figures: dict[int, dict[str, float | str]],
          reason: str | None) -> list[Row]:
    extra = sorted({k for f in figures.values() for k in f if k.startswith("inbox")})
    keys = [*FIXED, *((k, k, _unit(k)) for k in extra if k != "inbox")]
    if not INBOX_SCRIPT.exists() or not extra or "inbox" in extra:
        keys.append(("inbox", "inbox figures", ""))
    rows = []
    for key, label, unit in keys:
        for size in sizes:
            rows.append(_row(key, label, unit, size, sizes[0], figures, reason))
    return rows


def _row(key: str, label: str, unit: str, size: int, base: int,
         figures: dict[int, dict[str, float | str]], reason: str | None) -> Row:
    row = Row("scale", f"{label} at {size:,} mentions", unit)
    if size != base:
        row.peer = f"at {base:,}"
    if key == "inbox" and not INBOX_SCRIPT.exists():
        row.skipped = "bench/bench_inbox.py not present yet"
        return row
    value = figures.get(size, {}).get(key, reason or "not measured")
    base_value = figures.get(base, {}).get(key)
    if isinstance(value, str):
        row.skipped = value
    else:
        row.ours = value
    if row.peer and isinstance(base_value, float):
        row.theirs = base_value
    return row
