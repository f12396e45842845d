"""Python extractor: model references in calls matched by the CALL_PATTERNS table (libcst).

Pipeline for one file: a text prefilter (no trigger word, no parse), one libcst parse, one walk
collecting imports, bindings and calls (``python_scope``), the table match per call
(``python_patterns``), value resolution of the model argument (``python_values``), naming per
library convention (``python_names``) and positions for the reported nodes only
(``python_positions``). Unparsable files get a FileError plus a tokenizer fallback
(``python_fallback``). Only call arguments are examined: strings in comments and docstrings are
never references.
"""

from __future__ import annotations

import ast
import posixpath
from dataclasses import dataclass, field

import libcst as cst

from scanner.context import RepoContext
from scanner.extractors.python_fallback import literal_args
from scanner.extractors.python_names import (
    UNKNOWN_OPTION,
    Named,
    is_hosted,
    is_path_like,
    name_model,
)
from scanner.extractors.python_patterns import ArgSpec, CallPattern, match_call, may_contain_call
from scanner.extractors.python_positions import positions
from scanner.extractors.python_scope import CallSite, ModuleInfo, Scope, call_name, walk_module
from scanner.extractors.python_values import Const, Evaluator, Items, Origin, Text, Unknown
from scanner.types import (
    EMPTY_EXTRACTION,
    Confidence,
    Extraction,
    FileError,
    ModelRef,
    RefKind,
    SourceKind,
    UnresolvedRef,
)

FALLBACK_ID = "py.fallback"


def extract(path: str, text: str, ctx: RepoContext) -> Extraction:
    """Every model reference in one Python source text; never raises for bad input."""
    try:
        return _extract(path, text, ctx)
    except RecursionError:
        error = FileError(path, "file is nested too deeply to parse")
        return Extraction(fallback(path, text, ctx), (), (error,))
    except Exception as exc:  # one bad file never stops a scan: fail closed for this file
        message = f"internal error in the Python extractor: {type(exc).__name__}: {exc}"
        return Extraction(errors=(FileError(path, message, internal=True),))


def _extract(path: str, text: str, ctx: RepoContext) -> Extraction:
    if not may_contain_call(text):
        return EMPTY_EXTRACTION
    try:
        tree = cst.parse_module(text)
    except cst.ParserSyntaxError as err:
        return Extraction(fallback(path, text, ctx), (), (_syntax_error(path, text, err),))
    except UnicodeError as err:  # lone surrogates from a lossy decode
        error = FileError(path, f"text is not valid Unicode: {err}")
        return Extraction(fallback(path, text, ctx), (), (error,))
    return _Finder(walk_module(path, text, tree), ctx).run()


def _syntax_error(path: str, text: str, err: cst.ParserSyntaxError) -> FileError:
    """The syntax error, located by Python's own parser when it agrees the file is invalid."""
    try:
        ast.parse(text)
    except SyntaxError as exc:
        return FileError(path, f"syntax error: {exc.msg}", line=exc.lineno or err.editor_line)
    except (ValueError, RecursionError, MemoryError):
        pass  # e.g. NUL bytes: keep libcst's account
    return FileError(path, f"syntax error: {err.message}", line=err.editor_line)


def fallback(path: str, text: str, ctx: RepoContext) -> tuple[ModelRef, ...]:
    """Low-confidence references from literal loader arguments in source libcst cannot parse."""
    refs: list[ModelRef] = []
    for found in literal_args(text):
        named = _classify(path, ctx, found.pattern, found.value, None, None, built_path=False)
        if named is not None:
            refs.append(ModelRef(path, found.line, found.column, named.kind, named.raw,
                                 FALLBACK_ID, SourceKind.PYTHON, confidence=Confidence.LOW,
                                 provider=named.provider))  # fmt: skip
    return tuple(dict.fromkeys(refs))


