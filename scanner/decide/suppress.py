"""Inline suppressions: ``# model-license-guard: ignore`` or ``ignore[MDL003,MDL011]``.

A comment that ends a line applies to the references on that line; a comment alone on its line
applies to the next line. A bare ``ignore`` covers every code. A code list suppresses a decision
only when it names every code behind the decision's verdict (so a new, unlisted reason still
blocks). Suppressed decisions stay in the report, marked ``suppressed="inline: ignore[...]"``.

Python, YAML, TOML, setup.cfg and requirements files share the ``#`` comment syntax. JSON has no
comments (use a baseline). In a notebook, ``ModelRef.cell`` is the 1-based index among all cells
and ``ModelRef.line`` the line inside that cell (as the notebook extractor numbers them):
comments in that cell's source apply.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from scanner.context import RepoContext
from scanner.types import Decision, Reason, UnresolvedRef, Verdict

UNRESOLVED_CODE = "MDL002"
"""The code an unresolved reference is reported under (``ignore[MDL002]`` suppresses it)."""

Suppressions = dict[int, frozenset[str] | None]
"""1-based line -> codes suppressed on that line (None: every code)."""

SourceKey = tuple[str, int | None]
"""(repo-relative path, notebook cell or None): the text a suppression map was parsed from."""

_DIRECTIVE = re.compile(
    r"#\s*model-license-guard\s*:\s*ignore(?:\[(?P<codes>[^\]]*)\])?(?=[\s#]|$)", re.IGNORECASE
)
_CODE_SPLIT = re.compile(r"[\s,]+")


def parse_suppressions(text: str) -> Suppressions:
    """Map each line of ``text`` to the codes its suppression comments cover."""
    found: Suppressions = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _DIRECTIVE.search(line)
        if match is None:
            continue
        codes = _codes(match.group("codes"))
        _merge(found, number, codes)
        if not line[: match.start()].strip():
            _merge(found, number + 1, codes)  # a comment alone on its line covers the next one
    return found


def _codes(listed: str | None) -> frozenset[str] | None:
    if listed is None:
        return None
    codes = frozenset(code.upper() for code in _CODE_SPLIT.split(listed) if code)
    return codes or None  # "ignore[]" reads as a plain ignore


def _merge(found: Suppressions, line: int, codes: frozenset[str] | None) -> None:
    if line in found:
        old = found[line]
        codes = None if old is None or codes is None else old | codes
    found[line] = codes


def deciding_codes(decision: Decision) -> frozenset[str]:
    """The codes behind a decision's verdict (see ``deciding_reasons``)."""
    return frozenset(reason.code for reason in deciding_reasons(decision))


def deciding_reasons(decision: Decision) -> tuple[Reason, ...]:
    """The reasons at the decision's own verdict, else every non-pass reason."""
    same = tuple(r for r in decision.reasons if r.verdict is decision.verdict)
    return same or tuple(r for r in decision.reasons if r.verdict is not Verdict.PASS)


def suppression(decision: Decision, lines: Suppressions) -> str | None:
    """The ``suppressed`` label ``lines`` gives ``decision``, or None when it is not covered."""
    if decision.verdict is Verdict.PASS or decision.ref.line not in lines:
        return None
    codes = lines[decision.ref.line]
    if codes is None:
        return "inline: ignore"
    needed = deciding_codes(decision)
    if not needed or not needed <= codes:
        return None
    return f"inline: ignore[{','.join(sorted(needed))}]"


def unresolved_suppression(ref: UnresolvedRef, lines: Suppressions) -> str | None:
    """The ``suppressed`` label ``lines`` gives an unresolved reference (code MDL002)."""
    if ref.line not in lines:
        return None
    codes = lines[ref.line]
    if codes is None:
        return "inline: ignore"
    return f"inline: ignore[{UNRESOLVED_CODE}]" if UNRESOLVED_CODE in codes else None


def source_key(decision: Decision) -> SourceKey:
    """The key of the text whose comments apply to ``decision``."""
    return (decision.ref.path, decision.ref.cell)


def apply(
    decisions: Iterable[Decision], suppressions: Mapping[SourceKey, Suppressions]
) -> tuple[Decision, ...]:
    """``decisions`` with those covered by a suppression comment marked ``suppressed``."""
    return tuple(_mark(d, suppressions.get(source_key(d), {})) for d in decisions)


def _mark(decision: Decision, lines: Suppressions) -> Decision:
    if decision.suppressed is not None:
        return decision
    label = suppression(decision, lines)
    return decision if label is None else replace(decision, suppressed=label)


def apply_inline(decisions: Iterable[Decision], ctx: RepoContext) -> tuple[Decision, ...]:
    """``apply`` with the suppression maps read from the repository through ``ctx``."""
    items = tuple(decisions)
    keys = {source_key(d) for d in items if d.verdict is not Verdict.PASS}
    maps = load_suppressions(keys, ctx.read_text)
    return apply(items, maps)


def apply_inline_unresolved(
    refs: Iterable[UnresolvedRef], ctx: RepoContext
) -> tuple[UnresolvedRef, ...]:
    """Unresolved references with those covered by a suppression comment marked ``suppressed``."""
    items = tuple(refs)
    maps = load_suppressions({(r.path, r.cell) for r in items}, ctx.read_text)
    return tuple(_mark_unresolved(r, maps.get((r.path, r.cell), {})) for r in items)


def _mark_unresolved(ref: UnresolvedRef, lines: Suppressions) -> UnresolvedRef:
    label = None if ref.suppressed is not None else unresolved_suppression(ref, lines)
    return ref if label is None else replace(ref, suppressed=label)


def load_suppressions(
    keys: Iterable[SourceKey], read_text: Callable[[str], str | None]
) -> dict[SourceKey, Suppressions]:
    """The suppression map of every key; files that cannot be read have none."""
    texts: dict[str, str | None] = {}
    maps: dict[SourceKey, Suppressions] = {}
    for path, cell in keys:
        if path not in texts:
            texts[path] = read_text(path)
        text = texts[path]
        source = text if cell is None or text is None else notebook_cell_source(text, cell)
        maps[(path, cell)] = parse_suppressions(source) if source else {}
    return maps


def notebook_cell_source(notebook: str, cell: int) -> str | None:
    """The source of code cell ``cell`` (1-based among all cells) of a notebook's JSON text.

    Numbered as the notebook extractor numbers them: nbformat 4 ``cells``, or the cells of
    every nbformat 3 worksheet in order.
    """
    try:
        document = json.loads(notebook)
    except ValueError:
        return None
    cells = _cells(document) if isinstance(document, dict) else []
    entry = cells[cell - 1] if 1 <= cell <= len(cells) else None
    if not isinstance(entry, dict) or entry.get("cell_type") != "code":
        return None
    source = entry.get("source", entry.get("input", ""))
    if isinstance(source, list):
        source = "".join(str(part) for part in source)
    return source if isinstance(source, str) else None


def _cells(document: dict[str, object]) -> list[object]:
    cells = document.get("cells")
    if isinstance(cells, list):
        return cells
    sheets = document.get("worksheets")
    sheets = sheets if isinstance(sheets, list) else []
    return [c for s in sheets if isinstance(s, dict) for c in s.get("cells") or []]
