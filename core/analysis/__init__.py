"""What listenpost learns from a mention's text: plain functions over plain data.

Owns making outside text inert (``text``), language detection (``language``), sentiment by a
method fit for the language (``sentiment``), listening queries (``match``), the feedback
category and triage priority (``classify``), dedupe keys (``dedupe``) and the enrichment step
that applies them all to a parsed mention (``enrich``). Nothing here touches the network, the
database or the clock.
"""
