"""Routing: categories to teams, and a team's digest from the command line (golden file)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.config import ConfigError, parse_config
from core.rules.routing import categories_of, known_teams, teams
from tests.tui.inbox_db import T0, M, create_db, insert

ROOT = Path(__file__).parent.parent
GOLDEN = Path(__file__).parent / "golden" / "digest-product.md"
CONFIG = '[brand]\nname = "Northwind"\n\n[routing]\nidea = "product"\nquestion = "Product"\n'


def test_defaults_with_routing_on_top() -> None:
    """It should route each category to its default team unless [routing] says otherwise."""
    assert teams({})["idea"] == "product" and teams({})["complaint"] == "support"
    assert teams({"complaint": "care"})["complaint"] == "care"
    assert categories_of("PRODUCT", {"question": "product"}) == ("question", "idea", "new_use")
    assert "other" not in teams({}) and "care" in known_teams({"complaint": "care"})


def test_routing_names_only_known_categories() -> None:
    """It should refuse a [routing] key that is not a category, saying where."""
    with pytest.raises(ConfigError, match=r"routing\.ideas: unknown category 'ideas'"):
        parse_config('[brand]\nname = "N"\n[routing]\nideas = "product"\n')


def listenpost(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "tui.cli", "--config", str(config), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
                          env={**os.environ, "SOURCE_DATE_EPOCH": str(T0)})


async def test_team_digest_matches_golden_file(tmp_path: Path) -> None:
    """It should write the team's categories, most urgent first, and nothing else."""
    db = tmp_path / "d.db"
    await create_db(db)
    insert(db, [
        M(title="Please add a decaf option", category="idea", priority=20.0, author="Ana"),
        M(title="Would love a travel grinder", category="idea", priority=35.0, author="Bo",
          sentiment_label="positive", url="https://example.com/travel"),
        M(title="Does it ship to Norway?", category="question", priority=50.0, author="Cy"),
        M(title="Grinds cardamom *beautifully*", category="new_use", priority=5.0),
        M(title="Refund still missing", category="complaint", priority=90.0),
        M(title="An old idea", category="idea", priority=99.0, sort_at=T0 - 40 * 86400),
    ])
    out = tmp_path / "digest.md"
    result = listenpost(tmp_path, "--db", str(db), "--export", str(out), "--team", "product",
                        "--since", "2024-05-01", "--no-poll")
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_unknown_team_and_wrong_format_are_refused(tmp_path: Path) -> None:
    """It should name the known teams, and refuse a digest in any format but Markdown."""
    unknown = listenpost(tmp_path, "--export", "-", "--format", "md", "--team", "legal")
    assert unknown.returncode == 2
    assert "no category is routed to team 'legal'; teams: communications, marketing, product, " \
           "sales, support" in unknown.stderr
    csv = listenpost(tmp_path, "--export", "out.csv", "--team", "product")
    assert csv.returncode == 2 and "Markdown digest" in csv.stderr
