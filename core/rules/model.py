"""The rule types: what a rule asks of a mention, what it does, and what a run changed."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.analysis.match import Query

# The mention fields a rule can change; "tags" only grows, "priority" only moves by a boost.
RULE_FIELDS = ("category", "tags", "priority", "assignee", "status")
STATUSES = ("new", "done")


@dataclass(frozen=True, slots=True)
class Conditions:
    """Everything a mention must satisfy; an empty condition asks nothing."""

    query: Query | None = None  # the listening query language, over title and text
    sources: frozenset[str] = frozenset()  # source names, as in [[sources]] name
    platforms: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    sentiment_min: float = -1.0
    sentiment_max: float = 1.0
    matched: frozenset[str] = frozenset()  # names or kinds ("competitor") the mention matched
    authors: frozenset[str] = frozenset()  # author names or handles, lower-cased


@dataclass(frozen=True, slots=True)
class Actions:
    """What a rule does when it fires; None leaves a field alone."""

    category: str | None = None
    tags: tuple[str, ...] = ()
    boost: float = 0.0
    assignee: str | None = None
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule: its name, conditions, actions and whether later rules still run."""

    name: str
    when: Conditions = field(default_factory=Conditions)
    then: Actions = field(default_factory=Actions)
    stop: bool = False


@dataclass(frozen=True, slots=True)
class Subject:
    """A mention as rules see it: what conditions read, what actions may change, and which
    fields a person has set by hand (rules leave those alone)."""

    id: int
    title: str
    text: str
    source: str
    platform: str
    language: str
    sentiment: float
    matched: tuple[tuple[str, str], ...]  # (kind, name)
    author: str
    category: str | None
    tags: frozenset[str]
    priority: float
    assignee: str | None
    status: str
    by_hand: frozenset[str] = frozenset()
    fired_before: frozenset[str] = frozenset()  # rules an earlier apply fired on it

    def first_firing(self, fired: tuple[str, ...]) -> tuple[str, ...]:
        """The rules of ``fired`` that never fired on this mention before."""
        return tuple(name for name in fired if name not in self.fired_before)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a rule run would do to one mention: the rules that fired, and each field's change
    as (before, after); fields a person set by hand are listed in ``kept`` instead."""


    subject: Subject
    fired: tuple[str, ...]
    changes: dict[str, tuple[object, object]]
    kept: tuple[str, ...] = ()
    set_by: dict[str, str] = field(default_factory=dict)  # changed field -> the last rule
