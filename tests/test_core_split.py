"""The engine stays free of the faces: no core module may import Textual or tui."""

from __future__ import annotations

import ast
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Imports every core module in turn in a fresh interpreter and names the first one after which
# textual or tui shows up in sys.modules.
PROBE = """
import importlib, pathlib, sys
root = pathlib.Path.cwd()
for path in sorted((root / "core").rglob("*.py")):
    name = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
    importlib.import_module(name)
    bad = sorted(m for m in sys.modules if m == "textual" or m.startswith(("textual.", "tui")))
    if bad:
        print(name, "pulled in", ",".join(bad[:3]))
        break
"""


def test_core_modules_do_not_import_textual_or_tui() -> None:
    """It should import every core module without loading textual or tui."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_headless_cli_does_not_load_textual() -> None:
    """It should parse arguments and build --help without importing Textual."""
    code = (
        "import sys, tui.cli; tui.cli.build_parser().format_help(); print('textual' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.stdout.strip() == "False", result.stderr


def _imported_modules(importtime_log: str) -> set[str]:
    """Module names from ``python -X importtime`` output (one ``import time:`` line each)."""
    names = set()
    for line in importtime_log.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip())
    return names


def _headless_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LISTENPOST_")}
    return {**env, "TMPDIR": str(tmp_path), "PYTHONDONTWRITEBYTECODE": "1"}


def test_export_process_never_loads_textual(tmp_path: Path) -> None:
    """It should run a real demo --export (poll, then write JSON) without importing Textual."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tui.cli", "--demo", "--db",
         str(tmp_path / "x.db"), "--export", str(tmp_path / "out.json")],
        capture_output=True, text=True, cwd=ROOT, env=_headless_env(tmp_path), check=False,
        timeout=240)
    modules = _imported_modules(result.stderr)
    assert (tmp_path / "out.json").stat().st_size > 1000, result.stderr[-2000:]
    assert "core.polling.poller" in modules and "core.export.json_export" in modules
    assert not {m for m in modules if m == "textual" or m.startswith(("textual.", "tui.app"))}


def test_poller_process_never_loads_textual(tmp_path: Path) -> None:
    """It should poll as a real --poller process and stop on SIGINT, Textual never imported."""
    db, log = tmp_path / "p.db", tmp_path / "stderr.log"
    with log.open("w") as stderr_file:  # a file, not a pipe: importtime writes a lot
        proc = subprocess.Popen(
            [sys.executable, "-X", "importtime", "-m", "tui.cli", "--demo", "--db", str(db),
             "--poller"], stdout=subprocess.DEVNULL, stderr=stderr_file, cwd=ROOT,
            env=_headless_env(tmp_path))
    try:
        deadline = time.monotonic() + 120  # generous: two busy cores, six demo feeds
        while not _polls_stored(db) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)  # polling a file another process writes: no event to wait on
        assert _polls_stored(db), "the poller stored no poll outcome"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    modules = _imported_modules(log.read_text())
    assert "core.polling.poller" in modules
    assert not {m for m in modules if m == "textual" or m.startswith(("textual.", "tui.app"))}


def _polls_stored(db: Path) -> bool:
    if not db.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
            return bool(con.execute("SELECT count(*) FROM polls").fetchone()[0])
    except sqlite3.Error:
        return False  # not created or migrated yet


# Which core packages may import which: each line is "package: the packages or single modules it
# may import" (besides itself, the shared leaf modules and the standard library). A new arrow is
# a design decision, so it is made here, where a reviewer sees it. The store reads two pure
# policy modules of higher layers (bucket membership, the owned-post snapshot schedule); both
# import nothing but core.model.
SHARED = {"core.model", "core.units", "core.exitcodes", "core.files", "core.paths",
          "core.wording", "core.signals"}
ALLOWED: dict[str, set[str]] = {
    "core.analysis": set(),
    "core.net": set(),
    # The config reads the rules' file format and checks saved searches as the inbox runs them.
    "core.config": {"core.analysis", "core.net", "core.sources", "core.rules.parse",
                    "core.rules.model", "core.inbox.views"},
    "core.sources": {"core.analysis", "core.net", "core.polling"},
    "core.store": {"core.analysis", "core.inbox.buckets", "core.polling.owned",
                   "core.sources.base"},
    "core.polling": {"core.analysis", "core.net", "core.sources", "core.store", "core.config"},
    "core.inbox": {"core.store", "core.analysis", "core.rules.stored"},
    "core.export": {"core.store", "core.analysis", "core.net", "core.config", "core.metrics",
                    "core.replies.drafts", "core.inbox.buckets"},
    "core.opml": {"core.config", "core.net", "core.analysis"},
    "core.demo": {"core.config", "core.analysis"},
    "core.metrics": {"core.config", "core.store", "core.inbox.triage", "core.export.report"},
    "core.people": {"core.analysis", "core.config", "core.store", "core.export"},
    "core.replies": {"core.analysis", "core.config", "core.inbox.triage", "core.net",
                     "core.sources"},
    # A rule's query narrows through the full-text index as the inbox's search does.
    "core.rules": {"core.analysis", "core.config", "core.net", "core.polling", "core.store",
                   "core.inbox.views", "core.inbox.triage"},
    "core.team": {"core.config", "core.store", "core.headless"},
}


def _package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2])


def _core_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m.startswith("core.")}


def test_core_packages_import_only_what_the_layering_allows() -> None:
    """It should keep each core package's imports within the arrows ALLOWED draws."""
    wrong = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        package = _package_of(module)
        if package not in ALLOWED:
            continue  # the shared leaf modules and core.headless, which wires everything
        for imported in _core_imports(path):
            allowed = {package, *ALLOWED[package], *SHARED}
            if _package_of(imported) not in allowed and imported not in allowed:
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_every_package_says_what_it_owns() -> None:
    """It should open every package of core and tui with a docstring of a sentence or more."""
    missing = []
    packages = [*(ROOT / "core").rglob("__init__.py"), *(ROOT / "tui").rglob("__init__.py")]
    for init in sorted(packages):
        text = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        if len(text) < 40:
            missing.append(str(init.relative_to(ROOT)))
    assert missing == []
