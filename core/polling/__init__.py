"""Polling: when each source is due, fetching it, and turning bodies into stored mentions.

Owns the poll loop (``poller``), the per-source policy of intervals, backoff and Retry-After
(``schedule``), the context an adapter polls through (``context``), the killable worker
process pool (``workers``) with the parse-and-enrich step it runs (``pipeline``), and when to
re-read the engagement of the brand's own posts (``owned``).
"""
