"""Item 5: the Big List of Naughty Strings on every screen, in a real pseudo-terminal.

``listenpost --db DB --config CFG`` runs under ``pty.fork()`` at 160x50 with
TERM=xterm-256color. Its database holds every string of the list, byte-exact (escape sequences,
C0 and C1 controls, bidi overrides and Rich markup such as ``[@click=app.quit]`` included), as
a mention's title, text, author and URL, written by the store's ingest with no adapter cleaning
them; its one source (a Hacker News search on loopback, serving the strings again) and its team
member carry hostile names, so the sidebar, the arrival notification and the assign chooser show
them too. Keys page through every mention, open the detail pane and each screen, click the row
that says ``[@click=app.quit]``, then quit.

Every byte the app writes is read and parsed into escape sequences and text. A first run on
harmless data gives the sequence kinds Textual itself emits (CSI final bytes, private modes,
OSC numbers); the hostile run may use only those kinds, never OSC 52 (clipboard) or a title
change, no bidi control in its text and no C0 byte the baseline did not have; the markup must
be on screen as characters and the app still running before ``q``. The in-process Pilot twin of
this test is tests/tui/test_inbox_hostile.py.

Each screen registers itself in ``SCREENS``: a screen added later appends its visit there.
"""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import pty
import re
import struct
import sys
import termios
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.model import Mention, SourceConfig
from core.store import Store
from tests.adversarial.harness import MIB, ROOT, T0, blns, hn_listing, report
from tests.loopback import LoopbackServer, Reply

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

COLS, ROWS = 160, 50
MARKUP = ["[@click=app.quit]quit[/]", "[bold]x[/]", "[link=file:///etc/passwd]y[/link]",
          "[on red]z", "$accent [b]"]
HOSTILE_NAME = "\x1b]52;c;ZXZpbA==\x07\x1b]2;pwned\x07 naughty \u202e[@click=app.quit]"
LAST = "LAST-MENTION-MARKER"
PAGE_DOWN, ESCAPE, ENTER = b"\x1b[6~", b"\x1b", b"\r"
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True, slots=True)
class Visit:
    """How to reach one screen from the inbox, and text that proves it was drawn."""

    name: str
    keys: tuple[bytes, ...]
    proof: Callable[[str], bool]
    settle: float = 0.4  # seconds after each key: a redraw takes a frame or two
    until: Callable[[str], bool] | None = None  # repeat the keys until this holds (max 150)


def _has(text: str) -> Callable[[str], bool]:
    return lambda shown: text in shown


SCREENS: list[Visit] = [
    Visit("notifications", (), _has("new mentions from")),  # the startup poll's arrival notice
    Visit("detail pane", (b"j", b"j", b"j", ENTER, ENTER), _has("Sentiment:")),
    Visit("help", (b"h", ESCAPE), _has("Snooze until a time")),
    Visit("assign chooser", (b"a", ESCAPE), _has("nobody (unassign)")),
    Visit("reply editor", (b"r", ESCAPE), _has("Ctrl+S copies the reply")),
    Visit("inbox list, paged to the end", (PAGE_DOWN,), _has(LAST), settle=0.12,
          until=_has(LAST)),
]


# --- the terminal session -----------------------------------------------------------------------


