"""Customer-service language: sentiment of a message to a brand, adjusted where the general
lexicons misread it; plain scoring stays exactly VADER."""

from __future__ import annotations

import pytest

from core.analysis.sentiment import score
from core.model import Label

ADJUSTED = [
    ("en", "Returned it 11 weeks ago and I am still waiting for the refund. #help", Label.NEGATIVE),
    ("en", "please help, no reply to three emails", Label.NEGATIVE),
    ("en", "fine, I'll just wait another week", Label.NEUTRAL),
    ("en", "How to fix the squeak, new video up! No tools needed.", Label.NEUTRAL),
    ("en", "No problem at all after a year, love it", Label.POSITIVE),
    ("en", "Thanks for nothing.", Label.NEGATIVE),
    ("da", "Jeg venter stadig på svar. #hjælp", Label.NEGATIVE),
    ("da", "Pakken er ikke leveret, og kedlen passer ikke.", Label.NEGATIVE),
    ("da", "Fint, så venter jeg en uge mere.", Label.NEGATIVE),
]


@pytest.mark.parametrize(("language", "text", "label"), ADJUSTED)
def test_service_language(language: str, text: str, label: Label) -> None:
    """It should read requests as requests and service failures as negative."""
    assert score(text, language, service=True).label is label


def test_plain_score_is_unchanged() -> None:
    """It should leave plain scoring alone: #help stays warm to VADER."""
    text = "Still waiting for the refund. #help"
    assert score(text, "en").label is Label.POSITIVE
    assert score(text, "en", service=True).label is Label.NEGATIVE


def test_drivers_name_the_failure_phrases() -> None:
    """It should name the service phrases that moved the score, not the neutralised words."""
    drivers = score("Still waiting, no reply. Please help", "en", service=True).drivers
    assert drivers[:2] == ("still waiting", "no reply")
    assert "help" not in drivers and "please" not in drivers
