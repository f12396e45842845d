"""Templates of ``"%s/%s" % (a, b)`` and ``"{}/{}".format(a, b)``: literal text and fields.

A template is understood only when every field is a plain substitution (``%s``, ``{}``,
``{0}``, ``{name}``, ``{!s}``); a width, precision, conversion or attribute access makes the
result depend on run-time formatting and the template is refused (None).
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Field:
    """A substitution: the argument's 0-based position or its keyword name."""

    key: int | str


Piece = str | Field

_PERCENT = re.compile(r"%(.)", re.DOTALL)
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")


def percent_template(fmt: str) -> list[Piece] | None:
    """The pieces of a ``%`` format string using only ``%s`` and ``%%``; None otherwise."""
    pieces: list[Piece] = []
    start, position = 0, 0
    for match in _PERCENT.finditer(fmt):
        pieces.append(fmt[start : match.start()])
        match match.group(1):
            case "%":
                pieces.append("%")
            case "s":
                pieces.append(Field(position))
                position += 1
            case _:
                return None
        start = match.end()
    if "%" in fmt[start:]:
        return None  # a lone "%" at the end raises at run time
    pieces.append(fmt[start:])
    return [p for p in pieces if p != ""]


def format_template(fmt: str) -> list[Piece] | None:
    """The pieces of a ``str.format`` template with plain fields only; None otherwise."""
    pieces: list[Piece] = []
    automatic = 0
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return None
    for literal, name, spec, conversion in parsed:
        if literal:
            pieces.append(literal)
        if name is None:
            continue
        if spec or conversion not in (None, "s"):
            return None
        if name == "":
            pieces.append(Field(automatic))
            automatic += 1
        elif name.isdigit():
            pieces.append(Field(int(name)))
        elif _IDENTIFIER.fullmatch(name):
            pieces.append(Field(name))
        else:
            return None  # {0.attr} or {0[key]}
    return pieces
