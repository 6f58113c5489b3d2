"""Fixtures shared by the modules of tests/pipelines (the running tests were one module, split
in two so the workers share them)."""

from __future__ import annotations

import pytest


@pytest.fixture
def baseline(shipped_edition):
    """The session's one uninterrupted refresh on the shipped data (tests/conftest.py): the
    tables every run here must reproduce. Only read (the README's requests use a copy)."""
    return shipped_edition["edition"]
