"""License expressions (``mit AND llama3.1``, ``MIT OR Apache-2.0``) as a small typed tree.

Parsing is the license-expression library's job (SPDX grammar, precedence, parentheses); this
module only turns its result into frozen records the policy can walk with ``match``, and
rewrites an expression into the database's own license ids (``canonical_expression``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Protocol

from license_db.frozen import Record
from license_db.schema import LicenseTerms

if TYPE_CHECKING:
    from license_expression import Licensing


class LicenseExpressionError(ValueError):
    """Raised for text that is not a license expression."""


class LicenseId(Record):
    """One license, by database id or SPDX id as written."""

    key: str


class AllOf(Record):
    """``A AND B``: every branch applies."""

    args: tuple[Expr, ...]


class AnyOf(Record):
    """``A OR B``: the user may choose one branch."""

    args: tuple[Expr, ...]


Expr = LicenseId | AllOf | AnyOf


class LicenseLookup(Protocol):
    """What ``canonical_expression`` needs of a LicenseDB: its license lookup."""

    def license(self, license_id: str) -> LicenseTerms | None:
        """A license by id, SPDX id or model-card license name, or None."""
        ...


@lru_cache(maxsize=4096)
def parse(text: str) -> Expr:
    """Parse ``text``; raise LicenseExpressionError when it is not an expression."""
    if not text or not text.strip():
        raise LicenseExpressionError("empty license expression")
    from license_expression import ExpressionError  # imported at the first expression parsed

    try:
        parsed = _licensing().parse(text, simple=False)
    except ExpressionError as exc:
        raise LicenseExpressionError(f"{text!r}: {exc}") from exc
    if parsed is None:
        raise LicenseExpressionError(f"{text!r}: empty license expression")
    return _convert(parsed)


@lru_cache(maxsize=1)
def _licensing() -> Licensing:
    """The library's parser, made once (importing it costs a hook run ~10 ms: only when
    an expression is parsed)."""
    from license_expression import Licensing

    return Licensing()


def _convert(node: object) -> Expr:
    from license_expression import LicenseSymbol

    if isinstance(node, LicenseSymbol):
        return LicenseId(str(node.key))
    operator = str(getattr(node, "operator", "")).strip().upper()
    args = tuple(_convert(arg) for arg in getattr(node, "args", ()))
    if operator == "AND":
        return AllOf(args)
    if operator == "OR":
        return AnyOf(args)
    # "X WITH exception": keep the exception visible as part of the key.
    return LicenseId(str(node))


def ids(expr: Expr) -> tuple[str, ...]:
    """Every license id in ``expr``, in order of appearance, without duplicates."""
    match expr:
        case LicenseId(key):
            return (key,)
        case AllOf(args) | AnyOf(args):
            seen: dict[str, None] = {}
            for arg in args:
                seen.update(dict.fromkeys(ids(arg)))
            return tuple(seen)
    raise TypeError(expr)  # pragma: no cover - exhaustive


def relabel(expr: Expr, names: Mapping[str, str]) -> Expr:
    """``expr`` with every license id replaced by ``names[id]`` (ids not in ``names`` kept)."""
    match expr:
        case LicenseId(key):
            return LicenseId(names.get(key, key))
        case AllOf(args):
            return AllOf(tuple(relabel(arg, names) for arg in args))
        case AnyOf(args):
            return AnyOf(tuple(relabel(arg, names) for arg in args))
    raise TypeError(expr)  # pragma: no cover - exhaustive


def render(expr: Expr) -> str:
    """``expr`` as text, parenthesised where precedence needs it."""
    match expr:
        case LicenseId(key):
            return key
        case AllOf(args):
            return " AND ".join(_wrap(a) for a in args)
        case AnyOf(args):
            return " OR ".join(_wrap(a) for a in args)
    raise TypeError(expr)  # pragma: no cover - exhaustive


def _wrap(expr: Expr) -> str:
    return render(expr) if isinstance(expr, LicenseId) else f"({render(expr)})"


def canonical_expression(text: str, db: LicenseLookup) -> str | None:
    """``text`` with every license id replaced by the database's id; None if one is unknown."""
    try:
        expr = parse(text)
    except LicenseExpressionError:
        return None
    names: dict[str, str] = {}
    for key in ids(expr):
        terms = db.license(key)
        if terms is None:
            return None
        names[key] = terms.id
    return render(relabel(expr, names))
