"""Running the demo: the bundled feeds on a loopback port, a config pointing at them, and a
database of its own, all set up and torn down around one run of the app or an export.

The demo database lives in a temporary directory unless ``--db`` names one, so every demo
starts from mentions dated relative to now and never mixes with a real listening database.

A demo ends in many ways, and each must take its directory with it: a normal exit or Ctrl-C
unwinds the context manager; SIGHUP (the terminal or SSH session closed) and SIGTERM would kill
the process without unwinding, so while a demo runs they first remove the directory and then
take their usual course. What no handler can catch (SIGKILL, a power cut) is swept up by the
next demo: each directory carries its process id, and one whose process is gone is removed.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

from core.config import Config, parse_config
from core.demo.server import DemoServer

_Handler = Callable[[int, FrameType | None], Any] | int | signal.Handlers | None

DEMO_PREFIX = "listenpost-demo-"
ENDING_SIGNALS = (signal.SIGHUP, signal.SIGTERM)


@contextmanager
def running_demo(db_override: str | None, *, live: bool = True) -> Iterator[tuple[Config, Path]]:
    """Serve the demo feeds and yield a config for them and the database path to use."""
    sweep_abandoned_demos()
    server = DemoServer(now=int(time.time()), live=live)
    base_url = server.start()
    try:
        with demo_directory() as tmp:
            from core.demo.content import demo_config_text

            config_file = tmp / "demo.toml"
            text = demo_config_text(base_url)
            config_file.write_text(text, encoding="utf-8")
            config = parse_config(text, config_file)
            db_path = Path(db_override) if db_override else tmp / "demo.db"
            yield config, db_path
    finally:
        server.stop()


@contextmanager
def demo_directory() -> Iterator[Path]:
    """A temporary directory named for this process, removed however the demo ends."""
    tmp = Path(tempfile.mkdtemp(prefix=f"{DEMO_PREFIX}{os.getpid()}-"))
    try:
        with _removed_on_signals(tmp):
            yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def _removed_on_signals(tmp: Path) -> Iterator[None]:
    """While the block runs, SIGHUP and SIGTERM remove ``tmp`` before doing what they did."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread may set handlers; the app and the CLI run there
        return
    previous: dict[int, _Handler] = {int(sig): signal.getsignal(sig) for sig in ENDING_SIGNALS}

    def remove_then_continue(signum: int, frame: FrameType | None) -> None:
        shutil.rmtree(tmp, ignore_errors=True)
        earlier = previous[signum]
        if callable(earlier):
            earlier(signum, frame)
            return
        signal.signal(signum, signal.SIG_DFL)  # the default: end the process, by this signal
        os.kill(os.getpid(), signum)

    for number, handler in previous.items():
        if handler is not signal.SIG_IGN:  # under nohup, SIGHUP ends nothing: leave it so
            signal.signal(number, remove_then_continue)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def sweep_abandoned_demos(folder: Path | None = None) -> list[Path]:
    """Remove this user's demo directories whose process no longer runs; return them."""
    folder = folder or Path(tempfile.gettempdir())
    removed = []
    for candidate in folder.glob(f"{DEMO_PREFIX}*"):
        if _abandoned(candidate):
            shutil.rmtree(candidate, ignore_errors=True)
            removed.append(candidate)
    return removed


def _abandoned(candidate: Path) -> bool:
    """True for a directory of ours, named for a process id that is not running."""
    pid_text = candidate.name.removeprefix(DEMO_PREFIX).partition("-")[0]
    try:
        info = candidate.lstat()
    except FileNotFoundError:
        return False
    if not pid_text.isdigit() or not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # the process exists (another user's): not abandoned
    return False


__all__ = ["DEMO_PREFIX", "running_demo", "sweep_abandoned_demos"]
