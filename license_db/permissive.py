"""Which of two licenses grants more: the order that lets the strictest candidate win.

Commercial use decides first: a license that allows it (yes) is more permissive than one that
allows it under conditions (a user or revenue limit, an AUP), which is more permissive than a
non-commercial one, which is more permissive than research / evaluation only; an unverified
commercial term is the strictest of all. Between two licenses of the same commercial standing, one
is more permissive when it grants at least as much on every other axis (user and revenue limits,
modification, distribution, hosting, fewer duties, a subset of the use restrictions) and strictly
more on one; otherwise neither is. An unverified term (``None`` listed in ``missing``) grants
nothing, so an unknown never outranks a known restriction.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from license_db.expression import AllOf, AnyOf, Expr, LicenseId
from license_db.frozen import Record
from license_db.schema import Commercial, LicenseTerms

UNVERIFIED = "(unverified)"
"""A use restriction standing for restrictions nobody checked: never a subset of a known set."""

_NO_LIMIT = sys.maxsize
_COMMERCIAL = {Commercial.YES: 4, Commercial.CONDITIONAL: 3, Commercial.NO: 2}
_NARROWER_THAN_NON_COMMERCIAL = frozenset({"research-only", "non-production"})
_DUTIES = ("attribution", "naming_rule", "license_copy_required", "notice_file_required",
           "share_alike", "use_restrictions_flow_down", "output_training_restricted")  # fmt: skip
_MISSING_KEY = {"output_training_restricted": "output_training_restriction"}


class Grant(Record):
    """What a license grants, axis by axis (higher grants more), and the uses it restricts."""

    levels: tuple[int, ...]
    restrictions: frozenset[str]


NOTHING = Grant((0, 0, 0, 0, 0, 0, -len(_DUTIES) - 1), frozenset({UNVERIFIED}))
"""The grant of a license the database does not know: the strictest there is."""


def grant(terms: LicenseTerms) -> Grant:
    """The axes of ``terms``: commercial use, user and revenue limits, rights, duties."""
    commercial = _COMMERCIAL.get(terms.commercial, 0)
    if terms.commercial is Commercial.NO and terms.category in _NARROWER_THAN_NON_COMMERCIAL:
        commercial = 1  # research / evaluation only is narrower than any non-commercial use
    missing = set(terms.missing)

    def limit(value: int | None, key: str) -> int:
        return (0 if key in missing else _NO_LIMIT) if value is None else value

    def duty(name: str) -> bool:
        value = getattr(terms, name)
        return bool(value) or (value is None and _MISSING_KEY.get(name, name) in missing)

    duties = sum(duty(name) for name in _DUTIES) + bool(terms.restricted_regions)
    restrictions = set(terms.use_restrictions)
    if "use_restrictions" in missing:
        restrictions.add(UNVERIFIED)
    levels = (
        commercial,
        limit(terms.mau_limit, "mau_limit"),
        limit(terms.revenue_limit_usd, "revenue_limit_usd"),
        int(terms.modification is True),
        int(terms.distribution is True),
        int(terms.hosting_allowed is not False),
        -duties,
    )
    return Grant(levels, frozenset(restrictions))


def dominates(a: Grant, b: Grant) -> bool:
    """True when ``a`` is more permissive than ``b``: freer commercial use, or the same and at
    least as much on every other axis and more on one."""
    if a.levels[0] != b.levels[0]:
        return a.levels[0] > b.levels[0]
    at_least = all(x >= y for x, y in zip(a.levels, b.levels, strict=True))
    return at_least and a.restrictions <= b.restrictions and a != b


def more_permissive(a: LicenseTerms, b: LicenseTerms) -> bool:
    """True when license ``a`` is more permissive than license ``b`` (see the module doc)."""
    return dominates(grant(a), grant(b))


def expression_grant(expr: Expr, terms: Callable[[str], LicenseTerms | None]) -> Grant:
    """The grant of a license expression: AND keeps the stricter axis, OR the freer one."""
    match expr:
        case LicenseId(key):
            found = terms(key)
            return NOTHING if found is None else grant(found)
        case AllOf(args) | AnyOf(args):
            parts = [expression_grant(arg, terms) for arg in args]
            both = isinstance(expr, AllOf)
            pick = min if both else max
            levels = tuple(pick(column) for column in zip(*(p.levels for p in parts), strict=True))
            sets = [p.restrictions for p in parts]
            kept = frozenset.union(*sets) if both else frozenset.intersection(*sets)
            return Grant(levels, kept)
    raise TypeError(expr)  # pragma: no cover - exhaustive
