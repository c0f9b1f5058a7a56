"""``listenpost --rules-check [FILE]`` and ``--rules-apply [FILE]``: a rule set (a rules file's
``[[rules]]``, else the config's) over the database, as a dry run or for real, reported as
text (stdout) with diagnostics on stderr.

The report lists each mention that would change (or changed) with its field changes and the
rules that fired, then every rule's hits. Exit codes: 0 done, 3 the rules file is invalid
(every mistake with its line) or there are no rules, 4 the database is missing or cannot be
opened.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from core.config.errors import ConfigError
from core.exitcodes import ExitCode
from core.rules.model import Outcome, Rule
from core.rules.overrides import overrides
from core.rules.overrides import report as overrides_report
from core.rules.parse import load_rules
from core.rules.stored import Summary, apply, check, rule_stats
from core.rules.webhooks import states
from core.store import Store

SHOWN = 200  # mentions listed in full; the counts cover all of them


async def run_rules(db_path: Path, source: Path | tuple[Rule, ...], *, write: bool, now: int,
                    out: TextIO, err: TextIO, by: str | None = None) -> ExitCode:
    """Check (or with ``write``, apply as ``by``, undoable by them on the Rules screen) the
    rules of a rules file, or the config's ``source`` rules, on the database."""
    try:
        rules = load_rules(source) if isinstance(source, Path) else source
    except ConfigError as error:
        err.write(f"listenpost: {error}\n")
        return ExitCode.CONFIG
    if not rules:
        err.write("listenpost: no [[rules]] to run\n")
        return ExitCode.CONFIG
    if not db_path.exists():
        err.write(f"listenpost: no database at {db_path}: nothing to run the rules on\n")
        return ExitCode.STORE
    async with await Store.open(db_path) as store:
        if write:
            summary = await apply(store, rules, now=now, shown=SHOWN, undoable=by is not None,
                                  by=by)
        else:
            summary = await check(store, rules, shown=SHOWN)
        totals = await rule_stats(store)
    out.write(report(summary, [r.name for r in rules], totals, write=write))
    if write and by is not None:
        out.write(f"applied as {by}; u on the Rules screen undoes it\n")
    return ExitCode.OK


async def run_overrides_report(db_path: Path, *, out: TextIO, err: TextIO) -> ExitCode:
    """Print how often people changed a category, by what set it, and to what."""
    if not db_path.exists():
        err.write(f"listenpost: no database at {db_path}: no corrections to report\n")
        return ExitCode.STORE
    async with await Store.open(db_path) as store:
        found = await overrides(store.db)
    out.write(overrides_report(found))
    return ExitCode.OK


async def run_deliveries_report(db_path: Path, *, out: TextIO, err: TextIO) -> ExitCode:
    """Print each team's webhook deliveries: sent, waiting, and the latest error."""
    if not db_path.exists():
        err.write(f"listenpost: no database at {db_path}: no deliveries to report\n")
        return ExitCode.STORE
    async with await Store.open(db_path) as store:
        found = await states(store)
    if not found:
        out.write("no webhook deliveries yet\n")
    for state in found:
        error = f"; last error: {state.last_error}" if state.last_error else ""
        out.write(f"{state.team}: {state.sent} sent, {state.pending} waiting{error}\n")
    return ExitCode.OK


def report(summary: Summary, names: list[str], totals: dict[str, tuple[int, int | None]], *,
           write: bool) -> str:
    """The text report: changed mentions, then each rule's hits (and stored totals)."""
    verb = "changed" if write else "would change"
    lines = [f"{verb} {summary.changed} mentions"
             + (f"; kept what a person set on {summary.kept}" if summary.kept else "")]
    lines += [describe(outcome) for outcome in summary.outcomes]
    if summary.changed > len(summary.outcomes):
        lines.append(f"… and {summary.changed - len(summary.outcomes)} more")
    lines.append("rules (hits now; all-time hits as applied):")
    for name in names:
        total = totals.get(name, (0, None))[0]
        lines.append(f"  {name}: {summary.hits.get(name, 0)} (all-time {total})")
    return "\n".join(lines) + "\n"


def describe(outcome: Outcome) -> str:
    """One mention's line: id, title, each change, the rules that fired, what was kept."""
    s = outcome.subject
    title = " ".join((s.title or s.text).split())[:60]
    changes = [change_words(name, before, after)
               for name, (before, after) in outcome.changes.items()]
    kept = f" (kept by hand: {', '.join(outcome.kept)})" if outcome.kept else ""
    return f"#{s.id} {title}: {'; '.join(changes)} [{', '.join(outcome.fired)}]{kept}"


def change_words(name: str, before: object, after: object) -> str:
    """One field's change in words: ``category question -> complaint``, ``tags +refund``."""
    if name == "tags" and isinstance(before, frozenset) and isinstance(after, frozenset):
        return "tags " + " ".join(f"+{tag}" for tag in sorted(after - before))
    return f"{name} {_shown(before)} -> {_shown(after)}"


def _shown(value: object) -> str:
    if value is None:
        return "none"
    return f"{value:g}" if isinstance(value, float) else str(value)
