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

import difflib
import importlib
import os
import re
import shlex
import stat
import tomllib
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from core import netguard
from core.model import Match, SourceConfig
from core.sources.registry import DEFAULT_URLS, SOURCE_OPTIONS
from core.units import MIB, parse_duration, parse_size

T = TypeVar("T")

DEFAULT_USER_AGENT = "listenpost/0.1 (social listening; polite feed reader)"

# ---------------------------------------------------------------------------------------------
# The typed config
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Product:
    """One of the brand's products, with the queries that find it."""

    name: str
    queries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Brand:
    """The brand listened for: its name, listening queries and products."""

    name: str = ""
    queries: tuple[str, ...] = ()
    products: tuple[Product, ...] = field(default=(), metadata={"item": Product})


@dataclass(frozen=True, slots=True)
class Competitor:
    """A competitor whose mentions count towards share of voice."""

    name: str
    queries: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NetworkConfig:
    """Limits for the one hardened HTTP client every adapter fetches through."""

    timeout: float = 30.0  # one overall deadline per request, seconds
    connect_timeout: float = 10.0
    max_bytes: int = 15 * MIB  # cap on decoded bytes of one response
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    allow_private_addresses: bool = False  # loopback/private/link-local only for tests and demo
    allowed_networks: tuple[str, ...] = ()  # CIDRs reachable although private, e.g. a LAN feed
    concurrency: int = 8  # polls in flight overall
    per_host: int = 2  # polls in flight against one host


@dataclass(frozen=True, slots=True)
class PollerConfig:
    """Scheduling knobs shared by every source."""

    jitter: float = 0.1  # each interval is stretched or shrunk by up to this fraction
    max_backoff: int = 6 * 3600  # a failing source is still retried a few times a day


@dataclass(frozen=True, slots=True)
class TeamMember:
    """A person mentions can be assigned to."""

    name: str
    handle: str


