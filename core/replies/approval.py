"""Who must have a reply approved, and who may approve it.

With ``[team] approval = true`` every member's replies wait for approval; with ``approval =
true`` on a ``[[team.members]]`` entry, only that member's do. Any other member approves: the
writer of a reply never approves it. Pure functions over the config; the states live in
``core.replies.drafts``.
"""

from __future__ import annotations

from core.config.model import TeamConfig
from core.replies.drafts import Reply


def needs_approval(team: TeamConfig, writer: str) -> bool:
    """True when ``writer``'s replies must be approved by another member before sending."""
    if team.approval:
        return True
    return any(m.approval for m in team.members if writer in (m.handle, m.name))


def waits_for_someone_else(reply: Reply, me: str) -> bool:
    """True when ``reply`` waits for approval and ``me`` asked for it (so cannot give it)."""
    return reply.state == "pending" and reply.requested_by == me


def waiting_line(reply: Reply, team: TeamConfig) -> str:
    """Who a waiting reply waits for, in words: the members other than the one who asked."""
    others = [m.name for m in team.members if reply.requested_by not in (m.handle, m.name)]
    names = ", ".join(others) if others else "another member"
    return f"Waiting for approval by {names} (asked by {reply.requested_by})."
