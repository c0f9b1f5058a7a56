"""Fixtures of the adversarial suite: servers that live for a whole attack module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.loopback import LoopbackServer


@pytest.fixture(scope="module")
def server() -> Iterator[LoopbackServer]:
    """One loopback server for a module whose attacks share a single CLI run."""
    started = LoopbackServer().start()
    try:
        yield started
    finally:
        started.stop()
