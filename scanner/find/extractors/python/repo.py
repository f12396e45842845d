"""The repository's Python modules as text, for finding callers in other modules cheaply.

A function whose parameter is still unknown after its own module is searched may be called from
another module (``from .helpers import load; load("org/x")``). Parsing every module to find out
would cost a whole second scan, so candidates are found first by text: the files git lists (or a
walk with ``scanner.find.discover``'s skip rules), read once per run and searched with a regular
expression that a caller's text must match. Only those few modules are parsed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from scanner.context import RepoContext
from scanner.find.discover import run_files, walk

MAX_MODULE_BYTES = 1_500_000  # larger modules are not parsed by the extractor either


@lru_cache(maxsize=4)
def python_modules(ctx: RepoContext) -> tuple[tuple[str, str], ...]:
    """Every ``.py`` module of the repository with its text, once per run (cached)."""
    files = run_files(ctx.root)
    paths = files if files is not None else list(walk(ctx.root))
    reader = ctx.unobserved()  # read once for every file: searches record what they match
    out: list[tuple[str, str]] = []
    for rel in paths:
        if rel.endswith(".py"):
            text = reader.read_text(rel)
            if text is not None and len(text) <= MAX_MODULE_BYTES:
                out.append((rel, text))
    return tuple(out)


def modules_matching(ctx: RepoContext, word: str, pattern: str) -> tuple[str, ...]:
    """Modules whose text contains ``word`` and matches the regular expression ``pattern``."""
    return ctx.noted_search((word, pattern), _matching(ctx, word, pattern))


@lru_cache(maxsize=1024)
def _matching(ctx: RepoContext, word: str, pattern: str) -> tuple[str, ...]:
    regex = re.compile(pattern)
    return tuple(rel for rel, text in python_modules(ctx) if word in text and regex.search(text))


def may_call(ctx: RepoContext, rel: str, name: str) -> bool:
    """False when the text of module ``rel`` cannot call ``name`` (neither ``name(`` nor
    ``x.name(``, allowing spaces, comments, line continuations and closing parentheses before
    the ``(``): such a module need not be parsed to look for its calls."""
    text = _texts(ctx).get(rel)
    if text is not None:  # the same text ``ctx.read_text`` gives (larger modules are not listed)
        ctx.noted_code(rel, text)  # a screen for the parse that follows: its code decides
        ctx.noted_entry(rel, name)  # (its statements that mention ``name``)
    return text is None or _call(name).search(text) is not None


@lru_cache(maxsize=4)
def _texts(ctx: RepoContext) -> dict[str, str]:
    return dict(python_modules(ctx))


@lru_cache(maxsize=1024)
def _call(name: str) -> re.Pattern[str]:
    return re.compile(rf"{word_start(name)}(?:\s|\\|\)|#[^\n]*\n)*\(")  # one way to match


def word_start(name: str) -> str:
    """A regular expression for ``name`` at the start of a word: ``\bname`` (for a name that
    starts with a word character) written as the name, then a look-behind that no word
    character precedes it. Both match the same, but a search for an expression that starts with
    a literal skips to where the literal occurs, and one that starts with ``\b`` tries every
    position: searching peft's modules for callers took five times as long."""
    word = re.escape(name)
    return rf"{word}(?<!\w{word})" if _STARTS_WORD.match(name) else rf"\b{word}"


_STARTS_WORD = re.compile(r"\w")


def caller_pattern(name: str, anchors: tuple[str, ...], method: bool) -> str:
    """What the text of a module calling ``name`` from outside its module must contain.

    A method: a call through ``self``/``cls`` (the subclass is checked after parsing). A function
    or class: an import of the name (``from m import name``, also in parentheses), or a call
    through one of its module's names (``helpers.load(``, ``anchors``).
    """
    word = re.escape(name)
    if method:
        return "|".join(rf"{word_start(head)}\.{word}\s*\(" for head in ("self", "cls"))
    imported = (
        rf"{word_start('import')}\b[^\n;]*\b{word}\b|{word_start('import')}\s*\([^)]*\b{word}\b"
    )
    return "|".join([imported, *(rf"{word_start(a)}\.{word}\s*\(" for a in anchors)])
