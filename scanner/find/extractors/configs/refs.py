"""From the walker's hits to ``ModelRef``s: classified values, spaCy names, command strings.

Shared by the three formats once their tree is built (``extraction``); a command string's models
are located at the word itself in the text, not at the start of the string holding it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

from scanner.context import RepoContext
from scanner.find.extractors.configs.tree import Hit, Scalar
from scanner.find.extractors.configs.values import Classifier
from scanner.find.extractors.packages import SPACY_PIPELINE, command_models
from scanner.types import Extraction, FileError, ModelRef, RefKind, SourceKind

_WORD = re.compile(r"[^\s'\"]+")


def extraction(
    path: str, hits: list[Hit], ctx: RepoContext, source: SourceKind, extractor: str, text: str
) -> Extraction:
    """The references ``hits`` make: values classified under their key, free strings by content."""
    refs: list[ModelRef] = []
    lines = _LineIndex(text)
    classified = Classifier(path, ctx)
    for hit in hits:
        scalar, value = hit.scalar, hit.scalar.value or ""
        if hit.spec is None:
            refs.extend(_free_refs(path, value, scalar, source, extractor, lines))
            continue
        found = classified(value, hit.spec)
        if found is not None:
            ref = ModelRef(
                path, scalar.line, scalar.column, found.kind, found.raw, extractor, source,
                provider=found.provider,
            )  # fmt: skip
            refs.append(ref)
    return Extraction(refs=tuple(refs))


def error(path: str, message: str, line: int | None) -> Extraction:
    """An extraction holding only one error for ``path``."""
    return Extraction(errors=(FileError(path, message, line),))


def _free_refs(
    path: str, value: str, scalar: Scalar, source: SourceKind, extractor: str, lines: _LineIndex
) -> Iterator[ModelRef]:
    """A spaCy pipeline named under any key, or the models a command string installs."""
    if SPACY_PIPELINE.fullmatch(value.strip()):
        spacy_id = extractor.split(".", 1)[0] + ".spacy_pipeline"
        yield ModelRef(path, scalar.line, scalar.column, RefKind.SPACY, value.strip(), spacy_id,
                       source)  # fmt: skip
        return
    start = lines.offset(scalar.line, scalar.column)
    for found in command_models(value):
        word = _WORD.match(value, found.offset)
        span = 10 * len(value) + 1000  # the scalar as written (escapes take up to 10 characters)
        line, column = lines.find(word.group() if word else found.model.name, start, span, scalar)
        yield ModelRef(path, line, column, found.model.kind, found.model.name, found.extractor,
                       source)  # fmt: skip


class _LineIndex:
    """Offsets <-> 1-based (line, column) for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0, *(i + 1 for i, char in enumerate(text) if char == "\n")]

    def offset(self, line: int, column: int) -> int:
        """The offset of a 1-based ``(line, column)``, the line clamped into the text."""
        return self.starts[min(max(line, 1), len(self.starts)) - 1] + column - 1

    def find(self, word: str, start: int, span: int, fallback: Scalar) -> tuple[int, int]:
        """Position of ``word`` within ``span`` characters from ``start``; else the scalar's."""
        at = self.text.find(word, start, start + span)
        if at < 0:
            return fallback.line, fallback.column
        line = bisect_right(self.starts, at)
        return line, at - self.starts[line - 1] + 1
