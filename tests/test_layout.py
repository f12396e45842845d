"""The tree reads as the pipeline: stages import earlier stages only; modules stay small.

find -> resolve -> decide -> report -> front ends, with the shared records (and the database)
below them all. See docs/architecture.md.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_MODULE_LINES = 500  # lines of code: blank lines, comments and docstrings aside
MAX_FUNCTION_LINES = 50

STAGES = (
    ("license_db",),
    ("scanner.types", "scanner.rules", "scanner.context", "scanner.tomlsafe"),
    ("scanner.find",),
    ("scanner.resolve",),
    ("scanner.decide",),
    ("scanner.report",),
    (
        "scanner.scan",
        "scanner.progress",
        "scanner.explain",
        "scanner.action",
        "scanner.replay",
        "scanner.stamps",
        "scanner.cli",
        "scanner.__main__",
    ),
)
"""Each row may import the rows above it and itself, never a row below."""


def _modules() -> list[tuple[str, Path]]:
    found = []
    for package in ("scanner", "license_db"):
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found.append((".".join(parts), path))
    return found


MODULES = _modules()


def _stage(module: str) -> int:
    if module == "scanner":  # the package's own __init__: shared
        return 1
    for index, prefixes in enumerate(STAGES):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} belongs to no stage: add it to STAGES")


def _imports(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".")[: len(module.split(".")) - node.level + is_package]
                base = ".".join([*anchor, base] if base else anchor)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in ("scanner", "license_db")}


def _existing(name: str) -> str | None:
    known = {module for module, _ in MODULES}
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_a_stage_imports_only_the_stages_before_it(module: str, path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = _stage(module)
    later = sorted(
        target
        for name in _imports(tree, module, path.name == "__init__.py")
        if (target := _existing(name)) is not None and _stage(target) > own
    )
    assert later == [], f"{module} imports a later stage"


def _code_lines(tree: ast.Module, text: str) -> int:
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                skip.update(range(body[0].lineno, (body[0].end_lineno or body[0].lineno) + 1))
    lines = text.splitlines()
    return sum(
        1
        for number, line in enumerate(lines, 1)
        if line.strip() and not line.strip().startswith("#") and number not in skip
    )


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m for m, _ in MODULES])
def test_modules_and_functions_stay_small(module: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    assert _code_lines(tree, text) <= MAX_MODULE_LINES, f"{module} is two modules waiting"
    long = [
        f"{node.name}: {node.end_lineno - node.lineno + 1} lines"
        for node in ast.walk(tree)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_every_stage_is_a_package_with_a_docstring() -> None:
    for package in ("find", "find/extractors", "find/extractors/python", "resolve", "decide"):
        init = ROOT / "scanner" / package / "__init__.py"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), package
