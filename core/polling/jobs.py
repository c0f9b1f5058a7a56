"""The parse job as the main process names it, without loading what the job runs.

A job crosses to a worker as a reference (module and name) and plain arguments. Naming
``core.polling.pipeline.parse_and_enrich`` and building an ``EnrichSpec`` in the main process
imported all of enrichment there on the first parsed body: the language detector's code, VADER
and its lexicon, the classifiers' compiled patterns (measured: about 5 MB and 0.2-0.3 s of CPU
per poll), though only the workers use them. This module imports none of it: its
``parse_and_enrich`` resolves the pipeline inside the worker (where it is preloaded), and the
spec travels as ``EnrichSpec``'s fields in order, which the worker turns back into one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from core.model import Match
from core.sources.base import ParsedPage, ParseOptions, Parser

if TYPE_CHECKING:
    from core.analysis.enrich import EnrichSpec

# ``EnrichSpec``'s fields in order: the query sets, keep every item, the source's name.
SpecFields = tuple[tuple[tuple[Match, tuple[str, ...]], ...], bool, str]


def parse_and_enrich(
    parser: Parser,
    body: bytes,
    headers: Mapping[str, str],
    options: ParseOptions,
    spec: SpecFields,
    now: int,
) -> ParsedPage:
    """``core.polling.pipeline.parse_and_enrich`` with the spec built from its fields; runs in
    a worker process."""
    from core.polling.pipeline import parse_and_enrich as run

    return run(parser, body, headers, options, enrich_spec(spec), now)


def enrich_spec(fields: SpecFields) -> EnrichSpec:
    """The ``EnrichSpec`` these fields describe (in the worker, where enrichment is loaded)."""
    from core.analysis.enrich import EnrichSpec

    sets, match_all, source = fields
    return EnrichSpec(sets, match_all, source)
