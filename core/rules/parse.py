"""Reading ``[[rules]]`` from TOML: the main config's or a rules file's, every mistake
reported at once with its file, line and key, as the config loader reports them."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Collection
from pathlib import Path

from core.analysis.categories import CATEGORY_IDS
from core.analysis.match import Query, QueryError, compile_query
from core.config.errors import ConfigError, Problem
from core.config.tables import BOOL, NUMBER, STR, STR_LIST, _Checker, _LineMap, _Table
from core.rules.model import STATUSES, Actions, Conditions, Rule

RULE_KEYS = ("name", "query", "sources", "platforms", "languages", "sentiment_min",
             "sentiment_max", "matched", "authors", "category", "tags", "boost", "assignee",
             "status", "stop")
_TOML_LINE = re.compile(r"\(at line (\d+), column \d+\)")  # tomllib's own words
MAX_BOOST = 100.0  # more than any priority part: a boost can put anything first, or last
RULES_FILE = "rules.toml"  # a rules file beside the config; its rules run after the config's


def load_rules(path: Path, *, alone: bool = True) -> tuple[Rule, ...]:
    """The rules of the TOML file at ``path``; ``ConfigError`` on any problem. ``alone``: the
    file holds rules and nothing else (a rules file); otherwise other tables are left unread
    (the main config, whose other sections the config loader checks)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [Problem("", f"cannot read the rules file: {exc}")]) from None
    return rules_from_text(text, path, alone=alone)


def rules_file_beside(config_path: Path) -> Path | None:
    """The ``rules.toml`` beside the config file at ``config_path`` when there is one."""
    beside = config_path.parent / RULES_FILE
    if beside.name == config_path.name or not beside.exists():
        return None
    return beside


def rules_beside(config_path: Path, taken: Collection[str]) -> tuple[Rule, ...]:
    """The rules of the ``rules.toml`` beside the config (none when there is no such file);
    ``ConfigError`` naming that file and line for any mistake, and for a rule name the
    config's rules (``taken``) already use."""
    path = rules_file_beside(config_path)
    if path is None:
        return ()
    rules = load_rules(path)
    clashes = [(i, r.name) for i, r in enumerate(rules) if r.name in taken]
    if clashes:
        lines = _LineMap(path.read_text(encoding="utf-8"))
        raise ConfigError(path, [Problem(f"rules[{i}].name", f"a rule named {name!r} is in "
                                         f"{config_path.name} too; names must be unique",
                                         lines.find(f"rules[{i}].name"))
                                 for i, name in clashes])
    return rules


def config_rules(config_path: Path) -> tuple[Rule, ...]:
    """Every rule a config file gives: its own ``[[rules]]``, then its ``rules.toml``'s."""
    own = load_rules(config_path, alone=False)
    return own + rules_beside(config_path, {r.name for r in own})


def rules_from_text(text: str, path: Path | None = None, *,
                    alone: bool = True) -> tuple[Rule, ...]:
    """The ``[[rules]]`` of TOML ``text`` (``path`` names it in errors); every problem at once
    as ``ConfigError``, each with its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_LINE.search(str(exc))
        line = int(found.group(1)) if found else None
        raise ConfigError(path, [Problem("", f"invalid TOML: {exc}", line)]) from None
    checker = _Checker(_LineMap(text), path)
    root = _Table(checker, data, "")
    if alone:
        root.refuse_unknown(("rules",))
    rules = read_rules(root)
    if checker.problems:
        raise ConfigError(path, sorted(checker.problems, key=lambda p: p.line or 0))
    return rules


def one_rule(text: str, taken: Collection[str] = ()) -> Rule:
    """The single ``[[rules]]`` table of ``text`` (one rule as a person edits it), whose name
    must not be one of ``taken``; ``ConfigError`` with lines counted within ``text``."""
    rules = rules_from_text(text)
    if len(rules) != 1:
        raise ConfigError(None, [Problem("rules", f"expected one [[rules]] table, found "
                                                  f"{len(rules)}", 1)])
    if rules[0].name in taken:
        raise ConfigError(None, [Problem("rules[0].name", f"a rule named {rules[0].name!r} "
                                         "already exists; names must be unique",
                                         _LineMap(text).find("rules[0].name"))])
    return rules[0]


def read_rules(root: _Table) -> tuple[Rule, ...]:
    """Every ``[[rules]]`` element of ``root``; problems go to its checker."""
    rules, names = [], set[str]()
    for t in root.tables("rules"):
        rule = _rule(t)
        if rule.name in names:
            t.fail("name", f"a rule named {rule.name!r} already exists; names must be unique")
        names.add(rule.name)
        rules.append(rule)
    return tuple(rules)


def _rule(t: _Table) -> Rule:
    t.refuse_unknown(RULE_KEYS)
    return Rule(t.required_str("name", "the rule's name"), _conditions(t), _actions(t),
                t.value("stop", BOOL, False))


def _conditions(t: _Table) -> Conditions:
    return Conditions(
        query=_query(t),
        sources=_set(t, "sources"), platforms=_set(t, "platforms"),
        languages=_set(t, "languages"),
        sentiment_min=float(t.bounded("sentiment_min", NUMBER, -1.0, -1.0, 1.0,
                                      "sentiment runs from -1 to 1")),
        sentiment_max=float(t.bounded("sentiment_max", NUMBER, 1.0, -1.0, 1.0,
                                      "sentiment runs from -1 to 1")),
        matched=_set(t, "matched"), authors=_set(t, "authors"),
    )


def _query(t: _Table) -> Query | None:
    text = t.value("query", STR, "")
    if not text:
        return None
    try:
        return compile_query(text)
    except QueryError as error:
        t.fail("query", str(error))
        return None


def _set(t: _Table, name: str) -> frozenset[str]:
    items: list[str] = t.value(name, STR_LIST, [])
    return frozenset(item.lower() for item in items)


def _actions(t: _Table) -> Actions:
    category = t.value("category", STR, "") or None
    if category is not None and category not in CATEGORY_IDS:
        t.fail("category", f"unknown category {category!r}; one of {', '.join(CATEGORY_IDS)}")
        category = None
    status = t.value("status", STR, "") or None
    if status is not None and status not in STATUSES:
        t.fail("status", f"expected one of {', '.join(STATUSES)}, got {status!r}")
        status = None
    return Actions(category=category, tags=tuple(t.value("tags", STR_LIST, [])),
                   boost=float(t.bounded("boost", NUMBER, 0.0, -MAX_BOOST, MAX_BOOST,
                                         "priorities run to about 150")),
                   assignee=t.value("assignee", STR, "") or None, status=status)
