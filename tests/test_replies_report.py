"""``listenpost --export FILE --report drafts``: a real process over a real database, golden files.

Set ``UPDATE_GOLDEN=1`` to rewrite tests/golden/replies.* after an intended change, then read
the diff.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.replies.drafts import Replies, Sent
from core.store import Store
from tests.tui.inbox_db import T0, M, create_db, insert

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
DAY = 86400


def listenpost(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(T0 + DAY)}
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120, check=False)


@pytest.fixture
async def files(tmp_path: Path) -> tuple[Path, Path]:
    db = tmp_path / "lp.db"
    await create_db(db)
    insert(db, [M(title="Grinder broke", author="Maja Holm", sentiment_label="negative",
                  url="https://blog.example/grinder"),
                M(title="Where is my order?", author="Bo", category="question",
                  url="https://forum.example/t/9"),
                M(title="Refund?", author="Kim [x](evil)", url="https://forum.example/t/10"),
                M(title="Old thread", author="Old", url="https://forum.example/t/1"),
                M(title="Deleted one", author="Del"),
                M(title="Needs a careful answer", author="Press")])
    async with await Store.open(db) as store:
        replies = Replies(store.db, store.transaction)
        sent = await replies.save(1, "Sorry, Maja: a new burr set is on its way.", actor="ana",
                                  now=T0 + 100)
        await replies.record_sent(sent.id, Sent("mastodon", "117", "https://m.example/@nw/117"),
                                  actor="bo", now=T0 + 200)
        failed = await replies.save(2, "Tracking: see the link *soon*", actor="ana", now=T0 + 300)
        await replies.record_failure(failed.id, "Mastodon would not accept this reply (HTTP 422)")
        unknown = await replies.save(3, "Refund is done", actor="bo", now=T0 + 400)
        await replies.record_unknown(unknown.id, "no complete response within 30 s")
        await replies.save(4, "Too old for the period", actor="ana", now=T0 - 3 * DAY)
        gone = await replies.save(5, "never mind", actor="ana", now=T0 + 500)
        await replies.delete(gone.id, actor="ana", now=T0 + 600)
        careful = await replies.save(6, "We take this seriously.", actor="jonas", now=T0 + 700)
        await replies.request_approval(careful.id, actor="jonas", now=T0 + 800)
    config = tmp_path / "c.toml"
    config.write_text('[brand]\nname = "Northwind"\n', encoding="utf-8")
    return config, db


@pytest.mark.parametrize("fmt", ["json", "md"])
def test_drafts_report_matches_golden_file(files: tuple[Path, Path], tmp_path: Path,
                                           fmt: str) -> None:
    """It should list the period's sent, unknown, waiting and open replies (not deleted or
    older ones)
    exactly as the golden file says, and the same bytes on a second run."""
    config, db = files
    out = tmp_path / f"replies.{fmt}"
    args = ("--config", str(config), "--db", str(db), "--export", str(out), "--report",
            "drafts", "--since", "2024-05-31")
    result = listenpost(*args)
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    golden = GOLDEN / f"replies.{fmt}"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")
    assert listenpost(*args).returncode == 0 and out.read_text(encoding="utf-8") == text


def test_drafts_report_refuses_csv_and_needs_export(files: tuple[Path, Path],
                                                    tmp_path: Path) -> None:
    """It should exit 2 with a clear message for CSV, and for --report without --export."""
    config, db = files
    csv = listenpost("--config", str(config), "--db", str(db), "--export",
                     str(tmp_path / "r.csv"), "--report", "drafts")
    assert csv.returncode == 2 and "--report drafts writes json or md, not csv" in csv.stderr
    assert not (tmp_path / "r.csv").exists()
    alone = listenpost("--config", str(config), "--db", str(db), "--report", "drafts")
    assert alone.returncode == 2
    assert "--report, --period and --list go with --export" in alone.stderr


def test_help_documents_the_drafts_report() -> None:
    """It should explain --report drafts in --help."""
    result = listenpost("--help")
    assert "--report {mentions,drafts,metrics,people}" in result.stdout
    assert "--report drafts" in result.stdout
