"""Drive the `reader` library (lemon24/reader) for the poll benchmark, in the peers' venv.

Run by bench/.venv-peers/bin/python as a script, never imported by listenpost, so `reader` is
only ever a dependency of the benchmark. `add DB URLS` adds the feeds (setup, not measured);
`update DB WORKERS` polls every feed once with ``update_feeds(scheduled=False)``: reader would
otherwise skip a feed whose next update is not yet due, and the second poll must re-check.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    from reader import make_reader

    command, db = argv[0], argv[1]
    reader = make_reader(db)
    try:
        if command == "add":
            for url in Path(argv[2]).read_text().split():
                reader.add_feed(url, exist_ok=True)
        else:
            reader.update_feeds(scheduled=False, workers=int(argv[2]))
    finally:
        reader.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
