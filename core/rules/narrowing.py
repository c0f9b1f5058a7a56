"""A rule's conditions as SQL, so the store finds the mentions a rule may fire on without
reading every mention: the text query through the full-text index (the same translation of
the listening language as the inbox's search, ``core.inbox.views.fts_query``), the rest as
predicates over indexed columns.

SQL narrows; the engine decides. Full-text matching and the listening matcher agree on words
and phrases but not on every corner (FTS5 folds diacritics, reads ``refund*`` as a prefix), so
whatever runs a rule still checks each candidate with ``core.rules.engine``. The count of
candidates is what a preview shows as "matches"; a query FTS5 cannot express (a lone ``NOT``)
is left to the engine alone, and ``Narrowing.by_text`` says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from core.inbox.views import SearchError, fts_query
from core.rules.model import Conditions

# Only the words people wrote: the index also holds the author, which a rule's query never reads.
_TEXT_COLUMNS = "{title text}"
_PLAIN = "mentions m JOIN sources s ON s.id = m.source_id"
_FTS = ("mentions_fts CROSS JOIN mentions m ON m.id = mentions_fts.rowid"
        " JOIN sources s ON s.id = m.source_id")
_NL = "char(10)"


@dataclass(frozen=True, slots=True)
class Narrowing:
    """FROM and WHERE (with parameters) selecting the candidates of a rule, and the column
    that orders them by mention id (the index's rowid when the text index drives)."""

    source: str = _PLAIN
    where: str = "m.owned = 0"
    params: dict[str, object] = field(default_factory=dict)
    id_column: str = "m.id"
    by_text: bool = False  # the query went to the full-text index


EVERYTHING = Narrowing()


def narrowing(when: Conditions) -> Narrowing:
    """The SQL that finds the mentions ``when`` may hold for (the brand's own posts never)."""
    clauses, params = ["m.owned = 0"], dict[str, object]()
    if when.sources:  # through the sources table, so the index on source_id can serve
        clauses.append("m.source_id IN (SELECT id FROM sources WHERE lower(name) IN"
                       " (SELECT value FROM json_each(:sources)))")
        params["sources"] = json.dumps(sorted(when.sources))
    for name, column in (("platforms", "lower(m.platform)"), ("languages", "m.language"),
                         ("authors", "lower(m.author)")):
        values = getattr(when, name)
        if values:
            clauses.append(f"{column} IN (SELECT value FROM json_each(:{name}))")
            params[name] = json.dumps(sorted(values))
    if when.sentiment_min > -1.0:
        clauses.append("m.sentiment >= :sentiment_min")
        params["sentiment_min"] = when.sentiment_min
    if when.sentiment_max < 1.0:
        clauses.append("m.sentiment <= :sentiment_max")
        params["sentiment_max"] = when.sentiment_max
    if when.matched:
        clauses.append(_matched_sql(len(when.matched)))
        params.update({f"matched_{i}": v for i, v in enumerate(sorted(when.matched))})
    fts = _fts(when)
    if fts is None:
        return Narrowing(_PLAIN, " AND ".join(clauses), params)
    params["rule_fts"] = fts
    return Narrowing(_FTS, " AND ".join(["mentions_fts MATCH :rule_fts", *clauses]), params,
                     "mentions_fts.rowid", by_text=True)


def _fts(when: Conditions) -> str | None:
    if when.query is None:
        return None
    try:
        return f"{_TEXT_COLUMNS} : ({fts_query(when.query.text)})"
    except SearchError:
        return None  # valid for the matcher, not expressible in FTS5: the engine decides


def _matched_sql(count: int) -> str:
    """Any "kind:name" line of ``matched`` whose kind, or lower-cased name, is a wanted one."""
    lines = f"({_NL} || lower(coalesce(m.matched, '')) || {_NL})"
    ors = [f"instr({lines}, {_NL} || :matched_{i} || ':') > 0"
           f" OR instr({lines}, ':' || :matched_{i} || {_NL}) > 0" for i in range(count)]
    return "(" + " OR ".join(ors) + ")"
