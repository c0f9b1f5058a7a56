"""``listenpost --export … --report people``: golden files, ``--list``, and clear refusals.

The command runs as a real process on a database filled through the real ingest. Set
``UPDATE_GOLDEN=1`` to rewrite the golden files after an intended change, then read the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from core.people.directory import PeopleFilter
from tests.people_data import DAY, T0, mention, people_of, store_with
from tests.test_cli_e2e import listenpost

GOLDEN = Path(__file__).parent / "golden"
PINNED = {"SOURCE_DATE_EPOCH": str(T0 + DAY)}
CONFIG = """\
[brand]
name = "Acme"
queries = ["acme"]

[people]
niche = ["espresso"]
"""


@pytest.fixture
async def db(tmp_path: Path) -> Path:
    """Three people: a modest advocate on a list, a huge account, a critic with a hostile name."""
    posts = [mention(f"a{i}", "ada", matched=("product:Kettle",), likes=2, followers=300,
                     compound=0.6, at=T0 - i * DAY) for i in range(5)]
    posts += [mention(f"h{i}", "huge", matched=() if i else ("brand:Acme",), likes=500,
                      followers=2_000_000, at=T0 - i * DAY) for i in range(20)]
    posts += [mention(f"c{i}", "cy", "reddit", compound=-0.7, at=T0 - i * 3600,
                      name="=SUM(A1) Cy", text="espresso with acme, meh") for i in range(3)]
    path = tmp_path / "people.db"
    async with await store_with(path, posts) as store:
        people = people_of(store)
        await people.refresh(T0)
        ada = next(r for r in await people.ranked(PeopleFilter()) if r.name == "Ada")
        await people.toggle_list(ada.id, "advocates", actor="ana", now=T0)
    return path


def export(tmp_path: Path, db: Path, *args: str) -> tuple[int, str, str]:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    result = listenpost("--config", str(config), "--db", str(db), "--no-poll", "--export", "-",
                        "--report", "people", *args, env=PINNED)
    return result.returncode, result.stdout, result.stderr


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8", newline="")
    assert text == path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_people_export_matches_golden(tmp_path: Path, db: Path, fmt: str) -> None:
    """It should write the people table, best score first, as in the golden file."""
    code, out, err = export(tmp_path, db, "--format", fmt)
    assert code == 0, err
    check_golden(f"people.{fmt}", out)


def test_people_csv_columns_add_up_and_rank_relevance_first(tmp_path: Path, db: Path) -> None:
    """It should name the parts' columns, make them sum to score, and rank Ada over Huge."""
    _, out, _ = export(tmp_path, db, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["name"] for r in rows] == ["Ada", "Huge", "'=SUM(A1) Cy"]
    for row in rows:
        parts = sum(float(row[p]) for p in ("relevance", "engagement", "consistency", "reach"))
        assert float(row["score"]) == pytest.approx(parts, abs=1e-9)
    assert [r["stance"] for r in rows] == ["advocate", "neutral", "critic"]
    assert rows[0]["lists"] == "advocates"


def test_list_narrows_the_export(tmp_path: Path, db: Path) -> None:
    """It should keep only the people on the named list."""
    code, out, _ = export(tmp_path, db, "--format", "json", "--list", "advocates")
    data = json.loads(out)
    assert code == 0 and data["list"] == "advocates"
    assert [p["name"] for p in data["people"]] == ["Ada"]


def test_unknown_list_and_markdown_are_refused(tmp_path: Path, db: Path) -> None:
    """It should exit 2 naming the unknown list and the lists there are, or the bad format."""
    code, out, err = export(tmp_path, db, "--format", "csv", "--list", "journalists")
    assert (code, out) == (2, "")
    assert "no list named 'journalists'; lists: advocates" in err
    code, _, err = export(tmp_path, db, "--format", "md")
    assert code == 2 and "--report people writes csv or json, not md" in err


def test_list_without_people_report_is_a_usage_error(tmp_path: Path, db: Path) -> None:
    """It should refuse --list with a mentions export, and --report without --export."""
    result = listenpost("--db", str(db), "--export", "-", "--list", "x", "--no-poll")
    assert result.returncode == 2 and "--list goes with --report people" in result.stderr
    result = listenpost("--db", str(db), "--report", "people")
    assert result.returncode == 2
    assert "--report, --period and --list go with --export" in result.stderr
    result = listenpost("--db", str(db), "--export", "-", "--report", "people", "--since", "2d")
    assert result.returncode == 2 and "--report people covers everyone" in result.stderr
