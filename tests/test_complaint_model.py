"""The complaint model: the shipped file is what training on the tuning part makes, and its
evidence explains itself."""

from __future__ import annotations

from pathlib import Path

from core.analysis.complaint_model import features, load, log_odds
from eval.score import load as load_posts
from eval.train import TARGET, train


def test_shipped_model_is_what_training_makes() -> None:
    """It should ship exactly the model `python -m eval.train` makes from the tuning part."""
    assert TARGET.read_text(encoding="utf-8") == train(load_posts("tuning"))
    assert Path(TARGET).parent.name == "analysis" and len(load().weights) > 200


def test_features_are_words_and_pairs() -> None:
    """It should read lower-cased words and adjacent pairs."""
    assert features("Still WAITING, again") == {"still", "waiting", "again", "still waiting",
                                                 "waiting again"}


def test_log_odds_lean_and_explain() -> None:
    """It should lean towards complaint for a story of loss, away for thanks, and say why."""
    odds, pushing = log_odds("I ordered it weeks ago and now the app says my order is gone")
    assert odds > 0 and pushing
    assert all(feature in features("I ordered it weeks ago and now the app says my order is "
                                   "gone") for feature in pushing)
    assert log_odds("Thank you, lovely beans, great tip!")[0] < 0
