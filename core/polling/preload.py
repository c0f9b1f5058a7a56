"""What a parse worker loads once, when it starts, instead of during its first job.

Kept apart from the pipeline so the main process can name it without importing the analysis:
a poll of unchanged feeds starts no worker and never loads a model.
"""

from __future__ import annotations

# This module's imports in a worker: the job the main process names (core.polling.jobs), the
# pipeline it runs (and with it the analysis), feeds' parser and
# its fast path. feedparser is left to load on first use: the fast path handles most feeds, and
# a worker that never falls back never pays for it.
WORKER_PRELOAD = (
    "core.polling.jobs", "core.polling.pipeline", "core.sources.feed", "core.sources.fastparse",
)


def warm_up() -> None:
    """Load the models every job uses (the language model, VADER's lexicon) once per worker, so
    the first job's deadline is spent on its own body."""
    from core.analysis.language import detect_language
    from core.analysis.sentiment import score

    detect_language("a short sentence to load the language model with")
    score("good", "en")
