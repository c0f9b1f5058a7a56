"""Issue 13, item 4: a ``rules.toml`` beside the config adds its rules after the config's own.

Its mistakes are reported with its file and line by ``--check-config`` and ``--rules-check``
(real processes), a rule name both files use is refused, and a poller's live rules reread it
when it changes (keeping the last good rules while it does not read).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.config import ConfigError, load_config
from core.rules.rulefile import LiveRules
from tests.tui.inbox_db import M, create_db, insert

ROOT = Path(__file__).parent.parent
CONFIG = ('[brand]\nname = "Northwind"\n\n[[rules]]\nname = "refunds"\nquery = "refund"\n'
          'category = "complaint"\n')
BESIDE = ('# the team\'s routing rules\n[[rules]]\nname = "danish"\nlanguages = ["da"]\n'
          'tags = ["dansk"]\n')


def files(tmp_path: Path, beside: str | None = BESIDE) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    if beside is not None:
        (tmp_path / "rules.toml").write_text(beside, encoding="utf-8")
    return config


def listenpost(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, check=False)


def test_the_configs_rules_run_first_then_the_rules_files(tmp_path: Path) -> None:
    """It should read both files' rules, the config's first; without rules.toml, just its."""
    assert [r.name for r in load_config(files(tmp_path)).rules] == ["refunds", "danish"]
    (tmp_path / "rules.toml").unlink()
    assert [r.name for r in load_config(tmp_path / "config.toml").rules] == ["refunds"]


def test_a_name_in_both_files_is_refused_where_it_is_in_rules_toml(tmp_path: Path) -> None:
    """It should refuse a rule name the config already uses, at its line in rules.toml."""
    config = files(tmp_path, '\n[[rules]]\nname = "refunds"\ntags = ["x"]\n')
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    assert str(raised.value) == (f"{tmp_path / 'rules.toml'}:3: rules[0].name: a rule named "
                                 "'refunds' is in config.toml too; names must be unique")


def test_check_config_reports_a_mistake_in_rules_toml_with_its_line(tmp_path: Path) -> None:
    """It should make --check-config exit 3 naming rules.toml and the line of the mistake."""
    config = files(tmp_path, BESIDE + 'sentiment_min = -3\n')
    result = listenpost("--config", str(config), "--check-config")
    assert result.returncode == 3
    assert (f"{tmp_path / 'rules.toml'}:6: rules[0].sentiment_min: " in result.stderr)


async def test_rules_check_runs_both_files_rules(tmp_path: Path) -> None:
    """It should dry-run the config's rules and rules.toml's when --rules-check names no file."""
    config = files(tmp_path)
    db = tmp_path / "l.db"
    await create_db(db)
    insert(db, [M(title="Where is my refund", category="question"),
                M(title="Hvor er kaffen", category="question", language="da")])
    result = listenpost("--config", str(config), "--db", str(db), "--rules-check")
    assert result.returncode == 0, result.stderr
    assert "  refunds: 1 (all-time 0)\n  danish: 1 (all-time 0)\n" in result.stdout
    broken = files(tmp_path, '[[rules]]\nname = "x"\nstatus = "later"\n')
    bad = listenpost("--config", str(broken), "--db", str(db), "--rules-check")
    assert bad.returncode == 3
    assert f"{tmp_path / 'rules.toml'}:3: rules[0].status: expected one of" in bad.stderr


def test_live_rules_reread_rules_toml_when_it_changes(tmp_path: Path) -> None:
    """It should take a rules.toml written, changed or broken after the poller started:
    new rules at once, the last good ones kept (and the problem said) while it is broken."""
    config = files(tmp_path, None)
    live = LiveRules(config, load_config(config).rules)
    assert [r.name for r in live.current()] == ["refunds"]
    (tmp_path / "rules.toml").write_text(BESIDE, encoding="utf-8")
    assert [r.name for r in live.current()] == ["refunds", "danish"]
    (tmp_path / "rules.toml").write_text(BESIDE + "stop = 3\n", encoding="utf-8")
    assert [r.name for r in live.current()] == ["refunds", "danish"]
    assert live.problem is not None and "rules.toml:6: rules[0].stop" in live.problem
    (tmp_path / "rules.toml").unlink()
    assert [r.name for r in live.current()] == ["refunds"] and live.problem is None
