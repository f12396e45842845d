"""The policy's ``[paths]`` section: the repository files whose references are not reported.

```toml
[paths]
exclude = ["third_party/**", "docs/*.ipynb", "benchmarks/"]
```

Each entry is a glob matched against repo-relative POSIX paths (``fnmatch``, case-sensitive:
``*`` also crosses ``/``); a pattern naming a folder (``benchmarks`` or ``benchmarks/``) excludes
everything under it. An excluded file's references are not reported, but a module there is still
read when a reported file passes a model to it (its loader decides what the caller names).
"""

from __future__ import annotations

from collections.abc import Callable

PATHS_KEYS = ("exclude",)

Problem = Callable[[str, str], None]
"""Records a problem: (dotted key, message), placed at the key's line by the policy reader."""


def read_exclude(value: object, problem: Problem) -> tuple[str, ...]:
    """``paths.exclude``'s globs (trailing ``/`` dropped); each problem through ``problem``."""
    if value is None:
        return ()
    if not isinstance(value, list):
        problem("paths.exclude", f"paths.exclude must be an array of strings, not {_kind(value)}")
        return ()
    out: list[str] = []
    for index, item in enumerate(value):
        message = _glob_problem(item)
        if message is None and isinstance(item, str):
            out.append(item.rstrip("/"))
        else:
            problem(f"paths.exclude[{index}]", message or "invalid pattern")
    return tuple(out)


def _glob_problem(item: object) -> str | None:
    """Why ``item`` is not a usable pattern, or None."""
    if not isinstance(item, str):
        return f"paths.exclude entries must be strings, not {_kind(item)}"
    if not item.strip("/ "):
        return "empty pattern (it would exclude nothing; remove it)"
    if item.startswith("/") or "\\" in item or ".." in item.split("/"):
        return f"pattern {item!r} must be relative to the repository root, with '/' separators"
    if item.count("[") != item.count("]"):
        return f"pattern {item!r} has an unbalanced '['"
    return None


def _kind(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "an array", dict: "a table"}
    return names.get(type(value), type(value).__name__)
