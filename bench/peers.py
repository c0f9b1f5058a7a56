"""The tools we poll with, each with its own storage: listenpost's CLI, newsboat and reader.

Each tool has an unmeasured ``setup`` (write its config or add its feeds) and a ``command``
that polls every feed once, which the harness measures. A tool that cannot run here says why
(``unavailable``) and its rows print "skipped: <reason>". newsboat comes from Debian's package
and reader from PyPI into bench/.venv-peers, a venv of the benchmark's own: neither ever
becomes a dependency of listenpost.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LISTENPOST = Path(sys.executable).parent / "listenpost"
PEERS_VENV = ROOT / "bench" / ".venv-peers"
PEERS_PYTHON = PEERS_VENV / "bin" / "python"
# reader 3.x vendors an old feedparser that imports the stdlib-removed sgmllib.
READER_PACKAGES = ("reader>=3.12,<4", "sgmllib3k")
PEER_WORKERS = 1  # newsboat's reload-threads and reader's workers both default to 1
INSTALL = True  # install a missing peer (python -m bench --no-install turns it off)


@dataclass(frozen=True, slots=True)
class Command:
    argv: list[str]
    env: dict[str, str]


class Tool:
    """A feed poller under test; subclasses say how to set it up and run it."""

    name = ""

    def unavailable(self) -> str | None:
        """Why this tool cannot run here, or None when it can."""
        return None

    def setup(self, work: Path, urls: list[str]) -> None:
        """Prepare fresh storage in ``work`` for ``urls`` (not measured)."""

    def command(self, work: Path) -> Command:
        """The command that polls every feed once."""
        raise NotImplementedError


class Listenpost(Tool):
    name = "listenpost"

    def unavailable(self) -> str | None:
        if not LISTENPOST.exists():
            return f"{LISTENPOST} not found (run make run once to install)"
        probe = subprocess.run([str(LISTENPOST), "--help"], capture_output=True, check=False)
        if probe.returncode != 0 or b"--export" not in probe.stdout:
            return "listenpost CLI not available yet"
        return None

    def setup(self, work: Path, urls: list[str]) -> None:
        work.mkdir(parents=True, exist_ok=True)
        (work / "config.toml").write_text(config_toml(urls))

    def command(self, work: Path) -> Command:
        """``--poll-once``: poll every source and commit, as the peers do, and nothing else."""
        argv = [str(LISTENPOST), "--config", str(work / "config.toml"), "--db",
                str(work / "listenpost.db"), "--poll-once"]
        return Command(argv, quiet_env())


class ListenpostExport(Listenpost):
    """The same poll followed by the JSON export of every stored mention (a cron run)."""

    name = "listenpost --export"

    def command(self, work: Path) -> Command:
        argv = [str(LISTENPOST), "--config", str(work / "config.toml"), "--db",
                str(work / "listenpost.db"), "--export", str(work / "out.json")]
        return Command(argv, quiet_env())


def config_toml(urls: list[str], queries: tuple[str, ...] = ("Acme", "Globex")) -> str:
    """A listenpost config polling ``urls`` as feeds that keep every item."""
    lines = ['[brand]', 'name = "Acme"', f"queries = [{', '.join(map(_q, queries))}]", "",
             "[network]", "allow_private_addresses = true  # the bench server is on loopback", ""]
    for i, url in enumerate(urls):
        lines += ["[[sources]]", 'kind = "feed"', f'name = "feed {i}"', f"url = {_q(url)}",
                  "match_all = true", ""]
    return "\n".join(lines)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Newsboat(Tool):
    name = "newsboat"

    def unavailable(self) -> str | None:
        if shutil.which("newsboat"):
            return None
        if not INSTALL:
            return "newsboat not installed (--no-install)"
        if os.geteuid() != 0:
            return "newsboat not installed and not root (apt-get install newsboat)"
        return _apt_install("newsboat")

    def setup(self, work: Path, urls: list[str]) -> None:
        (work / "home").mkdir(parents=True, exist_ok=True)
        (work / "urls").write_text("\n".join(urls) + "\n")
        (work / "config").write_text(f"reload-threads {PEER_WORKERS}\n")

    def command(self, work: Path) -> Command:
        argv = ["newsboat", "-x", "reload", "-u", str(work / "urls"), "-c",
                str(work / "cache.db"), "-C", str(work / "config")]
        return Command(argv, quiet_env(HOME=str(work / "home")))


def _apt_install(package: str) -> str | None:
    done = subprocess.run(["apt-get", "install", "-y", "-q", package], capture_output=True,
                          text=True, check=False, env=quiet_env(DEBIAN_FRONTEND="noninteractive"))
    if done.returncode == 0 and shutil.which(package):
        return None
    return f"apt-get install {package} failed: {done.stderr.strip()[-200:]}"


class Reader(Tool):
    name = "reader"

    def unavailable(self) -> str | None:
        probe = [str(PEERS_PYTHON), "-c", "import reader, sgmllib"]
        if PEERS_PYTHON.exists() and subprocess.run(probe, capture_output=True).returncode == 0:
            return None
        if not INSTALL:
            return f"reader not installed in {PEERS_VENV} (--no-install)"
        return _make_peers_venv()

    def setup(self, work: Path, urls: list[str]) -> None:
        work.mkdir(parents=True, exist_ok=True)
        (work / "urls").write_text("\n".join(urls) + "\n")
        subprocess.run([*self._script(), "add", str(work / "reader.sqlite"), str(work / "urls")],
                       check=True, capture_output=True)

    def command(self, work: Path) -> Command:
        argv = [*self._script(), "update", str(work / "reader.sqlite"), str(PEER_WORKERS)]
        return Command(argv, quiet_env())

    def _script(self) -> list[str]:
        return [str(PEERS_PYTHON), str(ROOT / "bench" / "reader_poll.py")]


def _make_peers_venv() -> str | None:
    steps = [[sys.executable, "-m", "venv", str(PEERS_VENV)],
             [str(PEERS_PYTHON), "-m", "pip", "install", "-q", *READER_PACKAGES]]
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return f"could not install reader into {PEERS_VENV}: {done.stderr.strip()[-200:]}"
    return None


def quiet_env(**extra: str) -> dict[str, str]:
    """Our environment without a terminal, so no tool draws progress bars into the timing."""
    # PYTHONDONTWRITEBYTECODE (set on some machines) would make every listenpost run compile
    # its modules from source while the peers' installed packages run from bytecode.
    dropped = ("LISTENPOST_CONFIG", "LISTENPOST_DB", "PYTHONDONTWRITEBYTECODE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(TERM="dumb", **extra)
    return env


def all_tools() -> list[Tool]:
    return [Listenpost(), ListenpostExport(), Newsboat(), Reader()]
