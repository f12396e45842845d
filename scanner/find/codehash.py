"""The hash of a Python module's code as a lookup from another module sees it.

A file's cached extraction lists the modules it read for lookups (an imported constant, the
callers of a function). A comment written between statements, or blank lines and comments added
at the end, change no value, call, line or column there: such an edit must not re-extract every
importer (a staged package ``__init__.py`` would otherwise re-check half the repository). So a
module read as code is recorded with two hashes: its text's, and its code's (``code_digest``):
the text with every comment outside brackets removed (the line itself kept, so nothing after
it moves) and the whitespace at its end dropped. A comment inside brackets stays: it is part of
the text of the expression around it, which a finding may quote.

The comments are found by one regular-expression pass that steps over strings whole
(``lexemes``), exact for valid code up to Python 3.11. From 3.12 on an f-string's replacement
field may hold strings in the same quotes and comments of its own, so there the tokenizer
(native code since 3.12) finds them instead. A module read as code parsed when it was recorded
(its text was valid), and a cached entry is only used when the current text parses too.
"""

from __future__ import annotations

import hashlib
import io
import re
import sys
import tokenize
from collections.abc import Iterator
from functools import lru_cache

from scanner.find.lexemes import STRINGS
from scanner.find.textmemo import TextMemo

_LEXEME = re.compile(rf"(?P<comment>\#[^\r\n]*)|{STRINGS}|(?P<open>[(\[{{])|(?P<close>[)\]}}])")
"""A comment (it ends at a carriage return too, as Python's tokenizer ends it), a string, a
bracket."""
_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")
TOKENIZE_FROM = (3, 12)  # f-strings nest strings and comments from this version on


_DIGESTS: TextMemo[str] = TextMemo(100_000_000)
"""Code hashes by text hash, for texts of 100 M characters in all (a few hundred bytes an
entry): a worker records the modules its files read for lookups after every file, mostly the
same ones, and a cache by the text itself could afford only a few dozen texts (each key holds
a module's text alive: 1,024 of them cost diffusers' largest worker 40 MB)."""


def code_digest(text: str) -> str:
    """The hash of ``text`` with its comments outside brackets and its trailing whitespace
    removed (kept per process by the text's hash)."""
    return _DIGESTS.get(text, _code_digest)


def _code_digest(text: str) -> str:
    code = without_free_comments(text)
    return hashlib.sha256(code.encode("utf-8", "surrogatepass")).hexdigest()[:40]


@lru_cache(maxsize=2)
def without_free_comments(text: str) -> str:
    """``text`` without the comments outside brackets (each line kept) and trailing space
    (the last two kept: a worker takes a file's code hash and its layout, ``shift``, in turn)."""
    spans = _tokenized(text) if sys.version_info >= TOKENIZE_FROM else _lexed(text)
    parts: list[str] = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        position = end
    parts.append(text[position:])
    return "".join(parts).rstrip()


def _lexed(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the comments outside brackets, by the regular-expression lexer."""
    depth = 0
    for match in _LEXEME.finditer(text):
        if match.group("open") is not None:
            depth += 1
        elif match.group("close") is not None:
            depth = max(depth - 1, 0)
        elif match.group("comment") is not None and depth == 0:
            yield match.span()


def _tokenized(text: str) -> Iterator[tuple[int, int]]:
    """The spans of the comments outside brackets, by Python's tokenizer (the text as is when
    it does not tokenize: nothing is left out)."""
    starts = [0]
    for line in io.StringIO(text):
        starts.append(starts[-1] + len(line))
    spans: list[tuple[int, int]] = []
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.OP and token.string in _OPEN:
                depth += 1
            elif token.type == tokenize.OP and token.string in _CLOSE:
                depth = max(depth - 1, 0)
            elif token.type == tokenize.COMMENT and depth == 0:
                (row, column), (end_row, end_column) = token.start, token.end
                spans.append((starts[row - 1] + column, starts[end_row - 1] + end_column))
    except (tokenize.TokenError, SyntaxError):
        return iter(())
    return iter(spans)
