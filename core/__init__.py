"""listenpost's engine: config, store, fetch, sources, poller, analysis and export.

Nothing in this package imports Textual or the ``tui`` package; the headless command line
(``listenpost --export``) runs on ``core`` alone, and a test enforces the split.
"""
