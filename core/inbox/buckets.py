"""The inbox's counted buckets, defined once: every other form is derived from this table.

A bucket is a set of mentions the sidebar counts (New, Needs reply, Negative, one per source,
one per assignee...). Its membership is written here once, as a small condition over a
mention's columns, and turned into each form that needs it: the SQL predicate the inbox's
views filter with (``sql("m")``), the body of the triggers that keep ``inbox_counts`` exact on
every write (``sql("new")`` / ``sql("old")``, installed by ``core.store.counts``), and a Python
test over a stored row that the Markdown report's sections use (``holds``). Copies written by
hand had drifted apart: the report's "Needs attention" listed the brand's own posts while the
inbox's "Needs reply" left them out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.analysis.categories import IDEA, QUESTION, REPLY_CATEGORIES

Row = Mapping[str, object]  # a mention's columns by name


@dataclass(frozen=True, slots=True)
class Condition:
    """A membership test that renders to SQL over a row alias and evaluates in Python."""

    def sql(self, alias: str) -> str:
        """The SQL expression over ``alias``'s columns."""
        raise NotImplementedError

    def holds(self, row: Row) -> bool:
        """Whether a row (columns by name) meets the condition."""
        raise NotImplementedError

    def columns(self) -> frozenset[str]:
        """The columns the condition reads (the count trigger fires on updates of these)."""
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Always(Condition):
    """Every mention."""

    def sql(self, alias: str) -> str:
        return "1"

    def holds(self, row: Row) -> bool:
        return True

    def columns(self) -> frozenset[str]:
        return frozenset()


@dataclass(frozen=True, slots=True)
class Equals(Condition):
    """``column = value``; NULL never equals anything, as in SQL."""

    column: str
    value: str | int

    def sql(self, alias: str) -> str:
        return f"{alias}.{self.column} = {_literal(self.value)}"

    def holds(self, row: Row) -> bool:
        value = row.get(self.column)
        return value is not None and _plain(value) == self.value

    def columns(self) -> frozenset[str]:
        return frozenset({self.column})


@dataclass(frozen=True, slots=True)
class OneOf(Condition):
    """``column IN (values)``."""

    column: str
    values: tuple[str, ...]

    def sql(self, alias: str) -> str:
        return f"{alias}.{self.column} IN ({', '.join(_literal(v) for v in self.values)})"

    def holds(self, row: Row) -> bool:
        return row.get(self.column) in self.values

    def columns(self) -> frozenset[str]:
        return frozenset({self.column})


@dataclass(frozen=True, slots=True)
class IsNull(Condition):
    """``column IS NULL``."""

    column: str

    def sql(self, alias: str) -> str:
        return f"{alias}.{self.column} IS NULL"

    def holds(self, row: Row) -> bool:
        return row.get(self.column) is None

    def columns(self) -> frozenset[str]:
        return frozenset({self.column})


@dataclass(frozen=True, slots=True)
class MatchedKind(Condition):
    """The mention matched a query of this kind (``matched`` holds ``kind:name`` lines)."""

    kind: str

    def sql(self, alias: str) -> str:
        prefix = _literal(f"{self.kind}:")
        return (f"({alias}.matched LIKE {_literal(f'{self.kind}:%')}"
                f" OR instr({alias}.matched, char(10) || {prefix}) > 0)")

    def holds(self, row: Row) -> bool:
        lines = str(row.get("matched") or "").split("\n")
        return any(line.startswith(f"{self.kind}:") for line in lines)

    def columns(self) -> frozenset[str]:
        return frozenset({"matched"})


@dataclass(frozen=True, slots=True)
class AllOf(Condition):
    """Every part holds."""

    parts: tuple[Condition, ...]

    def sql(self, alias: str) -> str:
        return " AND ".join(_grouped(p, alias) for p in self.parts)

    def holds(self, row: Row) -> bool:
        return all(p.holds(row) for p in self.parts)

    def columns(self) -> frozenset[str]:
        return frozenset().union(*(p.columns() for p in self.parts))


@dataclass(frozen=True, slots=True)
class AnyOf(Condition):
    """At least one part holds."""

    parts: tuple[Condition, ...]

    def sql(self, alias: str) -> str:
        return "(" + " OR ".join(_grouped(p, alias) for p in self.parts) + ")"

    def holds(self, row: Row) -> bool:
        return any(p.holds(row) for p in self.parts)

    def columns(self) -> frozenset[str]:
        return frozenset().union(*(p.columns() for p in self.parts))


def _grouped(part: Condition, alias: str) -> str:
    text = part.sql(alias)
    return f"({text})" if isinstance(part, AllOf) else text


def _literal(value: str | int) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + value.replace("'", "''") + "'"


def _plain(value: object) -> object:
    return int(value) if isinstance(value, bool) else value


@dataclass(frozen=True, slots=True)
class Bucket:
    """One counted set of mentions: its stable key, its label, and who belongs."""

    key: str
    label: str
    condition: Condition


# Waiting for a person: new, and not the brand's own post (owned posts feed the metrics, they
# are not for answering). Every triage bucket and view starts here.
TRIAGE = AllOf((Equals("status", "new"), Equals("owned", 0)))
NEEDS_REPLY = AllOf((
    TRIAGE, IsNull("replied_at"),
    AnyOf((OneOf("category", REPLY_CATEGORIES), Equals("sentiment_label", "negative"))),
))

# In sidebar order of the views that use them; keys are stored in inbox_counts.
BUCKETS: tuple[Bucket, ...] = (
    Bucket("all", "All", Always()),
    Bucket("new", "New", TRIAGE),
    Bucket("done", "Done", Equals("status", "done")),
    Bucket("starred", "Starred", Equals("starred", 1)),
    Bucket("needs_reply", "Needs reply", NEEDS_REPLY),
    Bucket("negative", "Negative", AllOf((TRIAGE, Equals("sentiment_label", "negative")))),
    Bucket("questions", "Questions", AllOf((TRIAGE, Equals("category", QUESTION)))),
    Bucket("ideas", "Ideas", AllOf((TRIAGE, Equals("category", IDEA)))),
    Bucket("competitors", "Competitors", AllOf((TRIAGE, MatchedKind("competitor")))),
)
BY_KEY: dict[str, Bucket] = {b.key: b for b in BUCKETS}

# Buckets named by a column's value: a source's triage mentions under "source:<id>", a
# person's under "assignee:<name>" (the Mine view), a category's under "category:<name>" (a
# team's view adds up its categories'), each counted without a GROUP BY.
KEYED_BUCKETS: dict[str, str] = {"source": "source_id", "assignee": "assignee",
                                 "category": "category"}
KEYED_MEMBERS = TRIAGE


def bucket(key: str) -> Bucket:
    """The bucket with this key (KeyError if there is none)."""
    return BY_KEY[key]


def membership_columns() -> frozenset[str]:
    """Every column that decides some bucket's membership, the keyed buckets' included."""
    columns = frozenset(KEYED_BUCKETS.values()) | KEYED_MEMBERS.columns()
    return columns.union(*(b.condition.columns() for b in BUCKETS))
