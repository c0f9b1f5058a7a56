"""The replies report (``--export FILE --report drafts``): open drafts and sent replies.

A lead reviews a day's answers from it: what was sent, by whom, when, where and in reply to
what; which drafts are still open (and why a send failed); which sends have an unknown outcome.
JSON for tools, Markdown for reading. Replies are listed by when they were last touched, then by
id, so two runs over the same data give the same bytes (``generated_at`` aside, which
``SOURCE_DATE_EPOCH`` pins).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from core.export.markdown import escape, link
from core.export.report import iso
from core.replies.drafts import Replies, Reply, ReplyTarget

REPORT_FORMATS = ("json", "md")
# Section order and titles of the Markdown report, by reply state.
SECTIONS = (("sent", "Sent"), ("unknown", "Outcome unknown (look before sending again)"),
            ("pending", "Waiting for approval"), ("open", "Open drafts"))


@dataclass(frozen=True, slots=True)
class RepliesReport:
    """Every reply touched in the period, with the mention each one answers."""

    generated_at: int
    brand: str
    since: int | None
    until: int
    replies: tuple[tuple[Reply, ReplyTarget | None], ...]


async def gather(replies: Replies, *, brand: str, since: int | None, until: int,
                 generated_at: int) -> RepliesReport:
    """Read the period's replies and their mentions."""
    found = [(reply, await replies.target(reply.mention_id))
             for reply in await replies.between(since, until)]
    return RepliesReport(generated_at, brand, since, until, tuple(found))


def render_replies(report: RepliesReport, fmt: str) -> str:
    """The report as ``json`` or ``md`` text."""
    return _json(report) if fmt == "json" else _markdown(report)


def _json(report: RepliesReport) -> str:
    counts = {state: sum(1 for r, _ in report.replies if r.state == state)
              for state, _ in SECTIONS}
    document = {
        "generated_at": iso(report.generated_at), "brand": report.brand,
        "since": iso(report.since), "until": iso(report.until), "counts": counts,
        "replies": [_entry(reply, target) for reply, target in report.replies],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _entry(reply: Reply, target: ReplyTarget | None) -> dict[str, object]:
    return {
        "id": reply.id, "state": reply.state, "text": reply.text,
        "drafted_by": reply.drafted_by, "created_at": iso(reply.created_at),
        "updated_at": iso(reply.updated_at), "last_error": reply.last_error,
        "sent_by": reply.sent_by, "sent_at": iso(reply.sent_at), "sent_via": reply.sent_via,
        "post_id": reply.post_id, "post_url": reply.post_url,
        "approval_requested_by": reply.requested_by, "reviewed_by": reply.reviewed_by,
        "review_note": reply.review_note,
        "mention": None if target is None else {
            "id": target.mention_id, "platform": target.platform, "source": target.source_name,
            "author": target.author, "url": target.url, "title": target.title,
        },
    }


def _markdown(report: RepliesReport) -> str:
    period = f"since {iso(report.since)}" if report.since is not None else "all time"
    lines = [f"# Replies — {escape(report.brand or 'listenpost')}", "",
             f"Generated {iso(report.generated_at)}, {period} to {iso(report.until)}."]
    for state, title in SECTIONS:
        chosen = [(r, t) for r, t in report.replies if r.state == state]
        lines += ["", f"## {title} ({len(chosen)})", ""]
        lines += [_line(r, t) for r, t in chosen] or ["None."]
    return "\n".join(lines) + "\n"


def _line(reply: Reply, target: ReplyTarget | None) -> str:
    who = escape(reply.sent_by or reply.drafted_by)
    when = iso(reply.sent_at or reply.updated_at)
    to = f"{escape(target.author or 'someone')} on {escape(target.platform)}" if target else "?"
    line = f"- {when} · {who} · to {to}{link(target.url if target else None)}: {escape(reply.text)}"
    if reply.post_url and reply.post_url != (target.url if target else None):
        line += f" → sent{link(reply.post_url)}"
    if reply.state == "pending":
        line += f" — asked by {escape(reply.requested_by or '?')}"
    elif reply.reviewed_by:
        verb = "sent back by" if reply.review_note else "approved by"
        note = f": {escape(reply.review_note)}" if reply.review_note else ""
        line += f" — {verb} {escape(reply.reviewed_by)}{note}"
    if reply.last_error:
        line += f" — {escape(reply.last_error)}"
    return line
