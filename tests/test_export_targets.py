"""Where a real ``--export`` or ``--export-opml`` process writes: devices stay devices, links
stay links, and file modes are what a cron job's umask asks for."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONFIG = """\
[brand]
name = "Northwind"
queries = ["northwind"]

[[sources]]
kind = "feed"
name = "Northwind blog"
url = "https://blog.northwind.example/feed.xml"
"""


def run(tmp_path: Path, *args: str, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    """The command, under ``umask``, with a config and database of its own; never polls."""
    config = tmp_path / "config.toml"
    if not config.exists():
        config.write_text(CONFIG, encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", "--config", str(config), "--db",
         str(tmp_path / "listen.db"), *args],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
        preexec_fn=lambda: os.umask(umask),
    )


def export(tmp_path: Path, target: Path, umask: int = 0o022) -> subprocess.CompletedProcess[str]:
    return run(tmp_path, "--no-poll", "--format", "json", "--export", str(target), umask=umask)


def test_export_to_a_device_node_leaves_it_a_device(tmp_path: Path) -> None:
    """It should write into a character device (a null device made with mknod) in place."""
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # Linux's /dev/null numbers
    except PermissionError:
        pytest.skip("mknod of a character device needs root (CAP_MKNOD)")
    null.chmod(0o666)  # as /dev/null is; mknod's mode went through the umask
    result = export(tmp_path, null)
    assert result.returncode == 0, result.stderr
    after = null.lstat()
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == os.makedev(1, 3)
    assert stat.S_IMODE(after.st_mode) == 0o666


def test_export_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    """It should leave a symlink a symlink and write the report into its target."""
    real = tmp_path / "reports" / "2026-11-30.json"
    real.parent.mkdir()
    link = tmp_path / "latest.json"
    link.symlink_to(real)
    assert export(tmp_path, link).returncode == 0
    assert link.is_symlink() and link.resolve() == real
    assert '"mentions": []' in real.read_text(encoding="utf-8")


def test_new_export_is_readable_under_umask_022(tmp_path: Path) -> None:
    """It should create a new export 0644 under umask 022 (a web server can serve it)."""
    out = tmp_path / "today.json"
    assert export(tmp_path, out).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_new_export_follows_a_stricter_umask(tmp_path: Path) -> None:
    """It should create a new export 0640 under umask 027."""
    out = tmp_path / "today.json"
    assert export(tmp_path, out, umask=0o027).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_replaced_export_keeps_its_mode(tmp_path: Path) -> None:
    """It should keep the mode of the export it replaces (0600 stays 0600 under umask 022)."""
    out = tmp_path / "today.json"
    out.write_text("yesterday", encoding="utf-8")
    out.chmod(0o600)
    assert export(tmp_path, out).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_text(encoding="utf-8") != "yesterday"


def test_export_opml_through_a_symlink(tmp_path: Path) -> None:
    """It should write --export-opml through a symlink, keeping the link, with the umask's mode."""
    real = tmp_path / "feeds.opml"
    link = tmp_path / "current.opml"
    link.symlink_to(real)
    result = run(tmp_path, "--export-opml", str(link))
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and "blog.northwind.example" in real.read_text(encoding="utf-8")
    assert stat.S_IMODE(real.stat().st_mode) == 0o644


def test_export_to_a_directory_is_refused_clearly(tmp_path: Path) -> None:
    """It should exit 5 naming the directory, and leave it alone."""
    folder = tmp_path / "reports"
    folder.mkdir()
    result = export(tmp_path, folder)
    assert result.returncode == 5
    assert f"cannot write the export to {folder}: Is a directory" in result.stderr
    assert folder.is_dir()


def test_export_to_dev_stdout_reaches_a_pipe(tmp_path: Path) -> None:
    """It should write --export /dev/stdout into the pipe it names, not replace anything."""
    result = export(tmp_path, Path("/dev/stdout"))
    assert result.returncode == 0, result.stderr
    assert '"mentions": []' in result.stdout


def test_export_to_dev_stdout_appends_to_a_redirected_log(tmp_path: Path) -> None:
    """It should keep a log's lines when stdout is appended to it (``>> log``)."""
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    log = tmp_path / "exports.log"
    log.write_text("yesterday's export\n", encoding="utf-8")
    with log.open("a", encoding="utf-8") as appended:
        subprocess.run(
            [sys.executable, "-m", "tui.cli", "--config", str(config), "--db",
             str(tmp_path / "listen.db"), "--no-poll", "--format", "json", "--export",
             "/dev/stdout"], stdout=appended, cwd=ROOT, timeout=300, check=True,
        )
    text = log.read_text(encoding="utf-8")
    assert text.startswith("yesterday's export\n{") and '"mentions": []' in text
