"""Python extractor: model references in calls matched by the CALL_PATTERNS table.

This entry module is light on purpose: most files a pre-commit run sees load no model, and a
text prefilter (``may_contain_call``: no trigger word, no parse) settles them without importing
libcst (about 150 ms). Only a file that passes it is parsed, by ``cst``: one libcst parse,
one walk collecting imports, bindings and calls (``scope``), the table match per call
(``patterns``), value resolution of the model argument (``values``), naming per
library convention (``scanner.find.identify``) and positions for the reported nodes only
(``positions``); every module passes ``guard`` first, so hostile nesting never reaches
libcst. Unparsable files get a FileError plus a tokenizer fallback (``fallback``). Only call
arguments are examined: strings in comments and docstrings are never references.
"""

from __future__ import annotations

from scanner.context import RepoContext
from scanner.find.extractors.python.fallback import literal_args
from scanner.find.extractors.python.local import classify
from scanner.find.extractors.python.patterns import may_contain_call
from scanner.find.extractors.python.usage_table import may_use_model
from scanner.find.identify import Named
from scanner.types import (
    EMPTY_EXTRACTION,
    Confidence,
    Extraction,
    FileError,
    ModelRef,
    SourceKind,
    Unscanned,
)

FALLBACK_ID = "py.fallback"


def extract(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Every model reference in one Python source text; never raises for bad input."""
    if not may_contain_call(text) and not may_use_model(text):
        return EMPTY_EXTRACTION
    try:
        from scanner.find.extractors.python.cst import extract_parsed  # imports libcst: only now

        return extract_parsed(path, text, ctx, fallback)
    except (RecursionError, MemoryError) as exc:  # not parsed: fails closed like a refusal
        reason = "nested too deeply" if isinstance(exc, RecursionError) else "out of memory"
        message = f"not parsed ({reason}); searched by the fallback tokenizer"
        error = FileError(path, message, unscanned=Unscanned.SKIPPED)
        return Extraction(fallback(path, text, ctx), (), (error,))
    except UnicodeEncodeError as exc:  # lone surrogates: text no parser can encode
        error = FileError(path, f"not parsed: the text cannot be encoded as UTF-8 ({exc.reason})")
        clean = text.encode("utf-8", "replace").decode("utf-8")  # one "?" each: columns kept
        return Extraction(fallback(path, clean, ctx), (), (error,))
    except Exception as exc:  # one bad file never stops a scan: fail closed for this file
        message = f"internal error in the Python extractor: {type(exc).__name__}: {exc}"
        return Extraction(errors=(FileError(path, message, internal=True),))


def fallback(path: str, text: str, ctx: RepoContext) -> tuple[ModelRef, ...]:
    """Low-confidence references from literal loader arguments in source libcst cannot parse."""
    refs: list[ModelRef] = []
    named_as: dict[tuple[int, str], Named | None] = {}  # a generated file repeats its calls
    for found in literal_args(text):
        key = (id(found.pattern), found.value)
        if key not in named_as:
            named_as[key] = classify(path, ctx, found.pattern, found.value, None, None,
                                     built_path=False)  # fmt: skip
        named = named_as[key]
        if named is not None:
            refs.append(ModelRef(path, found.line, found.column, named.kind, named.raw,
                                 FALLBACK_ID, SourceKind.PYTHON, confidence=Confidence.LOW,
                                 provider=named.provider))  # fmt: skip
    return tuple(dict.fromkeys(refs))
