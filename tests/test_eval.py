"""The evaluation script: its metrics, and the classifier's figures on the held-out part."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from eval.score import load, prf, priority_auc, roc_auc, run

ROOT = Path(__file__).parent.parent


def test_metrics() -> None:
    """It should compute precision, recall, F1 and ROC AUC (ties count half)."""
    assert prf([True, True, False, False], [True, False, True, False]) == (0.5, 0.5, 0.5)
    assert prf([True], [False]) == (0.0, 0.0, 0.0)
    assert roc_auc([3, 2], [1, 0]) == 1.0
    assert roc_auc([1], [1]) == 0.5
    assert roc_auc([0], [1, 2]) == 0.0


def test_the_set_is_large_bilingual_and_split() -> None:
    """It should hold 300+ labelled mentions in English and Danish in parts that share none."""
    tuning, heldout, unseen = load("tuning"), load("heldout"), load("unseen")
    assert len(tuning) + len(heldout) + len(unseen) >= 300 and len(heldout) >= 90
    assert {p.language for p in heldout} == {p.language for p in unseen} == {"en", "da"}
    texts = [{p.text for p in part} for part in (tuning, heldout, unseen)]
    assert not (texts[0] & texts[1] or texts[0] & texts[2] or texts[1] & texts[2])


@pytest.mark.parametrize(("part", "complaint", "question", "auc"), [
    ("heldout", 0.9, 0.9, 0.9),  # written alongside the tuning part: an upper bound
    ("unseen", 0.8, 0.9, 0.8),  # written after all tuning: the honest figure (0.86/0.95/0.84)
])
def test_figures_hold(part: str, complaint: float, question: float, auc: float) -> None:
    """It should keep complaint F1, question F1 and priority AUC at their measured floors."""
    from eval.score import f1_table

    scored = run(load(part))
    f1 = {cat: f for cat, _, _, _, f in f1_table(scored)}
    assert f1["complaint"] >= complaint
    assert f1["question"] >= question
    assert priority_auc(scored) >= auc


@pytest.mark.parametrize("flag", [[], ["--errors"]])
def test_script_prints_both_parts(flag: list[str]) -> None:
    """It should print per-category figures and AUC for both parts, misses only for tuning."""
    out = subprocess.run([sys.executable, "-m", "eval", *flag], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert "## tuning: " in out and "## heldout: " in out and "## unseen: " in out
    assert out.count("priority ROC AUC") == 3 and "complaint" in out
    assert ("## tuning misses" in out) == bool(flag)
    assert "heldout misses" not in out and "unseen misses" not in out
