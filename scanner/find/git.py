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


def run(folder: Path, args: Sequence[str]) -> bytes | None:
    """stdout of ``git ARGS`` in ``folder``, or None when git is missing or fails."""
    try:
        done = subprocess.run(
            command(folder, args),
            cwd=folder,
            env=environment(),
            stdin=subprocess.DEVNULL,
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
