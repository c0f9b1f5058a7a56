"""The config's ``[[rules]]`` run by themselves on mentions as they arrive.

``RulingPoller`` is the poller every run uses (the inbox's background polling, ``--poller``,
``--poll-once``, ``--export``) when the config has rules: after each round that stored new
mentions, it applies the rules to the mentions stored since the round began. Past mentions
are left alone (``--rules-apply`` is for those). Applying is idempotent, so a mention another
process stored in the same moment may be ruled on twice with no double effect.
"""

from __future__ import annotations

from typing import Any

from core.model import PollOutcome
from core.polling.poller import Poller
from core.rules.stored import apply, last_id


class RulingPoller(Poller):
    """A poller that applies the config's rules to what each round stored."""

    async def poll_once(self, **kwargs: Any) -> list[PollOutcome]:
        """Poll as ``Poller`` does, then rule on the mentions the round stored."""
        before = await last_id(self.store)
        outcomes = await super().poll_once(**kwargs)
        if any(outcome.new for outcome in outcomes):
            await apply(self.store, self.config.rules, now=int(self.clock()), after_id=before)
        return outcomes
