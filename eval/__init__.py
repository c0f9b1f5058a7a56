"""The triage evaluation: labelled mentions and the script that scores the classifier on them.

``tuning.jsonl`` and ``heldout.jsonl`` hold project-written, brand-directed posts in English and
Danish, each labelled with its feedback category and whether it needs a person, labelled before
the rules were tuned. Rules are tuned on the tuning part only (``--errors`` lists its misses);
the held-out part is only ever scored, so its figures say how the rules do on posts they never
saw. Run ``python -m eval``.
"""
