"""Item 7: tokens never leave the places they are meant for.

One real ``listenpost --export`` run, with Python logging at DEBUG for every logger (the CLI
has no verbose flag, so the child configures logging before calling ``tui.cli.main``), polls:
a Mastodon source whose token comes from the environment and whose server echoes the token
back in its 401 error; a Mastodon source whose token is written in an owner-only config; a
Bluesky source whose app password comes from the environment and whose server echoes it in a
refusal; a source whose poll dies of an unexpected exception (a fault injected into httpcore,
the library under our fetch client) with the token already in its request headers; a slow
source that keeps the run alive while ``/proc/<pid>/cmdline`` of the CLI and its workers is
read; and the healthy feed. No token may appear in the log lines, messages, the traceback, the
exports, the database files or any command line. A config file others can read that holds a
token is refused with the ``chmod`` to run; Textual's crash screen, which prints locals by
default, must not print a token that was in scope when the app crashed.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.adversarial.harness import (
    ROOT,
    Run,
    Src,
    assert_survivors,
    descendants,
    export_document,
    healthy_source,
    report,
    run_cli,
    seed,
    sources_of,
    write_config,
)
from tests.loopback import LoopbackServer, Reply, Request

ENV_TOKEN = "envtok-7Hq2-Zx91-Lp0w"
FILE_TOKEN = "filetok-Qm4v-88Rt-Kd3s"
APP_PASSWORD = "apppw-x2k9-m1n8-c7b6"
SECRETS = (ENV_TOKEN, FILE_TOKEN, APP_PASSWORD)
STATUSES = json.dumps([{"id": "77", "created_at": "2025-11-20T10:00:00Z",
                        "url": "https://m.example/@a/77", "content": "<p>Northwind rocks</p>",
                        "account": {"id": "9", "acct": "a", "display_name": "A"}}]).encode()

# Logging at DEBUG everywhere, and a fault in the HTTP library for one port: an exception our
# code does not expect, raised while the token sits in the request's headers.
PRELUDE = """
import logging, sys
logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                    format="LOG %(levelname)s %(name)s: %(message)s")
import httpcore
_connect = httpcore.AnyIOBackend.connect_tcp
async def _faulty(self, host, port, *args, **kwargs):
    if port == {crash_port}:
        raise RuntimeError("injected fault in the network library")
    return await _connect(self, host, port, *args, **kwargs)
httpcore.AnyIOBackend.connect_tcp = _faulty
"""


def echo_token(request: Request) -> Reply:
    """A server that quotes the credential it got in its error, as some APIs do."""
    said = request.headers.get("authorization", "none")
    body = json.dumps({"error": f"The access token {said} is invalid"}).encode()
    return Reply(401, body, {"Content-Type": "application/json"})


def echo_password(request: Request) -> Reply:
    body = json.dumps({"error": "AuthenticationRequired",
                       "message": f"Invalid identifier or password {APP_PASSWORD}"}).encode()
    return Reply(401, body, {"Content-Type": "application/json"})


@dataclass
class Watcher:
    """Reads /proc/<pid>/cmdline of a process and all its descendants while it runs."""

    seen: dict[int, str] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self, pid: int) -> None:
        threading.Thread(target=self._watch, args=(pid,), daemon=True).start()

    def stop(self) -> None:
        self._stop.set()

    def _watch(self, root: int) -> None:
        while not self._stop.is_set():
            for pid in descendants(root) | {root}:
                try:
                    raw = Path(f"/proc/{pid}/cmdline").read_bytes()
                except OSError:
                    continue
                if raw:
                    self.seen[pid] = raw.replace(b"\0", b" ").decode("utf-8", "replace")
            time.sleep(0.05)


@dataclass(frozen=True, slots=True)
class Outcome:
    run: Run
    document: dict[str, object]
    texts: dict[str, bytes]  # every place a token could end up, by name
    cmdlines: dict[int, str]
    server: LoopbackServer


@pytest.fixture(scope="module")
def outcome(server: LoopbackServer, tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    crash = LoopbackServer().start()
    try:
        return run_secret_poll(server, crash, tmp_path_factory.mktemp("secrets"))
    finally:
        crash.stop()


def run_secret_poll(server: LoopbackServer, crash: LoopbackServer, tmp: Path) -> Outcome:
    server.route("/api/v1/timelines/tag/envtag", echo_token)
    server.route("/api/v1/timelines/tag/filetag", Reply(200, STATUSES))
    server.route("/xrpc/com.atproto.server.createSession", echo_password)
    slow = server.route("/slow.xml", Reply(200, (b" " for _ in range(30)), chunk_delay=0.1))
    sources = [healthy_source(server), Src("slow", slow),
               Src("mastodon-env", server.url(""), "mastodon",
                   'tag = "envtag"\ntoken_env = "LP_ADV_MASTODON"'),
               Src("mastodon-file", server.url("").rstrip("/") + "/", "mastodon",
                   f'tag = "filetag"\ntoken = "{FILE_TOKEN}"'),
               Src("bluesky-env", server.url(""), "bluesky",
                   'query = "northwind"\nidentifier = "brand.example.com"\n'
                   'token_env = "LP_ADV_BSKY"'),
               Src("mastodon-crash", crash.url(""), "mastodon",
                   'tag = "crash"\ntoken_env = "LP_ADV_MASTODON"')]
    config = write_config(tmp / "c.toml", sources, mode=0o600)
    db, out = tmp / "lp.db", tmp / "out.json"
    asyncio.run(seed(db))
    env = {"LP_ADV_MASTODON": ENV_TOKEN, "LP_ADV_BSKY": APP_PASSWORD, "PYTHONPATH": str(ROOT)}
    watcher = Watcher()
    run = run_cli("--config", str(config), "--db", str(db), "--export", str(out), env=env,
                  prelude=PRELUDE.format(crash_port=crash.port), on_start=watcher.start)
    watcher.stop()

    report("secrets: debug-logged poll with an injected fault", run.seconds, run.peak_mib)
    texts = {"stderr": run.stderr.encode(), "stdout": run.stdout.encode(),
             "export.json": out.read_bytes()}
    for fmt in ("csv", "md"):
        again = run_cli("--config", str(config), "--db", str(db), "--no-poll", "--export", "-",
                        "--format", fmt, env=env, prelude=PRELUDE.format(crash_port=crash.port))
        texts[f"export.{fmt}"] = (again.stdout + again.stderr).encode()
    for path in tmp.glob("lp.db*"):
        texts[path.name] = path.read_bytes()
    return Outcome(run, export_document(out), texts, watcher.seen, server)


def test_tokens_were_really_used(outcome: Outcome) -> None:
    """It should send each token where it belongs (so the checks below mean something)."""
    sent = [r.headers.get("authorization") for r in outcome.server.requests]
    assert f"Bearer {ENV_TOKEN}" in sent and f"Bearer {FILE_TOKEN}" in sent
    assert "LOG DEBUG" in outcome.run.stderr  # logging really was at DEBUG
    assert len(outcome.cmdlines) >= 2  # the CLI and at least one worker were seen


@pytest.mark.parametrize("secret", SECRETS)
def test_no_token_in_logs_messages_exports_or_database(outcome: Outcome, secret: str) -> None:
    """It should keep every token out of logs, messages, tracebacks, exports and the database."""
    for place, data in outcome.texts.items():
        assert secret.encode() not in data, place
        assert secret.encode("utf-16-le") not in data, place


@pytest.mark.parametrize("secret", SECRETS)
def test_no_token_in_any_command_line(outcome: Outcome, secret: str) -> None:
    """It should never put a token on the command line of the CLI or a worker."""
    for pid, cmdline in outcome.cmdlines.items():
        assert secret not in cmdline, pid


def test_an_unexpected_exception_is_that_sources_error(outcome: Outcome) -> None:
    """It should turn a crash inside one poll into that source's error; the others carry on."""
    entries = sources_of(outcome.document)
    assert entries["mastodon-crash"]["status"] == "error"
    assert "RuntimeError" in str(entries["mastodon-crash"]["error"])
    assert entries["mastodon-env"]["status"] == "error"
    assert entries["bluesky-env"]["status"] == "error"
    assert entries["mastodon-file"]["status"] == "ok"
    assert_survivors(outcome.document)
    assert outcome.run.returncode == 1 and outcome.run.seconds < 30


