"""Listening queries: syntax, word boundaries, precedence, errors, and the Matcher."""

from __future__ import annotations

import pytest

from core.analysis.match import Matcher, QueryError, compile_query
from core.model import Match

CASES = [
    # terms: case-insensitive, on word boundaries, the hashtag and handle forms included
    ("acme", "I like Acme, really", True),
    ("acme", "ACME!", True),
    ("acme", "acme's new app", True),
    ("acme", "acme’s new app", True),
    ("acme", "loving #acme today", True),
    ("acme", "cc @acme", True),
    ("acme", "acmeology is a word", False),
    ("acme", "acme2 is another product", False),
    ("acme", "the_acme_thing", False),
    ("acme", "(acme)", True),
    ("acme", "", False),
    ("blå", "en blå bil", True),
    ("blå", "blåbær", False),
    ("café", "Café Noir", True),
    ("acme-cloud", "try Acme-Cloud now", True),
    ("acme-cloud", "acme cloud", False),
    # phrases: words in order, any whitespace between, boundaries at the ends
    ('"acme cloud"', "Acme  Cloud is here", True),
    ('"acme cloud"', "acme\ncloud", True),
    ('"acme cloud"', "cloud acme", False),
    ('"acme cloud"', "acme cloudy", False),
    ('"acme cloud"', "acme, cloud", False),
    # hashtags: only the hashtag
    ("#acme", "#Acme rocks", True),
    ("#acme", "acme rocks", False),
    ("#acme", "#acmeology", False),
    ("#acme", "x#acme", False),
    # handles: the handle, also with a Mastodon instance, not e-mail or longer handles
    ("@acme", "thanks @Acme", True),
    ("@acme", "thanks @acme@mastodon.social", True),
    ("@acme", "thanks @acme.", True),
    ("@acme", "write to sales@acme.com", False),
    ("@acme", "thanks @acmefans", False),
    ("@acme", "acme", False),
    # AND, implicit AND, OR, NOT and exclusions
    ("acme AND cloud", "cloud by acme", True),
    ("acme AND cloud", "acme only", False),
    ("acme cloud", "cloud by acme", True),
    ("acme cloud", "acme only", False),
    ("acme OR globex", "globex wins", True),
    ("acme OR globex", "initech wins", False),
    ("acme NOT hotel", "acme hotel", False),
    ("acme NOT hotel", "acme app", True),
    ("acme -hotel", "Acme Hotel", False),
    ("acme -hotel", "acme hotels", True),
    ('acme -"acme hotel"', "the acme hotel", False),
    ('acme -"acme hotel"', "acme and a hotel", True),
    ("acme -(hotel OR motel)", "acme motel", False),
    ("acme -(hotel OR motel)", "acme app", True),
    ("acme NOT NOT app", "acme app", True),
    ("acme NOT NOT app", "acme", False),
    ("and or not", "and or not", True),  # lower-case words are terms, not operators
    ("e-mail", "send an e-mail", True),
    # precedence: NOT > AND > OR
    ("a OR b AND c", "a", True),
    ("a OR b AND c", "b", False),
    ("a OR b AND c", "b c", True),
    ("a b OR c", "c", True),
    ("a b OR c", "a", False),
    ("acme OR cloud -hotel", "acme hotel", True),
    ("acme OR cloud -hotel", "cloud hotel", False),
    ("(acme OR cloud) -hotel", "acme hotel", False),
    ("NOT a b", "b", True),
    ("NOT a b", "a b", False),
    ("(a OR b) (c OR d)", "b d", True),
    ("(a OR b) (c OR d)", "a b", False),
]


@pytest.mark.parametrize(("query", "text", "expected"), CASES)
def test_matches(query: str, text: str, expected: bool) -> None:
    """It should match exactly the texts the query describes."""
    assert compile_query(query).matches(text) is expected


ERRORS = [
    ("", 0, "empty"),
    ("   ", 0, "empty"),
    ("acme AND", 5, "AND needs a term after it"),
    ("acme OR", 5, "OR needs a term after it"),
    ("acme NOT", 5, "NOT needs a term after it"),
    ("OR acme", 0, "OR needs a term before it"),
    ("AND acme", 0, "AND needs a term before it"),
    ("a OR OR b", 2, "OR needs a term after it"),
    ("a AND )", 2, "AND needs a term after it"),
    ("(acme", 0, "never closed"),
    ("x (a OR (b c)", 2, "never closed"),
    ("(", 0, "never closed"),
    ("acme (", 5, "never closed"),
    ("acme)", 4, "no matching '('"),
    ("()", 0, "empty"),
    ('"acme', 0, "quote is never closed"),
    ('acme "cloud', 5, "quote is never closed"),
    ('acme ""', 5, "empty phrase"),
    ("acme - hotel", 5, "'-' must be followed directly"),
    ("acme -", 5, "'-' must be followed directly"),
    ("acme -)", 5, "'-' needs a term after it"),
    ("# acme", 0, "tag or handle"),
    ("-acme", 0, "only excludes"),
    ("NOT acme", 0, "only excludes"),
    ("NOT (a AND b)", 0, "only excludes"),
]


@pytest.mark.parametrize(("query", "position", "message"), ERRORS)
def test_errors_name_the_problem_and_its_position(query: str, position: int, message: str) -> None:
    """It should refuse bad syntax with a clear message and the position of the problem."""
    with pytest.raises(QueryError) as caught:
        compile_query(query)
    assert caught.value.position == position
    assert message in str(caught.value)
    assert f"at character {position + 1}" in str(caught.value)


def test_error_pointer_marks_the_position() -> None:
    """It should draw a caret under the problem for the terminal."""
    with pytest.raises(QueryError) as caught:
        compile_query('acme "cloud')
    assert caught.value.pointer() == 'acme "cloud\n     ^'


def test_query_error_is_a_value_error() -> None:
    """It should be catchable as a ValueError by config validation."""
    with pytest.raises(ValueError):
        compile_query("(")


BRAND = Match("brand", "Acme")
PRODUCT = Match("product", "Rocket")
RIVAL = Match("competitor", "Globex")


def test_matcher_returns_every_set_that_matches() -> None:
    """It should return each brand, product and competitor whose queries match, in set order."""
    matcher = Matcher(
        [(BRAND, ["acme", "#acme"]), (PRODUCT, ['"acme rocket"']), (RIVAL, ["globex"])]
    )
    assert matcher.match("The Acme Rocket beats Globex") == [BRAND, PRODUCT, RIVAL]
    assert matcher.match("#acme only") == [BRAND]
    assert matcher.match("Globex news") == [RIVAL]
    assert matcher.match("nothing here") == []


def test_matcher_reports_a_set_once_even_if_listed_twice() -> None:
    """It should not repeat a match when two entries name the same brand."""
    matcher = Matcher([(BRAND, ["acme"]), (Match("brand", "Acme"), ["acme inc"])])
    assert matcher.match("acme inc") == [BRAND]


def test_matcher_error_names_the_set_and_query() -> None:
    """It should say which brand, product or competitor holds the bad query."""
    with pytest.raises(QueryError) as caught:
        Matcher([(BRAND, ["acme"]), (RIVAL, ["globex", "globex AND"])])
    assert "competitor 'Globex', query 2" in str(caught.value)
    assert caught.value.position == 7


def test_matches_long_text_quickly() -> None:
    """It should evaluate a query over a long text without backtracking blowups."""
    query = compile_query('(acme OR "acme cloud" OR #acme OR @acme) -hotel -"acme inn"')
    text = "acme " + "a" * 200_000 + " hotel"
    assert query.matches(text) is False
    assert query.matches("acme " * 20_000) is True
