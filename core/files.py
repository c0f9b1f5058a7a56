"""Writing a file so that readers see the old contents or the new, never half of either.

Exports and config edits go through ``atomic_writer``: the text goes to a temporary file in the
same directory, is flushed to disk, and is renamed over the target (atomic on POSIX) only when
writing finished, so Ctrl-C, a full disk or a crash never leaves a truncated report or config.

A rename replaces whatever the name pointed at, which is wrong for names that are not plain
files: ``--export /dev/null`` from a root cron job would turn the machine's /dev/null into a
regular file. So a symlink is followed (the link stays, its target gets the text); a target
that exists but is not a regular file (a device, a named pipe) is written in place, as a shell's
``>`` would; and /dev/stdout or /proc/self/fd/N, the process's own open files, are written
through the descriptor. A new file gets the permissions the umask allows, as any program's
output does; a replaced file keeps the mode it had.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

NEW_FILE_MODE = 0o666  # what open() asks for; the umask takes away the rest (0644 under 022)


@contextmanager
def atomic_writer(path: Path, *, mode: int | None = None, buffering: int = -1) -> Iterator[TextIO]:
    """A text handle (UTF-8, newlines as written) whose contents replace ``path`` when the
    block ends without an exception.

    ``mode`` sets the permissions of the result; without it a replaced file keeps its mode and
    a new one gets ``NEW_FILE_MODE`` less the umask. A device or named pipe is written in place.
    """
    if _names_a_descriptor(path):
        with _in_place(path, buffering, append=True) as handle:
            yield handle
        return
    target = Path(os.path.realpath(path))  # a symlink stays a link; its target gets the text
    current = _stat(target)
    if current is not None and stat.S_ISDIR(current.st_mode):
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(target))
    if current is not None and not stat.S_ISREG(current.st_mode):
        with _in_place(target, buffering) as handle:
            yield handle
        return
    with _replacing(target, current, mode, buffering) as handle:
        yield handle


def write_atomically(path: Path, text: str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``text``, keeping ``mode`` if set."""
    with atomic_writer(path, mode=mode) as handle:
        handle.write(text)


def _names_a_descriptor(path: Path) -> bool:
    """True for /dev/stdout, /dev/fd/N, /proc/self/fd/N and links to them: a file this process
    already has open (a shell redirect, a pipe), written where it is, never replaced."""
    current = Path(os.path.abspath(path))
    for _ in range(40):  # the kernel's own limit on links followed in one lookup
        if str(current).startswith(("/dev/fd/", "/proc/")) and "fd" in current.parts[:-1]:
            return True
        if not current.is_symlink():
            return False
        current = Path(os.path.abspath(current.parent / os.readlink(current)))
    return False


def _stat(path: Path) -> os.stat_result | None:
    try:
        return path.stat()
    except FileNotFoundError:
        return None


@contextmanager
def _in_place(target: Path, buffering: int, *, append: bool = False) -> Iterator[TextIO]:
    """Write straight into a device, a pipe or an open descriptor: there is no file to replace
    atomically. A descriptor is appended to, so ``>> log`` keeps what the log held."""
    with open(target, "a" if append else "w", encoding="utf-8", newline="",
              buffering=buffering) as handle:
        yield handle


@contextmanager
def _replacing(
    target: Path, current: os.stat_result | None, mode: int | None, buffering: int
) -> Iterator[TextIO]:
    """Write a temporary sibling, fsync it, give it its mode, and rename it over ``target``."""
    fd, tmp = _temporary_sibling(target)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="", buffering=buffering) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())  # the data is on disk before the name points at it
        _take_over(tmp, current, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_directory(target.parent)


def _temporary_sibling(target: Path) -> tuple[int, Path]:
    """A new file beside ``target``, created with ``NEW_FILE_MODE`` so the umask applies."""
    while True:
        tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, NEW_FILE_MODE), tmp
        except FileExistsError:
            continue


def _take_over(tmp: Path, current: os.stat_result | None, mode: int | None) -> None:
    """Give the new file the explicit ``mode``, or the replaced file's mode and owner."""
    if mode is not None:
        os.chmod(tmp, mode)
        return
    if current is None:
        return
    os.chmod(tmp, stat.S_IMODE(current.st_mode))
    if (current.st_uid, current.st_gid) != (os.getuid(), os.getgid()):
        # Only root may give a file away; anyone else keeps their own ownership.
        with contextlib.suppress(PermissionError):
            os.chown(tmp, current.st_uid, current.st_gid)


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (best effort: some file systems refuse a directory fsync)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)
