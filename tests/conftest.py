"""Shared test setup: scans never write to the user's cache folder."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _private_extraction_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each test's scans use a fresh extraction cache of their own (never ``~/.cache``)."""
    folder: Path = tmp_path_factory.mktemp("extraction-cache")
    monkeypatch.setenv("MLG_CACHE_DIR", str(folder))