def test_a_readable_config_with_a_token_is_refused(tmp_path: Path) -> None:
    """It should refuse a token in a file others can read, print the chmod, and not the token."""
    config = tmp_path / "shared.toml"
    config.write_text('[[sources]]\nkind = "mastodon"\nurl = "https://m.example"\n'
                      f'tag = "x"\ntoken = "{FILE_TOKEN}"\n', encoding="utf-8")
    config.chmod(0o644)
    run = run_cli("--config", str(config), "--db", str(tmp_path / "lp.db"),
                  "--export", str(tmp_path / "out.json"))
    assert run.returncode == 3
    assert f"chmod 600 {config}" in run.stderr
    assert FILE_TOKEN not in run.stderr + run.stdout
    assert not (tmp_path / "out.json").exists()


CRASHING_APP = """
import sys
from pathlib import Path
from core.config import load_config
from core.net.credentials import resolve_token
import tui.app
from tui.app import ListenpostApp

class CrashingApp(ListenpostApp):
    CSS_PATH = str(Path(tui.app.__file__).parent / ListenpostApp.CSS_PATH)

    def on_mount(self):  # Textual runs ListenpostApp.on_mount too (handlers follow the MRO)
        self.set_timer(0.3, self.crash)

    def crash(self):
        token = resolve_token(self.config.sources[0])
        headers = {"Authorization": f"Bearer {token}"}
        raise RuntimeError("a bug while a token is in scope")

app = CrashingApp(Path(sys.argv[2]), load_config(Path(sys.argv[1])))
app.run(headless=True, size=(100, 30))
sys.exit(app.return_code or 0)
"""


def test_textual_crash_screen_prints_no_token(tmp_path: Path) -> None:
    """It should print the crash traceback without the locals that hold the token."""
    config = write_config(tmp_path / "c.toml", [Src("m", "https://m.example", "mastodon",
                                                    'tag = "x"\ntoken_env = "LP_ADV_MASTODON"')])
    script = tmp_path / "crashing_app.py"  # Textual reads the app class's source file
    script.write_text(CRASHING_APP, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script), str(config),
                           str(tmp_path / "lp.db")], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, "LP_ADV_MASTODON": ENV_TOKEN})
    shown = done.stdout + done.stderr
    assert done.returncode != 0 and "a bug while a token is in scope" in shown, shown[-2000:]
    assert ENV_TOKEN not in shown


