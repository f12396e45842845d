"""License expressions as the checks read them: alternatives, database ids, comparison keys.

``A OR B`` is two alternatives (branches), ``A AND B`` one branch in which both apply; at most
``MAX_BRANCHES`` branches are considered.
"""

from __future__ import annotations

from itertools import product

from license_db.expression import AllOf, AnyOf, Expr, LicenseId, parse
from scanner.decide.policy import LicenseCatalog

MAX_BRANCHES = 64


def dnf(expr: Expr) -> list[tuple[str, ...]]:
    """The expression as alternatives, each a tuple of license ids that all apply."""
    match expr:
        case LicenseId(key):
            return [(key,)]
        case AnyOf(args):
            return [branch for arg in args for branch in dnf(arg)][:MAX_BRANCHES]
        case AllOf(args):
            combos = product(*(dnf(arg) for arg in args))
            return [tuple(dict.fromkeys(k for part in c for k in part)) for c in combos][
                :MAX_BRANCHES
            ]
    raise TypeError(expr)  # pragma: no cover - exhaustive


def canonical_id(key: str, db: LicenseCatalog) -> str:
    """The database id for ``key`` (any case, or an SPDX id); ``key`` lowercased if unknown."""
    terms = db.license(key)
    return terms.id if terms is not None else key.lower()


def expression_key(text: str, db: LicenseCatalog) -> str:
    """A comparison key for ``text``: database ids, sorted operands (``A OR B`` == ``b or a``)."""
    return _canonical(parse(text), db)


def _canonical(expr: Expr, db: LicenseCatalog) -> str:
    match expr:
        case LicenseId(key):
            return canonical_id(key, db)
        case AllOf(args):
            return "(" + " AND ".join(sorted({_canonical(a, db) for a in args})) + ")"
        case AnyOf(args):
            return "(" + " OR ".join(sorted({_canonical(a, db) for a in args})) + ")"
    raise TypeError(expr)  # pragma: no cover - exhaustive
