"""The typed config: TOML in, frozen dataclasses out, every mistake reported at once.

A community manager edits this file by hand, often over SSH, so the loader is strict and kind:
it refuses unknown keys (suggesting the closest valid one), checks types and bounds, and reports
every problem in the file together, each as ``file:line: key.path: what was expected``. The key
names come from the dataclass fields below (and, for sources, from ``core.model.SourceConfig``
and ``core.sources.registry.SOURCE_OPTIONS``), so the loader, ``known_key_paths`` and the test
that checks ``config.example.toml`` documents every key all read the same list.

Secrets: a source names the environment variable holding its token (``token_env``); a token
written in the file itself is accepted only when the file is readable by its owner alone, and
no message ever contains a token.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.config.bounds import MAX_CONFIG_BYTES, long_strings, nesting_problem, size_problem
from core.config.errors import ConfigError, Problem
from core.config.keys import TOP_LEVEL, known_key_paths
from core.config.model import (
    Brand,
    Competitor,
    Config,
    NetworkPolicy,
    PeopleConfig,
    PollerConfig,
    Product,
    ReportConfig,
    SavedSearch,
    TeamConfig,
    TeamMember,
    UiConfig,
)
from core.config.sections import (
    _alerts,
    _brand,
    _keys,
    _named_queries,
    _network,
    _outcomes,
    _people,
    _poller,
    _reply_limits,
    _report,
    _reserved,
    _searches,
    _team,
    _templates,
    _ui,
)
from core.config.sources import _sources
from core.config.tables import _Checker, _LineMap, _Table
from core.rules.parse import read_rules, rules_beside
from core.units import parse_duration, parse_size

__all__ = [
    "Brand",
    "Competitor",
    "Config",
    "ConfigError",
    "NetworkPolicy",
    "PeopleConfig",
    "PollerConfig",
    "Problem",
    "Product",
    "ReportConfig",
    "SavedSearch",
    "TeamConfig",
    "TeamMember",
    "UiConfig",
    "known_key_paths",
    "load_config",
    "parse_config",
    "parse_duration",
    "parse_size",
]


def load_config(path: Path, key_ids: Collection[str] | None = None) -> Config:
    """Read and validate the config file at ``path``; raise ``ConfigError`` on any problem.

    ``key_ids`` are the action ids ``[keys]`` may remap; the faces know them (``tui.keys``)
    and pass them in, so a typo is a config error with its line, not a silent no-op."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)  # never more than the bound into memory
        too_large = size_problem(len(raw))
        if too_large is not None:
            raise ConfigError(path, [too_large])
        text = raw.decode("utf-8")
    except FileNotFoundError:
        hint = "no such file; copy config.example.toml there, or run `listenpost --demo`"
        raise ConfigError(path, [Problem("", hint)]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            path, [Problem("", f"not UTF-8 text ({exc.reason}); save as UTF-8")]
        ) from None
    except OSError as exc:
        raise ConfigError(path, [Problem("", f"cannot read the file: {exc.strerror}")]) from None
    config = parse_config(text, path, key_ids)
    # A rules.toml beside the file adds its rules after the config's own (core.rules.parse).
    beside = rules_beside(path, {rule.name for rule in config.rules})
    return replace(config, rules=config.rules + beside) if beside else config


def parse_config(text: str, path: Path | None = None,
                 key_ids: Collection[str] | None = None) -> Config:
    """Validate config ``text``; ``path`` names it in errors and is checked before a token.
    ``[keys]`` ids are checked against ``key_ids`` when given."""
    too_deep = size_problem(len(text)) or nesting_problem(text)
    if too_deep is not None:
        raise ConfigError(path, [too_deep])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [_toml_problem(exc)]) from None
    lines = _LineMap(text)
    too_long = [replace(p, line=lines.find(p.key_path)) for p in long_strings(data)]
    if too_long:
        raise ConfigError(path, sorted(too_long, key=_in_file_order))
    checker = _Checker(lines, path)
    config = _build(checker, data, key_ids)
    if checker.problems:
        raise ConfigError(path, sorted(checker.problems, key=_in_file_order))
    return config


def _in_file_order(problem: Problem) -> int:
    return problem.line if problem.line is not None else 1 << 30  # unplaced problems last


def _toml_problem(exc: tomllib.TOMLDecodeError) -> Problem:
    message = str(exc)
    found = re.search(r"\(at line (\d+), column \d+\)", message)
    line = int(found.group(1)) if found else None
    return Problem("", f"invalid TOML: {message}", line)


def _build(ck: _Checker, data: dict[str, Any], key_ids: Collection[str] | None) -> Config:
    root = _Table(ck, data, "")
    root.refuse_unknown(TOP_LEVEL)
    sources = _sources(ck, root)
    competitors = tuple(_named_queries(t, Competitor) for t in root.tables("competitors"))
    brand = _brand(root.table("brand"), sources)
    return Config(
        path=ck.path,
        brand=brand,
        competitors=tuple(c for c in competitors if c is not None),
        sources=tuple(source for _, source in sources),
        network=_network(root.table("network")),
        poller=_poller(root.table("poller")),
        team=_team(root.table("team")),
        keys=_keys(root.table("keys"), key_ids),
        searches=_searches(root),
        report=_report(root.table("report")),
        ui=_ui(root.table("ui")),
        templates=_templates(root),
        reply_limits=_reply_limits(root),
        people=_people(root.table("people")),
        reserved=_reserved(root),
        alerts=_alerts(root.table("alerts")),
        outcomes=_outcomes(root),
        rules=read_rules(root),
    )