@dataclass(frozen=True, slots=True)
class TeamConfig:
    """The team sharing this listening post, and which member runs this copy."""

    members: tuple[TeamMember, ...] = field(default=(), metadata={"item": TeamMember})
    me: str | None = None


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A named full-text search that the inbox shows as a view of its own."""

    name: str
    query: str


@dataclass(frozen=True, slots=True)
class Config:
    """The whole validated config."""

    path: Path | None = None
    brand: Brand = field(default_factory=Brand)
    competitors: tuple[Competitor, ...] = ()
    sources: tuple[SourceConfig, ...] = ()
    network: NetworkConfig = field(default_factory=NetworkConfig)
    poller: PollerConfig = field(default_factory=PollerConfig)
    team: TeamConfig = field(default_factory=TeamConfig)
    keys: dict[str, str] = field(default_factory=dict)  # action id -> key(s), e.g. done = "e"
    searches: tuple[SavedSearch, ...] = ()
    reserved: dict[str, Any] = field(default_factory=dict)  # sections later issues give meaning

    def query_sets(self) -> tuple[tuple[Match, tuple[str, ...]], ...]:
        """Every listening query set, labelled with the brand, product or competitor it finds."""
        sets: list[tuple[Match, tuple[str, ...]]] = []
        if self.brand.queries:
            sets.append((Match("brand", self.brand.name), self.brand.queries))
        sets += [(Match("product", p.name), p.queries) for p in self.brand.products if p.queries]
        sets += [(Match("competitor", c.name), c.queries) for c in self.competitors if c.queries]
        return tuple(sets)


# Sections whose meaning later issues define; validated for shape now and kept raw.
RESERVED_SECTIONS = ("categories", "routing", "templates", "outcomes", "alerts")
_TABLE_SECTIONS: dict[str, type] = {
    "brand": Brand,
    "network": NetworkConfig,
    "poller": PollerConfig,
    "team": TeamConfig,
}
_ARRAY_SECTIONS: dict[str, type] = {
    "competitors": Competitor,
    "sources": SourceConfig,
    "searches": SavedSearch,
}
_MAP_SECTIONS = ("keys", "routing", "templates", "outcomes", "alerts")  # free-form name -> value
TOP_LEVEL = (*_TABLE_SECTIONS, *_ARRAY_SECTIONS, "keys", *RESERVED_SECTIONS)
_CATEGORY_KEYS = ("rules",)


def _keys_of(cls: type) -> tuple[str, ...]:
    """The config keys of a section: its dataclass fields (sources: plus their options)."""
    if cls is SourceConfig:
        return tuple(f.name for f in fields(cls) if f.name != "options")
    return tuple(f.name for f in fields(cls) if f.name != "path")


def _all_option_keys() -> tuple[str, ...]:
    return tuple(sorted({key for options in SOURCE_OPTIONS.values() for key in options}))


def known_key_paths() -> frozenset[str]:
    """Every key path the loader accepts, such as ``sources.interval`` or ``team.members.name``."""
    paths: set[str] = set(_MAP_SECTIONS)
    paths.update(f"categories.{key}" for key in _CATEGORY_KEYS)
    for section, cls in {**_TABLE_SECTIONS, **_ARRAY_SECTIONS}.items():
        paths.update(_dataclass_paths(section, cls))
    paths.update(f"sources.{key}" for key in _all_option_keys())
    return frozenset(paths)


def _dataclass_paths(prefix: str, cls: type) -> Iterator[str]:
    for f in fields(cls):
        if f.name in ("path", "options"):
            continue
        item = f.metadata.get("item")
        if item is None:
            yield f"{prefix}.{f.name}"
        else:
            yield from _dataclass_paths(f"{prefix}.{f.name}", item)


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Problem:
    """One mistake in the file: where it is and what was expected."""

    key_path: str
    message: str
    line: int | None = None


class ConfigError(Exception):
    """Every problem found in one config file; ``str()`` gives one ``file:line: …`` per line.

    ``path``, ``key_path``, ``line`` and ``message`` describe the first problem, for callers that
    show only one; ``problems`` holds them all.
    """

    def __init__(self, path: Path | None, problems: Collection[Problem]) -> None:
        self.path = path
        self.problems = tuple(problems) or (Problem("", "invalid config"),)
        first = self.problems[0]
        self.key_path = first.key_path
        self.line = first.line
        self.message = first.message
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(self._format(problem) for problem in self.problems)

    def _format(self, problem: Problem) -> str:
        where = str(self.path) if self.path is not None else "<config>"
        if problem.line is not None:
            where += f":{problem.line}"
        if problem.key_path:
            return f"{where}: {problem.key_path}: {problem.message}"
        return f"{where}: {problem.message}"


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_config(path: Path) -> Config:
    """Read and validate the config file at ``path``; raise ``ConfigError`` on any problem."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        hint = "no such file; copy config.example.toml there, or run `listenpost --demo`"
        raise ConfigError(path, [Problem("", hint)]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            path, [Problem("", f"not UTF-8 text ({exc.reason}); save as UTF-8")]
        ) from None
    except OSError as exc:
        raise ConfigError(path, [Problem("", f"cannot read the file: {exc.strerror}")]) from None
    return parse_config(text, path)


