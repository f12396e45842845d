"""Token-level fallback for files libcst cannot parse: literal model ids in loader calls.

Python's ``tokenize`` is run with error tolerance (after an error it restarts on the next line).
A call is a NAME that is the last part of a CALL_PATTERNS callable, followed by ``(``; its
arguments are split at top-level commas and an argument made only of string tokens is a literal.
Only rows whose library the file imports are considered; findings are Confidence.LOW.
"""

from __future__ import annotations

import ast
import itertools
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from scanner.find.extractors.python.patterns import (
    CALL_PATTERNS,
    ArgSpec,
    CallPattern,
    module_matches,
)

_OPEN = {"(": ")", "[": "]", "{": "}"}


@dataclass(frozen=True, slots=True)
class LiteralArg:
    """A string literal argument of a loader call found by the fallback."""

    pattern: CallPattern
    value: str
    line: int
    column: int  # 1-based


MAX_ARGUMENT_TOKENS = 10_000
"""Tokens read for one call's arguments: a model argument is a few tokens, and the bound keeps
the scan linear on files of nested calls."""


def tokens(text: str) -> list[tokenize.TokenInfo]:
    """All tokens of ``text``; after a tokenizer error, tokenizing restarts on the next line."""
    lines = text.splitlines(keepends=True)
    out: list[tokenize.TokenInfo] = []
    start = 0
    while start < len(lines):
        reader = _reader(lines, start)
        try:
            for token in tokenize.generate_tokens(reader):
                out.append(_shift(token, start))
            return out
        except tokenize.TokenError as err:
            start += max(int(err.args[1][0]), 1)
        except SyntaxError as err:  # IndentationError: inconsistent dedent
            start += max(err.lineno or 1, 1)
    return out


def _reader(lines: list[str], start: int) -> Callable[[], str]:
    """``readline`` over ``lines[start:]`` without copying them (a restart costs nothing)."""
    position = start

    def readline() -> str:
        nonlocal position
        if position >= len(lines):
            return ""
        position += 1
        return lines[position - 1]

    return readline


def _shift(token: tokenize.TokenInfo, lines: int) -> tokenize.TokenInfo:
    if not lines:
        return token
    start, end = token.start, token.end
    return token._replace(start=(start[0] + lines, start[1]), end=(end[0] + lines, end[1]))


def literal_args(text: str) -> Iterator[LiteralArg]:
    """Literal model arguments of recognisable loader calls in possibly broken source."""
    toks = [t for t in tokens(text) if t.type not in (tokenize.NL, tokenize.COMMENT)]
    imported = _imported_modules(toks)
    candidates = _candidates(imported)
    for i, token in enumerate(toks[:-1]):
        rows = candidates.get(token.string) if token.type == tokenize.NAME else None
        if rows and toks[i + 1].string == "(":
            args = _arguments(toks, i + 2)
            for row in rows:
                found = _literal(args, row.arg)
                if found is not None:
                    yield LiteralArg(row, found[0], found[1].start[0], found[1].start[1] + 1)
                    break


def _imported_modules(toks: list[tokenize.TokenInfo]) -> set[str]:
    modules: set[str] = set()
    for i, token in enumerate(toks[:-1]):
        if token.type == tokenize.NAME and token.string in ("import", "from"):
            dotted = [toks[i + 1].string]
            j = i + 2
            while j + 1 < len(toks) and toks[j].string == ".":
                dotted.append(toks[j + 1].string)
                j += 2
            modules.add(".".join(dotted))
    return modules


def _candidates(imported: set[str]) -> dict[str, list[CallPattern]]:
    """Rows by the last name of their callables, for rows the file's imports allow."""

    def allowed(row: CallPattern) -> bool:
        return not row.libraries or any(
            module_matches(m, lib) or lib.startswith(m + ".")
            for m in imported for lib in row.libraries
        )  # fmt: skip

    by_name: dict[str, list[CallPattern]] = {}
    for row in filter(allowed, CALL_PATTERNS):
        for spec in row.callables:
            by_name.setdefault(spec.rsplit(".", 1)[-1], []).append(row)
    return by_name


def _arguments(toks: list[tokenize.TokenInfo], start: int) -> list[list[tokenize.TokenInfo]]:
    """The top-level arguments (as token lists) of a call whose ``(`` precedes ``start``."""
    args: list[list[tokenize.TokenInfo]] = [[]]
    closers = [")"]
    for index in range(start, min(len(toks), start + MAX_ARGUMENT_TOKENS)):
        token = toks[index]
        if token.type == tokenize.OP and token.string in _OPEN:
            closers.append(_OPEN[token.string])
        elif token.type == tokenize.OP and token.string == closers[-1]:
            closers.pop()
            if not closers:
                break
        elif token.type == tokenize.OP and token.string == "," and len(closers) == 1:
            args.append([])
            continue
        elif token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            break
        args[-1].append(token)
    return [a for a in args if a]


def _literal(
    args: list[list[tokenize.TokenInfo]], spec: ArgSpec
) -> tuple[str, tokenize.TokenInfo] | None:
    positional = [a for a in args if not _is_keyword(a) and a[0].string not in ("*", "**")]
    for arg in args:
        if _is_keyword(arg) and arg[0].string in spec.keywords:
            return _string(arg[2:])
    if spec.position is not None and spec.position < len(positional):
        return _string(positional[spec.position])
    return None


def _is_keyword(arg: list[tokenize.TokenInfo]) -> bool:
    return len(arg) > 2 and arg[0].type == tokenize.NAME and arg[1].string == "="


def _string(value: list[tokenize.TokenInfo]) -> tuple[str, tokenize.TokenInfo] | None:
    """The literal an argument consists of (in an unclosed call: up to the end of its line)."""
    strings = list(itertools.takewhile(lambda t: t.type == tokenize.STRING, value))
    rest = value[len(strings) :]
    if not strings or (rest and rest[0].start[0] <= strings[-1].end[0]):
        return None
    text = _safe(lambda: ast.literal_eval(" ".join(t.string for t in strings)))
    return (text, strings[0]) if isinstance(text, str) else None


def _safe(func: Callable[[], object]) -> object:
    try:
        return func()
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
