"""Which sections and keys exist: the single list the loader and the docs test share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields

from core.config.model import (
    AlertsConfig,
    Brand,
    Competitor,
    NetworkPolicy,
    PeopleConfig,
    PollerConfig,
    ReportConfig,
    SavedSearch,
    TeamConfig,
    UiConfig,
)
from core.model import SourceConfig
from core.rules.parse import RULE_KEYS
from core.sources.registry import SOURCE_OPTIONS

# Sections whose meaning later issues define; validated for shape now and kept raw.
RESERVED_SECTIONS = ("categories", "routing", "webhooks")  # checked for shape, kept raw
NOT_USED_YET = ("categories",)  # of those, what nothing reads yet (--check-config says so)
_LIVE_MAPS = ("templates", "outcomes")  # free-form tables the replies and metrics read
_TABLE_SECTIONS: dict[str, type] = {
    "brand": Brand,
    "network": NetworkPolicy,
    "poller": PollerConfig,
    "team": TeamConfig,
    "report": ReportConfig,
    "ui": UiConfig,
    "alerts": AlertsConfig,
    "people": PeopleConfig,
}
_ARRAY_SECTIONS: dict[str, type] = {
    "competitors": Competitor,
    "sources": SourceConfig,
    "searches": SavedSearch,
}
_MAP_SECTIONS = ("keys", "routing", "templates", "outcomes", "webhooks")  # name -> value
REPLY_LIMITS = "reply_limits"  # platform = the longest reply it takes, in characters
TOP_LEVEL = (*_TABLE_SECTIONS, *_ARRAY_SECTIONS, "keys", *RESERVED_SECTIONS, *_LIVE_MAPS,
             REPLY_LIMITS, "rules")
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
    paths: set[str] = set(_MAP_SECTIONS) | {REPLY_LIMITS}
    paths.update(f"categories.{key}" for key in _CATEGORY_KEYS)
    for section, cls in {**_TABLE_SECTIONS, **_ARRAY_SECTIONS}.items():
        paths.update(_dataclass_paths(section, cls))
    paths.update(f"sources.{key}" for key in _all_option_keys())
    paths.update(("rules", *(f"rules.{key}" for key in RULE_KEYS)))  # [[rules]], core.rules
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


