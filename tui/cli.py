"""The ``listenpost`` command: argument parsing and dispatch, nothing more.

Headless paths (``--export``, ``--poller``, ``--check-config``, OPML) run on ``core`` alone
and never import Textual; only opening the app imports ``tui.app``. Data goes to the export
file or stdout, diagnostics to stderr, and the exit codes are those of ``core.exitcodes``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
import traceback
from collections.abc import Coroutine
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from core.config import Config
from core.exitcodes import ExitCode, describe_exit_codes
from core.export import FORMATS

if TYPE_CHECKING:
    from core.headless import ExportRequest

if TYPE_CHECKING:
    from core.headless import ExportRequest

DESCRIPTION = """\
A keyboard-driven listening post: polls feeds and platform APIs for what people say about
your brand, keeps every mention in one SQLite file, and shows them as a triage inbox.
With no config file, runs the demo: bundled sample feeds served on loopback, no network."""

EPILOG = f"""\
examples:
  listenpost                          open the inbox (the demo when nothing is configured)
  listenpost --demo                   the demo, even when a config exists
  listenpost --export today.md --since 24h
                                      poll once, write a Markdown daily report
  listenpost --export - --format json --no-poll | jq .summary
  listenpost --export replies.md --report drafts --since 24h
                                      a day's open drafts and sent replies, for review
  listenpost --export today.html      a self-contained HTML daily report with charts
  listenpost --export m.json --report metrics --period week
                                      this week's metrics as JSON (exit 6 when it lists alerts)
  listenpost --export people.csv --report people --list advocates
                                      the influencers table: score and its parts, stance, lists
  listenpost --poll-once              poll every source once into the database (cron)
  listenpost --poller                 poll forever on each source's schedule (servers, cron-less)
  listenpost --daemon --log /var/log/listenpost.log
                                      the team server's one poller (a lease in the database)
  listenpost --backup copy.db         a consistent copy of the database while others write
  listenpost --check-config           validate the config and exit
  listenpost --check-db               check the database file for damage (SQLite quick_check)
  listenpost --import-opml feeds.opml add a feed reader's subscriptions as sources
  listenpost --rules-check rules.toml see what the rules would change, then --rules-apply
  listenpost --export digest.md --team product --since 7d
                                      one team's categories as a Markdown digest

files (flags win over environment variables, which win over the defaults):
  config   --config, LISTENPOST_CONFIG, else the user config dir's listenpost/config.toml
  database --db, LISTENPOST_DB, else the user data dir's listenpost/listenpost.db
  see config.example.toml for every setting.

