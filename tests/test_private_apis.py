"""Every private API of a dependency that listenpost leans on, checked where it is used.

Each use is named in a comment at its site (search for "private API"); when a new release of
the dependency moves or changes it, the test here fails with the dependency's name and what to
look at, instead of the product breaking quietly (a transport that no longer checks addresses,
a crash report that prints tokens, a sentiment score that drifts).

- httpx: ``AsyncHTTPTransport._pool`` is swapped for a pool over the guarded network backend
  (core/net/fetch.py, ``_GuardedTransport``).
- Textual: ``App._fatal_error``, ``_exit_renderables`` and ``_close_messages_no_wait`` are
  overridden or used to print crash reports without local variables (tui/app.py); and
  ``App._init_mode`` builds the metrics mode ahead, unseen (tui/app.py, ``_prepare_metrics``);
  ``App._css_update_count`` is copied to a new metrics screen's ``_css_update_count`` so a new
  mode is not restyled by two full reparses of the stylesheet (tui/screens/metrics.py).
- vaderSentiment: ``_special_idioms_check``, ``_but_check`` and ``_punctuation_emphasis`` are
  reused by a constant-cost scorer (core/analysis/sentiment.py, ``_Vader``).
- py3langid: ``langid.MODEL_DIR``/``MODEL_FILE``, ``modelio.load_model``, the model file's
  member names, the ``LanguageIdentifier`` constructor, and its ``_decide`` (the scoring both
  ``classify`` and ``rank`` read, done once for both; core/analysis/language.py).
- aiosqlite: ``Connection._execute`` and ``_conn`` run the whole ingest of a batch in the
  connection's own thread (core/store/ingest.py, ``in_db_thread``).
"""

from __future__ import annotations

import inspect
import io
import lzma
import zipfile
from pathlib import Path

import httpcore
import httpx
import pytest
from textual.app import App
from textual.screen import Screen
from vaderSentiment import vaderSentiment as vader

from core.analysis.sentiment import score
from core.net.fetch import guarded_transport
from core.net.guard import GuardedBackend
from core.net.policy import NetworkPolicy


def _params(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_httpx_transport_still_holds_its_pool_in_pool() -> None:
    """It should find httpx's pool where the guarded transport replaces it (httpx._pool)."""
    plain = httpx.AsyncHTTPTransport()
    assert isinstance(getattr(plain, "_pool", None), httpcore.AsyncConnectionPool), \
        "httpx changed AsyncHTTPTransport._pool: core/net/fetch.py _GuardedTransport must follow"
    guarded = guarded_transport(NetworkPolicy())
    pool = guarded._pool  # type: ignore[attr-defined]
    assert isinstance(pool._network_backend, GuardedBackend), \
        "the guarded pool no longer connects through GuardedBackend: addresses go unchecked"


def test_textual_still_starts_a_mode_with_init_mode() -> None:
    """It should find the App method that builds a mode without switching to it (Textual)."""
    init_mode = getattr(App, "_init_mode", None)
    assert callable(init_mode), "Textual renamed App._init_mode: tui/app.py _prepare_metrics"
    assert _params(init_mode) == ["self", "mode"], \
        "Textual changed App._init_mode's parameters: tui/app.py _prepare_metrics must follow"


def test_textual_still_restyles_a_new_mode_by_its_css_update_count() -> None:
    """It should find the counter a new mode's screen is compared by before Textual reparses
    the stylesheet (Textual): the metrics screen sets it to spare the reparse."""
    assert isinstance(App()._css_update_count, int), \
        "Textual renamed App._css_update_count: tui/screens/metrics.py MetricsScreen.__init__"
    assert Screen()._css_update_count == -1, \
        "Textual changed Screen._css_update_count: tui/screens/metrics.py MetricsScreen.__init__"
    for method in (App._init_mode, App.switch_mode):
        assert "_css_update_count" in inspect.getsource(method), \
            f"Textual's {method.__name__} no longer checks _css_update_count: the metrics " \
            "screen's marking does nothing (tui/screens/metrics.py MetricsScreen.__init__)"


def test_textual_crash_report_hooks_still_exist() -> None:
    """It should find the App internals the crash report override relies on (Textual)."""
    assert callable(getattr(App, "_fatal_error", None)), "Textual renamed App._fatal_error"
    assert callable(getattr(App, "_close_messages_no_wait", None)), \
        "Textual renamed App._close_messages_no_wait"
    assert "_exit_renderables" in inspect.getsource(App.__init__), \
        "Textual no longer keeps App._exit_renderables: see tui/app.py _fatal_error"


def test_vader_internals_keep_their_signatures() -> None:
    """It should find VADER's helper methods with the arguments _Vader passes them."""
    analyzer = vader.SentimentIntensityAnalyzer
    assert _params(analyzer._special_idioms_check) == ["valence", "words_and_emoticons", "i"]
    assert _params(analyzer._but_check) == ["words_and_emoticons", "sentiments"]
    assert _params(analyzer._punctuation_emphasis) == ["self", "text"]


@pytest.mark.parametrize("text", [
    "The grinder is not good at all, but the support team was really helpful!!",
    "never so happy :) kind of the bomb, cut the mustard",
    "I don't hate it. It's fine? NO. It is BAD 😡",
])
def test_fast_vader_still_equals_stock_vader(text: str) -> None:
    """It should score exactly as stock VADER does, so the reused internals still mean the same."""
    expected = vader.SentimentIntensityAnalyzer().polarity_scores(text)["compound"]
    assert score(text, "en").compound == pytest.approx(expected, abs=1e-9)


def test_py3langid_model_layout_is_what_the_loader_reads() -> None:
    """It should find py3langid's model file and the members the restricted loader streams."""
    from py3langid import langid, modelio

    assert callable(modelio.load_model)
    path = Path(langid.MODEL_DIR) / langid.MODEL_FILE
    assert path.is_file(), "py3langid moved its model file: core/analysis/language.py"
    with lzma.open(path) as packed, zipfile.ZipFile(io.BytesIO(packed.read())) as members:
        names = {Path(n).stem for n in members.namelist()}
    assert {"classes", "ptc", "pc", "out_feat", "nextmove_row", "nextmove"} <= names
    assert _params(langid.LanguageIdentifier)[:6] == ["nb_ptc", "nb_pc", "nb_classes",
                                                      "tk_nextmove", "tk_output", "norm_probs"]
    assert _params(langid.LanguageIdentifier._decide) == ["self", "text"], \
        "py3langid changed LanguageIdentifier._decide: core/analysis/language.py scored()"


async def test_aiosqlite_still_runs_a_function_in_its_thread(tmp_path: Path) -> None:
    """It should run a function on aiosqlite's sqlite3 connection in its thread (aiosqlite)."""
    import sqlite3
    import threading

    import aiosqlite

    from core.store.ingest import in_db_thread

    def where(conn: sqlite3.Connection) -> tuple[str, int]:
        return threading.current_thread().name, conn.execute("SELECT 41 + 1").fetchone()[0]

    async with aiosqlite.connect(tmp_path / "a.db") as db:
        assert isinstance(db._conn, sqlite3.Connection), "aiosqlite renamed Connection._conn"
        thread, answer = await in_db_thread(db, where)
    assert answer == 42 and thread != threading.current_thread().name, \
        "aiosqlite.Connection._execute no longer runs functions in its thread: see ingest.py"
