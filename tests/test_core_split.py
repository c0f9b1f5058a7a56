"""The engine stays free of the faces: no core module may import Textual or tui."""

from __future__ import annotations

import subprocess
import sys
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
