"""Issue 11, item 4: a crash is not "database cannot be opened".

The real ``listenpost`` command, with a fault injected before it starts (a prelude that makes one
of our functions raise, as a bug would): the app's crash and a headless run's crash both exit
``ExitCode.INTERNAL``, while a database that cannot be opened still exits ``ExitCode.STORE``.
Every code is written in ``--help`` and in the README's table.
"""

from __future__ import annotations

import re
from pathlib import Path

from core.exitcodes import EXIT_CODE_HELP, ExitCode
from tests.adversarial.harness import ROOT, Src, run_cli, write_config

# The app without a terminal: Textual's headless driver, chosen by its environment variable.
HEADLESS_APP = {"TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"}
APP_BUG = """
import tui.app
def broken(self):
    raise RuntimeError("an injected bug in the app")
tui.app.ListenpostApp._apply_keymap = broken
"""
HEADLESS_BUG = """
import core.headless
async def broken(*args, **kwargs):
    raise RuntimeError("an injected bug in the export")
core.headless.build_report = broken
"""


def config_in(tmp_path: Path) -> Path:
    return write_config(tmp_path / "c.toml", [Src("feed", "http://127.0.0.1:9/feed.xml")])


def test_an_app_crash_exits_internal_not_store(tmp_path: Path) -> None:
    """It should exit 70 when the app dies of a bug, and still 4 when the database is bad."""
    config = config_in(tmp_path)
    run = run_cli("--config", str(config), "--db", str(tmp_path / "lp.db"),
                  env=HEADLESS_APP, prelude=APP_BUG, timeout=60)
    assert run.returncode == ExitCode.INTERNAL, run.stderr[-2000:]
    assert "an injected bug in the app" in run.stdout + run.stderr
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_bytes(b"not a database\n" * 100)
    run = run_cli("--config", str(config), "--db", str(not_a_db), env=HEADLESS_APP, timeout=60)
    assert run.returncode == ExitCode.STORE, run.stderr[-2000:]


def test_a_headless_crash_exits_internal_with_one_clear_line(tmp_path: Path) -> None:
    """It should exit 70 (not 1, "a source failed") and say it is a bug, for --export."""
    run = run_cli("--config", str(config_in(tmp_path)), "--db", str(tmp_path / "lp.db"),
                  "--export", str(tmp_path / "out.json"), "--no-poll", prelude=HEADLESS_BUG)
    assert run.returncode == ExitCode.INTERNAL, run.stderr[-2000:]
    assert "an injected bug in the export" in run.stderr
    assert run.stderr.rstrip().endswith("please report it with the lines above")
    assert not (tmp_path / "out.json").exists()


def test_every_exit_code_is_in_help_and_the_readme() -> None:
    """It should document each exit code in --help and in the README's table."""
    shown = run_cli("--help").stdout
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for code, text in EXIT_CODE_HELP.items():
        assert re.search(rf"^\s+{int(code)}\s+{re.escape(text)}$", shown, re.MULTILINE), code
        assert re.search(rf"^\| {int(code)} \| ", readme, re.MULTILINE), code
    assert set(EXIT_CODE_HELP) == set(ExitCode)