@dataclass
class Session:
    """The app under a pseudo-terminal: keys in, every output byte kept."""

    pid: int
    fd: int
    output: bytearray = field(default_factory=bytearray)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start_reading(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return  # EIO: the child closed the terminal
            if not chunk:
                return
            with self._lock:
                self.output += chunk

    def text(self) -> str:
        with self._lock:
            return strip_sequences(bytes(self.output))

    def press(self, key: bytes, settle: float) -> None:
        os.write(self.fd, key)
        time.sleep(settle)

    def wait_for(self, check: Callable[[str], bool], seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check(self.text()):
                return True
            time.sleep(0.1)
        return False

    def alive(self) -> bool:
        return os.waitpid(self.pid, os.WNOHANG) == (0, 0)


def spawn(config: Path, db: Path) -> Session:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
           "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-m", "tui.cli", "--config", str(config), "--db", str(db)]
    pid, fd = pty.fork()
    if pid == 0:  # the child: size its terminal, then become listenpost
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        os.chdir(ROOT)
        os.execve(argv[0], argv, env)
    session = Session(pid, fd)
    session.start_reading()
    return session


@dataclass(frozen=True, slots=True)
class Played:
    output: bytes
    shown: dict[str, bool]  # screen name -> its proof appeared
    alive_before_quit: bool
    exit_code: int | None
    seconds: float
    peak_mib: float


def play(config: Path, db: Path) -> Played:
    """Run the app, visit every screen, click the markup row, quit; keep every byte."""
    started = time.monotonic()
    session = spawn(config, db)
    try:
        session.wait_for(_has("new mentions from"), 20)
        shown = {visit.name: visit_screen(session, visit) for visit in SCREENS}
        session.press(b"g", 0.3)
        session.press(b"\x1b[<0;60;4M\x1b[<0;60;4m", 0.5)  # click the first mention's row
        alive = session.alive()
        session.press(b"q", 0.1)
        code, peak = wait_exit(session.pid, 20)
    finally:
        _kill(session.pid)
        time.sleep(0.2)
        os.close(session.fd)
    return Played(bytes(session.output), shown, alive, code, time.monotonic() - started, peak)


def visit_screen(session: Session, visit: Visit) -> bool:
    for _ in range(150 if visit.until else 1):
        if visit.until and visit.until(session.text()):
            break
        for key in visit.keys:
            session.press(key, visit.settle)
    return session.wait_for(visit.proof, 5)


def wait_exit(pid: int, seconds: float) -> tuple[int | None, float]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024
        time.sleep(0.1)
    return None, 0.0


def _kill(pid: int) -> None:
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


# --- reading what the app wrote -----------------------------------------------------------------

SEQUENCE = re.compile(
    rb"\x1b\[(?P<priv>[<=>?]?)(?P<params>[0-9;:]*)(?P<inter>[ -/]*)(?P<final>[@-~])"
    rb"|\x1b\](?P<osc>[0-9]*)[^\x07\x1b]*(?:\x07|\x1b\\)"
    rb"|\x1bP[^\x1b]*\x1b\\"
    rb"|\x1b(?P<esc>[ -~])",
    re.S,
)


def kinds(data: bytes) -> set[tuple[str, ...]]:
    """The kind of every escape sequence in ``data``; an ESC that starts none is its own kind."""
    found: set[tuple[str, ...]] = set()
    for at in (m.start() for m in re.finditer(rb"\x1b", data)):
        match = SEQUENCE.match(data, at)
        found.add(_kind(match) if match else ("UNPARSED ESC", repr(data[at:at + 12])))
    return found


def _kind(match: re.Match[bytes]) -> tuple[str, ...]:
    if match.group("final") is not None:
        priv, final = match.group("priv").decode(), match.group("final").decode()
        if priv == "?" and final in "hl":  # DEC private modes: each mode is its own kind
            return ("DECMODE", match.group("params").decode(), final)
        return ("CSI", priv, match.group("inter").decode(), final)
    if match.group("osc") is not None:
        return ("OSC", match.group("osc").decode())
    if match.group("esc") is not None:
        return ("ESC", match.group("esc").decode())
    return ("DCS",)


def strip_sequences(data: bytes) -> str:
    return SEQUENCE.sub(b"", data).decode("utf-8", "replace")


def loose_controls(data: bytes) -> set[int]:
    """C0 bytes (and DEL) outside escape sequences."""
    return {b for b in SEQUENCE.sub(b"", data) if b < 0x20 or b == 0x7f} - {0x1b}


# --- the data -----------------------------------------------------------------------------------


async def fill(db: Path, strings: list[str], source_name: str) -> None:
    """Each string as title, text, author and URL, by the store's ingest (no adapter cleaning);
    the markup strings first in the triage order and a marker last."""
    async with await Store.open(db) as store:
        ids = await store.sync_sources([SourceConfig(name=source_name, kind="feed",
                                                     url="https://naughty.example/feed")])
        mentions = [Mention("feed", title=s, text=f"{s}\n{s}", author=s, url=s, key=f"n-{i}",
                            published_at=T0 - i, priority=90.0 if s in MARKUP else 50.0)
                    for i, s in enumerate(strings)]
        mentions.append(Mention("feed", title=LAST, text=LAST, key="last", published_at=T0,
                                priority=-1e6))
        await store.ingest(ids[source_name], mentions, now=T0)


def write_config(path: Path, hn_url: str, name: str) -> Path:
    text = (f'[brand]\nname = "Northwind"\n[network]\nallow_private_addresses = false\n'
            f'allowed_networks = ["127.0.0.1/32"]\ntimeout = 4\n'
            f'[team]\nme = "ana"\n[[team.members]]\nname = {json.dumps(name)}\nhandle = "ana"\n'
            f'[[sources]]\nkind = "hackernews"\nname = {json.dumps(name)}\n'
            f'url = "{hn_url}"\nquery = "x"\nmatch_all = true\n')
    path.write_text(text, encoding="utf-8")
    return path


def prepare(tmp: Path, server: LoopbackServer, strings: list[str], name: str) -> tuple[Path, Path]:
    db = tmp / "lp.db"
    asyncio.run(fill(db, strings, name))
    server.route("/hn/api/v1/search_by_date", Reply(200, hn_listing(strings[:80])))
    return write_config(tmp / "c.toml", server.url("/hn"), name), db


@pytest.fixture(scope="module")
def baseline(server: LoopbackServer, tmp_path_factory: pytest.TempPathFactory) -> Played:
    """The same session on harmless data: the escape sequences Textual itself writes."""
    strings = [f"Plain mention number {i}" for i in range(300)] + MARKUP
    played = play(*prepare(tmp_path_factory.mktemp("calm"), server, strings, "plain source"))
    report("pseudo-terminal session, harmless data", played.seconds, played.peak_mib)
    return played


@pytest.fixture(scope="module")
def hostile(server: LoopbackServer, corpora: Path, baseline: Played,
            tmp_path_factory: pytest.TempPathFactory) -> Played:
    strings = MARKUP + blns(corpora)
    played = play(*prepare(tmp_path_factory.mktemp("naughty"), server, strings, HOSTILE_NAME))
    report("pseudo-terminal session, naughty strings", played.seconds, played.peak_mib)
    return played


@pytest.mark.parametrize("screen", [visit.name for visit in SCREENS])
def test_every_screen_was_drawn(baseline: Played, hostile: Played, screen: str) -> None:
    """It should reach and draw each screen with harmless and with hostile data."""
    assert baseline.shown[screen] and hostile.shown[screen], screen


def test_only_textuals_own_kinds_of_escape_sequence(baseline: Played, hostile: Played) -> None:
    """It should write no kind of escape sequence that Textual does not write on calm data."""
    extra = kinds(hostile.output) - kinds(baseline.output)
    assert not extra, sorted(extra)


def test_no_clipboard_or_title_sequences(hostile: Played) -> None:
    """It should write no OSC 52 (clipboard) and no OSC 0/1/2 (window title)."""
    assert not {("OSC", n) for n in ("0", "1", "2", "52")} & kinds(hostile.output)
    assert b"ZXZpbA==" not in hostile.output and b"pwned" not in hostile.output


def test_no_bidi_controls_or_stray_control_bytes(baseline: Played, hostile: Played) -> None:
    """It should write no bidi override/isolate, and no C0 byte the calm session did not."""
    assert not BIDI.search(hostile.output.decode("utf-8", "replace"))
    assert loose_controls(hostile.output) <= loose_controls(baseline.output)


def test_markup_is_text_and_quits_nothing(hostile: Played) -> None:
    """It should show [@click=app.quit] as characters, still run after the click, quit on q."""
    assert "[@click=app.quit]quit[/]" in strip_sequences(hostile.output)
    assert hostile.alive_before_quit
    assert hostile.exit_code == 0


def test_the_session_stays_small_and_quick(hostile: Played) -> None:
    """It should page ~700 hostile mentions in bounded time and memory."""
    assert hostile.seconds < 90 and hostile.peak_mib < 800
    assert len(hostile.output) < 64 * MIB
