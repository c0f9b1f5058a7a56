"""The numbers a manager would otherwise build in a spreadsheet, computed in SQL and plain Python.

Owns periods in the reader's time zone (``periods``), Kaushik's per-post rates (``rates``), the
listening, owned-post and team aggregates over the store (``queries``), emerging terms
(``terms``), spikes against a rolling baseline (``spikes``), and one ``MetricsReport`` that the
metrics screen and the daily reports all read (``panel``). Everything takes ``now`` and a time
zone from the caller; nothing here imports Textual.
"""