def parse_config(text: str, path: Path | None = None) -> Config:
    """Validate config ``text``; ``path`` names it in errors and is checked before a token."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [_toml_problem(exc)]) from None
    checker = _Checker(_LineMap(text), path)
    config = _build(checker, data)
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


def _build(ck: _Checker, data: dict[str, Any]) -> Config:
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
        keys=_keys(root.table("keys")),
        searches=_searches(root),
        reserved=_reserved(root),
    )


# ---------------------------------------------------------------------------------------------
# Reading tables: types, bounds and unknown keys, with every problem collected
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Kind:
    """A value type as the user reads about it (``expected``) and how to test for it."""

    expected: str
    accepts: Callable[[object], bool]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


STR = _Kind("a string", lambda v: isinstance(v, str))
BOOL = _Kind("true or false", lambda v: isinstance(v, bool))
INT = _Kind("an integer", _is_int)
NUMBER = _Kind("a number", lambda v: _is_int(v) or isinstance(v, float))
STR_LIST = _Kind(
    "a list of strings", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v)
)
_KIND_OF_TYPE: dict[type, _Kind] = {str: STR, list: STR_LIST, bool: BOOL, int: INT, float: NUMBER}


def _describe(value: object, secret: bool = False) -> str:
    """What the user wrote, by type; scalars are quoted unless they may be secret."""
    names = {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }
    name = names.get(type(value), f"a {type(value).__name__}")
    if secret or isinstance(value, list | dict):
        return name
    shown = repr(value)
    return f"{name} ({shown})" if len(shown) <= 40 else name  # long values drown the message


class _LineMap:
    """Finds the line of a key path in TOML text (tomllib reports none once parsing succeeds).

    A light scan: table headers, array-of-table counters and ``key =`` lines outside strings
    and multi-line arrays. A path it cannot place falls back to its nearest placed parent.
    """

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?\s*(?:#.*)?$")
    _PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""  # a bare or quoted key
    _KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")

    def __init__(self, text: str) -> None:
        self.lines: dict[str, int] = {}
        self._scan(text)

    def find(self, key_path: str) -> int | None:
        path = key_path
        while path:
            if path in self.lines:
                return self.lines[path]
            parent = _LAST_PART.sub("", path)
            if parent == path:
                return None
            path = parent
        return None

    def _scan(self, text: str) -> None:
        prefix, counters = "", dict[str, int]()
        in_string, depth = False, 0  # inside a multi-line string / a multi-line array
        for number, line in enumerate(text.splitlines(), start=1):
            if in_string:
                in_string = _count_triple_quotes(line) % 2 == 0
                continue
            if depth:
                depth = max(0, depth + _bracket_balance(line))
                continue
            header = self._HEADER.match(line)
            if header:
                prefix = self._enter(header.group(1), _dotted(header.group(2)), counters)
                self.lines.setdefault(prefix, number)
                continue
            key = self._KEY.match(line)
            if key:
                self.lines.setdefault(
                    ".".join(p for p in (prefix, _dotted(key.group(1))) if p), number
                )
                rest = line[key.end() :]
                in_string = _count_triple_quotes(rest) % 2 == 1
                depth = 0 if in_string else max(0, _bracket_balance(rest))

    @staticmethod
    def _enter(brackets: str, name: str, counters: dict[str, int]) -> str:
        if brackets != "[[":
            return name
        index = counters.get(name, -1) + 1
        counters[name] = index
        for deeper in [k for k in counters if k.startswith(name + ".")]:
            del counters[deeper]  # a new parent element restarts its child arrays
        return f"{name}[{index}]"


_LAST_PART = re.compile(r"(\[\d+\]|\.[^.\[\]]+)$")
_KEY_PART = re.compile(r"\"[^\"]*\"|'[^']*'|[^.\s]+")


def _dotted(key: str) -> str:
    """A TOML key or header (``a."b.c"``) as our dotted key path, quotes removed."""
    return ".".join(part.strip("\"'") for part in _KEY_PART.findall(key))


def _count_triple_quotes(line: str) -> int:
    return line.count('"""') + line.count("'''")


def _bracket_balance(text: str) -> int:
    """Open minus close brackets outside quoted strings and comments."""
    cleaned = re.sub(r'"(?:\\.|[^"\\])*"|\'[^\']*\'', "", text).split("#", 1)[0]
    return cleaned.count("[") + cleaned.count("{") - cleaned.count("]") - cleaned.count("}")


class _Checker:
    """Collects problems with their lines, for one file."""

    def __init__(self, lines: _LineMap, path: Path | None) -> None:
        self.lines = lines
        self.path = path
        self.problems: list[Problem] = []

    def fail(self, key_path: str, message: str, at: str | None = None) -> None:
        """Record a problem at ``key_path`` (placed on the line of ``at`` when given)."""
        line = self.lines.find(at or key_path)
        self.problems.append(Problem(key_path, message, line))


class _Table:
    """One TOML table being read, with its key path for messages."""

    def __init__(self, ck: _Checker, data: Mapping[str, Any], path: str) -> None:
        self.ck = ck
        self.data = data
        self.path = path

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, message: str) -> None:
        self.ck.fail(self.key(name), message)

    def refuse_unknown(
        self, allowed: Collection[str], hint: Callable[[str], str | None] | None = None
    ) -> None:
        for name in self.data:
            if name not in allowed:
                self.fail(name, _unknown_key_message(name, allowed, hint))

    def value(self, name: str, kind: _Kind, default: T, secret: bool = False) -> T:
        """The value of ``name`` if it has the right type, else ``default`` (and a problem)."""
        if name not in self.data:
            return default
        value = self.data[name]
        if not kind.accepts(value):
            self.fail(name, f"expected {kind.expected}, got {_describe(value, secret)}")
            return default
        return value

    def required_str(self, name: str, what: str) -> str:
        if name not in self.data:
            self.ck.fail(self.path, f"missing '{name}': expected {what}")
            return ""
        text = self.value(name, STR, "").strip()
        if name in self.data and isinstance(self.data[name], str) and not text:
            self.fail(name, f"expected {what}, got an empty string")
        return text

    def bounded(self, name: str, kind: _Kind, default: T, low: float, high: float, why: str) -> T:
        value = self.value(name, kind, default)
        if value is not default and not low <= value <= high:  # type: ignore[operator]
            self.fail(
                name, f"expected {kind.expected} from {low:g} to {high:g}, got {value}; {why}"
            )
            return default
        return value

    def table(self, name: str) -> _Table:
        """A sub-table (an empty one when absent or mistyped)."""
        raw = self.data.get(name, {})
        if not isinstance(raw, dict):
            self.fail(name, f"expected a table ([{self.key(name)}]), got {_describe(raw, True)}")
            raw = {}
        return _Table(self.ck, raw, self.key(name))

    def tables(self, name: str) -> Iterator[_Table]:
        """The elements of an array of tables (``[[name]]``)."""
        raw = self.data.get(name, [])
        if isinstance(raw, dict):
            self.fail(
                name, f"expected an array of tables: write [[{self.key(name)}]] with two brackets"
            )
            return
        if not isinstance(raw, list):
            self.fail(
                name,
                f"expected an array of tables ([[{self.key(name)}]]), got {_describe(raw, True)}",
            )
            return
        for index, item in enumerate(raw):
            path = f"{self.key(name)}[{index}]"
            if isinstance(item, dict):
                yield _Table(self.ck, item, path)
            else:
                self.ck.fail(path, f"expected a table, got {_describe(item, True)}")


