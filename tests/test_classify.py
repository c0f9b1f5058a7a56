"""Default category: the cues of each category in English and Danish, intent over form,
hashtags and handles, the brand's own posts, and reasons that name the evidence."""

from __future__ import annotations

import pytest

from core.analysis.classify import categorize, categorize_with_reason
from core.analysis.sentiment import score
from core.model import Match, Mention

BRAND = Match("brand", "Acme")
RIVAL = Match("competitor", "Globex")


def mention(text: str, language: str = "en", **fields: object) -> Mention:
    """A mention scored as enrichment scores it (service-adjusted sentiment)."""
    m = Mention("feed", text=text, matched=[BRAND], sentiment=score(text, language, service=True))
    for name, value in fields.items():
        setattr(m, name, value)
    return m


CATEGORIES = [
    # complaints: waiting, silence, money, failure, broken promises, repetition, sarcasm
    ("en", "Ordered three weeks ago and still waiting. No reply to my emails.", "complaint"),
    ("en", "Charged twice for the same order, please refund.", "complaint"),
    ("en", "The app keeps crashing since the update.", "complaint"),
    ("en", "They promised a callback on Monday. Nothing.", "complaint"),
    ("en", "Great, another update that resets my settings. Thanks a lot.", "complaint"),
    ("en", "Why is my card declined again?", "complaint"),  # asks, but reports a problem
    ("da", "Jeg venter stadig på min refusion, og ingen svarer.", "complaint"),
    ("da", "Appen virker ikke efter opdateringen.", "complaint"),
    ("da", "Tak for ingenting, Acme.", "complaint"),
    # questions: marks, openers, requests for knowledge, in both languages
    ("en", "How do I export my notes", "question"),
    ("en", "Does anyone know if it syncs offline.", "question"),
    ("en", "Is the shop open on Sundays?", "question"),
    ("da", "Hvordan eksporterer jeg mine noter", "question"),
    ("da", "Ved nogen om den kan tåle opvaskemaskine", "question"),
    ("da", "Sender I også til Norge?", "question"),
    # ideas, also when asked or warmly put
    ("en", "Would be great if it had a built-in scale.", "idea"),
    ("en", "Can you add dark mode?", "idea"),
    ("en", "A shared savings goal would be amazing.", "idea"),
    ("da", "Det kunne være fedt med en mørk tilstand.", "idea"),
    ("da", "Savner en eksport til CSV.", "idea"),
    # the rest
    ("en", "Love it, the best grinder I have owned!", "praise"),
    ("en", "Shoutout to support, they replaced my broken lid in a day.", "praise"),
    ("da", "Stor ros til kundeservice, hurtig hjælp.", "praise"),
    ("en", "Tip: run a handful of rice through it to clear the static.", "tip"),
    ("da", "Sådan fikser du en knirkende kværn: lidt fedt på gevindet.", "tip"),
    ("en", "Turns out it is perfect for grinding cardamom.", "new_use"),
    ("da", "Vi bruger kedlen til at vande bonsaitræer.", "new_use"),
    ("en", "The EU regulator proposes new right-to-repair rules.", "regulation"),
    ("da", "Finanstilsynet kigger på gebyrerne.", "regulation"),
    ("en", "We met at the Acme office.", "other"),
    ("da", "Acme åbner en ny butik i Malmø.", "other"),
]


@pytest.mark.parametrize(("language", "text", "category"), CATEGORIES)
def test_categories(language: str, text: str, category: str) -> None:
    """It should file each kind of mention under its category, in English and Danish."""
    assert categorize(mention(text, language)) == category


def test_hashtag_help_is_a_request_and_handles_are_not_words() -> None:
    """It should read #help as a call for help and never read words inside a @handle."""
    assert categorize(mention("Returned it 11 weeks ago. #help")) == "complaint"
    assert categorize(mention("Thanks @BrokenPromiseHelp, lovely chat!")) == "praise"


def test_no_problem_and_no_tools_are_not_complaints() -> None:
    """It should not read "no problem" or "no tools needed" as complaints."""
    assert categorize(mention("How to fix a squeak in 5 minutes, no tools needed!")) == "tip"
    assert categorize(mention("No problem at all after a year of daily use.")) != "complaint"


def test_competitors() -> None:
    """It should file competitor-only mentions and comparisons under 'competitor'."""
    assert categorize(mention("Globex is broken", matched=[RIVAL])) == "competitor"
    assert categorize(mention("Switched from Globex to Acme last month.",
                              matched=[BRAND, RIVAL])) == "competitor"
    assert categorize(mention("Is Globex better than Acme?", matched=[BRAND, RIVAL])) == "question"


def test_reason_names_the_evidence() -> None:
    """It should explain the category by the cues and sentiment that earned it."""
    category, reason = categorize_with_reason(mention("Still waiting for my refund. #help"))
    assert category == "complaint"
    assert "'still waiting'" in reason and "'refund'" in reason and "points" in reason
    category, reason = categorize_with_reason(mention("We met at the office."))
    assert (category, reason) == ("other", "no category has enough evidence")


def test_own_posts_are_not_triaged() -> None:
    """It should give the brand's own posts no category."""
    own = mention("Why not try our new release?", owned=True)
    assert categorize_with_reason(own) == (None, "our own post: not triaged")
