"""Running rules over one mention: which fire, in order, and what they would change.

Pure: a ``Subject`` in, an ``Outcome`` out, no store touched, so a dry run and an apply decide
alike. Every condition of a rule has to hold for it to fire. Later rules act on what earlier
ones left: tags accumulate, boosts add up, a later category wins unless an earlier rule said
``stop``. A field a person set by hand is never changed; the rule still counts as fired and
the field is listed as kept. A rule boosts a mention's priority once: applying the same rules
again changes nothing.
"""

from __future__ import annotations

from dataclasses import replace

from core.rules.model import Conditions, Outcome, Rule, Subject


def run(rules: tuple[Rule, ...], subject: Subject) -> Outcome:
    """The outcome of ``rules``, in order, on ``subject``."""
    current, fired, kept, set_by = subject, [], set[str](), dict[str, str]()
    for rule in rules:
        if not holds(rule.when, current):
            continue
        fired.append(rule.name)
        current, held, changed = _act(rule, current)
        kept.update(held)
        set_by.update(dict.fromkeys(changed, rule.name))
        if rule.stop:
            break
    changes = _changes(subject, current)
    return Outcome(subject, tuple(fired), changes, tuple(sorted(kept)),
                   {name: rule for name, rule in set_by.items() if name in changes})


def holds(when: Conditions, s: Subject) -> bool:
    """True when ``s`` meets every condition of ``when``."""
    return (
        _within(when.sources, s.source)
        and _within(when.platforms, s.platform)
        and _within(when.languages, s.language)
        and when.sentiment_min <= s.sentiment <= when.sentiment_max
        and (not when.matched or any(k in when.matched or n.lower() in when.matched
                                     for k, n in s.matched))
        and _within(when.authors, s.author.lower())
        and (when.query is None or when.query.matches(f"{s.title}\n{s.text}"))
    )


def _within(allowed: frozenset[str], value: str) -> bool:
    return not allowed or value in allowed


def _act(rule: Rule, s: Subject) -> tuple[Subject, set[str], set[str]]:
    """``s`` after ``rule``'s actions, the fields kept as a person set them, and the fields
    the rule set."""
    then, kept = rule.then, set()
    wanted: dict[str, object] = {}
    if then.category is not None:
        wanted["category"] = then.category
    if then.assignee is not None:
        wanted["assignee"] = then.assignee
    if then.status is not None:
        wanted["status"] = then.status
    if then.tags:
        wanted["tags"] = s.tags | frozenset(then.tags)
    if then.boost and rule.name not in s.fired_before:  # a boost counts once per mention
        wanted["priority"] = round(s.priority + then.boost, 2)
    allowed = {}
    for name, value in wanted.items():
        if name in s.by_hand and value != getattr(s, name):
            kept.add(name)
        else:
            allowed[name] = value
    changed = {name for name, value in allowed.items() if value != getattr(s, name)}
    return replace(s, **allowed), kept, changed  # type: ignore[arg-type]  # Subject's names


def _changes(before: Subject, after: Subject) -> dict[str, tuple[object, object]]:
    names = ("category", "tags", "priority", "assignee", "status")
    return {n: (getattr(before, n), getattr(after, n)) for n in names
            if getattr(before, n) != getattr(after, n)}