@dataclass(frozen=True, slots=True)
class _Found:
    node: cst.CSTNode
    pattern: CallPattern
    named: Named
    origin: Origin | None


@dataclass(frozen=True, slots=True)
class _Missing:
    node: cst.BaseExpression
    pattern: CallPattern
    reason: str


@dataclass(slots=True)
class _Finder:
    """Matches one module's calls against the table and turns their arguments into records."""

    module: ModuleInfo
    ctx: RepoContext
    found: list[_Found] = field(default_factory=list)
    missing: list[_Missing] = field(default_factory=list)
    evaluator: Evaluator = field(init=False)

    def __post_init__(self) -> None:
        self.evaluator = Evaluator(self.module, self.ctx)

    def run(self) -> Extraction:
        imported = self.module.imported
        for site in self.module.calls:
            name = call_name(site.node.func, self.module.imports)
            pattern = match_call(name, imported) if name is not None else None
            if pattern is not None:
                self.call(site, pattern)
        return self.records()

    def call(self, site: CallSite, pattern: CallPattern) -> None:
        node, scope = site.node, site.scope
        for keyword in pattern.string_keywords:
            value = _argument(node, ArgSpec(None, (keyword,)))
            if value is not None and not isinstance(value, _Star):
                self.texts(value, self.evaluator.evaluate(value, scope), pattern, None, None)
        value = _argument(node, pattern.arg)
        if value is None:
            return
        if isinstance(value, _Star):
            self.missing.append(_Missing(value.node, pattern, "model may be passed via unpacking"))
            return
        option = self.option(node, pattern, scope)
        pairs: list[str | None] = [None]
        if pattern.pair is not None:
            pairs = self.pair_values(node, pattern.pair, pattern, scope)
        items = self.evaluator.evaluate(value, scope)
        for pair in pairs:
            self.texts(value, items, pattern, pair, option)
        unknown = next((i for i in items if isinstance(i, Unknown)), None)
        if unknown is not None:
            self.missing.append(_Missing(value, pattern, unknown.reason))

    def texts(self, node: cst.BaseExpression, items: Items, pattern: CallPattern,
              pair: str | None, option: str | None) -> None:  # fmt: skip
        path = self.module.path
        for item in items:
            if isinstance(item, Text):
                named = _classify(path, self.ctx, pattern, item.value, pair, option, item.path)
                if named is not None:
                    self.found.append(_Found(node, pattern, named, item.origin))

    def pair_values(self, node: cst.Call, spec: ArgSpec, pattern: CallPattern,
                    scope: Scope) -> list[str | None]:  # fmt: skip
        value = _argument(node, spec)
        if value is None:
            return [None]
        if isinstance(value, _Star):
            self.missing.append(
                _Missing(value.node, pattern, "argument may be passed via unpacking")
            )
            return []
        items = self.evaluator.evaluate(value, scope)
        unknown = next((i for i in items if isinstance(i, Unknown)), None)
        if unknown is not None:
            self.missing.append(_Missing(value, pattern, unknown.reason))
        return [i.value for i in items if isinstance(i, Text)]

    def option(self, node: cst.Call, pattern: CallPattern, scope: Scope) -> str | None:
        if pattern.option is None:
            return None
        value = _argument(node, ArgSpec(None, (pattern.option,)))
        if value is None or isinstance(value, _Star):
            return None if value is None else UNKNOWN_OPTION
        items = self.evaluator.evaluate(value, scope)
        literals = {str(i.value) for i in items if isinstance(i, (Text, Const))}
        return literals.pop() if len(literals) == 1 and len(items) == 1 else UNKNOWN_OPTION

    def records(self) -> Extraction:
        where = self.locate()
        path, module = self.module.path, self.module
        refs: dict[tuple[object, ...], ModelRef] = {}
        for f in self.found:
            line, column = where[id(f.node)]
            via = self.via(f.origin, where)
            ref = ModelRef(path, line, column, f.named.kind, f.named.raw, f.pattern.id,
                           SourceKind.PYTHON, provider=f.named.provider, via=via)  # fmt: skip
            refs.setdefault((line, column, ref.kind, ref.raw), ref)
        unresolved: dict[tuple[int, int], UnresolvedRef] = {}
        for m in self.missing:
            line, column = where[id(m.node)]
            expression = module.tree.code_for_node(m.node)
            unresolved.setdefault(
                (line, column),
                UnresolvedRef(
                    path, line, column, expression, m.pattern.id, SourceKind.PYTHON, reason=m.reason
                ),
            )
        return Extraction(
            tuple(sorted(refs.values(), key=lambda r: (r.line, r.column, r.raw))),
            tuple(unresolved[k] for k in sorted(unresolved)),
        )

    def locate(self) -> dict[int, tuple[int, int]]:
        """Positions of every reported node, in this module and in modules values came from."""
        by_module: dict[str, list[cst.CSTNode]] = {self.module.path: []}
        by_module[self.module.path].extend(f.node for f in self.found)
        by_module[self.module.path].extend(m.node for m in self.missing)
        for f in self.found:
            if f.origin is not None:
                by_module.setdefault(f.origin.path, []).append(f.origin.target)
        where: dict[int, tuple[int, int]] = {}
        for rel, nodes in by_module.items():
            info = self.evaluator.modules.get(rel)
            if info is not None:
                where.update(positions(info.tree, info.text, nodes))
        return where

    @staticmethod
    def via(origin: Origin | None, where: dict[int, tuple[int, int]]) -> str | None:
        if origin is None or id(origin.target) not in where:
            return None
        return f"{origin.name} at {origin.path}:{where[id(origin.target)][0]}"


