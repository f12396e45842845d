"""What changed between two database versions: licenses and their terms, models, API names, rules.

``diff(old, new)`` compares two bundles (see ``license_db.versions`` for opening one) section by
section; every entry is keyed case-insensitively the way lookups key it, and says what it was
and what it is. ``render_text`` and ``to_json`` present the result; ``model-license-guard db
diff`` prints them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from typing import Any

from license_db.frozen import Record, fields
from license_db.records import Bundle
from license_db.schema import LicenseTerms

_PROVENANCE = frozenset({"id", "sources", "notes", "use_restrictions_raw", "primary_text_read"})
"""LicenseTerms fields that record where a fact came from, not a term: not compared."""


class Change(Record):
    """One entry that was added, removed or changed; ``fields`` are its changed values."""

    key: str
    old: str | None  # the license (or alias target) before; None when added
    new: str | None  # ... and after; None when removed
    fields: tuple[tuple[str, str, str], ...] = ()  # (field, before, after)

    @property
    def kind(self) -> str:
        """added, removed or changed."""
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "changed"


class Section(Record):
    """The changes of one part of the database (licenses, models, API names, ...)."""

    name: str
    changes: tuple[Change, ...]

    def of_kind(self, kind: str) -> tuple[Change, ...]:
        """The changes of one kind, in key order."""
        return tuple(c for c in self.changes if c.kind == kind)


class DbDiff(Record):
    """Two versions (version, build date) and their differences, section by section."""

    old: tuple[str, str]
    new: tuple[str, str]
    sections: tuple[Section, ...]

    @property
    def empty(self) -> bool:
        """True when no section has a change."""
        return not any(s.changes for s in self.sections)


Entry = tuple[str, str, Mapping[str, str]]  # shown key, license (or target), compared fields


def diff(old: Bundle, new: Bundle) -> DbDiff:
    """Every difference between ``old`` and ``new``."""
    sections = tuple(
        Section(name, _compare(entries(old), entries(new))) for name, entries in SECTIONS
    )
    return DbDiff(_version(old), _version(new), sections)


def _version(bundle: Bundle) -> tuple[str, str]:
    return str(bundle.manifest.get("db_version")), str(bundle.manifest.get("built"))


def _compare(old: Mapping[str, Entry], new: Mapping[str, Entry]) -> tuple[Change, ...]:
    """Added, removed and changed entries, sorted by key."""
    changes = []
    for key in sorted(old.keys() | new.keys()):
        before, after = old.get(key), new.get(key)
        if before is None and after is not None:
            changes.append(Change(after[0], None, after[1]))
        elif after is None and before is not None:
            changes.append(Change(before[0], before[1], None))
        elif before is not None and after is not None and before[1:] != after[1:]:
            changes.append(Change(after[0], before[1], after[1], _fields(before[2], after[2])))
    return tuple(changes)


def _fields(old: Mapping[str, str], new: Mapping[str, str]) -> tuple[tuple[str, str, str], ...]:
    missing = "(none)"
    return tuple(
        (name, old.get(name, missing), new.get(name, missing))
        for name in sorted(old.keys() | new.keys())
        if old.get(name) != new.get(name)
    )


# -- the sections: each maps a bundle to {key: (shown key, license, compared fields)} ------------


def _licenses(bundle: Bundle) -> dict[str, Entry]:
    return {t.id.lower(): (t.id, t.id, _terms(t)) for t in bundle.licenses}


def _terms(terms: LicenseTerms) -> dict[str, str]:
    """The license's term fields as display strings."""
    return {name: _shown(getattr(terms, name)) for name in fields(terms) if name not in _PROVENANCE}


def _shown(value: Any) -> str:
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_shown(v) for v in value) + "]"
    return "unknown" if value is None else str(value)


def _models(bundle: Bundle) -> dict[str, Entry]:
    return {
        f"{m.kind}:{m.model_id.lower()}": (m.model_id, m.license, {"license": m.license})
        for m in bundle.models
    }


def _aliases(bundle: Bundle) -> dict[str, Entry]:
    return {a.alias.lower(): (a.alias, a.target, {"target": a.target}) for a in bundle.aliases}


def _api_names(bundle: Bundle) -> dict[str, Entry]:
    return {
        f"{m.name.lower()}\0{m.provider}": (
            f"{m.name} ({m.provider})",
            m.license,
            {"license": m.license},
        )
        for m in bundle.api_models
    }


def _rules(pick: Callable[[Bundle], Iterable[Any]]) -> Callable[[Bundle], dict[str, Entry]]:
    def entries(bundle: Bundle) -> dict[str, Entry]:
        return {
            r.id: (r.id, r.license, {"license": r.license, "match": r.match}) for r in pick(bundle)
        }

    return entries


SECTIONS: tuple[tuple[str, Callable[[Bundle], dict[str, Entry]]], ...] = (
    ("licenses", _licenses),
    ("models", _models),
    ("aliases", _aliases),
    ("API names", _api_names),
    ("family rules", _rules(lambda b: b.family)),
    ("Ollama rules", _rules(lambda b: b.ollama)),
    ("package rules", _rules(lambda b: b.packages)),
)
"""Every section compared, in the order reports list them."""


# -- presentation ---------------------------------------------------------------------------------

_SIGN = {"added": "+", "removed": "-", "changed": "~"}


def render_text(result: DbDiff) -> str:
    """The diff for a terminal: a header, then per section its counts and one line per change."""
    (old, old_built), (new, new_built) = result.old, result.new
    lines = [f"license database {old} (built {old_built}) -> {new} (built {new_built})"]
    for section in result.sections:
        counts = ", ".join(f"{len(section.of_kind(k))} {k}" for k in _SIGN)
        lines.append(f"{section.name}: {counts}" if section.changes else f"{section.name}: same")
        lines += [_change_line(section.name, c) for c in section.changes]
    return "\n".join(lines) + "\n"


def _change_line(section: str, change: Change) -> str:
    sign = _SIGN[change.kind]
    if change.kind != "changed":
        value = change.new if change.new is not None else change.old
        return f"  {sign} {change.key}" + ("" if section == "licenses" else f": {value}")
    if section == "licenses":
        shown = "; ".join(f"{name}: {a} -> {b}" for name, a, b in change.fields)
        return f"  {sign} {change.key}: {shown}"
    moved = f"{change.old} -> {change.new}" if change.old != change.new else f"{change.new}"
    head = f"  {sign} {change.key}: {moved}"
    extra = [f"{name}: {a} -> {b}" for name, a, b in change.fields if name == "match"]
    return head + (f" ({'; '.join(extra)})" if extra else "")


def to_json(result: DbDiff) -> dict[str, Any]:
    """The diff as JSON-ready data: versions, then per section added / removed / changed."""
    return {
        "old": {"version": result.old[0], "built": result.old[1]},
        "new": {"version": result.new[0], "built": result.new[1]},
        "sections": {s.name: _section_json(s) for s in result.sections},
    }


def _section_json(section: Section) -> dict[str, list[dict[str, Any]]]:
    value = "target" if section.name == "aliases" else "license"
    return {
        "added": [{"key": c.key, value: c.new} for c in section.of_kind("added")],
        "removed": [{"key": c.key, value: c.old} for c in section.of_kind("removed")],
        "changed": [
            {
                "key": c.key,
                "old": c.old,
                "new": c.new,
                "fields": {name: {"old": a, "new": b} for name, a, b in c.fields},
            }
            for c in section.of_kind("changed")
        ],
    }
