"""The rule engine: order, stop, every condition and action, and what a person set by hand."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from core.analysis.match import compile_query
from core.config.errors import ConfigError
from core.rules.engine import holds, run
from core.rules.model import Actions, Conditions, Rule, Subject
from core.rules.parse import load_rules

S = Subject(id=1, title="Refund", text="Still waiting for my refund, @northwind", source="blog",
            platform="feed", language="en", sentiment=-0.6,
            matched=(("brand", "Northwind"), ("competitor", "Copperpot")), author="Ana Lund",
            category="question", tags=frozenset({"vip"}), priority=50.0, assignee=None,
            status="new")


@pytest.mark.parametrize(("when", "expected"), [
    (Conditions(), True),
    (Conditions(query=compile_query("refund -coupon")), True),
    (Conditions(query=compile_query("coupon")), False),
    (Conditions(sources=frozenset({"blog"})), True),
    (Conditions(sources=frozenset({"reddit"})), False),
    (Conditions(platforms=frozenset({"feed"})), True),
    (Conditions(platforms=frozenset({"mastodon"})), False),
    (Conditions(languages=frozenset({"da", "en"})), True),
    (Conditions(languages=frozenset({"da"})), False),
    (Conditions(sentiment_max=-0.5), True),
    (Conditions(sentiment_min=-0.5), False),
    (Conditions(matched=frozenset({"competitor"})), True),
    (Conditions(matched=frozenset({"copperpot"})), True),
    (Conditions(matched=frozenset({"beanwise"})), False),
    (Conditions(authors=frozenset({"ana lund"})), True),
    (Conditions(authors=frozenset({"bo"})), False),
])
def test_every_condition(when: Conditions, expected: bool) -> None:
    """It should fire a rule only when each of its conditions holds."""
    assert holds(when, S) is expected


def test_every_action() -> None:
    """It should set category, assignee and status, add tags and boost the priority."""
    rule = Rule("all", then=Actions(category="complaint", tags=("refund",), boost=20,
                                    assignee="ana", status="done"))
    outcome = run((rule,), S)
    assert outcome.fired == ("all",)
    assert outcome.changes == {
        "category": ("question", "complaint"), "tags": (frozenset({"vip"}),
                                                        frozenset({"vip", "refund"})),
        "priority": (50.0, 70.0), "assignee": (None, "ana"), "status": ("new", "done")}


def test_rules_run_in_order_and_stop_ends_the_run() -> None:
    """It should let a later rule override an earlier one, and stop after a stop rule."""
    first = Rule("first", then=Actions(category="idea", boost=5))
    second = Rule("second", then=Actions(category="complaint", boost=5), stop=True)
    third = Rule("third", then=Actions(category="praise"))
    outcome = run((first, second, third), S)
    assert outcome.fired == ("first", "second")
    assert outcome.changes["category"] == ("question", "complaint")
    assert outcome.changes["priority"] == (50.0, 60.0)


def test_what_a_person_set_by_hand_is_kept() -> None:
    """It should never change a field a person set, and say it kept it."""
    rule = Rule("r", then=Actions(category="complaint", assignee="bo", tags=("x",)))
    outcome = run((rule,), replace(S, by_hand=frozenset({"category"})))
    assert "category" not in outcome.changes
    assert outcome.changes["assignee"] == (None, "bo")
    assert outcome.kept == ("category",)


def test_nothing_fires_nothing_changes() -> None:
    """It should report no rule and no change when no rule's conditions hold."""
    rule = Rule("r", Conditions(languages=frozenset({"da"})), Actions(category="idea"))
    outcome = run((rule,), S)
    assert (outcome.fired, outcome.changes) == ((), {})


def test_rules_file(tmp_path: Path) -> None:
    """It should read every key of a rule from a TOML file."""
    path = tmp_path / "rules.toml"
    path.write_text('''
[[rules]]
name = "refunds"
query = "refund OR refusion"
sources = ["Blog"]
platforms = ["feed"]
languages = ["en", "da"]
sentiment_min = -1
sentiment_max = -0.05
matched = ["Northwind"]
authors = ["Ana Lund"]
category = "complaint"
tags = ["refund"]
boost = 15
assignee = "ana"
status = "new"
stop = true
''', encoding="utf-8")
    (rule,) = load_rules(path)
    assert rule.name == "refunds" and rule.stop
    assert rule.when.sources == frozenset({"blog"}) and rule.when.sentiment_max == -0.05
    assert rule.then == Actions("complaint", ("refund",), 15.0, "ana", "new")
    assert holds(rule.when, S)


def test_bad_rules_are_reported_with_their_lines(tmp_path: Path) -> None:
    """It should report every mistake with its line, key and what was expected."""
    path = tmp_path / "rules.toml"
    path.write_text('''[[rules]]
name = "a"
category = "complaints"
query = "refund AND"

[[rules]]
name = "a"
boost = 500
colour = "red"
''', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    text = str(caught.value)
    lines = [line.split(":", 1)[1] for line in text.splitlines()]
    assert lines[0].startswith("3: rules[0].category: unknown category 'complaints'")
    assert lines[1].startswith("4: rules[0].query: AND needs a term after it")
    assert lines[2].startswith("7: rules[1].name: a rule named 'a' already exists")
    assert lines[3].startswith("8: rules[1].boost: expected a number from -100 to 100")
    assert lines[4].startswith("9: rules[1].colour: unknown key 'colour'")
