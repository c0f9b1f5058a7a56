"""People: the authors of mentions as persons a community manager knows.

Each platform identity (a row of ``authors``, filled at ingest) belongs to one person; two
identities of the same human can be merged by hand and split again. This package owns the
influence score (``score``: relevance first, then engagement, consistency and reach, every part
explained), keeping the stored scores current (``refresh``), the queries and actions behind
the influencers and profile screens (``directory``: windows, lists, notes, tags, mute, merge)
and the people export (``export``). It never imports Textual.
"""