def _unknown_key_message(
    name: str, allowed: Collection[str], hint: Callable[[str], str | None] | None
) -> str:
    message = f"unknown key '{name}'"
    extra = hint(name) if hint else None
    close = difflib.get_close_matches(name, list(allowed), n=1, cutoff=0.6)
    if extra:
        message += f"; {extra}"
    elif close:
        message += f"; did you mean '{close[0]}'?"
    return message + f" (expected one of: {', '.join(sorted(allowed))})"


# ---------------------------------------------------------------------------------------------
# Durations and sizes
# ---------------------------------------------------------------------------------------------

DURATION = _Kind(
    'seconds as an integer, or a duration string such as "15m"',
    lambda v: _is_int(v) or isinstance(v, str),
)
SECONDS = _Kind(
    'seconds as a number, or a duration string such as "30s"',
    lambda v: _is_int(v) or isinstance(v, float | str),
)
SIZE = _Kind(
    'bytes as an integer, or a size string such as "15MiB"',
    lambda v: _is_int(v) or isinstance(v, str),
)


def _converted(t: _Table, name: str, kind: _Kind, default: T, convert: Callable[[str], T]) -> T:
    value = t.value(name, kind, default)
    if not isinstance(value, str):
        return value
    try:
        return convert(value)
    except ValueError as exc:
        t.fail(name, str(exc))
        return default


def _duration(t: _Table, name: str, default: int, low: int, high: int, why: str) -> int:
    seconds = _converted(t, name, DURATION, default, parse_duration)
    if seconds is not default and not low <= seconds <= high:
        t.fail(name, f"expected from {_human(low)} to {_human(high)}, got {_human(seconds)}; {why}")
        return default
    return seconds


