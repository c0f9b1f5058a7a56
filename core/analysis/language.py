"""Language detection for mentions, so each one is scored by a sentiment method fit for it.

py3langid's model covers about 100 languages; a brand listening in Europe hears a dozen. Limiting
the classifier to those (``LANGUAGES``) makes short posts far less likely to land on an exotic
look-alike, and handles, hashtags and links (which say nothing about the language but push
short posts towards French or Dutch) are removed before classifying. When the text is too short
or the model is unsure the answer is ``"und"`` (undetermined), which sentiment scores as English.

Measured on the third-party corpora (tests/test_language.py checks the floors): 98.6 % of the
Danish LCC sentences come out as ``da`` (the rest ``und``), and 90.8 % of the VADER tweets as
``en`` (9 % ``und``, which is scored as English too; 0.15 % as another language, and those are
real Spanish, Dutch or Danish tweets).

The model is loaded on first use, once per process: unpacked once into the user's cache folder
and mapped read-only from there by every process (``core.analysis.language_cache``), so the
parse workers share one copy of its tables and none decompresses it again.
"""

from __future__ import annotations

import functools
import lzma
import math
import re
import shutil
import tempfile
import threading
import zipfile
from array import array
from operator import itemgetter
from pathlib import Path
from typing import IO, Any, NamedTuple, Protocol

from core.analysis.language_cache import Parts, cached_model

# The languages a European brand hears; "no"/"nn" are in so Norwegian is not forced onto Danish.
LANGUAGES = ("en", "da", "sv", "no", "de", "nl", "fr", "es", "it", "pt", "fi", "pl")
UNDETERMINED = "und"

# Classify at most this many characters (about 40 words): enough to tell a European language
# apart with near-certain confidence, and the classifier's cost grows with the length (measured:
# 85 µs for 400 characters, 50 µs for 240).
MAX_CHARS = 240
MIN_LETTERS = 4  # fewer letters than this ("ok", "+1", an emoji) carry no language
# MIN_LETTERS letters with anything but letters between them; search stops at the first hit.
ENOUGH_LETTERS = re.compile(rf"[^\W\d_](?:[\W\d_]*[^\W\d_]){{{MIN_LETTERS - 1}}}")
SHORT_TEXT = 40  # below this many characters a guess is shaky, so it needs more confidence
MIN_CONFIDENCE_SHORT = 0.7  # measured on VADER tweets: 0.5 misroutes 11 English ones, 0.7 none
MIN_CONFIDENCE = 0.5  # a longer text whose best language still has less is mixed or unknown

