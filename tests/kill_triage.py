"""A triage process for the kill test (tests/test_team_kill.py): random triage actions through
core, as an inbox would apply them, until it is killed.

Each action's batch id goes to stdout, flushed, only after its transaction has committed:
a line on stdout is an acknowledged write, which must survive whatever kills this process.
Usage: ``python -m tests.kill_triage DB SEED MENTIONS`` (acts on mention ids 1..MENTIONS).
"""

from __future__ import annotations

import asyncio
import random
import sys

from core.inbox.triage import ActionResult, Ids, Inbox
from core.store import LockPatience, Store

ACTOR = "killtest"


async def act(inbox: Inbox, rng: random.Random, mentions: int, now: int) -> str:
    """One random action; ``batch`` for a change, ``undo batch`` for an undo."""
    target = Ids(tuple(rng.sample(range(1, mentions + 1), rng.randint(1, 3))))
    kind = rng.randrange(6)
    result: ActionResult | object
    if kind == 0:
        result = await inbox.set_status(target, "done", actor=ACTOR, now=now)
    elif kind == 1:
        result = await inbox.set_status(target, "new", actor=ACTOR, now=now)
    elif kind == 2:
        result = await inbox.star(target, rng.random() < 0.5, actor=ACTOR, now=now)
    elif kind == 3:
        result = await inbox.set_category(target, rng.choice(["idea", "question", None]),
                                          actor=ACTOR, now=now)
    elif kind == 4:
        result = await inbox.assign(target, rng.choice(["ana", "bo", None]), actor=ACTOR,
                                    now=now)
    else:
        undone = await inbox.undo_last(ACTOR, now=now)
        return f"undo {undone.batch}" if isinstance(undone, ActionResult) else "undo none"
    assert isinstance(result, ActionResult)
    return f"{result.batch} {result.changed}"


async def main(db: str, seed: int, mentions: int) -> None:
    rng = random.Random(seed)
    # A poller's batch holds the lock for a moment: wait it out as the inbox does.
    async with await Store.open(db, patience=LockPatience()) as store:
        inbox = Inbox(store.db, store.transaction, me=ACTOR)
        now = 1_800_000_000
        while True:
            now += 1
            line = await act(inbox, rng, mentions, now)
            sys.stdout.write(line + "\n")  # after the commit: acknowledged
            sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
