"""The feedback categories, defined once: every part of listenpost that names one reads it here.

The social feedback cycle sorts what customers say into the kinds of thing a team can act on:
ideas for the product, problems and complaints (the early warnings), questions, praise, new
uses of the product, tips customers give each other, news of competitors, public sentiment on
regulation, and the rest. The classifier emits these ids, the inbox's category picker lists
them, the sidebar's SQL counts name them (``sql_list``), exports print them, and routing sends
each to its default team. An id is what the database stores, so ids never change; labels are
what people read, in English and Danish.

"complaint" is one category for problems, complaints and early warnings alike: its labels read
"Problem / complaint" and "Problem / klage", the same first word in both languages.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    """One feedback category: its stored id, its labels and the team that owns it by default."""

    id: str
    english: str
    danish: str
    team: str | None  # None: nobody owns it by default


IDEA = "idea"
COMPLAINT = "complaint"
QUESTION = "question"
PRAISE = "praise"
NEW_USE = "new_use"
TIP = "tip"
COMPETITOR = "competitor"
REGULATION = "regulation"
OTHER = "other"

# Picker order: what a person files most often first (the inbox's digit keys follow it).
CATEGORIES: tuple[Category, ...] = (
    Category(QUESTION, "Question / support need", "Spørgsmål / brug for hjælp", "support"),
    Category(COMPLAINT, "Problem / complaint", "Problem / klage", "support"),
    Category(IDEA, "Idea / feature request", "Idé / ønske", "product"),
    Category(PRAISE, "Praise / testimonial", "Ros / anbefaling", "marketing"),
    Category(NEW_USE, "New use", "Ny anvendelse", "product"),
    Category(TIP, "User-to-user tip", "Tip fra bruger til bruger", "support"),
    Category(COMPETITOR, "Competitor", "Konkurrent", "sales"),
    Category(REGULATION, "Regulation", "Regulering", "communications"),
    Category(OTHER, "Other", "Andet", None),
)

CATEGORY_IDS: tuple[str, ...] = tuple(c.id for c in CATEGORIES)

# Categories whose mentions want a reply from a person (the "Needs reply" view counts them).
REPLY_CATEGORIES: tuple[str, ...] = (QUESTION, COMPLAINT)


def category(category_id: str) -> Category:
    """The category with this id (KeyError if there is none)."""
    for c in CATEGORIES:
        if c.id == category_id:
            return c
    raise KeyError(category_id)


def sql_list(ids: tuple[str, ...]) -> str:
    """``ids`` as an SQL list of string literals, e.g. ``('question', 'complaint')``."""
    return "(" + ", ".join(f"'{i}'" for i in ids) + ")"
