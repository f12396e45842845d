"""The files a scan hands to its workers (extracted, not served from the cache), counted by
wrapping ``isolate.run``: what the cache tests assert instead of timing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from scanner.find import isolate


@contextmanager
def extractions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[str]]]:
    """Inside, each call of ``isolate.run`` adds the list of the files it extracts."""
    runs: list[list[str]] = []
    real_run = isolate.run

    def counting_run(work: Any, tasks: Any, *args: Any, **kwargs: Any) -> Any:
        runs.append([task[1].path for task in tasks])
        return real_run(work, tasks, *args, **kwargs)

    monkeypatch.setattr(isolate, "run", counting_run)
    try:
        yield runs
    finally:
        monkeypatch.setattr(isolate, "run", real_run)


def flat(runs: list[list[str]]) -> list[str]:
    """Every file extracted, in order."""
    return [path for run in runs for path in run]
