"""Routing: which team owns each feedback category.

Each category has a default team (``core.analysis.categories``); ``[routing]`` in the config
overrides it per category (``idea = "product"``). A team's digest and its inbox view list the
mentions of the categories routed to it.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.analysis.categories import CATEGORIES, CATEGORY_IDS


def teams(routing: Mapping[str, object]) -> dict[str, str]:
    """Category id -> team (lower-cased: "Product" and "product" are one team), the defaults
    with ``[routing]`` on top (unknown names ignored; the config loader reports them)."""
    owners = {c.id: c.team for c in CATEGORIES if c.team}
    owners.update({k: str(v).lower() for k, v in routing.items() if k in CATEGORY_IDS and v})
    return owners


def categories_of(team: str, routing: Mapping[str, object]) -> tuple[str, ...]:
    """The categories routed to ``team`` (case-insensitive), in the categories' order."""
    owners = teams(routing)
    return tuple(c for c in CATEGORY_IDS if owners.get(c) == team.lower())


def known_teams(routing: Mapping[str, object]) -> tuple[str, ...]:
    """Every team some category is routed to, sorted."""
    return tuple(sorted(set(teams(routing).values())))
