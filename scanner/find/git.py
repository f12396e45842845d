"""The one place that runs git, hardened against the repository it is asked about.

The scanned repository is untrusted: its ``.git/config`` may name commands git would run for us
(``core.fsmonitor`` runs on ``ls-files``; hooks, pagers). Every call therefore turns those off on
the command line (which outranks the repository's config), trusts the one folder it is asked
about (``safe.directory``: a checkout owned by another user, as in CI containers, still lists its
files, and nothing it configures can run), takes no optional locks (a scan never writes the
index) and never prompts. Callers get the output or None; git errors are never raised.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Sequence
from pathlib import Path

TIMEOUT_SECONDS = 60

HARDENING = (
    "--no-pager",
    "-c",
    "core.fsmonitor=false",
    "-c",
    "core.hooksPath=/dev/null",
    "-c",
    "core.untrackedCache=false",
    "-c",
    "core.pager=cat",
)
"""Options before every subcommand: no fsmonitor command, no hooks, no pager."""

_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat"}
"""Variables set for git; the rest of the caller's environment (the user's, not the
repository's) passes through unchanged."""


def command(folder: Path, args: Sequence[str]) -> list[str]:
    """The hardened git command line for ``args`` run in ``folder``."""
    trust = ("-c", f"safe.directory={folder.resolve().as_posix()}")
    return ["git", *HARDENING, *trust, *args]


def environment() -> dict[str, str]:
    """The process environment for git: the caller's, with no prompts, pager or locks."""
    return {**os.environ, **_ENV}


def run(folder: Path, args: Sequence[str], given: bytes = b"") -> bytes | None:
    """stdout of ``git ARGS`` in ``folder`` with ``given`` on its stdin, or None when git is
    missing or fails."""
    try:
        done = subprocess.run(
            command(folder, args),
            cwd=folder,
            env=environment(),
            input=given,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def toplevel(folder: Path) -> Path | None:
    """The work tree containing ``folder``, or None outside git.

    A top level that does not contain ``folder`` (a repository whose config moves
    ``core.worktree`` elsewhere) is not believed.
    """
    out = run(folder, ["rev-parse", "--show-toplevel"])
    text = out.decode("utf-8", "surrogateescape").strip() if out else ""
    if not text:
        return None
    top = Path(text).resolve()
    return top if folder.resolve().is_relative_to(top) else None


def listed_files(root: Path) -> list[str] | None:
    """Repo-relative names git knows (tracked, plus untracked not ignored); None outside git."""
    out = run(root, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
    if out is None:
        return None
    return sorted({name for name in out.decode("utf-8", "surrogateescape").split("\0") if name})


def blobs(folder: Path, rev: str, paths: Sequence[str]) -> dict[str, bytes | None] | None:
    """The bytes of each of ``paths`` (relative to ``folder``) in commit ``rev``, None for a
    path that is not in it; None when git cannot answer (no repository, no such commit, a
    path it cannot be asked about: a line break in its name)."""
    if any("\n" in path or "\r" in path for path in paths):
        return None
    asked = [f"{rev}^{{commit}}", *(f"{rev}:./{path}" for path in paths)]
    out = run(
        folder, ["cat-file", "--batch"], "\n".join([*asked, ""]).encode("utf-8", "surrogateescape")
    )
    answers = None if out is None else _batch(out, len(asked))
    if answers is None or answers[0] is None or answers[0][0] != b"commit":
        return None  # no such commit
    found: dict[str, bytes | None] = {}
    for path, answer in zip(paths, answers[1:], strict=True):
        if answer is not None and answer[0] != b"blob":
            return None  # a folder there: not a file's version
        found[path] = None if answer is None else answer[1]
    return found


def _batch(out: bytes, count: int) -> list[tuple[bytes, bytes] | None] | None:
    """``git cat-file --batch``'s ``count`` answers in order: (type, bytes), or None for
    ``<name> missing``; None when the output is not that."""
    answers: list[tuple[bytes, bytes] | None] = []
    at = 0
    for _ in range(count):
        end = out.find(b"\n", at)
        if end < 0:
            return None
        header = out[at:end].split(b" ")
        if header[-1] == b"missing":
            answers.append(None)
            at = end + 1
            continue
        if len(header) != 3 or not header[2].isdigit():
            return None
        size = int(header[2])
        answers.append((header[1], out[end + 1 : end + 1 + size]))
        at = end + 2 + size
    return answers