@dataclass(frozen=True, slots=True)
class _Star:
    node: cst.BaseExpression  # the *args / **kwargs expression that may hold the argument


def _argument(call: cst.Call, spec: ArgSpec) -> cst.BaseExpression | _Star | None:
    """The argument ``spec`` names: keyword first, then position; _Star behind an unpacking."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value in spec.keywords:
            return arg.value
    stars = [a for a in call.args if a.star]
    if spec.position is not None:
        positional = [a for a in call.args if a.keyword is None]
        for i, arg in enumerate(positional[: spec.position + 1]):
            if arg.star == "*":
                return _Star(arg.value)
            if i == spec.position and not arg.star:
                return arg.value
    kwargs = next((a for a in stars if a.star == "**"), None)
    return _Star(kwargs.value) if kwargs is not None else None


def _classify(path: str, ctx: RepoContext, pattern: CallPattern, text: str, pair: str | None,
              option: str | None, built_path: bool) -> Named | None:  # fmt: skip
    """The reference a resolved string makes: a model, a local model folder, or nothing."""
    if not is_hosted(pattern):
        if built_path or is_path_like(pattern, text):
            return _local_folder(path, ctx, text)
        folder = _local_folder(path, ctx, text)
        if folder is not None or _local_file(path, ctx, text):
            return folder
    return name_model(pattern, text, pair, option)


def _candidates(path: str, text: str) -> list[str]:
    value = text.strip().replace("\\", "/")
    if not value or value.startswith(("/", "~", "$")) or ":" in value:
        return []
    here = posixpath.dirname(path)
    out = [posixpath.normpath(value), posixpath.normpath(posixpath.join(here, value))]
    return [c for c in dict.fromkeys(out) if c != "." and not c.startswith("..")]


def _local_folder(path: str, ctx: RepoContext, text: str) -> Named | None:
    """A LOCAL reference when ``text`` is a folder of the repository (from root or the file)."""
    for candidate in _candidates(path, text):
        if ctx.is_dir(candidate):
            return Named(RefKind.LOCAL, candidate)
    return None


def _local_file(path: str, ctx: RepoContext, text: str) -> bool:
    return any(ctx.exists(c) for c in _candidates(path, text))
