"""The exit codes of the headless command line, named in one place.

``--help`` prints this table; cron jobs and scripts test these numbers, so they never change
meaning once released.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0  # everything polled and written
    SOURCE_FAILED = 1  # the export was written, but at least one source failed or was throttled
    USAGE = 2  # bad command-line arguments
    CONFIG = 3  # the config file is missing, unreadable or invalid
    STORE = 4  # the database cannot be opened, is locked, is from a newer listenpost, or full
    OUTPUT = 5  # the export file cannot be written
    ALERTS = 6  # the report was written and lists alerts (a spike, a failing or silent source)
    INTERNAL = 70  # a bug in listenpost (sysexits' EX_SOFTWARE); the traceback is on stderr
    HANGUP = 129  # stopped by SIGHUP (the terminal or SSH session closed), as by Ctrl-C
    INTERRUPTED = 130  # stopped by Ctrl-C; nothing half-written
    TERMINATED = 143  # stopped by SIGTERM (kill, timeout, systemd), as by Ctrl-C


EXIT_CODE_HELP = {
    ExitCode.OK: "success",
    ExitCode.SOURCE_FAILED: "export written, but one or more sources failed or were throttled",
    ExitCode.USAGE: "bad command-line arguments",
    ExitCode.CONFIG: "config file missing, unreadable or invalid",
    ExitCode.STORE: "database cannot be opened, is locked, is from a newer listenpost, or its "
    "disk is full",
    ExitCode.OUTPUT: "export file cannot be written",
    ExitCode.ALERTS: "report written, and it lists alerts (spikes, failing or silent sources)",
    ExitCode.INTERNAL: "internal error: a bug in listenpost (please report it with stderr)",
    ExitCode.HANGUP: "stopped by SIGHUP; handled as Ctrl-C",
    ExitCode.INTERRUPTED: "interrupted (Ctrl-C); finished polls are kept and no partial file is "
    "left (an export to stdout may be cut short: stderr says so)",
    ExitCode.TERMINATED: "stopped by SIGTERM; handled as Ctrl-C",
}


def describe_exit_codes() -> str:
    """The exit-code table for ``--help``."""
    return "\n".join(f"  {int(code):>3}  {text}" for code, text in EXIT_CODE_HELP.items())
