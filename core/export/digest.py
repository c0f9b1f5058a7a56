"""A team's digest: the mentions of the categories routed to one team, as Markdown.

``listenpost --export digest.md --team product --since 7d`` writes it for cron to mail: a
section per category the team owns, most urgent first (priority, then newest), each line as in
the daily report. Text from the outside is escaped as in every Markdown export.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.analysis.categories import category
from core.export.markdown import escape, line
from core.export.report import iso
from core.store import StoredMention

DIGEST_TOP = 50  # mentions per category: a week of one team's share, read in one sitting


def render_digest(team: str, categories: Sequence[str], mentions: Sequence[StoredMention], *,
                  brand: str, since: int | None, generated_at: int) -> str:
    """The digest of ``mentions`` for ``team``, which owns ``categories``."""
    period = f"since {iso(since)}" if since else "all stored mentions"
    owned = ", ".join(category(c).english for c in categories) or "no categories"
    lines = [f"# {escape(brand or 'Listening')} digest for {escape(team)}", "",
             f"Generated {iso(generated_at)}, covering {period}: {escape(owned)}.", ""]
    for cat in categories:
        chosen = sorted((m for m in mentions if m.category == cat and not m.owned),
                        key=lambda m: (-m.priority, -m.sort_at, m.id))
        lines += [f"## {escape(category(cat).english)} ({len(chosen)})", ""]
        lines += [line(m) for m in chosen[:DIGEST_TOP]] or ["Nothing this time."]
        if len(chosen) > DIGEST_TOP:
            lines.append(f"- … and {len(chosen) - DIGEST_TOP} more in the inbox")
        lines.append("")
    return "\n".join(lines)
