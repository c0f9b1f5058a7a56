"""Editable triage rules: ``[[rules]]`` a team writes, run in order over each mention.

A rule has conditions (a listening query over the text, sources, platforms, languages, a
sentiment range, matched brands or competitors, authors) and actions (set the category, add
tags, boost the priority, assign, set the status). Rules run in order; a rule with ``stop``
ends the run for that mention when it fires. ``model`` holds the types, ``parse`` reads them
from TOML with errors that say where, ``engine`` decides what a rule set would change on one
mention (never a field a person set by hand), ``stored`` runs a rule set over the store (the
dry run of ``listenpost --rules-check``, the apply of ``--rules-apply``, each rule's hit count
and last firing), ``arriving`` runs the config's rules on mentions as they are stored and
hands them to ``webhooks`` (per-team delivery with retries), ``overrides`` reports the
categories people corrected (``--rules-report``), and ``routing`` says which team owns each
category.
"""
