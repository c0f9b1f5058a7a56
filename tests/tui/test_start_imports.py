"""What the inbox loads before its first paint: most of a start is imports, so modules only
some keys need (the reply editor, the classifier's cue tables behind a category's
explanation, the metrics and rules screens) load when first used, or, for metrics, once the
inbox has painted. Each check runs a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Loaded on first use, never by the app's start.
LATER = ("tui.screens.reply", "core.replies.templates", "core.analysis.cues",
         "core.analysis.classify", "tui.screens.metrics", "tui.screens.rules")
LIST_LOADED = """
import sys
import tui.app
print(*[name for name in sys.argv[1:] if name in sys.modules])
"""


def test_the_app_starts_without_the_reply_editor_the_cue_tables_or_other_screens() -> None:
    """It should import the whole app without the modules only a reply, an explanation or
    another screen needs."""
    done = subprocess.run([sys.executable, "-c", LIST_LOADED, *LATER], cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == []
