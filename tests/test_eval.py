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


def test_heldout_meets_the_aims() -> None:
    """It should reach complaint F1 >= 0.75, question F1 >= 0.8 and AUC >= 0.8 held out."""
    from eval.score import f1_table

    scored = run(load("heldout"))
    f1 = {cat: f for cat, _, _, _, f in f1_table(scored)}
    assert f1["complaint"] >= 0.75
    assert f1["question"] >= 0.8
    assert priority_auc(scored) >= 0.8


@pytest.mark.parametrize("flag", [[], ["--errors"]])
def test_script_prints_both_parts(flag: list[str]) -> None:
    """It should print per-category figures and AUC for both parts, misses only for tuning."""
    out = subprocess.run([sys.executable, "-m", "eval", *flag], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    assert "## tuning: " in out and "## heldout: " in out and "## unseen: " in out
    assert out.count("priority ROC AUC") == 3 and "complaint" in out
    assert ("## tuning misses" in out) == bool(flag)
    assert "heldout misses" not in out and "unseen misses" not in out
