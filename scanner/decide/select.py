"""Selecting rules, as ruff users expect: ``select`` and ``ignore`` lists of codes or prefixes.

``select = ["MDL003", "MDL01"]`` keeps only the reasons whose code starts with an entry;
``ignore`` drops reasons whose code starts with one of its entries (ignore wins). A finding keeps
its passing reasons; its verdict is recomputed from what remains, so ignoring MDL016 turns a
finding that only asked for a policy fact into a pass. ``MDL002`` selects unresolved references.
Files not scanned (MDL019) are always reported: a scan never hides what it could not read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from scanner.rules import RULES
from scanner.types import Decision, Verdict

ALWAYS = frozenset({"MDL019"})
"""Codes no selection hides."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Rule codes (or prefixes) to keep and to drop; ``select`` None keeps every code."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()

    def keeps(self, code: str) -> bool:
        """True when a reason with ``code`` stays in the report."""
        if code in ALWAYS:
            return True
        if any(code.startswith(prefix) for prefix in self.ignore):
            return False
        return self.select is None or any(code.startswith(prefix) for prefix in self.select)

    @property
    def everything(self) -> bool:
        """True when the selection keeps every code."""
        return self.select is None and not self.ignore


def unknown_codes(entries: Iterable[str]) -> list[str]:
    """The entries that are no rule code and no prefix of one."""
    return [e for e in entries if not any(code.startswith(e.upper()) for code in RULES)]


def normalise(entries: Iterable[str]) -> tuple[str, ...]:
    """Codes upper-cased, stripped and without duplicates, in order."""
    return tuple(dict.fromkeys(e.strip().upper() for e in entries if e.strip()))


def apply_selection(decision: Decision, selection: Selection) -> Decision:
    """``decision`` with its non-passing reasons of unselected codes dropped and its verdict
    recomputed from the rest."""
    if selection.everything:
        return decision
    kept = tuple(
        r for r in decision.reasons if r.verdict is Verdict.PASS or selection.keeps(r.code)
    )
    if len(kept) == len(decision.reasons):
        return decision
    verdict = max((r.verdict for r in kept), key=lambda v: v.rank, default=Verdict.PASS)
    return replace(decision, reasons=kept, verdict=verdict)
