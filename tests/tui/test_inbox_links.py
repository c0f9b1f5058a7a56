"""o opens a link with the configured command (or $BROWSER), or shows it to copy; y says
honestly that the terminal decides whether the copy happened."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from core.config import Config, UiConfig
from tests.tui.conftest import AppFactory
from tests.tui.screen_text import screen_text
from tui.browser import browser_argv, has_desktop
from tui.screens.prompts import LinkScreen

SIZE = (120, 30)
URL = "https://example.com/0"  # the first fixed mention's link


@pytest.fixture(autouse=True)
def no_desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    """Like an SSH session: no display, no $BROWSER."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER"):
        monkeypatch.delenv(name, raising=False)


def recorder(tmp_path: Path) -> tuple[str, Path]:
    """A browser command (a real process) that writes the URL it was given to a file."""
    out = tmp_path / "opened.txt"
    script = tmp_path / "browser.py"
    script.write_text(f"import sys\nopen({str(out)!r}, 'w').write(sys.argv[1])\n")
    return f"{sys.executable} {script} %u", out


async def wait_for_file(pilot: Pilot[None], path: Path) -> str:
    for _ in range(500):  # bounded: the process starts in well under 500 turns of the loop
        if path.exists() and path.read_text():
            return path.read_text()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    return ""


async def test_o_runs_the_configured_browser(make_app: AppFactory, tmp_path: Path) -> None:
    """It should run [ui] browser with the link in place of %u."""
    command, opened = recorder(tmp_path)
    app = make_app(Config(ui=UiConfig(browser=command)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        assert await wait_for_file(pilot, opened) == URL
        await pilot.pause()
        assert not isinstance(app.screen, LinkScreen)


async def test_o_honours_dollar_browser(make_app: AppFactory, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """It should use $BROWSER when the config names no browser."""
    command, opened = recorder(tmp_path)
    monkeypatch.setenv("BROWSER", command.replace("%u", "%s"))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        assert await wait_for_file(pilot, opened) == URL


async def test_o_without_a_browser_shows_the_link_to_copy(make_app: AppFactory) -> None:
    """It should show the URL, selected, on its own line and say why, when nothing can open it."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, LinkScreen)
        field = app.screen.query_one("#link-url", Input)
        assert field.value == URL and field.selected_text == URL
        assert "No browser here: set [ui] browser" in screen_text(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, LinkScreen)


async def test_o_with_a_broken_browser_says_so(make_app: AppFactory, tmp_path: Path) -> None:
    """It should show the link and the reason when the browser command cannot run."""
    app = make_app(Config(ui=UiConfig(browser=str(tmp_path / "no-such-browser"))))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        for _ in range(100):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if isinstance(app.screen, LinkScreen):
                break
        assert isinstance(app.screen, LinkScreen)
        assert "The browser did not open it: cannot run" in screen_text(app)


async def test_y_says_the_terminal_decides(make_app: AppFactory) -> None:
    """It should send the link by OSC 52 and word the notice as sent, not as copied."""
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.clipboard == URL
        shown = screen_text(app)
        assert "sent to the terminal's clipboard (OSC 52)" in shown
        assert "Link copied" not in shown


def test_browser_argv_never_uses_a_shell() -> None:
    """It should put the URL in one argument, whatever it holds, and append it without %u."""
    nasty = "https://x.example/?a=1;rm -rf ~&b=$(id)"
    assert browser_argv("firefox --new-tab %u", {}, nasty) == ["firefox", "--new-tab", nasty]
    assert browser_argv("", {"BROWSER": "lynx:w3m"}, nasty) == ["lynx", nasty]
    assert browser_argv("", {}, nasty) is None


def test_desktop_sessions_are_recognised() -> None:
    """It should count a display or macOS as a desktop, and an SSH console as none."""
    assert has_desktop({"DISPLAY": ":0"}, "linux")
    assert has_desktop({}, "darwin")
    assert not has_desktop({"SSH_CONNECTION": "1.2.3.4 5 6.7.8.9 22"}, "linux")
