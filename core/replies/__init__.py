"""Replies: drafts that survive anything, templates, platform limits, tone, and sending.

A reply starts as a draft row (``drafts.py``) written as it is typed, can start from a config
template (``templates.py``), is measured against its platform's limit (``limits.py``) and read
for tone (``tone.py``), and is sent through the one hardened client where the platform allows
it (``send.py``) or posted by hand elsewhere and confirmed. Nothing here imports Textual.
"""
