"""Shared test setup: scans never write to the user's cache folder; hypothesis profiles for the
fuzz tests: ``ci`` (the default: few examples, derandomized, so a CI run is short and repeatable)
and ``long`` (thousands of random examples, for ``bench/fuzz.py``). Choose one with
``HYPOTHESIS_PROFILE``; ``HYPOTHESIS_EXAMPLES`` overrides the example count."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True, database=None)
settings.register_profile("long", max_examples=2_000, deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
if "HYPOTHESIS_EXAMPLES" in os.environ:
    settings.register_profile(
        "chosen", settings(), max_examples=int(os.environ["HYPOTHESIS_EXAMPLES"])
    )
    settings.load_profile("chosen")


@pytest.fixture(autouse=True)
def _private_extraction_cache(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Each test's scans use a fresh extraction cache of their own (never ``~/.cache``)."""
    folder: Path = tmp_path_factory.mktemp("extraction-cache")
    monkeypatch.setenv("MLG_CACHE_DIR", str(folder))