exit codes:
{describe_exit_codes()}
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="listenpost",
        description=DESCRIPTION,
        epilog=EPILOG + paths_in_use(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--config", metavar="FILE", help="the TOML config file to use")
    parser.add_argument("--db", metavar="FILE", help="the SQLite database file to use")
    parser.add_argument(
        "--demo", action="store_true", help="serve the bundled demo feeds on loopback and use them"
    )
    parser.add_argument(
        "--export",
        metavar="FILE",
        help="headless: poll once, write mentions to FILE ('-' for stdout) and exit",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        help="export format (default: from the FILE extension; json for '-')",
    )
    parser.add_argument(
        "--since",
        metavar="WHEN",
        help="export only mentions since WHEN: 24h, 7d, 2w or a date (2026-11-01)",
    )
    parser.add_argument(
        "--report",
        choices=("mentions", "drafts", "metrics", "people"),
        default="mentions",
        help="with --export: what to export; drafts lists open drafts and sent replies "
        "(json or md; --since sets the period, nothing is polled); metrics is the period's "
        "metrics as JSON; people is the influencers table (csv or json)",
    )
    parser.add_argument(
        "--period",
        metavar="PERIOD",
        default="day",
        help="the metrics' period in md, html and metrics reports: day (default), week, month "
        "(the one running now) or 2026-11-01..2026-11-07",
    )
    parser.add_argument(
        "--per-followers",
        action="store_true",
        help="md and html reports give Kaushik's rates per 1,000 followers of the posting "
        "account (— where the platform does not say); metrics JSON always carries both",
    )
    parser.add_argument(
        "--list",
        metavar="NAME",
        help="with --report people: only the people on list NAME",
    )
    parser.add_argument(
        "--team",
        metavar="NAME",
        help="with --export: a Markdown digest of the categories [routing] gives to team NAME",
    )
    parser.add_argument(
        "--no-poll",
        action="store_true",
        help="with --export: do not poll first, export what is stored",
    )
    parser.add_argument(
        "--poll-once",
        action="store_true",
        help="headless: poll every source once into the database and exit (no export)",
    )
    parser.add_argument(
        "--poller",
        action="store_true",
        help="headless: poll every source on its schedule until Ctrl-C",
    )
    parser.add_argument(
        "--daemon",
        action="store_true",
        help="headless: the one poller of a shared database until SIGTERM or Ctrl-C; beside "
        "another daemon it watches and takes over when that one's lease lapses",
    )
    parser.add_argument(
        "--log", metavar="FILE",
        help="with --daemon: append its log lines to FILE (reopened on SIGHUP) instead of stderr",
    )
    parser.add_argument(
        "--backup", metavar="FILE",
        help="write a consistent copy of the database to FILE while others use it, and exit",
    )
    parser.add_argument(
        "--check-config",
        action="store_true",
        help="validate the config file, print a summary and exit",
    )
    parser.add_argument(
        "--import-opml",
        metavar="FILE",
        help="add the feeds of an OPML file (from a feed reader) to the config file and exit",
    )
    parser.add_argument(
        "--export-opml",
        metavar="FILE",
        help="write the config's feed sources as OPML to FILE ('-' for stdout) and exit",
    )
    parser.add_argument(
        "--check-db",
        action="store_true",
        help="read every page of the database (read-only, SQLite's quick_check) and exit: "
        "0 when sound, 4 when damaged",
    )
    parser.add_argument(
        "--rules-check",
        metavar="FILE",
        nargs="?",
        const="",
        help="dry run: list which stored mentions the [[rules]] in FILE (default: the "
        "config's, then those of a rules.toml beside it) would change, and how",
    )
    parser.add_argument(
        "--rules-apply",
        metavar="FILE",
        nargs="?",
        const="",
        help="apply the [[rules]] in FILE (default: the config's, then its rules.toml's) to the "
        "stored mentions as you (--user); what a person set by hand is kept",
    )
    parser.add_argument(
        "--rules-report",
        action="store_true",
        help="how often people changed a category by hand, by the rule (or the classifier) "
        "that set it, and to what",
    )
    parser.add_argument(
        "--deliveries",
        action="store_true",
        help="each team's webhook deliveries: how many sent, how many waiting, the last error",
    )
    parser.add_argument(
        "--user", metavar="NAME",
        help="act as team member NAME (a [[team.members]] handle when members are listed) "
        "instead of [team] me or the login name: claims, undo, the action log, --rules-apply",
    )
    parser.add_argument("--version", action=_VersionAction, help="show the version and exit")
    return parser


def paths_in_use() -> str:
    """The config and database this command would use without --config and --db."""
    from core.paths import config_path, db_path

    config = config_path()
    state = "exists" if config.exists() else "missing: the demo runs instead"
    return (f"\nwith no --config or --db, this run would use:\n"
            f"  config   {config} ({state})\n  database {db_path()}\n")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(dispatch(args, sys.stderr))
    except KeyboardInterrupt:
        sys.stderr.write("listenpost: interrupted; nothing half-written\n")
        return int(ExitCode.INTERRUPTED)
    except Exception:  # noqa: BLE001 -- a bug: say so with its own exit code, not 1 ("a source failed")
        traceback.print_exc(file=sys.stderr)  # frames only, no locals: no token is printed
        sys.stderr.write("listenpost: internal error (a bug in listenpost); please report it "
                         "with the lines above\n")
        return int(ExitCode.INTERNAL)


def dispatch(args: argparse.Namespace, err: TextIO) -> ExitCode:
    from core.paths import config_path

    if sum(map(bool, (args.export, args.poll_once, args.poller, args.daemon, args.backup))) > 1:
        return usage(err, "choose one of --export, --poll-once, --poller, --daemon and --backup")
    if args.log and not args.daemon:
        return usage(err, "--log goes with --daemon")
    if args.rules_check is not None and args.rules_apply is not None:
        return usage(err, "choose one of --rules-check and --rules-apply")
    if args.no_poll and not args.export:
        return usage(err, "--no-poll only makes sense with --export")
    if (args.report != "mentions" or args.period != "day" or args.list) and not args.export:
        return usage(err, "--report, --period and --list go with --export")
    if args.per_followers and not args.export:
        return usage(err, "--per-followers goes with --export")
    if (args.format or args.since) and not args.export:
        return usage(err, "--format and --since go with --export")
    if args.list and args.report != "people":
        return usage(err, "--list goes with --report people")
    if args.since and args.report == "people":
        return usage(err, "--since goes with mention exports; --report people covers everyone")
    if args.check_db:
        return check_db(_db_path(args), err)
    if args.team and not args.export:
        return usage(err, "--team goes with --export")
    if args.backup:
        return backup(_db_path(args), Path(args.backup), err)
    path = config_path(args.config)
    if args.import_opml:
        return import_opml(Path(args.import_opml), path, err)
    if args.check_config and not args.demo and not path.exists():
        return no_config_to_check(path, args.config is not None, err)
    if args.demo or (not path.exists() and args.config is None):
        return demo(args, path, err)
    config = load(path, err)
    if config is None:
        return ExitCode.CONFIG
    return run_mode(args, config, _db_path(args), err)


def demo(args: argparse.Namespace, path: Path, err: TextIO) -> ExitCode:
    # Imported here: the demo's sample content is not needed by a configured run.
    from core.demo.run import running_demo  # no Textual; starts a loopback server only when used

    if not args.demo and not args.export and not args.poller:
        err.write(f"listenpost: no config at {path}; starting the demo (see --help)\n")
    from core.demo.content import FAILING_SOURCE

    with running_demo(args.db) as (demo_config, demo_db):
        code = run_mode(args, demo_config, demo_db, err, expected=frozenset({FAILING_SOURCE}))
    if args.export or args.poll_once:
        err.write(f"listenpost: the demo's {FAILING_SOURCE!r} source fails on purpose, to show "
                  "source health; a demo run exits 0 unless another source fails\n")
    return code


def no_config_to_check(path: Path, from_flag: bool, err: TextIO) -> ExitCode:
    """--check-config with nothing to check: say where we looked instead of checking the demo."""
    from core.paths import CONFIG_ENV

    if from_flag:
        how = "given by --config"
    elif os.environ.get(CONFIG_ENV):
        how = f"from ${CONFIG_ENV}"
    else:
        how = f"the default location; --config FILE or ${CONFIG_ENV} choose another"
    err.write(f"listenpost: no config file to check: looked at {path} ({how}). Copy "
              "config.example.toml there; without a config, listenpost runs the demo.\n")
    return ExitCode.CONFIG


def run_mode(args: argparse.Namespace, config: Config, db_path: Path, err: TextIO,
             expected: frozenset[str] = frozenset()) -> ExitCode:
    if args.user is not None:
        acting = as_user(config, args.user)
        if isinstance(acting, str):
            return usage(err, acting)
        config = acting
    if args.check_config:
        return check_config(config, err)
    if args.export_opml:
        return export_opml(config, args.export_opml, err)
    from core.store import StoreError

    if args.rules_check is not None or args.rules_apply is not None:
        return rules(args, config, db_path, err)
    if args.rules_report:
        return rules_report(db_path, err)
    if args.deliveries:
        return deliveries(db_path, err)

    try:
        if args.export:
            return export(args, config, db_path, err, expected)
        if args.poll_once:
            return poll_once(config, db_path, err, expected)
        if args.poller:
            return poller(config, db_path, err)
        if args.daemon:
            return daemon(config, db_path, args.log, err)
        return open_app(config, db_path)
    except StoreError as error:
        err.write(f"listenpost: {error}\n")
        return ExitCode.STORE


def as_user(config: Config, name: str) -> Config | str:
    """The config with ``--user NAME`` as the person acting, or the problem in words: with
    ``[[team.members]]`` listed, NAME must be one of their handles."""
    from dataclasses import replace

    handles = [m.handle for m in config.team.members]
    if not name.strip():
        return "--user needs a name"
    if handles and name not in handles:
        return (f"--user {name!r} is not a member of the team in the config "
                f"(members: {', '.join(handles)})")
    return replace(config, team=replace(config.team, me=name))


def export(args: argparse.Namespace, config: Config, db_path: Path, err: TextIO,
           expected: frozenset[str] = frozenset()) -> ExitCode:
    from core.export import format_for
    from core.headless import ExportRequest, run_export
    from core.metrics.periods import parse_period
    from core.units import parse_since

    try:
        fmt = format_for(args.export, args.format)
        since = parse_since(args.since, int(time.time())) if args.since else None
        parse_period(args.period, int(time.time()), UTC)
    except ValueError as error:
        return usage(err, str(error))
    if args.report == "metrics" and fmt != "json":
        return usage(err, "--report metrics writes JSON: use a .json file or --format json")
    if args.report == "people" and fmt not in ("csv", "json"):
        return usage(err, f"--report people writes csv or json, not {fmt}")
    if args.team and fmt != "md":
        return usage(err, "--team writes a Markdown digest: use a .md file or --format md")
    request = ExportRequest(out=args.export, fmt=fmt, since=since, poll=not args.no_poll,
                            expected_failures=expected, report=args.report, period=args.period,
                            alerts_page=not expected, people_list=args.list,
                            per_followers=args.per_followers)
    try:
        if args.team:
            return team_digest(config, db_path, request, args.team, err)
        if args.report == "drafts":
            return replies_report(request, config, db_path, err)
        return run_stoppable(run_export(config, db_path, request, err=err), err)
    except OSError as error:
        err.write(f"listenpost: cannot write the export to {args.export}: {error.strerror}\n")
        return ExitCode.OUTPUT


def rules_report(db_path: Path, err: TextIO) -> ExitCode:
    from core.rules.headless import run_overrides_report
    from core.store import StoreError

    try:
        return asyncio.run(run_overrides_report(db_path, out=sys.stdout, err=err))
    except StoreError as error:
        err.write(f"listenpost: {error}\n")
        return ExitCode.STORE


def deliveries(db_path: Path, err: TextIO) -> ExitCode:
    from core.rules.headless import run_deliveries_report
    from core.store import StoreError

    try:
        return asyncio.run(run_deliveries_report(db_path, out=sys.stdout, err=err))
    except StoreError as error:
        err.write(f"listenpost: {error}\n")
        return ExitCode.STORE


def team_digest(config: Config, db_path: Path, request: ExportRequest, team: str,
                err: TextIO) -> ExitCode:
    from core.headless import run_team_digest
    from core.rules.routing import known_teams

    teams = known_teams(config.reserved.get("routing", {}))
    if team.lower() not in teams:
        return usage(err, f"no category is routed to team {team!r}; teams: {', '.join(teams)}")
    return asyncio.run(run_team_digest(config, db_path, request, team, err=err))


def rules(args: argparse.Namespace, config: Config, db_path: Path, err: TextIO) -> ExitCode:
    from core.rules.headless import run_rules
    from core.store import StoreError
    from core.team.identity import acting_person

    write = args.rules_apply is not None
    named = args.rules_apply if write else args.rules_check
    try:
        return asyncio.run(run_rules(db_path, Path(named) if named else config.rules,
                                     write=write, now=int(time.time()), out=sys.stdout, err=err,
                                     by=acting_person(config)))
    except StoreError as error:
        err.write(f"listenpost: {error}\n")
        return ExitCode.STORE


def replies_report(request: ExportRequest, config: Config, db_path: Path,
                   err: TextIO) -> ExitCode:
    from core.export.drafts import REPORT_FORMATS
    from core.headless import run_replies_report

    if request.fmt not in REPORT_FORMATS:
        return usage(err, f"--report drafts writes {' or '.join(REPORT_FORMATS)}, not "
                          f"{request.fmt}")
    return asyncio.run(run_replies_report(config, db_path, request))


def poll_once(config: Config, db_path: Path, err: TextIO,
              expected: frozenset[str] = frozenset()) -> ExitCode:
    from core.headless import run_poll_once

    return run_stoppable(run_poll_once(config, db_path, err=err, expected_failures=expected), err)


def poller(config: Config, db_path: Path, err: TextIO) -> ExitCode:
    from core.headless import run_poller

    async def forever() -> ExitCode:
        return await run_poller(config, db_path, asyncio.Event(), err=err)

    err.write(f"listenpost: polling into {db_path}; Ctrl-C (or SIGTERM, SIGHUP) stops\n")
    return run_stoppable(forever(), err)


def daemon(config: Config, db_path: Path, log_path: str | None, err: TextIO) -> ExitCode:
    from core.team.commands import open_daemon_log, run_daemon_command

    log = open_daemon_log(log_path, err)
    if log is None:
        return ExitCode.USAGE
    return run_stoppable(run_daemon_command(config, db_path, log), err)


def backup(db_path: Path, target: Path, err: TextIO) -> ExitCode:
    from core.store import StoreError
    from core.team.commands import run_backup

    try:
        return asyncio.run(run_backup(db_path, target, err))
    except StoreError as error:
        err.write(f"listenpost: {error}\n")
        return ExitCode.STORE


def run_stoppable(run: Coroutine[Any, Any, ExitCode], err: TextIO) -> ExitCode:
    """Run a headless coroutine; Ctrl-C, SIGTERM and SIGHUP end it cleanly with one line on
    stderr and the exit code 128 + the signal's number."""
    from core.signals import Stopped, until_signalled

    try:
        return asyncio.run(until_signalled(run))
    except Stopped as stopped:
        left = ("the export written to stdout is incomplete" if stopped.partial_stdout
                else "nothing half-written")
        err.write(f"listenpost: stopped by {stopped.signal_name}; {left}\n")
        return ExitCode(128 + stopped.signum)


def check_db(db_path: Path, err: TextIO) -> ExitCode:
    from core.headless import run_check_db
    from core.store import StoreError

    try:
        return asyncio.run(run_check_db(db_path, err=err))
    except StoreError as error:
        err.write(f"listenpost: {error}\n")
        return ExitCode.STORE


def open_app(config: Config, db_path: Path) -> ExitCode:
    from tui.app import run_app

    return run_app(config, db_path)


def import_opml(opml: Path, config_file: Path, err: TextIO) -> ExitCode:
    from core.config import ConfigError
    from core.opml.format import OpmlError
    from core.opml.importer import import_opml as add_feeds

    try:
        report = add_feeds(opml.read_bytes(), config_file)
    except OSError as error:
        err.write(f"listenpost: cannot read {opml}: {error.strerror}\n")
        return ExitCode.USAGE
    except OpmlError as error:
        err.write(f"listenpost: {opml}: {error}\n")
        return ExitCode.USAGE
    except ConfigError as error:
        err.write(f"listenpost: the config would not load after the import, so nothing was "
                  f"written:\n{error}\n")
        return ExitCode.CONFIG
    err.write(f"listenpost: added {len(report.added)} feeds to {config_file}; "
              f"{len(report.already)} were there already, {len(report.skipped)} skipped\n")
    for entry in report.added:
        err.write(f"  + {entry.name}\n")
    for line in report.skipped_lines():
        err.write(f"  - skipped {line}\n")
    return ExitCode.OK


def export_opml(config: Config, out: str, err: TextIO) -> ExitCode:
    from core.files import write_atomically
    from core.opml.format import write_opml

    data = write_opml(config.sources).decode("utf-8")
    if out == "-":
        sys.stdout.write(data)
        return ExitCode.OK
    try:
        write_atomically(Path(out), data)
    except OSError as error:
        err.write(f"listenpost: cannot write {out}: {error.strerror}\n")
        return ExitCode.OUTPUT
    return ExitCode.OK


def check_config(config: Config, err: TextIO) -> ExitCode:
    from core.units import format_duration

    err.write(f"listenpost: config OK: {len(config.sources)} sources\n")
    for source in config.sources:
        err.write(f"  {source.name} ({source.kind}, every {format_duration(source.interval)})\n")
    _note_unused_sections(config, err)
    from core.team.commands import warn_about_sqlite

    warn_about_sqlite(err)
    return ExitCode.OK


def _note_unused_sections(config: Config, err: TextIO) -> None:
    """Sections whose shape is checked but that nothing reads yet are named, never silent."""
    from core.config.keys import NOT_USED_YET

    for section in sorted(set(config.reserved) & set(NOT_USED_YET)):
        err.write(f"listenpost: note: [{section}] is accepted, not used yet\n")


def load(path: Path, err: TextIO) -> Config | None:
    from core.config import ConfigError, load_config
    from tui.keys import DEFAULT_KEYS  # the key table alone: no Textual

    if not path.exists():
        err.write(f"listenpost: no config file at {path} (copy config.example.toml there)\n")
        return None
    try:
        return load_config(path, key_ids=DEFAULT_KEYS)
    except ConfigError as error:
        err.write(f"listenpost: {error}\n")
        return None


def usage(err: TextIO, message: str) -> ExitCode:
    err.write(f"listenpost: {message}\n")
    return ExitCode.USAGE


def _db_path(args: argparse.Namespace) -> Path:
    from core.paths import db_path

    return db_path(args.db)


class _VersionAction(argparse.Action):
    """``--version``, reading the package metadata only when asked (every run builds the
    parser, and the lookup walks the installed distributions)."""

    def __init__(self, option_strings: list[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, nargs=0, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        sys.stdout.write(f"listenpost {_version()}\n")
        parser.exit()


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("listenpost")
    except PackageNotFoundError:
        return "unknown"


if __name__ == "__main__":
    raise SystemExit(main())
