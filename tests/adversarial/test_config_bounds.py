"""Issue 11, item 7: hostile configs are config errors (exit 3), in bounded time and memory.

Each config is handed to the real ``listenpost`` command; none may end in a traceback, and the
command's peak memory stays near that of an ordinary run whatever the file holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.adversarial.harness import report, run_cli

BRAND = '[brand]\nname = "Northwind"\nqueries = ["northwind"]\n'
# An ordinary --check-config peaks near 30 MiB; anything that scales with a 10 MB value is
# several times that (1.3 GB before the fix).
MEMORY_BOUND_MIB = 80

HOSTILE = {
    "nested parentheses": '[brand]\nname = "N"\nqueries = ["' + "(" * 300 + "x" + ")" * 300
    + '"]\n',
    "nested NOTs": '[brand]\nname = "N"\nqueries = ["' + "NOT " * 300 + 'x"]\n',
    "nested arrays": BRAND + "[network]\nallowed_networks = " + "[" * 500 + "]" * 500 + "\n",
    "nested inline tables": BRAND + "[keys]\nx = " + "{a = " * 400 + "1" + "}" * 400 + "\n",
    "a 10 MB brand name": '[brand]\nname = "' + "N" * 10_000_000 + '"\nqueries = ["n"]\n',
    "a 900 KB query": '[brand]\nname = "N"\nqueries = ["' + "northwind " * 90_000 + '"]\n',
}
EXPECTED = {
    "nested parentheses": "nest more than 32 deep",
    "nested NOTs": "nest more than 32 deep",
    "nested arrays": "nest more than 16 levels deep",
    "nested inline tables": "nest more than 16 levels deep",
    "a 10 MB brand name": "larger than 1024 KiB",
    "a 900 KB query": "at most 8,192 are allowed",
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_config_is_a_config_error(tmp_path: Path, name: str) -> None:
    """It should refuse the config with exit 3, a located message and bounded memory."""
    config = tmp_path / "c.toml"
    config.write_text(HOSTILE[name], encoding="utf-8")
    config.chmod(0o600)
    run = run_cli("--config", str(config), "--db", str(tmp_path / "lp.db"), "--check-config")
    report(f"config bounds: {name}", run.seconds, run.peak_mib)
    assert run.returncode == 3, run.stderr[-2000:]
    assert EXPECTED[name] in run.stderr and "Traceback" not in run.stderr
    assert str(config) in run.stderr
    assert len(run.stderr) < 1000  # the message does not repeat the value
    assert run.peak_mib < MEMORY_BOUND_MIB


def test_an_export_with_a_hostile_config_writes_nothing(tmp_path: Path) -> None:
    """It should stop before the database or the export is touched."""
    config = tmp_path / "c.toml"
    config.write_text(HOSTILE["nested arrays"], encoding="utf-8")
    run = run_cli("--config", str(config), "--db", str(tmp_path / "lp.db"),
                  "--export", str(tmp_path / "out.json"))
    assert run.returncode == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.toml"]
