"""Writing a file so that readers see the old contents or the new, never half of either.

Exports and config edits go through ``write_atomically``: the text goes to a temporary file in
the same directory, which is then renamed over the target (atomic on POSIX), so Ctrl-C, a full
disk or a crash never leaves a truncated report or config behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str, *, mode: int | None = None) -> None:
    """Replace ``path`` with ``text`` (UTF-8, newlines as given), keeping ``mode`` if set."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
