"""The JSON export: a document for other tools, with a fixed key order and ordering.

Shape: ``{"generated_at", "since", "summary", "sources": [...], "mentions": [...]}``; the
``sources`` entries carry each source's last outcome (and this run's, when it polled) so a
cron job's consumer can see which source failed and why.
"""

from __future__ import annotations

import json

from core.export.report import Report, iso
from core.store import SourceRow, StoredMention
from core.urls import display_url


def render_json(report: Report) -> str:
    document = {
        "generated_at": iso(report.generated_at),
        "since": iso(report.since),
        "brand": report.brand,
        "summary": report.summary(),
        "sources": [source_entry(s, report) for s in report.sources],
        "mentions": [mention_entry(m) for m in report.mentions],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def source_entry(source: SourceRow, report: Report) -> dict[str, object]:
    polled = {o.source: o for o in report.outcomes}.get(source.name)
    status = polled.status.value if polled else source.last_status
    message = polled.message if polled else source.last_message
    failing = status in ("error", "throttled")
    return {
        "name": source.name,
        "kind": source.kind,
        "url": display_url(source.url),
        "status": status,
        "error": (message or None) if failing else None,
        "warning": (message or None) if status == "warning" else None,
        "throttled_until": iso(source.throttled_until),
        "last_ok_at": iso(source.last_ok_at),
        "error_count": source.error_count,
        "new": polled.new if polled else None,
        "duplicates": polled.duplicates if polled else None,
    }


def mention_entry(m: StoredMention) -> dict[str, object]:
    return {
        "id": m.id,
        "source": m.source,
        "platform": m.platform,
        "url": m.url,
        "author": m.author,
        "author_id": m.author_id,
        "title": m.title,
        "text": m.text,
        "published_at": iso(m.published_at),
        "fetched_at": iso(m.fetched_at),
        "language": m.language,
        "sentiment": {
            "compound": round(m.sentiment.compound, 4),
            "label": m.sentiment.label.value,
            "method": m.sentiment.method,
        },
        "matched": [str(x) for x in m.matched],
        "category": m.category,
        "priority": round(m.priority, 4),
        "engagement": {
            "replies": m.engagement.replies,
            "reshares": m.engagement.reshares,
            "likes": m.engagement.likes,
        },
        "owned": m.owned,
        "status": m.status,
        "assignee": m.assignee,
        "tags": sorted(m.tags),
    }
