"""Token-level fallback for files libcst cannot parse: literal model ids in loader calls.

A call is a name that is the last part of a CALL_PATTERNS callable, followed by ``(``; its
arguments are split at top-level commas and an argument made only of string tokens is a literal.
Only rows whose library the file imports are considered; findings are Confidence.LOW.

Linear time and bounded memory at any size (a 40 MB generated file included): one regular
expression pass at C speed finds the imports and the candidate calls, stepping over comments and
strings (an unterminated string ends at its line, so the rest of a broken file is still read);
Python's ``tokenize`` then reads only each candidate call, and a call nested in one already read
reuses its tokens, so no character is tokenized twice.
"""

from __future__ import annotations

import ast
import itertools
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache

from scanner.find.extractors.python.patterns import (
    CALL_PATTERNS,
    ArgSpec,
    CallPattern,
    module_matches,
)
from scanner.find.lexemes import COMMENT, STRINGS, trie

_OPEN = {"(": ")", "[": "]", "{": "}"}
_SKIPPED = (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT)
Token = tokenize.TokenInfo


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


@dataclass(frozen=True, slots=True)
class Candidate:
    """A callable's last name followed by ``(`` outside strings and comments."""

    name: str
    offset: int
    line: int  # 1-based
    column: int  # 0-based, as tokenize counts


def literal_args(text: str) -> Iterator[LiteralArg]:
    """Literal model arguments of recognisable loader calls in possibly broken source."""
    imported, candidates = survey(text)
    rows_by_name = _candidates(frozenset(imported))
    window: dict[tuple[int, int], int] = {}
    toks: list[Token] = []
    for candidate in candidates:
        rows = rows_by_name.get(candidate.name)
        if not rows:
            continue
        where = (candidate.line, candidate.column)
        if where not in window:  # not inside the call read last: read this one
            toks = call_tokens(text, candidate)
            window = {token.start: index for index, token in enumerate(toks)}
        index = window.get(where)
        if index is None or index + 1 >= len(toks) or toks[index + 1].string != "(":
            continue
        args = _arguments(toks, index + 2)
        for row in rows:
            found = _literal(args, row.arg)
            if found is not None:
                yield LiteralArg(row, found[0], found[1].start[0], found[1].start[1] + 1)
                break


def survey(text: str) -> tuple[set[str], list[Candidate]]:
    """The modules ``text`` imports and its candidate calls, in one pass over the text."""
    imported: set[str] = set()
    candidates: list[Candidate] = []
    line, line_start, counted = 1, 0, 0
    for match in _lexeme().finditer(text):
        word, (start, end) = match.group(), match.span()
        if word[0] in "#\"'" or (start and _word_char(text[start - 1])):
            continue  # a comment, a string, or the end of a longer name
        if _IMPORT.match(word):
            imported.add(word.split()[1])
        elif not (end < len(text) and _word_char(text[end])) and _CALL_OPEN.match(text, end):
            line += text.count("\n", counted, start)
            line_start = max(line_start, text.rfind("\n", counted, start) + 1)
            candidates.append(Candidate(word, start, line, start - line_start))
            counted = start
    return imported, candidates


def _word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


_IMPORT = re.compile(r"(?:import|from)[ \t]")
_CALL_OPEN = re.compile(r"[ \t]*\(")


@cache
def _lexeme() -> re.Pattern[str]:
    """What the survey steps over or stops at: a comment, a string, an import, a callable's
    last name. Every branch starts with a literal character, so the engine skips at C speed to
    the next place where one may start (a branch starting with a look-behind is tried at every
    character); the survey checks what the branches do not (what surrounds a name)."""
    names = {spec.rsplit(".", 1)[-1] for row in CALL_PATTERNS for spec in row.callables}
    return re.compile(
        COMMENT
        + "|"
        + STRINGS
        + r"|import[ \t]+[A-Za-z_][\w.]*|from[ \t]+[A-Za-z_][\w.]*|"
        + trie(names, top=True)
    )


def call_tokens(text: str, candidate: Candidate) -> list[Token]:
    """The tokens of the call ``candidate`` starts, with their places in ``text``: up to its
    closing parenthesis, the end of its logical line or MAX_ARGUMENT_TOKENS + 2 tokens."""
    out: list[Token] = []
    depth = 0
    try:
        for token in tokenize.generate_tokens(_lines(text, candidate.offset)):
            if token.type in _SKIPPED:
                continue
            out.append(_shift(token, candidate))
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                break
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            if (depth <= 0 and len(out) > 2) or len(out) > MAX_ARGUMENT_TOKENS + 2:
                break
    except (tokenize.TokenError, SyntaxError):
        pass  # unclosed at the end of the file: the arguments read so far
    return out


def _lines(text: str, start: int) -> Callable[[], str]:
    """``readline`` over ``text`` from ``start``, one line at a time (never a copy of the rest)."""
    position = start

    def readline() -> str:
        nonlocal position
        if position >= len(text):
            return ""
        newline = text.find("\n", position)
        end = len(text) if newline < 0 else newline + 1
        line, position = text[position:end], end
        return line

    return readline


def _shift(token: Token, candidate: Candidate) -> Token:
    """``token`` of a call read from ``candidate`` placed in the whole text."""

    def place(row: int, column: int) -> tuple[int, int]:
        return candidate.line + row - 1, column + (candidate.column if row == 1 else 0)

    return token._replace(start=place(*token.start), end=place(*token.end))


@cache
def _candidates(imported: frozenset[str]) -> dict[str, list[CallPattern]]:
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


def _arguments(toks: list[Token], start: int) -> list[list[Token]]:
    """The top-level arguments (as token lists) of a call whose ``(`` precedes ``start``."""
    args: list[list[Token]] = [[]]
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


def _literal(args: list[list[Token]], spec: ArgSpec) -> tuple[str, Token] | None:
    positional = [a for a in args if not _is_keyword(a) and a[0].string not in ("*", "**")]
    for arg in args:
        if _is_keyword(arg) and arg[0].string in spec.keywords:
            return _string(arg[2:])
    if spec.position is not None and spec.position < len(positional):
        return _string(positional[spec.position])
    return None


def _is_keyword(arg: list[Token]) -> bool:
    return len(arg) > 2 and arg[0].type == tokenize.NAME and arg[1].string == "="


def _string(value: list[Token]) -> tuple[str, Token] | None:
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
