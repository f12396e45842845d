"""Which files a scan reports on, and which it only reads for them.

* No paths: the whole repository is reported.
* ``scan PATH``: the files under PATH are reported (references named there, wherever the loader
  that reads them is); the modules they import are read as context, so a model a file passes
  to a loader elsewhere in the repository is found.
* ``scan --changed FILE...`` (the pre-commit hook): the changed files and the files that
  import them (``dependents``) are checked; of an importer, what the change can alter is
  reported (``change``: the findings of an extraction that read a part of a changed file the
  change altered); the whole repository when a changed file is a setting every finding depends
  on (the policy, the baseline).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scanner.context import RepoContext
from scanner.find import change as change_mod
from scanner.find import dependents as deps
from scanner.find.discover import MAX_FILES, SourceFile, discover, run_files, walk
from scanner.types import FileError

if TYPE_CHECKING:
    from scanner.find.module_index import ModuleIndex


@dataclass(frozen=True, slots=True)
class Plan:
    """The files reported on, those passed over, the files only read, a note on why, and the
    change the files were planned for (``--changed`` with importers to check)."""

    files: tuple[SourceFile, ...]
    skipped: tuple[FileError, ...] = ()
    context: tuple[SourceFile, ...] = ()
    note: str | None = None
    change: change_mod.Change | None = None


def plan(
    root: Path,
    paths: Sequence[Path],
    exclude: Sequence[Path],
    settings: Sequence[Path],
    *,
    changed: bool = False,
    ignore: Sequence[str] = (),
    max_files: int = MAX_FILES,
    modules: ModuleIndex | None = None,
) -> Plan:
    """The plan for scanning ``paths`` under ``root`` (see the module docstring).

    ``exclude`` are never scanned (the policy and baseline given by name); ``settings`` are the
    files every finding depends on (the policy and baseline in use); ``ignore`` are the policy's
    ``[paths] exclude`` globs: files never reported on, read only as context; at most
    ``max_files`` files are scanned (the rest are reported as skipped); ``modules`` keeps what
    the import graph read of each module (the extraction cache's: None without it).
    """
    run_files.cache_clear()  # the repository as it is now (a process may plan twice)
    planned = _plan(root, paths, exclude, settings, changed, ignore, max_files, modules)
    if modules is not None:
        modules.save()  # what the graph read, for the next run
    return planned


def _plan(
    root: Path,
    paths: Sequence[Path],
    exclude: Sequence[Path],
    settings: Sequence[Path],
    changed: bool,
    ignore: Sequence[str],
    max_files: int,
    modules: ModuleIndex | None,
) -> Plan:
    """``plan``, the module index left to save."""
    whole = not paths or (changed and _any_same(paths, settings))
    found = discover(root, () if whole else paths, exclude, max_files)
    files, note, change = found.files, None, None
    if whole and paths:
        note = "the policy or baseline changed: checking the whole repository"
    code = any(deps.is_code(f.path) for f in files)
    graph = repository_graph(root, modules) if code and not whole else None
    if changed and graph is not None:
        given = files
        files, note = _with_dependents(root, graph, files, exclude)
        if len(files) > len(given):
            change = change_mod.before(root, [f.path for f in given])
    kept = tuple(f for f in files if not excluded(f.path, ignore))
    skipped = tuple(e for e in found.skipped if not excluded(e.path, ignore))
    if whole and len(kept) == len(files):
        return Plan(files, skipped, note=note)  # every file is reported: no context needed
    reported = {f.path for f in kept}
    if not any(deps.is_code(path) for path in reported):
        return Plan(kept, skipped, note=note, change=change)  # only code imports code
    used = deps.providers(graph or repository_graph(root, modules), reported)
    context = discover(root, [root / path for path in sorted(used)], exclude).files if used else ()
    return Plan(kept, skipped, tuple(f for f in context if f.path not in reported), note, change)


def excluded(path: str, patterns: Sequence[str]) -> bool:
    """True when ``path`` or one of its folders matches one of the glob ``patterns``."""
    if not patterns:
        return False
    parts = path.split("/")
    prefixes = ["/".join(parts[:i]) for i in range(1, len(parts) + 1)]
    return any(fnmatch.fnmatchcase(p, pattern) for p in prefixes for pattern in patterns)


def _with_dependents(
    root: Path, graph: deps.ImportGraph, files: tuple[SourceFile, ...], exclude: Sequence[Path]
) -> tuple[tuple[SourceFile, ...], str | None]:
    """``files`` and the files whose findings depend on them, with a note when there are any."""
    extra = deps.dependents(graph, [f.path for f in files])
    if not extra:
        return files, None
    more = set(discover(root, [root / path for path in sorted(extra)], exclude).files)
    more -= set(files)
    note = (
        f"also checking {_count(len(more), 'file')} importing the changed ones "
        "(reported: what the change can alter)"
    )
    return tuple(sorted({*files, *more}, key=lambda f: f.path)), note


def repository_graph(root: Path, modules: ModuleIndex | None = None) -> deps.ImportGraph:
    """The import graph of the Python modules and notebooks git lists (or a walk finds), from
    what ``modules`` kept of the unchanged ones when given."""
    listed = run_files(root)
    paths = [rel for rel in (listed if listed is not None else walk(root)) if deps.is_code(rel)]
    if modules is not None:
        return modules.graph(paths)
    ctx = RepoContext(root)
    texts = {rel: text for rel in paths if (text := ctx.read_text(rel)) is not None}
    return deps.ImportGraph.from_texts(texts)


def _any_same(paths: Sequence[Path], settings: Sequence[Path]) -> bool:
    wanted = {path.resolve() for path in settings}
    return any(path.resolve() in wanted for path in paths)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
