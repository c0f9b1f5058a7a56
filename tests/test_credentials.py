"""Tokens from environment variables and owner-only files, never shown."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from core.model import SourceConfig
from core.net.credentials import (
    CredentialError,
    Secret,
    check_owner_only,
    read_token_file,
    resolve_secret,
    resolve_token,
)

TOKEN = "tok-3f9a-very-secret"


def _source(token_env: str | None) -> SourceConfig:
    return SourceConfig(name="masto", kind="mastodon", url="https://m.example", token_env=token_env)


def test_token_from_named_variable() -> None:
    """It should read the token from the variable token_env names, trimmed."""
    assert resolve_token(_source("MASTO_TOKEN"), {"MASTO_TOKEN": f" {TOKEN}\n"}) == TOKEN


def test_no_token_env_means_no_token() -> None:
    """It should return None when the source names no variable."""
    assert resolve_token(_source(None), {"MASTO_TOKEN": TOKEN}) is None


@pytest.mark.parametrize("env", [{}, {"MASTO_TOKEN": ""}, {"MASTO_TOKEN": "  "}])
def test_missing_variable_is_named(env: dict[str, str]) -> None:
    """It should name the missing or empty variable and the source, and say what to do."""
    with pytest.raises(CredentialError) as caught:
        resolve_token(_source("MASTO_TOKEN"), env)
    assert "MASTO_TOKEN" in caught.value.message and "'masto'" in caught.value.message
    assert "export MASTO_TOKEN" in caught.value.message


def test_secret_hides_its_value() -> None:
    """It should keep the value out of repr, str, format and pickles."""
    secret = resolve_secret(_source("T"), {"T": TOKEN})
    assert secret is not None and secret.reveal() == TOKEN
    shown = [repr(secret), str(secret), f"{secret}", f"{secret!r}", repr([secret])]
    assert all(TOKEN not in text for text in shown)
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert secret == Secret(TOKEN) and secret != Secret("other")


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o660, 0o602])
def test_readable_token_file_refused_with_chmod(tmp_path: Path, mode: int) -> None:
    """It should refuse a token file others can read or write, giving the chmod to run."""
    path = tmp_path / "token"
    path.write_text(TOKEN)
    path.chmod(mode)
    with pytest.raises(CredentialError) as caught:
        read_token_file(path)
    assert f"chmod 600 {path}" in caught.value.message and TOKEN not in caught.value.message


def test_owner_only_token_file_read(tmp_path: Path) -> None:
    """It should read the first line of a file only its owner can read."""
    path = tmp_path / "token"
    path.write_text(f"{TOKEN}\nignored\n")
    path.chmod(0o600)
    check_owner_only(path)
    assert read_token_file(path).reveal() == TOKEN


def test_missing_and_empty_files(tmp_path: Path) -> None:
    """It should say which file is missing or empty."""
    with pytest.raises(CredentialError, match="cannot read"):
        read_token_file(tmp_path / "absent")
    empty = tmp_path / "empty"
    empty.write_text("")
    empty.chmod(0o600)
    with pytest.raises(CredentialError, match="is empty"):
        read_token_file(empty)


def test_redact_blanks_a_cut_token_and_tokens_that_share_a_beginning() -> None:
    """It should blank a token's 8+ character beginning left by a cut, and two JWTs that start
    alike both in full (neither hides the rest of the other)."""
    from core.net.credentials import redact

    access = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhY2Nlc3MifQ.c2lnLWFjY2Vzcw"
    refresh = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWZyZXNoIn0.c2lnLXJlZnJlc2g"
    text = f"bad: {refresh} and, cut, {access[:12]}"
    assert redact(text, [access, refresh]) == "bad: [redacted] and, cut, [redacted]"
    assert redact(f"tail {access[:7]}", [access]) == f"tail {access[:7]}"  # too short to tell


def test_a_pasted_token_is_not_a_plausible_variable_name() -> None:
    """It should tell variable names from tokens pasted in their place."""
    from core.net.credentials import plausible_env_name

    assert plausible_env_name("MASTODON_TOKEN") and plausible_env_name("bsky_app_password")
    for pasted in ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", "glpat-abc", "Zq8Lr2Vx6Nc4Hb1Jd9Kf3",
                   "x" * 65, "has space"):
        assert not plausible_env_name(pasted), pasted