def _human(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


# ---------------------------------------------------------------------------------------------
# [brand], [[competitors]], queries
# ---------------------------------------------------------------------------------------------


def _brand(t: _Table, sources: list[tuple[str, SourceConfig]]) -> Brand:
    t.refuse_unknown(_keys_of(Brand))
    name = t.value("name", STR, "").strip()
    if not name and "name" not in t.data:
        _require_brand_name(t, sources)
    products = tuple(_named_queries(p, Product) for p in t.tables("products"))
    return Brand(
        name=name,
        queries=_queries(t, name),
        products=tuple(p for p in products if p is not None),
    )


def _require_brand_name(t: _Table, sources: list[tuple[str, SourceConfig]]) -> None:
    listening = [(path, s.name) for path, s in sources if not s.owned and not s.match_all]
    if listening:
        path, name = listening[0]
        t.ck.fail(
            "brand.name",
            (
                f"missing: source '{name}' keeps only items that match a listening query, "
                'and the brand name is the query to start with; set [brand] name = "…" '
                "(or match_all = true on the source)"
            ),
            at="brand" if "brand" in t.ck.lines.lines else path,
        )


def _named_queries(t: _Table, cls: type[T]) -> T | None:
    t.refuse_unknown(_keys_of(cls))
    name = t.required_str("name", "the name shown in the app and the exports")
    return cls(name=name, queries=_queries(t, name)) if name else None  # type: ignore[call-arg]


def _queries(t: _Table, name: str) -> tuple[str, ...]:
    """The ``queries`` of a brand, product or competitor; the quoted name when none are given."""
    raw: list[str] | None = t.value("queries", STR_LIST, None)
    if raw is None:
        return (_default_query(name),) if name else ()
    compile_query = _query_compiler()
    for index, query in enumerate(raw):
        problem = "an empty query matches nothing" if not query.strip() else None
        if problem is None and compile_query is not None:
            problem = compile_query(query)
        if problem:
            t.fail(f"queries[{index}]", f"invalid listening query: {problem}")
    return tuple(q.strip() for q in raw if q.strip())


def _default_query(name: str) -> str:
    plain = name.replace('"', "")
    return f'"{plain}"' if " " in plain else plain


def _query_compiler() -> Callable[[str], str | None] | None:
    """A checker built on ``core.match.compile_query`` when that module exists, else None."""
    try:
        module = importlib.import_module("core.match")
    except ModuleNotFoundError as exc:
        if exc.name in ("core.match", "core"):
            return None
        raise
    compile_query = getattr(module, "compile_query", None)
    error: type[Exception] = getattr(module, "QueryError", ValueError)
    if compile_query is None:
        return None

    def check(query: str) -> str | None:
        try:
            compile_query(query)
        except error as exc:
            return str(exc)
        return None

    return check


# ---------------------------------------------------------------------------------------------
# [[sources]]
# ---------------------------------------------------------------------------------------------

_SOURCE_BASE_KEYS = _keys_of(SourceConfig)
_KIND_ALIASES = {
    "rss": "feed",
    "atom": "feed",
    "rdf": "feed",
    "hn": "hackernews",
    "bsky": "bluesky",
    "toot": "mastodon",
    "fediverse": "mastodon",
}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_MIN_INTERVAL = 60  # polling faster gets sources rate-limited or banned and rarely finds more
_MAX_INTERVAL = 7 * 86400  # feeds keep only their last items; a week apart they would be lost
_DEFAULT_INTERVAL = 900


def _sources(ck: _Checker, root: _Table) -> list[tuple[str, SourceConfig]]:
    named: list[tuple[str, str]] = []  # (key path, name), also for entries with other errors
    found: list[tuple[str, SourceConfig]] = []
    for t in root.tables("sources"):
        source = _source(t)
        name = source.name if source else t.data.get("name")
        if isinstance(name, str) and name.strip():
            named.append((t.path, name.strip()))
        if source is not None:
            found.append((t.path, source))
    reported = _refuse_duplicate_names(ck, named)
    _refuse_duplicate_targets(ck, [(p, s) for p, s in found if p not in reported])
    return found


def _source(t: _Table) -> SourceConfig | None:
    kind = _source_kind(t)
    options_allowed = SOURCE_OPTIONS[kind] if kind else dict.fromkeys(_all_option_keys(), object)
    t.refuse_unknown((*_SOURCE_BASE_KEYS, *options_allowed), lambda k: _other_kind_hint(kind, k))
    url = _source_url(t, kind)
    options = _source_options(t, options_allowed)
    name = t.value("name", STR, "").strip() or _default_name(kind, url, options)
    interval = _duration(
        t,
        "interval",
        _DEFAULT_INTERVAL,
        _MIN_INTERVAL,
        _MAX_INTERVAL,
        "faster than once a minute gets a source rate-limited; slower than "
        "weekly loses items that fall off the end of a feed",
    )
    token_env, token = _token_env(t), _token(t)
    if kind is None or url is None:
        return None
    return SourceConfig(
        name=name,
        kind=kind,
        url=url,
        interval=interval,
        owned=t.value("owned", BOOL, False),
        match_all=t.value("match_all", BOOL, False),
        token_env=token_env,
        options=options,
        token=token,
    )


def _source_kind(t: _Table) -> str | None:
    if "kind" not in t.data:
        t.ck.fail(t.path, f"missing 'kind': expected one of {', '.join(SOURCE_OPTIONS)}")
        return None
    kind = t.value("kind", STR, "").strip()
    if kind in SOURCE_OPTIONS:
        return kind
    if isinstance(t.data["kind"], str):
        t.fail("kind", _unknown_kind_message(kind))
    return None


def _unknown_kind_message(kind: str) -> str:
    guess = _KIND_ALIASES.get(kind.lower()) or next(
        iter(difflib.get_close_matches(kind.lower(), list(SOURCE_OPTIONS), n=1, cutoff=0.6)), None
    )
    message = f"unknown source kind '{kind}'"
    if guess:
        message += f"; did you mean '{guess}'?"
    return message + f" (expected one of: {', '.join(SOURCE_OPTIONS)})"


def _other_kind_hint(kind: str | None, key: str) -> str | None:
    owners = [k for k, options in SOURCE_OPTIONS.items() if key in options]
    if kind and owners:
        accepted = ", ".join(SOURCE_OPTIONS[kind]) or "no kind-specific keys"
        return f"'{key}' belongs to {' and '.join(owners)} sources; {kind} sources take {accepted}"
    return None


def _source_url(t: _Table, kind: str | None) -> str | None:
    url = t.value("url", STR, None)
    if url is None:
        if "url" not in t.data and kind is not None and kind not in DEFAULT_URLS:
            t.ck.fail(t.path, f"missing 'url': a {kind} source needs the address to poll")
        return DEFAULT_URLS.get(kind or "") if "url" not in t.data else None
    problem = _url_problem(url.strip())
    if problem:
        t.fail("url", problem)
        return None
    return url.strip()


def _url_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return "expected an http or https URL; this one is malformed"
    if parts.scheme not in ("http", "https"):
        return f"expected an http or https URL, got scheme '{parts.scheme or 'none'}'"
    if not parts.hostname:
        return "expected an http or https URL with a host name"
    if parts.username or parts.password:
        return "a URL must not carry a user name or password; put a token in token_env instead"
    return None


def _source_options(t: _Table, allowed: Mapping[str, type]) -> dict[str, object]:
    options: dict[str, object] = {}
    for key, wanted in allowed.items():
        kind = _KIND_OF_TYPE.get(wanted)
        if key in t.data and kind is not None:
            value = t.value(key, kind, None)
            if value is not None:
                options[key] = value
    return options


def _default_name(kind: str | None, url: str | None, options: Mapping[str, object]) -> str:
    """A readable name when the user gave none: the feed address, or the kind and its query."""
    if kind == "feed" and url:
        parts = urlsplit(url)
        return f"{parts.hostname}{parts.path}".rstrip("/")
    detail = " ".join(str(v) for v in options.values() if isinstance(v, str))
    return f"{kind} {detail}".strip()


def _token_env(t: _Table) -> str | None:
    name = t.value("token_env", STR, None, secret=True)
    if name is not None and not _ENV_NAME.match(name):
        t.fail(
            "token_env",
            (
                "expected the NAME of an environment variable (letters, digits and _, such as "
                "MASTODON_TOKEN), not the token itself; put the token in that variable "
                "(the value written here is not shown)"
            ),
        )
        return None
    return name


def _token(t: _Table) -> str | None:
    token = t.value("token", STR, None, secret=True)
    if token is None:
        return None
    problem = "expected a non-empty token" if not token.strip() else None
    problem = problem or (
        "give either token or token_env, not both" if "token_env" in t.data else None
    )
    problem = problem or _secret_file_problem(t.ck.path)
    if problem:
        t.fail("token", problem)
        return None
    return token.strip()


def _secret_file_problem(path: Path | None) -> str | None:
    """Why this file may not hold a token, or None when only its owner can read it."""
    if path is None:
        return "a token may only be written in a config file that only you can read; use token_env"
    if os.name == "nt":
        return None  # POSIX permission bits do not describe Windows ACLs
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot check who may read this file ({exc.strerror}); use token_env instead"
    if mode & 0o077:
        return (
            f"this file is readable by other users ({stat.filemode(mode)}), so it must not hold "
            f"a token; run: chmod 600 {shlex.quote(str(path))} (or move the token to an "
            "environment variable and name it with token_env)"
        )
    return None


def _refuse_duplicate_names(ck: _Checker, named: list[tuple[str, str]]) -> set[str]:
    first: dict[str, str] = {}
    reported: set[str] = set()
    for path, name in named:
        if name in first:
            ck.fail(
                path,
                f"source name '{name}' is already used by {first[name]}; "
                "give each source a unique name",
            )
            reported.add(path)
        first.setdefault(name, path)
    return reported


def _refuse_duplicate_targets(ck: _Checker, found: list[tuple[str, SourceConfig]]) -> None:
    first: dict[tuple[str, str, str], str] = {}
    for path, source in found:
        target = (source.kind, _normal_url(source.url), repr(sorted(source.options.items())))
        if target in first:
            ck.fail(
                path,
                f"this source repeats {first[target]} (same kind, url and options); "
                "remove one of them",
            )
        first.setdefault(target, path)


def _normal_url(url: str) -> str:
    parts = urlsplit(url)
    return (
        parts._replace(scheme=parts.scheme.lower(), netloc=parts.netloc.lower())
        .geturl()
        .rstrip("/")
    )


# ---------------------------------------------------------------------------------------------
# [network], [poller], [team], [keys]
# ---------------------------------------------------------------------------------------------


def _network(t: _Table) -> NetworkConfig:
    t.refuse_unknown(_keys_of(NetworkConfig))
    d = NetworkConfig()
    timeout = _seconds(
        t,
        "timeout",
        d.timeout,
        1,
        300,
        "one overall deadline per request; past 5 minutes a stuck source holds a slot",
    )
    connect = _seconds(
        t,
        "connect_timeout",
        d.connect_timeout,
        0.5,
        60,
        "a host that takes a minute to accept a connection is down",
    )
    if connect > timeout and "connect_timeout" in t.data:
        t.fail("connect_timeout", f"expected at most timeout ({timeout:g}s), got {connect:g}s")
    concurrency = t.bounded(
        "concurrency",
        INT,
        d.concurrency,
        1,
        64,
        "more than 64 parallel polls only queue on 2 cores",
    )
    return NetworkConfig(
        timeout=timeout,
        connect_timeout=min(connect, timeout),
        max_bytes=_max_bytes(t, d.max_bytes),
        max_redirects=t.bounded(
            "max_redirects",
            INT,
            d.max_redirects,
            0,
            5,
            "the fetch client follows at most 5 redirects",
        ),
        user_agent=_user_agent(t, d.user_agent),
        allow_private_addresses=t.value("allow_private_addresses", BOOL, False),
        allowed_networks=_networks(t),
        concurrency=concurrency,
        per_host=_per_host(t, d.per_host, concurrency),
    )


def _seconds(t: _Table, name: str, default: float, low: float, high: float, why: str) -> float:
    value = _converted(t, name, SECONDS, default, lambda s: float(parse_duration(s)))
    if value is not default and not low <= value <= high:
        t.fail(name, f"expected from {low:g} to {high:g} seconds, got {value:g}; {why}")
        return default
    return float(value)


def _networks(t: _Table) -> tuple[str, ...]:
    cidrs: list[str] = t.value("allowed_networks", STR_LIST, [])
    try:
        netguard.parse_networks(cidrs)
    except ValueError as error:
        t.fail("allowed_networks", str(error))
        return ()
    return tuple(cidrs)


def _max_bytes(t: _Table, default: int) -> int:
    size = _converted(t, "max_bytes", SIZE, default, parse_size)
    low, high = 64 * 1024, 1024 * MIB  # under 64 KiB real feeds fail; over 1 GiB is no feed
    if size is not default and not low <= size <= high:
        t.fail(
            "max_bytes",
            f"expected from 64KiB to 1GiB, got {size} bytes; "
            "real feeds need more than 64KiB and none needs a gigabyte",
        )
        return default
    return size


def _user_agent(t: _Table, default: str) -> str:
    agent = t.value("user_agent", STR, default).strip()
    if not agent.isprintable() or not agent.isascii():
        t.fail("user_agent", "expected printable ASCII text on one line (it is sent as a header)")
        return default
    if "listenpost" not in agent.lower():
        t.fail(
            "user_agent",
            "expected a User-Agent that names listenpost, so site operators "
            'know who polls them, e.g. "listenpost/0.1 (you@example.com)"',
        )
        return default
    return agent


def _per_host(t: _Table, default: int, concurrency: int) -> int:
    per_host = t.bounded(
        "per_host", INT, default, 1, 8, "more than 8 parallel requests to one host looks like abuse"
    )
    if per_host > concurrency and "per_host" in t.data:
        t.fail("per_host", f"expected at most concurrency ({concurrency}), got {per_host}")
    return min(per_host, concurrency)


def _poller(t: _Table) -> PollerConfig:
    t.refuse_unknown(_keys_of(PollerConfig))
    d = PollerConfig()
    jitter = t.bounded(
        "jitter",
        NUMBER,
        d.jitter,
        0,
        0.5,
        "beyond half an interval, polls of one source could bunch together",
    )
    return PollerConfig(
        jitter=float(jitter),
        max_backoff=_duration(
            t,
            "max_backoff",
            d.max_backoff,
            60,
            7 * 86400,
            "a failing source should still be retried at least weekly",
        ),
    )


_HANDLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,38}$")  # 39: GitHub's handle length limit


