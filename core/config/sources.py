"""``[[sources]]``: kinds, URLs, intervals, kind-specific options, tokens and duplicates."""

from __future__ import annotations

import difflib
import os
import shlex
import stat
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from core.config.keys import _all_option_keys, _keys_of
from core.config.tables import _KIND_OF_TYPE, BOOL, STR, _Checker, _duration, _Table
from core.model import SourceConfig
from core.net.credentials import plausible_env_name
from core.sources.registry import DEFAULT_URLS, SOURCE_OPTIONS

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
    if name is not None and not plausible_env_name(name):
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


