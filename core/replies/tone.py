"""The tone of a draft: its own sentiment, and a warning when it would pour oil on a fire.

Answering an unhappy person in a negative voice ("unfortunately we can't…", "that's not our
fault") is how a complaint becomes a pile-on, so a draft that reads negative in reply to a
negative mention is flagged. The score is the same one mentions get (core.analysis.sentiment)
in the mention's language, so a Danish reply to a Danish complaint is read as Danish.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.analysis.sentiment import score
from core.model import Label, Sentiment


@dataclass(frozen=True, slots=True)
class Tone:
    """A draft's sentiment and, when it needs one, a warning in words."""

    sentiment: Sentiment
    warning: str | None

    def describe(self) -> str:
        """One line for the editor: ``tone: negative (-0.54: sorry, fault)``."""
        s = self.sentiment
        why = f": {', '.join(s.drivers)}" if s.drivers else ""
        if s.method == "none":
            return "tone: not scored (empty or a language without a sentiment model)"
        return f"tone: {s.label} ({s.compound:+.2f}{why})"


def tone_of(draft: str, *, mention_label: str, language: str) -> Tone:
    """The draft's tone, read in ``language``, against the mention's sentiment label."""
    sentiment = score(draft, language)
    warning = None
    if mention_label == Label.NEGATIVE and sentiment.label is Label.NEGATIVE:
        warning = ("this reply reads negative, and the mention already is: "
                   "lead with what you will do for them")
    return Tone(sentiment, warning)
