"""The files a scan hands to its workers (extracted, not served from the cache), counted by
wrapping ``isolate.run``: what the cache tests assert instead of timing; the small trees they
write, and the edit-and-extract-again round they share."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from scanner.find import isolate
from scanner.find.cache import ExtractionCache
from scanner.find.discover import SourceFile
from scanner.scan import extract_all
from scanner.types import Extraction, SourceKind


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


def write_tree(root: Path, files: Mapping[str, str | None]) -> Path:
    """``root`` with each of ``files`` written as given, byte for byte (None: removed)."""
    for name, text in files.items():
        target = root / name
        if text is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8", newline="")
    return root


Edited = tuple[list[str], list[Extraction], list[Extraction]]
"""The files extracted again after an edit, the extractions with the cache, without it."""


def edited(
    tmp: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: Mapping[str, str],
    edit: Mapping[str, str | None],
) -> Edited:
    """Python ``files`` extracted with a cache under ``tmp``, ``edit`` written, and extracted
    again (the files still there): what was extracted again, and both extractions."""
    root = write_tree(tmp / "repo", files)
    sources = [SourceFile(name, SourceKind.PYTHON) for name in files]
    cache = ExtractionCache(tmp / "cache", "salt")
    extract_all(root, sources, 1, cache)
    with extractions(monkeypatch) as runs:
        write_tree(root, edit)
        sources = [f for f in sources if (root / f.path).is_file()]
        warm = extract_all(root, sources, 1, cache)
    return flat(runs), warm, extract_all(root, sources, 1, None)
