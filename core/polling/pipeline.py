"""The part of the pipeline that runs in the worker process: parse, then enrich.

One job per fetched body: the adapter's parser turns bytes into raw mentions, and enrichment
(dedupe key, matching, language, sentiment, category, priority) runs right after it in the
same process, so the CPU-heavy work of a poll uses both cores and the event loop only stores.
"""

from __future__ import annotations

from collections.abc import Mapping

from core.analysis.enrich import EnrichSpec, enrich
from core.model import Mention
from core.net.urls import without_credentials
from core.sources.base import ParsedPage, ParseOptions, Parser

# Mentions enriched from one body. Real feeds and API pages carry tens to hundreds of items;
# a 74,000-item feed would take longer to enrich than the parse deadline allows, so we keep the
# first 10,000 (feeds list newest first) and say so, instead of losing the whole poll.
MAX_PER_BODY = 10_000


def parse_and_enrich(
    parser: Parser,
    body: bytes,
    headers: Mapping[str, str],
    options: ParseOptions,
    spec: EnrichSpec,
    now: int,
) -> ParsedPage:
    """Parse one response body and enrich what it yields; runs in a worker process."""
    page = parser(body, headers, options)
    if len(page.mentions) > MAX_PER_BODY:
        note = f"kept the first {MAX_PER_BODY:,} of {len(page.mentions):,} items"
        page.warning = f"{page.warning}; {note}" if page.warning else note
        del page.mentions[MAX_PER_BODY:]
    if page.mentions:
        for mention in page.mentions:
            mention.owned = mention.owned or options.owned
            _drop_credentials(mention)
        page.mentions = enrich(page.mentions, spec, now=now)
    return page


def _drop_credentials(mention: Mention) -> None:
    """Links without ``user:pass@`` or token parameters, before the dedupe key is made from
    them: what is stored and exported never carries a feed's private credentials."""
    if mention.url:
        mention.url = without_credentials(mention.url)
    if mention.author_url:
        mention.author_url = without_credentials(mention.author_url)
    if mention.guid and mention.guid[:4].lower() == "http":
        mention.guid = without_credentials(mention.guid)
