"""What code the Python extractor must see: the criterion the pruner (``prune``) applies.

libcst costs ten times ``ast.parse``, and most function bodies of a repository cannot name a
model. A function or method body of a module being scanned is given to libcst only when it is
*relevant* (or the closure in ``prune`` reaches it):

* it may hold a call a ``CALL_PATTERNS`` or ``USAGE_CALLS`` row matches: every plain word of
  one of the row's callables is in the body (``chat``, ``completions`` and ``create`` for
  ``*.chat.completions.create``; a name imported ``as`` another counts under both), for a row
  whose library the module's text names (a match needs it imported);
* or it calls a name of ``EXTRA_TRIGGERS`` (trainer runs, a hand-written DP step, the option
  declarations ``options`` indexes);
* or it holds a string literal shaped like a model name (``MODEL_LITERAL``: ``org/name``, a
  Hub URL or scheme), the ids ``scanner.find.identify`` accepts without a library hint.

A module read only for lookups keeps the bodies lookups ask for (``prune``), and the option
declarations. Everything else in a module is always kept: imports (also those inside pruned
bodies), module- and class-level statements, ``def``/``class`` headers with decorators,
defaults and bases. A new table row is a trigger at once; code that matters for another reason
adds its callable's last name to ``EXTRA_TRIGGERS``: one line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from scanner.find.extractors.python.patterns import CALL_PATTERNS
from scanner.find.extractors.python.usage_table import (
    CLIP_CALLS,
    NOISE_CALLS,
    USAGE_CALLS,
    Role,
)

EXTRA_TRIGGERS: tuple[str, ...] = (
    "train",  # trainer.train(): the trainer's model trains there (usage.trainer_runs)
    *(name.rsplit(".", 1)[-1] for name in (*CLIP_CALLS, *NOISE_CALLS)),  # a hand-written DP step
)
"""Names (the last part of a callable) whose bodies must reach libcst though no table row
names them: the extension table for new kinds of evidence, one name a line."""

CONTEXT_CALLS = frozenset({"save", "save_pretrained", "save_model", "save_to_disk"})
"""The last names of ``cst.SAVE_CALLS``: a loader call reading a folder one of them wrote in the
same function loads a local model, so a kept body keeps these calls too."""

MODEL_LITERAL = re.compile(
    r"""["'](?:[A-Za-z0-9][\w.-]*/[\w.-]*[A-Za-z0-9_]|(?:https?://)?(?:www\.)?"""
    r"""(?:huggingface\.co|hf\.co)/|hf://|hf[-_]hub:|huggingface://)"""
)
"""The opening of a string literal that may name a model with no hint: ``"org/name"``, a Hub
URL or scheme. Bare names (``"gpt2"``) need a loader call, which is a trigger already."""

_WORD = re.compile(r"[A-Za-z_]\w*")
_CALLED = re.compile(r"\b([A-Za-z_]\w*)[\s\\]*\(")  # the prefilter's idea of a call: ``name(``
_AS = re.compile(r"[ \t]as[ \t]+([A-Za-z_]\w*)")
_LAST_WORD = re.compile(r"([A-Za-z_]\w*)[ \t]*$")


@dataclass(frozen=True, slots=True)
class _Row:
    """One table row for the criterion: its library roots and each callable's words."""

    roots: tuple[str, ...]  # top-level names of its libraries; () for any receiver
    specs: tuple[tuple[str, frozenset[str]], ...]  # each callable: last name, plain words


def _row(libraries: tuple[str, ...], callables: tuple[str, ...]) -> _Row:
    roots = tuple(sorted({lib.split(".")[0].rstrip("*") for lib in libraries}))
    specs = tuple(
        (
            spec.rsplit(".", 1)[-1],
            frozenset(p for p in spec.removeprefix("*.").split(".") if p.isidentifier()),
        )
        for spec in callables
    )
    return _Row(roots, specs)


