"""The restricted language model, unpacked once into the user's cache folder and mapped.

py3langid ships its model as an lzma-compressed archive: every process that detected languages
decompressed all of it (about 0.6 s of CPU) and kept its own copy of the 39 MB transition table
and the 4.8 MB score table, and a first poll starts two parse workers that each did both. Here
the first process writes the parts ``core.analysis.language`` keeps (the tables restricted to
its languages) into one folder of plain files, and every process, itself included, maps them
read-only: no decompression after the first time, and the kernel holds the tables once for all
processes. The DFA's output per state is mapped too, instead of parsed into a list of 104,583
Python ints in each process (about 3.6 MB per parse worker). The folder is named after the
format, the model file (size and modification time) and the languages kept, is written under a
temporary name and renamed whole, so a reader never sees half of it; one that fails its checks
is removed and written again. Processes that find no cache together (the two parse workers of a
new user's first poll) take turns on a lock: one unpacks, the others wait and map its files,
instead of each holding a decompressed model at once (about 100 MB each at the peak). Each
read marks its folder as used; a writer removes the folders no process has used for a week (an
older py3langid's, an older layout's), so upgrades do not pile up 44 MB folders.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import mmap
import os
import shutil
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

# The model's parts: scores per feature and language, prior per language, the languages, the
# DFA's transition table, its row per state, and the feature each state outputs.
Parts = tuple[Any, Any, list[str], Sequence[int], Sequence[int], Sequence[int]]
_META = "meta.json"
# The folder layout's version, part of its name: a process never reads another layout's files.
FORMAT = 3
# The integer tables stored as flat files of machine integers, mapped by name.
_FLAT = ("nextmove", "row", "output")
# A cache folder no process has read for this long belongs to a model no longer installed.
STALE_AFTER = 7 * 86_400


def cache_folder() -> Path:
    """The user's cache folder for listenpost ($XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "listenpost"


def cached_model(model: Path, languages: Sequence[str], load: Callable[[], Parts]) -> Parts:
    """The parts ``load`` gives, mapped from the cache folder (written by ``load`` the first
    time); ``load``'s own in-memory parts when the cache cannot be written."""
    folder = cache_folder() / f"langid-{_identity(model, languages)}"
    with contextlib.suppress(OSError, ValueError, KeyError):
        return _read(folder)
    with _writer_turn(folder.parent):
        with contextlib.suppress(OSError, ValueError, KeyError):
            return _read(folder)  # written by the process whose turn came first
        shutil.rmtree(folder, ignore_errors=True)  # absent, or damaged: written again below
        parts = load()
        with contextlib.suppress(OSError):
            _write(folder, parts)
        _remove_stale(folder)
    try:
        return _read(folder)  # ours, or one another process renamed into place first
    except (OSError, ValueError, KeyError):
        return parts


def _remove_stale(kept: Path) -> None:
    """Remove the model caches beside ``kept`` that no process has read for ``STALE_AFTER``."""
    with contextlib.suppress(OSError):
        now = kept.stat().st_mtime if kept.exists() else None
        for entry in kept.parent.glob("langid-*"):
            if entry == kept or now is None or now - entry.stat().st_mtime < STALE_AFTER:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


@contextlib.contextmanager
def _writer_turn(parent: Path) -> Iterator[None]:
    """Hold the cache folder's lock (``flock`` on the folder itself, so no lock file is left
    behind, and a writer that dies releases it); without one when the folder cannot be made."""
    try:
        parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # releases the lock


def _identity(model: Path, languages: Sequence[str]) -> str:
    info = model.stat()
    kept = zlib.crc32(",".join(languages).encode())
    return f"v{FORMAT}-{info.st_size}-{info.st_mtime_ns}-{kept:08x}"


def _write(folder: Path, parts: Parts) -> None:
    import numpy as np

    table, pc, classes, nextmove, row, output = parts
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=folder.parent, prefix=".langid-"))
    try:
        scores = np.ascontiguousarray(table, dtype=np.float32)
        (staging / "table").write_bytes(scores.tobytes())
        np.save(staging / "pc.npy", np.asarray(pc))
        meta: dict[str, object] = {"classes": classes, "table": list(scores.shape)}
        for name, values in zip(_FLAT, (nextmove, row, output), strict=True):
            typed = values if isinstance(values, array) else array(_typecode(values), values)
            (staging / name).write_bytes(typed.tobytes())
            meta[name] = [typed.typecode, len(typed)]
        (staging / _META).write_text(json.dumps(meta), encoding="utf-8")
        for name in ("table", *_FLAT):
            _out_of_page_cache(staging / name)
        os.rename(staging, folder)  # fails when another process got there first: theirs is used
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _read(folder: Path) -> Parts:
    import numpy as np

    meta = json.loads((folder / _META).read_text(encoding="utf-8"))
    rows, columns = (int(n) for n in meta["table"])
    table = np.frombuffer(_mapped_file(folder / "table"), dtype=np.float32)
    pc = np.load(folder / "pc.npy", allow_pickle=False)
    classes = [str(c) for c in meta["classes"]]
    nextmove, row, output = (_mapped(folder / name, *meta[name]) for name in _FLAT)
    if table.size != rows * columns or columns != len(classes) or len(pc) != len(classes):
        raise ValueError(f"{folder} does not hold a consistent language model")
    with contextlib.suppress(OSError):
        os.utime(folder)  # in use: never stale while some install still reads it
    return table.reshape(rows, columns), pc, classes, nextmove, row, output


def _typecode(values: Sequence[int]) -> str:
    """A stdlib array type code for ``values``: unsigned, or signed for the output table, whose
    states without a feature hold -1."""
    return "i" if min(values, default=0) < 0 else "I"


def _mapped(path: Path, typecode: str, count: int) -> Sequence[int]:
    view: Sequence[int] = memoryview(_mapped_file(path)).cast(typecode)  # type: ignore[call-overload]
    if len(view) != count:
        raise ValueError(f"{path} does not hold the language model's {path.name} table")
    return view


def _mapped_file(path: Path) -> mmap.mmap:
    """``path`` mapped read-only for random access: a fault reads in only the page touched, not
    the pages around it, so each process holds (and counts in its RSS) only the states and
    features its texts reach: about 5 MB of the 39 MB transition table over a first poll."""
    with path.open("rb") as handle:
        mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    mapped.madvise(mmap.MADV_RANDOM)
    return mapped


def _out_of_page_cache(path: Path) -> None:
    """Flush a freshly written table and drop it from the page cache. Written pages sit in the
    cache as large blocks (up to 2 MB each), and a mapping of a cached block maps all of it:
    one lookup in a fresh table brought 2 MB into the process, and a first poll's lookups 22 MB
    of the transition table (measured). Read back through the random-access mapping instead,
    the pages come in one by one."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
        os.posix_fadvise(handle, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(handle)
