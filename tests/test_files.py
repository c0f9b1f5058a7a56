"""atomic_writer: whole files or nothing, and names that are not plain files left as they are."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.files import atomic_writer, write_atomically


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask for the test's duration."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def test_new_file_honours_the_umask(tmp_path: Path, umask_022: None) -> None:
    """It should create a new file readable by the group and others under umask 022."""
    target = tmp_path / "report.md"
    write_atomically(target, "hello\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text(encoding="utf-8") == "hello\n"


def test_new_file_under_a_strict_umask(tmp_path: Path) -> None:
    """It should let a stricter umask take more away (0600 under 077)."""
    previous = os.umask(0o077)
    try:
        write_atomically(tmp_path / "private.md", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "private.md").stat().st_mode) == 0o600


def test_replaced_file_keeps_its_mode(tmp_path: Path, umask_022: None) -> None:
    """It should keep a replaced file's permissions, whatever the umask would give."""
    target = tmp_path / "report.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_atomically(target, "new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert target.read_text(encoding="utf-8") == "new"


def test_explicit_mode_wins(tmp_path: Path, umask_022: None) -> None:
    """It should give the file the mode asked for (a config that may hold tokens: 0600)."""
    target = tmp_path / "config.toml"
    write_atomically(target, "x", mode=0o600)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_symlink_stays_a_link_and_its_target_gets_the_text(tmp_path: Path) -> None:
    """It should write through a symlink, leaving the link in place."""
    real = tmp_path / "real.md"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.md"
    link.symlink_to(real)
    write_atomically(link, "new")
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8") == "new"


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    """It should create the file a dangling link points at, keeping the link."""
    link = tmp_path / "latest.md"
    link.symlink_to(tmp_path / "reports-today.md")
    write_atomically(link, "new")
    assert link.is_symlink()
    assert (tmp_path / "reports-today.md").read_text(encoding="utf-8") == "new"


def test_named_pipe_is_written_in_place(tmp_path: Path) -> None:
    """It should write into a FIFO (its reader gets the text) and leave the FIFO a FIFO."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    write_atomically(fifo, "through the pipe\n")
    reader.join()
    assert received == ["through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_directory_is_refused(tmp_path: Path) -> None:
    """It should refuse a directory with the error a shell gives, leaving it alone."""
    (tmp_path / "reports").mkdir()
    with pytest.raises(IsADirectoryError):
        write_atomically(tmp_path / "reports", "x")
    assert (tmp_path / "reports").is_dir()


def test_failure_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    """It should keep the old contents when writing fails and clean up its temporary file."""
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_data_is_fsynced_before_the_rename(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It should fsync the new file's data before renaming it over the target."""
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        calls.append("fsync-file" if stat.S_ISREG(os.fstat(fd).st_mode) else "fsync-dir")
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        calls.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_atomically(tmp_path / "report.md", "x")
    assert calls == ["fsync-file", "rename", "fsync-dir"]
