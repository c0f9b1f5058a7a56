"""``python -m eval.train``: train the complaint model on the tuning part and write it into the
package (``core/analysis/complaint_model.json``). Deterministic: the same posts give the same
file, byte for byte (tests check the shipped file is what this makes).

Naive Bayes over words and word pairs with add-one smoothing; features seen in fewer than
``MIN_COUNT`` posts are dropped (a one-off word says nothing general), and so are those in more
than ``MAX_SHARE`` of them (function words, which mostly measure how long a post is).
"""

from __future__ import annotations

import json
import math
import sys
from collections import Counter
from pathlib import Path

from core.analysis.categories import COMPLAINT
from core.analysis.complaint_model import MODEL_FILE, features
from eval.score import Labelled, load

MIN_COUNT = 3
MAX_SHARE = 0.2  # a feature in more than a fifth of all posts ("and", "og") only measures length
DIGITS = 4  # weights rounded: a smaller file, the same decisions
TARGET = Path(__file__).parent.parent / "core" / "analysis" / MODEL_FILE


def train(posts: list[Labelled]) -> str:
    """The model file's text for ``posts``."""
    complaints: Counter[str] = Counter()
    others: Counter[str] = Counter()
    n_complaints = sum(p.category == COMPLAINT for p in posts)
    n_others = len(posts) - n_complaints
    for post in posts:
        (complaints if post.category == COMPLAINT else others).update(features(post.text))
    weights = {}
    for feature in sorted(set(complaints) | set(others)):
        seen = complaints[feature] + others[feature]
        if MIN_COUNT <= seen <= MAX_SHARE * len(posts):
            ratio = ((complaints[feature] + 1) / (n_complaints + 2)) / (
                (others[feature] + 1) / (n_others + 2))
            weights[feature] = round(math.log(ratio), DIGITS)
    prior = round(math.log(n_complaints / n_others), DIGITS)
    return json.dumps({"prior": prior, "weights": weights}, ensure_ascii=False, indent=0) + "\n"


def main() -> None:
    """Train on the tuning part and write the model into the package."""
    TARGET.write_text(train(load("tuning")), encoding="utf-8")
    sys.stdout.write(f"wrote {TARGET}\n")


if __name__ == "__main__":
    main()