# Handles, hashtags, links and e-mail addresses say nothing about the language of a post.
NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[@#][\w.@-]+")


# Danish and Norwegian Bokmål share most of their written words, and a short post often holds
# only shared ones; the model then splits its confidence between them. listenpost is Danish
# first, so such a post is Danish, and Norwegian needs this share of the pair's confidence.
# Measured: Danish LCC sentences 94 % -> 98.6 % "da"; Norwegian sentences with Norwegian
# spellings ("veldig", "hva", "nå") keep 83-92 % and stay "no".
NORWEGIAN_SHARE = 0.75


class _Classifier(Protocol):
    nb_classes: list[str]

    def classify(self, text: str) -> tuple[str, float]: ...

    def rank(self, text: str) -> list[tuple[str, float]]: ...

    def _decide(self, text: str) -> Any: ...


_lock = threading.Lock()
_identifier: _Classifier | None = None
READ_CHUNK = 1 << 20  # model bytes per read: small beside the 39 MB array it fills
TYPECODES = {2: "H", 4: "I"}  # unsigned .npy item sizes -> stdlib array type codes


def _classifier() -> _Classifier:
    """py3langid restricted to ``LANGUAGES``, loaded once per process on first use."""
    global _identifier
    if _identifier is not None:
        return _identifier
    with _lock:
        if _identifier is None:
            _identifier = _restricted_identifier()
        return _identifier


def _restricted_identifier() -> _Classifier:
    """py3langid's model with only the columns of ``LANGUAGES`` kept: the same answers as its
    ``set_languages`` gives, in far less memory. ``set_languages`` keeps the full 97-language
    table (28 MB) alive beside the slice, and py3langid's loader holds that table and two copies
    of the 39 MB transition array at once (147 MB peak, 120 MB after, per worker process).
    Private API (py3langid's model file layout and LanguageIdentifier's constructor;
    tests/test_private_apis.py)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    from py3langid.modelio import load_model

    path = MODEL_DIR / MODEL_FILE
    try:
        parts = cached_model(path, LANGUAGES, functools.partial(_load_restricted, path))
        table, pc, classes, nextmove, row, output = parts
    except (KeyError, ValueError, OSError, zipfile.BadZipFile):  # a model layout we do not know
        ptc, all_pc, all_classes, nextmove, row, output = load_model(path)
        keep = _kept_columns(all_classes)
        table, pc, classes = _table(ptc[:, keep]), all_pc[keep], [all_classes[i] for i in keep]
    identifier: _Classifier = LanguageIdentifier(
        table, pc, classes, nextmove, output, norm_probs=True, tk_row=row
    )
    return identifier


def _load_restricted(path: Path) -> Parts:
    """The model file read one member at a time, the transition arrays streamed straight into
    stdlib arrays, so nothing big is resident twice (measured: 99 MB peak, 99 MB after)."""
    with tempfile.TemporaryFile() as unpacked:
        with lzma.open(path) as packed:
            shutil.copyfileobj(packed, unpacked, READ_CHUNK)
        unpacked.seek(0)
        with zipfile.ZipFile(unpacked) as members:
            all_classes = _member(members, "classes").tolist()
            keep = _kept_columns(all_classes)
            table = _table(_member(members, "ptc")[:, keep])
            pc = _member(members, "pc")[keep]
            output = _member(members, "out_feat").tolist()
            row = _streamed(members, "nextmove_row")
            nextmove = _streamed(members, "nextmove")
    return table, pc, [all_classes[i] for i in keep], nextmove, row, output


def _kept_columns(classes: list[str]) -> list[int]:
    """The model's columns for ``LANGUAGES``, in the model's order (as set_languages keeps)."""
    return [i for i, code in enumerate(classes) if code in LANGUAGES]


def _table(columns: Any) -> Any:
    """The kept columns as contiguous float32 (4.8 MB): scores about 3 µs faster per text than
    the strided float16 slice, and bit-identical (float16 widens to float32 exactly)."""
    import numpy as np

    return np.ascontiguousarray(columns, dtype=np.float32)


def _member(members: zipfile.ZipFile, name: str) -> Any:
    import numpy as np

    with members.open(f"{name}.npy") as handle:
        return np.lib.format.read_array(handle, allow_pickle=False)


def _streamed(members: zipfile.ZipFile, name: str) -> array[int]:
    """An unsigned integer ``.npy`` member as a stdlib array (what py3langid's DFA walk indexes),
    read in chunks instead of through a numpy copy."""
    with members.open(f"{name}.npy") as handle:
        count, typecode = _uint_header(handle, name)
        values = array(typecode)
        while chunk := handle.read(READ_CHUNK):
            values.frombytes(chunk)
    if len(values) != count:
        raise ValueError(f"truncated {name} array in the language model")
    return values


def _uint_header(handle: IO[bytes], name: str) -> tuple[int, str]:
    """The item count and stdlib type code of an unsigned integer ``.npy`` member; ``handle``
    is left at its first value."""
    import numpy as np

    version = np.lib.format.read_magic(handle)
    read_header = (
        np.lib.format.read_array_header_1_0
        if version == (1, 0)
        else np.lib.format.read_array_header_2_0
    )
    shape, fortran, dtype = read_header(handle)
    if dtype.kind != "u" or not dtype.isnative or fortran or dtype.itemsize not in TYPECODES:
        raise ValueError(f"unexpected {name} array in the language model: {dtype}")
    return math.prod(shape), TYPECODES[dtype.itemsize]


def language_text(text: str) -> str:
    """The part of ``text`` that carries its language: no handles, tags or links, bounded."""
    return " ".join(NOISE.sub(" ", text[: MAX_CHARS * 2]).split())[:MAX_CHARS]


def detect_language(text: str) -> str:
    """The ISO 639-1 code of ``text``'s language, or ``"und"`` when too short or unsure."""
    cleaned = language_text(text)
    if ENOUGH_LETTERS.search(cleaned) is None:
        return UNDETERMINED
    scores = scored(cleaned)
    language, confidence = scores.best()
    needed = MIN_CONFIDENCE_SHORT if len(cleaned) < SHORT_TEXT else MIN_CONFIDENCE
    if language in ("da", "no"):
        return _danish_or_norwegian(scores.ranked(), needed)
    return language if confidence >= needed else UNDETERMINED


class Scores(NamedTuple):
    """One scoring of a text by the classifier, from which both its ``classify`` and its
    ``rank`` answers are read: a Danish or Norwegian post needs both, and each scored the text
    again (a walk of the 39 MB transition table, about half of detection's cost)."""

    classes: list[str]
    values: Any  # the classifier's probability per class, a numpy array

    def best(self) -> tuple[str, float]:
        """The most likely language and its probability, as ``classify`` answers."""
        i = int(self.values.argmax())
        return self.classes[i], float(self.values[i])

    def ranked(self) -> list[tuple[str, float]]:
        """Every language by likelihood, best first, as ``rank`` answers."""
        merged: dict[str, float] = {}
        for language, value in zip(self.classes, self.values.tolist(), strict=True):
            merged.setdefault(language, value)
        return sorted(merged.items(), key=itemgetter(1), reverse=True)


def scored(text: str) -> Scores:
    """``text`` scored once (private API: py3langid's ``_decide``, what its ``classify`` and
    ``rank`` both call; tests/test_language.py holds the answers to theirs)."""
    classifier = _classifier()
    return Scores(classifier.nb_classes, classifier._decide(text))


def _danish_or_norwegian(ranked: list[tuple[str, float]], needed: float) -> str:
    """Danish unless clearly Norwegian, when the two together hold the needed confidence."""
    top = dict(ranked[:2])
    danish, norwegian = top.get("da", 0.0), top.get("no", 0.0)
    if danish + norwegian < needed:
        return UNDETERMINED
    return "no" if norwegian >= NORWEGIAN_SHARE * (danish + norwegian) else "da"