_ROWS = (
    *(_row(row.libraries, row.callables) for row in CALL_PATTERNS),
    *(_row(row.libraries, row.callables) for row in USAGE_CALLS if row.role is not Role.LINK),
)
"""Loader rows and usage rows; a LINK row (``.to``, ``prepare``) only passes on a model another
row's call made, so it never makes a body relevant on its own."""
_SPEC_WORDS = frozenset(word for row in _ROWS for _, spec in row.specs for word in spec)


@cache
def option_words() -> frozenset[str]:
    """The callables that declare command-line options (``options``): kept in every module,
    a parameter's default may come from them (imported here: ``options`` imports ``loader``,
    which imports this module)."""
    from scanner.find.extractors.python.options import (
        ADD_OPTION_METHODS,
        CLICK_DECORATORS,
        DATACLASS_PARSERS,
    )

    names = (*ADD_OPTION_METHODS, *CLICK_DECORATORS, *DATACLASS_PARSERS, "set_defaults")
    return frozenset(name.rsplit(".", 1)[-1] for name in names)


def words(text: str) -> frozenset[str]:
    """The identifier-like words of a piece of source (a superset of its names)."""
    return frozenset(_WORD.findall(text))


def called(text: str) -> frozenset[str]:
    """The words of a piece of source followed by ``(``: the names it may call."""
    return frozenset(_CALLED.findall(text))


def _aliases(text: str) -> dict[str, str]:
    """``import x as y`` / ``from m import x as y`` for a callable's word ``x``: ``{y: x}``."""
    out: dict[str, str] = {}
    for found in _AS.finditer(text):
        before = _LAST_WORD.search(text, max(0, found.start() - 200), found.start())
        if before is not None and before.group(1) in _SPEC_WORDS:
            out[found.group(1)] = before.group(1)
    return out


@dataclass(frozen=True, slots=True)
class Relevance:
    """The criterion for the bodies of one module (its libraries and import aliases)."""

    specs: dict[str, tuple[frozenset[str], ...]]  # each callable's words, by its last name
    aliases: dict[str, str]  # local name -> the callable word it was imported as
    always: bool = False  # a callable with no plain word: every body is relevant
    imported: frozenset[str] = frozenset()  # words of the module's imports: count in every body

    @classmethod
    def of(cls, text: str, imported: frozenset[str] = frozenset()) -> Relevance:
        """The criterion for the module with source ``text`` whose imports hold the words
        ``imported`` (``from torch.onnx import export``: a call ``export(`` is
        ``onnx.export``)."""
        specs = [
            spec
            for row in _ROWS
            if not row.roots or any(root in text for root in row.roots)
            for spec in row.specs
        ]
        specs.extend((name, frozenset({name})) for name in (*EXTRA_TRIGGERS, *option_words()))
        by_last: dict[str, list[frozenset[str]]] = {}
        for last, spec in dict.fromkeys(specs):
            by_last.setdefault(last, []).append(spec)
        keyed = {word: tuple(group) for word, group in by_last.items()}
        always = any(not last.isidentifier() for last, _ in specs)
        return cls(keyed, _aliases(text), always, imported)

    def relevant(self, text: str, found: frozenset[str], calls: frozenset[str]) -> bool:
        """True when a body with source ``text``, words ``found`` and called words ``calls``
        must be given to libcst: it calls the last name of a callable and holds its other
        words, or holds a model-like literal."""
        if self.always or MODEL_LITERAL.search(text):
            return True
        return bool(self.triggers(found, calls))

    def triggers(self, found: frozenset[str], calls: frozenset[str]) -> frozenset[str]:
        """The words of ``calls`` (as written: an alias too) that make a call relevant in code
        whose words are ``found``: a callable's last name whose other words are there."""
        found = found | self.imported
        if self.aliases and not calls.isdisjoint(self.aliases):
            found = found | {self.aliases[w] for w in calls if w in self.aliases}
        out = set()
        for word in calls:
            for last in (word, self.aliases.get(word)):
                specs = self.specs.get(last) if last is not None else None
                if specs is not None and any(spec <= found for spec in specs):
                    out.add(word)
        return frozenset(out)