def _team(t: _Table) -> TeamConfig:
    t.refuse_unknown(_keys_of(TeamConfig))
    members: list[TeamMember] = []
    for m in t.tables("members"):
        m.refuse_unknown(_keys_of(TeamMember))
        member = _member(m, {x.handle for x in members})
        if member is not None:
            members.append(member)
    me = t.value("me", STR, None)
    if me is not None and me not in {m.handle for m in members}:
        handles = ", ".join(m.handle for m in members) or "none yet; add [[team.members]]"
        t.fail("me", f"expected the handle of a team member ({handles}), got '{me}'")
        me = None
    return TeamConfig(members=tuple(members), me=me)


def _member(m: _Table, seen: set[str]) -> TeamMember | None:
    name = m.required_str("name", "the person's display name")
    handle = m.required_str("handle", 'a short handle such as "ana"')
    if handle and not _HANDLE.match(handle):
        m.fail(
            "handle",
            "expected letters, digits, '.', '_' or '-' (up to 39), starting with a letter or digit",
        )
        return None
    if handle in seen:
        m.fail("handle", f"handle '{handle}' is already used by another member")
        return None
    return TeamMember(name=name, handle=handle) if name and handle else None


def _searches(root: _Table) -> tuple[SavedSearch, ...]:
    found: list[SavedSearch] = []
    for t in root.tables("searches"):
        t.refuse_unknown(_keys_of(SavedSearch))
        name = t.required_str("name", 'the view\'s name in the sidebar, e.g. "Refunds"')
        query = t.required_str("query", 'the words to search for, e.g. "refund OR chargeback"')
        if name and name in {s.name for s in found}:
            t.fail("name", f"a saved search named '{name}' already exists")
        elif name and query:
            found.append(SavedSearch(name=name, query=query))
    return tuple(found)


