"""The cached language model as the parse workers of a new user's first poll meet it: no cache
yet, several processes at once. One unpacks the model and the others wait their turn and map
its files, instead of each decompressing its own copy at the same time; and every integer table
(the DFA's output per state included) is mapped, not parsed into Python lists.

Each case runs real interpreters: the model is loaded once per process."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Loads the model through the cache with a loader that says when it runs, then detects.
PROBE = """
from py3langid.langid import MODEL_DIR, MODEL_FILE
from core.analysis import language
from core.analysis.language_cache import cached_model

path = MODEL_DIR / MODEL_FILE

def load():
    print("unpacked", flush=True)
    return language._load_restricted(path)

cached_model(path, language.LANGUAGES, load)
print(language.detect_language("Jeg er meget glad for min nye kaffemaskine, den virker godt"))
"""
MAPPED = """
from core.analysis.language import detect_language
from core.analysis.language_cache import cache_folder
detect_language("Hello there, how are you doing today my friend?")
maps = open("/proc/self/maps").read()
names = ("nextmove", "row", "output")
print(*[any(str(p) in maps for p in cache_folder().glob(f"langid-*/{n}")) for n in names])
"""
WAIT_STEPS = 1200  # checks of /proc/locks, 0.05 s apart, before giving up on the waiters


def _start(code: str, cache: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    return subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _waiting_on(folder: Path) -> int:
    """How many processes wait for the lock on ``folder`` (blocked entries in /proc/locks)."""
    inode = f":{folder.stat().st_ino} "
    lines = Path("/proc/locks").read_text().splitlines()
    return sum(1 for line in lines if "->" in line and inode in line)


def test_processes_finding_no_cache_unpack_the_model_once(tmp_path: Path) -> None:
    """It should let exactly one of several processes that find no cache unpack the model;
    the others wait for it and use its files."""
    import fcntl

    folder = tmp_path / "listenpost"
    folder.mkdir()
    held = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # a writer's turn, so both probes must queue up
        probes = [_start(PROBE, tmp_path) for _ in range(2)]
        for _ in range(WAIT_STEPS):
            if _waiting_on(folder) == 2 or any(p.poll() is not None for p in probes):
                break
            time.sleep(0.05)
        assert _waiting_on(folder) == 2
    finally:
        os.close(held)
    outputs = [p.communicate()[0].split() for p in probes]
    assert sorted(outputs) == [["da"], ["unpacked", "da"]]
    assert [p.name[:6] for p in folder.iterdir()] == ["langid"]


def test_every_integer_table_of_the_model_is_mapped(tmp_path: Path) -> None:
    """It should map the transition table, its rows and the output per state from the cache,
    in the process that wrote them and in a later one."""
    for _ in range(2):
        probe = _start(MAPPED, tmp_path)
        out, err = probe.communicate()
        assert out.split() == ["True", "True", "True"], err


def test_caches_unused_for_a_week_are_removed_when_a_new_one_is_written(tmp_path: Path) -> None:
    """It should remove the model caches of older installs that no process has read for a
    week when it writes its own, and keep one read recently."""
    folder = tmp_path / "listenpost"
    folder.mkdir()
    week_ago = time.time() - 8 * 86_400
    stale_dir, stale_file, recent = (folder / "langid-old", folder / "langid-older.I",
                                     folder / "langid-other-install")
    stale_dir.mkdir()
    (stale_dir / "table").write_bytes(b"x" * 1024)
    stale_file.write_bytes(b"x")
    recent.mkdir()
    for path in (stale_dir, stale_file):
        os.utime(path, (week_ago, week_ago))
    probe = _start(PROBE, tmp_path)
    out, err = probe.communicate(timeout=300)
    assert probe.returncode == 0, err
    assert out.split() == ["unpacked", "da"]
    assert not stale_dir.exists() and not stale_file.exists()
    assert recent.exists()
    assert len([p for p in folder.glob("langid-v*") if p.is_dir()]) == 1
