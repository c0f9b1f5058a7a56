"""What happens to mentions as they arrive, beyond storing them: the config's ``[[rules]]`` run
on them, and those routed to a team with a webhook are queued and delivered.

``ArrivingPoller`` is the poller every run uses (the inbox's background polling, ``--poller``,
``--poll-once``, ``--export``) when the config has rules or webhooks. After each round it
applies the rules to the mentions stored since the round began (past mentions are left to
``--rules-apply``; applying is idempotent, so a mention another process stored in the same
moment may be ruled on twice with no double effect), queues their deliveries, and delivers
whatever is due, retries included. The rules are the config file's as it is now: a rule saved
in the app's Rules screen (or by hand) applies from the next round on, in every process that
polls, without a restart (a file that does not read keeps the rules it had).
"""

from __future__ import annotations

from typing import Any

from core.model import PollOutcome
from core.polling.poller import Poller
from core.rules.rulefile import LiveRules
from core.rules.stored import apply, last_id
from core.rules.webhooks import deliver, enqueue, webhook_urls


class ArrivingPoller(Poller):
    """A poller that rules on, and delivers, what each round stored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = LiveRules(self.config.path, self.config.rules)

    async def poll_once(self, **kwargs: Any) -> list[PollOutcome]:
        """Poll as ``Poller`` does, then rule on and queue the new mentions, then deliver."""
        before = await last_id(self.store)
        outcomes = await super().poll_once(**kwargs)
        now = int(self.clock())
        urls = webhook_urls(self.config.reserved.get("webhooks", {}))
        if any(outcome.new for outcome in outcomes):
            rules = self.rules.current()
            if rules:
                await apply(self.store, rules, now=now, after_id=before)
            if urls:
                await enqueue(self.store, self.config.reserved.get("routing", {}), urls,
                              after_id=before, now=now)
        if urls:
            await deliver(self.store, self.fetcher, urls, now=now)
        return outcomes
