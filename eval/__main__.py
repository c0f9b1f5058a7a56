"""``python -m eval [--errors]``: the classifier's figures on the tuning and held-out parts.

``--errors`` lists the tuning part's misclassified posts with the classifier's reason; the
held-out part's posts are never listed.
"""

from __future__ import annotations

import argparse

from eval.score import (
    PARTS,
    Scored,
    classify_micros,
    f1_table,
    load,
    negative_baseline_f1,
    priority_auc,
    run,
)


def main() -> None:
    """Score every part and print its table."""
    parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list the tuning part's misses")
    args = parser.parse_args()
    for part in PARTS:
        scored = run(load(part))
        print(report(part, scored, classify_micros(scored)))
        if args.errors and part == "tuning":
            print(errors(scored))


def report(part: str, scored: list[Scored], micros: float) -> str:
    """One part's table: per category P/R/F1, accuracy, priority AUC and speed."""
    lines = [f"## {part}: {len(scored)} mentions", "",
             f"{'category':<12}{'n':>4}{'precision':>11}{'recall':>8}{'F1':>7}"]
    for cat, n, p, r, f in f1_table(scored):
        lines.append(f"{cat:<12}{n:>4}{p:>11.2f}{r:>8.2f}{f:>7.2f}")
    right = sum(s.mention.category == s.post.category for s in scored)
    lines += ["", f"accuracy {right / len(scored):.2f}",
              f"priority ROC AUC, needs a person vs rest: {priority_auc(scored):.3f}",
              f"complaint F1 of 'sentiment is negative' alone: {negative_baseline_f1(scored):.2f}",
              f"{micros:.1f} µs per mention for category and priority", ""]
    return "\n".join(lines)


def errors(scored: list[Scored]) -> str:
    """The misclassified posts: label, guess, the classifier's reason and the text."""
    lines = ["## tuning misses", ""]
    for s in scored:
        if s.mention.category != s.post.category:
            lines.append(f"{s.post.category} -> {s.mention.category} "
                         f"({s.mention.sentiment.compound:+.2f}; {s.reason}): {s.post.text}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
