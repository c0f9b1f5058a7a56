"""Opening a mention's link from a terminal app, which often runs over SSH with no browser.

The command comes from ``[ui] browser`` in the config, else ``$BROWSER`` (its first entry:
the variable may list several, colon-separated); ``%u`` (or ``%s``, the ``$BROWSER``
convention) stands for the URL, else the URL is the last argument. It is run without a shell,
so a URL cannot become a command. With no command, a desktop session still has the system's
default browser; anything else (SSH, a console) gets the URL on a line to select and copy,
because silently doing nothing is what left people guessing.
"""

from __future__ import annotations

import asyncio
import shlex
import subprocess
import sys
from collections.abc import Mapping

PLACEHOLDERS = ("%u", "%s")


def browser_argv(configured: str, environ: Mapping[str, str], url: str) -> list[str] | None:
    """The command that opens ``url``, or None when neither the config nor $BROWSER names one."""
    text = configured.strip() or environ.get("BROWSER", "").split(":")[0].strip()
    if not text:
        return None
    argv = shlex.split(text)
    if not any(p in arg for arg in argv for p in PLACEHOLDERS):
        return [*argv, url]
    return [_fill(arg, url) for arg in argv]


def _fill(arg: str, url: str) -> str:
    for placeholder in PLACEHOLDERS:
        arg = arg.replace(placeholder, url)
    return arg


def has_desktop(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether a default browser can show a window: macOS, Windows, or an X11/Wayland display."""
    return platform in ("darwin", "win32") or bool(
        environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


async def run_browser(argv: list[str]) -> str | None:
    """Start the browser in its own session (it outlives the app) and wait for the command to
    return; the problem in words, or None when it worked. A browser that keeps running is
    waited for in the background; cancelling the wait leaves it running."""
    try:
        process = await asyncio.create_subprocess_exec(
            *argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError as error:
        return f"cannot run {argv[0]!r}: {error.strerror or error}"
    code = await process.wait()
    return None if code == 0 else f"{argv[0]!r} exited with status {code}"
