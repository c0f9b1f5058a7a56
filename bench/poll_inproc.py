"""listenpost's poll without the command line: ``Poller.poll_once`` in a process of its own.

`python -m bench.poll_inproc CONFIG DB` opens the store and the poller exactly as the headless
export does, polls every source once and exits, writing no export. Set beside the CLI's figure
it shows what start-up and the export add to a poll.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


async def poll(config_path: Path, db: Path) -> int:
    from core.config import load_config
    from core.headless import open_poller
    from core.poller import failed
    from core.store import Store

    config = load_config(config_path)
    async with await Store.open(db) as store, open_poller(config, store) as poller:
        outcomes = await poller.poll_once()
    for outcome in failed(outcomes)[:3]:
        print(f"{outcome.source}: {outcome.message}", file=sys.stderr)
    return 1 if failed(outcomes) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(poll(Path(sys.argv[1]), Path(sys.argv[2]))))
