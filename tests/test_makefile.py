"""The first ``make run``: creating .venv prints no wall of setuptools warnings."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_installing_prints_no_setuptools_warnings(tmp_path: Path) -> None:
    """It should build and install listenpost into a new venv without build warnings."""
    venv = tmp_path / "venv"
    result = subprocess.run(
        ["make", "-s", "-C", str(ROOT), f"VENV={venv}", "INSTALL=--no-deps -e .",
         f"{venv}/.installed"],
        capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stderr
    said = result.stdout + result.stderr
    for noise in ("BuildBackendWarning", "SetuptoolsDeprecationWarning", "deprecated", "!!"):
        assert noise not in said, said
    assert (venv / "bin" / "listenpost").exists()