_ACTION_ID = re.compile(r"^[a-z][a-z0-9_.-]*$")  # the TUI's binding ids: "done", "next-page", …
_KEY_NAME = re.compile(r"^[^\s,]+$")


def _keys(t: _Table) -> dict[str, str]:
    keys: dict[str, str] = {}
    owner: dict[str, str] = {}
    for action, value in t.data.items():
        bound = _key_binding(t, action, value)
        for key in bound.split(",") if bound else ():
            if key in owner:
                t.fail(action, f"key '{key}' is already bound to '{owner[key]}'")
            owner.setdefault(key, action)
        if bound:
            keys[action] = bound
    return keys


def _key_binding(t: _Table, action: str, value: object) -> str | None:
    if not _ACTION_ID.match(action):
        t.fail(action, "expected an action id in lower case, such as done or snooze")
        return None
    if not isinstance(value, str) or not all(_KEY_NAME.match(k) for k in value.split(",")):
        t.fail(
            action,
            f'expected a key such as "e" or "ctrl+d" (several joined by commas), '
            f"got {_describe(value)}",
        )
        return None
    return value


# ---------------------------------------------------------------------------------------------
# Reserved sections: shape only, kept raw
# ---------------------------------------------------------------------------------------------


def _reserved(root: _Table) -> dict[str, Any]:
    checks: dict[str, Callable[[_Table], None]] = {
        "categories": _check_categories,
        "routing": lambda t: _check_map(t, STR, 'a team name such as "support"'),
        "templates": lambda t: _check_map(t, STR, "the template text"),
        "outcomes": lambda t: _check_map(t, NUMBER, "its value as a number"),
        "alerts": lambda t: None,
    }
    kept: dict[str, Any] = {}
    for name, check in checks.items():
        if name in root.data:
            table = root.table(name)
            check(table)
            kept[name] = dict(table.data)
    return kept


def _check_map(t: _Table, kind: _Kind, what: str) -> None:
    for name, value in t.data.items():
        if not kind.accepts(value):
            t.fail(name, f"expected {what}, got {_describe(value)}")


def _check_categories(t: _Table) -> None:
    t.refuse_unknown(_CATEGORY_KEYS)
    for rule in t.tables("rules"):
        for name, value in rule.data.items():
            if isinstance(value, dict) or (isinstance(value, list) and not STR_LIST.accepts(value)):
                rule.fail(
                    name,
                    f"expected a string, number, boolean or list of strings, "
                    f"got {_describe(value)}",
                )
