"""The language model is unpacked once into the user's cache folder and every detecting process
maps its tables read-only from there, so the parse workers share their pages instead of each
decompressing the model and holding a copy; where the cache cannot be used, detection works as
before.

Each case runs in a fresh interpreter: the model is loaded once per process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Detects two languages, then says whether this process maps the cached table.
PROBE = """
from core.analysis.language import detect_language
from core.analysis.language_cache import cache_folder
print(detect_language("Hello there, how are you doing today my friend?"))
print(detect_language("Jeg er meget glad for min nye kaffemaskine, den virker godt"))
tables = sorted(str(p) for p in cache_folder().glob("langid-*/nextmove"))
maps = open("/proc/self/maps").read()
print(len(tables), any(t in maps for t in tables))
"""


def _probe(cache: Path) -> list[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True,
                          text=True, check=True)
    return done.stdout.split("\n")[:3]


def test_every_process_maps_the_one_cached_table(tmp_path: Path) -> None:
    """It should write the table once and map that same file in each later process."""
    assert _probe(tmp_path) == ["en", "da", "1 True"]
    table = next((tmp_path / "listenpost").glob("langid-*/nextmove"))
    written = table.stat().st_mtime_ns
    assert _probe(tmp_path) == ["en", "da", "1 True"]
    assert table.stat().st_mtime_ns == written  # reused, not rewritten


def test_a_truncated_table_is_written_again(tmp_path: Path) -> None:
    """It should write a damaged cached model (a table of the wrong size) again and map it."""
    _probe(tmp_path)
    table = next((tmp_path / "listenpost").glob("langid-*/nextmove"))
    size = table.stat().st_size
    table.write_bytes(b"\0" * 1024)
    assert _probe(tmp_path) == ["en", "da", "1 True"]
    assert table.stat().st_size == size


def test_without_a_usable_cache_detection_still_works(tmp_path: Path) -> None:
    """It should detect languages from memory when the cache folder cannot be created."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    assert _probe(blocker) == ["en", "da", "0 False"]


def test_processes_starting_together_leave_one_model(tmp_path: Path) -> None:
    """It should let two processes that find no cache both detect, and leave one whole model
    folder and nothing half-written (the parse workers of a first poll start together)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    runs = [subprocess.Popen([sys.executable, "-c", PROBE], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [run.communicate()[0].split("\n")[:2] for run in runs]
    assert outputs == [["en", "da"], ["en", "da"]]
    assert [p.name[:6] for p in (tmp_path / "listenpost").iterdir()] == ["langid"]
    assert _probe(tmp_path) == ["en", "da", "1 True"]
