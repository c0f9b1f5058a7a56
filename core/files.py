"""Writing a file so that readers see the old contents or the new, never half of either.

Exports and config edits go through ``atomic_writer``: the text goes to a temporary file in the
same directory, which is renamed over the target (atomic on POSIX) only when writing finished,
so Ctrl-C, a full disk or a crash never leaves a truncated report or config behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO


@contextmanager
def atomic_writer(path: Path, *, mode: int | None = None, buffering: int = -1) -> Iterator[TextIO]:
    """A text handle (UTF-8, newlines as written) whose contents replace ``path`` when the
    block ends without an exception; ``mode`` sets the new file's permissions."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="", buffering=buffering) as handle:
            yield handle
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomically(path: Path, text: str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``text``, keeping ``mode`` if set."""
    with atomic_writer(path, mode=mode) as handle:
        handle.write(text)
