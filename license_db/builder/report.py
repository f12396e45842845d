"""The build report: what the build could not map (notes) or found inconsistent (errors)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class BuildReport:
    """What the build could not map or found inconsistent; ``errors`` fail the build."""

    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Human-readable report lines."""
        return [f"error: {e}" for e in self.errors] + [f"note: {n}" for n in self.notes]
