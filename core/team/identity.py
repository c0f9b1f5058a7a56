"""Who is acting: one answer for the app, the daemon and the headless commands.

A person is ``[team] me`` from the config (which ``--user NAME`` sets for one run), else the
login name, so on a shared server each member's own account identifies them without any flag.
"""

from __future__ import annotations

import getpass

from core.config import Config


def acting_person(config: Config | None) -> str:
    """``[team] me`` (or ``--user``) when set, else the OS login name."""
    me = config.team.me if config is not None else None
    return me or getpass.getuser()
