"""The other sections: ``[brand]`` and its queries, ``[[competitors]]``, ``[network]``,
``[poller]``, ``[team]``, ``[[searches]]``, ``[keys]``, and the reserved ones kept raw."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection
from typing import Any

from core.analysis.categories import CATEGORY_IDS
from core.analysis.match import QueryError, compile_query
from core.config.keys import _CATEGORY_KEYS, _keys_of
from core.config.model import (
    AlertsConfig,
    Brand,
    NetworkPolicy,
    PeopleConfig,
    PollerConfig,
    Product,
    ReplyTemplate,
    ReportConfig,
    SavedSearch,
    TeamConfig,
    TeamMember,
    UiConfig,
)
from core.config.tables import (
    BOOL,
    INT,
    NUMBER,
    SECONDS,
    SIZE,
    STR,
    STR_LIST,
    T,
    _converted,
    _describe,
    _duration,
    _Kind,
    _Table,
)
from core.inbox.views import search_problem
from core.model import SourceConfig
from core.net import guard as netguard
from core.units import MIB, parse_duration, parse_size, parse_timezone

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
    for index, query in enumerate(raw):
        problem = "an empty query matches nothing" if not query.strip() else None
        if problem is None:
            problem = _query_problem(query)
        if problem:
            t.fail(f"queries[{index}]", f"invalid listening query: {problem}")
    return tuple(q.strip() for q in raw if q.strip())


def _default_query(name: str) -> str:
    plain = name.replace('"', "")
    return f'"{plain}"' if " " in plain else plain


def _query_problem(query: str) -> str | None:
    """Why ``core.analysis.match`` refuses ``query``, or None when it compiles."""
    try:
        compile_query(query)
    except QueryError as exc:
        return str(exc)
    return None


# ---------------------------------------------------------------------------------------------
# [network], [poller], [team], [keys]
# ---------------------------------------------------------------------------------------------


def _network(t: _Table) -> NetworkPolicy:
    t.refuse_unknown(_keys_of(NetworkPolicy))
    d = NetworkPolicy()
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
    return NetworkPolicy(
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
        max_header_bytes=_max_header_bytes(t, d.max_header_bytes),
        user_agent=_user_agent(t, d.user_agent),
        allow_private_addresses=t.value("allow_private_addresses", BOOL, False),
        max_retry_after=int(_seconds(
            t, "max_retry_after", d.max_retry_after, 60, 7 * 86400,
            "a server's Retry-After past this is clamped; longer than a week hides a source",
        )),
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


def _max_header_bytes(t: _Table, default: int) -> int:
    size = _converted(t, "max_header_bytes", SIZE, default, parse_size)
    low, high = 8 * 1024, 1 * MIB  # real responses carry a few KiB; a megabyte is an attack
    if size is not default and not low <= size <= high:
        t.fail("max_header_bytes", f"expected from 8KiB to 1MiB, got {size} bytes")
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


def _alerts(t: _Table) -> AlertsConfig:
    t.refuse_unknown(_keys_of(AlertsConfig))
    d = AlertsConfig()
    z = t.bounded("z_threshold", NUMBER, d.z_threshold, 1, 10,
                  "below 1 every busy hour alerts; above 10 nothing ever does")
    return AlertsConfig(
        z_threshold=float(z),
        min_count=t.bounded("min_count", INT, d.min_count, 1, 100_000, "an hour holds at least 1"),
        baseline=_duration(t, "baseline", d.baseline, 6 * 3600, 28 * 86400,
                           "fewer than 6 hours is no baseline; beyond 4 weeks is history"),
        cooldown=_duration(t, "cooldown", d.cooldown, 3600, 7 * 86400,
                           "alerts are judged by the hour, and a week is the longest burst"),
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
    lease = _seconds(t, "lease", TeamConfig().lease, 2, 3600,
                     "a dead poller's lease must lapse the same hour")
    claim = _seconds(t, "claim", TeamConfig().claim, 30, 3600,
                     "a claim must outlast a pause in typing and lapse the same hour")
    return TeamConfig(members=tuple(members), me=me, approval=t.value("approval", BOOL, False),
                      lease=lease, claim=claim)


def _ui(t: _Table) -> UiConfig:
    t.refuse_unknown(_keys_of(UiConfig))
    return UiConfig(browser=t.value("browser", STR, "").strip())


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
    approval = m.value("approval", BOOL, False)
    return TeamMember(name=name, handle=handle, approval=approval) if name and handle else None


def _report(t: _Table) -> ReportConfig:
    t.refuse_unknown(_keys_of(ReportConfig))
    timezone = t.value("timezone", STR, "")
    try:
        if timezone:
            parse_timezone(timezone)
    except ValueError as error:
        t.fail("timezone", str(error))
        return ReportConfig()
    return ReportConfig(timezone=timezone)


def _searches(root: _Table) -> tuple[SavedSearch, ...]:
    found: list[SavedSearch] = []
    for t in root.tables("searches"):
        t.refuse_unknown(_keys_of(SavedSearch))
        name = t.required_str("name", 'the view\'s name in the sidebar, e.g. "Refunds"')
        query = t.required_str("query", 'the words to search for, e.g. "refund OR chargeback"')
        if name and name in {s.name for s in found}:
            t.fail("name", f"a saved search named '{name}' already exists")
        elif name and query and (problem := search_problem(query)):
            t.fail("query", problem)
        elif name and query:
            found.append(SavedSearch(name=name, query=query))
    return tuple(found)


def _people(t: _Table) -> PeopleConfig:
    t.refuse_unknown(_keys_of(PeopleConfig))
    d = PeopleConfig()
    niche = tuple(term.strip() for term in t.value("niche", STR_LIST, list(d.niche)))
    weights = {name: float(t.bounded(name, NUMBER, getattr(d, name), 0, 100,
                                     "a weight is a share: only the ratios between them matter"))
               for name in ("relevance", "engagement", "consistency", "reach")}
    if sum(weights.values()) <= 0:
        t.fail("relevance", "expected at least one weight above 0, got all four at 0")
        weights = {name: getattr(d, name) for name in weights}
    return PeopleConfig(niche=tuple(term for term in niche if term), **weights)


_ACTION_ID = re.compile(r"^[a-z][a-z0-9_.-]*$")  # the TUI's binding ids: "done", "next-page", …
_KEY_NAME = re.compile(r"^[^\s,]+$")


def _keys(t: _Table, key_ids: Collection[str] | None) -> dict[str, str]:
    keys: dict[str, str] = {}
    owner: dict[str, str] = {}
    for action, value in t.data.items():
        if key_ids is not None and not _known_key_id(t, action, key_ids):
            continue
        bound = _key_binding(t, action, value)
        for key in bound.split(",") if bound else ():
            if key in owner:
                t.fail(action, f"key '{key}' is already bound to '{owner[key]}'")
            owner.setdefault(key, action)
        if bound:
            keys[action] = bound
    return keys


def _known_key_id(t: _Table, action: str, key_ids: Collection[str]) -> bool:
    if action.removeprefix("inbox.") in key_ids:
        return True
    close = difflib.get_close_matches(action.removeprefix("inbox."), key_ids, n=1)
    hint = (f"; did you mean {close[0]!r}?" if close
            else " (the app's help, ?, shows each action's id in [brackets])")
    t.fail(action, f"no action has the id {action!r}{hint}")
    return False


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
# [templates]: reply templates
# ---------------------------------------------------------------------------------------------

_TEMPLATE_VARIABLE = re.compile(r"^[a-z_][a-z0-9_]*$")  # what a {slot} in the text can name


def _templates(root: _Table) -> tuple[ReplyTemplate, ...]:
    if "templates" not in root.data:
        return ()
    t = root.table("templates")
    found = []
    for name, value in t.data.items():
        if isinstance(value, str):
            found.append(ReplyTemplate(name=name, text=value))
        elif isinstance(value, dict):
            template = _template_table(t.table(name), name)
            if template is not None:
                found.append(template)
        else:
            t.fail(name, f"expected the template text, or a table with text = \"…\", "
                         f"got {_describe(value)}")
    return tuple(found)


def _template_table(t: _Table, name: str) -> ReplyTemplate | None:
    text = t.required_str("text", "the template text")
    values = []
    for key, value in t.data.items():
        if key == "text":
            continue
        if not _TEMPLATE_VARIABLE.match(key) or not isinstance(value, str):
            t.fail(key, "expected a variable the text can use, such as product = \"Dark roast\" "
                        f"(lower-case name, string value), got {_describe(value)}")
        else:
            values.append((key, value))
    return ReplyTemplate(name=name, text=text, values=tuple(values)) if text else None


_PLATFORMS = ("feed", "mastodon", "reddit", "hackernews", "bluesky")  # what a mention is from
_MAX_REPLY_LIMIT = 1_000_000  # longer than any platform's post; a typo beyond it is a mistake


def _reply_limits(root: _Table) -> dict[str, int]:
    if "reply_limits" not in root.data:
        return {}
    t = root.table("reply_limits")
    limits = {}
    for platform, value in t.data.items():
        if platform not in _PLATFORMS:
            t.fail(platform, f"expected a platform: {', '.join(_PLATFORMS)}")
        elif not INT.accepts(value) or not 1 <= value <= _MAX_REPLY_LIMIT:
            t.fail(platform, f"expected the longest reply in characters, a whole number from 1 "
                             f"to {_MAX_REPLY_LIMIT}, got {_describe(value)}")
        else:
            limits[platform] = int(value)
    return limits


# ---------------------------------------------------------------------------------------------
# Reserved sections: shape only, kept raw
# ---------------------------------------------------------------------------------------------


def _reserved(root: _Table) -> dict[str, Any]:
    checks: dict[str, Callable[[_Table], None]] = {
        "categories": _check_categories,
        "routing": _check_routing,
        "webhooks": _check_webhooks,
    }
    kept: dict[str, Any] = {}
    for name, check in checks.items():
        if name in root.data:
            table = root.table(name)
            check(table)
            kept[name] = dict(table.data)
    return kept


def _outcomes(root: _Table) -> dict[str, float]:
    """``[outcomes]``: each outcome kind's value in money (a number)."""
    if "outcomes" not in root.data:
        return {}
    table = root.table("outcomes")
    _check_map(table, NUMBER, "its value as a number")
    return {str(k): float(v) for k, v in table.data.items() if NUMBER.accepts(v)}


def _check_map(t: _Table, kind: _Kind, what: str) -> None:
    for name, value in t.data.items():
        if not kind.accepts(value):
            t.fail(name, f"expected {what}, got {_describe(value)}")


def _check_routing(t: _Table) -> None:
    _check_map(t, STR, 'a team name such as "support"')
    for name in t.data:
        if name not in CATEGORY_IDS:
            t.fail(name, f"unknown category {name!r}; one of {', '.join(CATEGORY_IDS)}")


def _check_webhooks(t: _Table) -> None:
    _check_map(t, STR, 'the URL the team\'s mentions are POSTed to, such as "https://…"')
    for team, url in t.data.items():
        if isinstance(url, str) and not url.lower().startswith(("https://", "http://")):
            t.fail(team, f"expected an http(s) URL, got {url!r}")


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
