"""The libcst half of the Python extractor: parse, walk, match calls, resolve and locate values.

Imported only for files that pass the text prefilter of ``scanner.find.extractors.python``.

A model argument is dropped (neither a reference nor unresolved) when it is a local folder:

* its value is a path (``tmp_path / "adapter"``, a name such as ``output_dir``:
  ``local.is_folder_name``);
* or the same function already passed the same expression to a folder destination
  (``SAVE_CALLS``, or any keyword named like a folder, ``TrainingArguments(output_dir=x)``):
  ``model.save_pretrained(out); PeftModel.from_pretrained(model, out)`` loads what it saved.
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import libcst as cst

from scanner.context import RepoContext
from scanner.find.extractors.python import guard
from scanner.find.extractors.python.containers import lookup
from scanner.find.extractors.python.items import Const, Items, Map, Origin, Text, Unknown
from scanner.find.extractors.python.loader import (
    collector_paused,
    load_module,
    need_words,
    needed_words,
    parse_tree,
    settle,
)
from scanner.find.extractors.python.local import classify, is_folder_name
from scanner.find.extractors.python.patterns import (
    ArgSpec,
    CallName,
    CallPattern,
    match_call,
    module_matches,
)
from scanner.find.extractors.python.positions import positions
from scanner.find.extractors.python.prune import NeedWords
from scanner.find.extractors.python.scope import (
    BindingKind,
    CallSite,
    ModuleInfo,
    Scope,
    ScopeKind,
    call_name,
)
from scanner.find.extractors.python.usage import UsageFinder, attach_uses
from scanner.find.extractors.python.values import Evaluator
from scanner.find.identify import UNKNOWN_OPTION, Named
from scanner.types import Extraction, FileError, ModelRef, SourceKind, UnresolvedRef, Unscanned

Fallback = Callable[[str, str, RepoContext], tuple[ModelRef, ...]]

SAVE_CALLS: tuple[tuple[str, ArgSpec], ...] = (
    ("torch.save", ArgSpec(1, ("f",))),
    ("*.save_pretrained", ArgSpec(0, ("save_directory",))),
    ("*.save_model", ArgSpec(0, ("output_dir",))),
    ("*.save_to_disk", ArgSpec(0, ("dataset_path",))),
    ("*.save", ArgSpec(0, ("path", "save_directory"))),
)
"""Calls that write a folder (or file) at the argument given: what is loaded from it is local."""


def extract_parsed(path: str, text: str, ctx: RepoContext, fallback: Fallback) -> Extraction:
    """Parse ``text`` and extract its references; ``fallback`` reads files that do not parse.

    A lookup that needs code the pruner blanked (``NeedWords``) has that module parsed again
    with the code kept, and the extraction starts over (each time with more of it kept)."""
    settle(ctx)  # modules dropped during earlier files: no lookup holds them any more
    with collector_paused():
        while True:
            try:
                return _extract_parsed(path, text, ctx, fallback)
            except NeedWords as need:
                need_words(ctx, need.path, need.word)


def _extract_parsed(path: str, text: str, ctx: RepoContext, fallback: Fallback) -> Extraction:
    shared = load_module(ctx, path, scanning=True) if path.endswith(".py") else None
    if shared is not None and shared.source == text:  # the parse other modules' lookups reuse
        return _Finder(shared, ctx).run()
    screened = guard.screen(text)
    if isinstance(screened, guard.Refusal):  # libcst would crash or blow up on it: fallback
        message = f"{screened.reason}; searched by the fallback tokenizer"
        error = FileError(path, message, screened.line, unscanned=Unscanned.SKIPPED)
        return Extraction(fallback(path, text, ctx), (), (error,))
    try:
        module = parse_tree(path, text, screened, needed_words(ctx, path))
    except cst.ParserSyntaxError as err:
        return Extraction(fallback(path, text, ctx), (), (_syntax_error(path, text, err),))
    except UnicodeError as err:  # lone surrogates from a lossy decode
        error = FileError(path, f"text is not valid Unicode: {err}")
        return Extraction(fallback(path, text, ctx), (), (error,))
    return _Finder(module, ctx).run()


def _syntax_error(path: str, text: str, err: cst.ParserSyntaxError) -> FileError:
    """The syntax error, located by Python's own parser when it agrees the file is invalid."""
    try:
        ast.parse(text)
    except SyntaxError as exc:
        return FileError(path, f"syntax error: {exc.msg}", line=exc.lineno or err.editor_line)
    except (ValueError, RecursionError, MemoryError):
        pass  # e.g. NUL bytes: keep libcst's account
    return FileError(path, f"syntax error: {err.message}", line=err.editor_line)


@dataclass(frozen=True, slots=True)
class _Found:
    node: cst.CSTNode
    pattern: CallPattern
    named: Named
    origin: Origin | None
    site: Origin | None = None  # the caller's argument that names the model, when passed in


@dataclass(frozen=True, slots=True)
class _Missing:
    node: cst.CSTNode
    pattern: CallPattern
    reason: str
    path: str | None = None  # the module of ``node`` when not this one (a caller's argument)


@dataclass(slots=True)
class _Finder:
    """Matches one module's calls against the table and turns their arguments into records."""

    module: ModuleInfo
    ctx: RepoContext
    found: list[_Found] = field(default_factory=list)
    missing: list[_Missing] = field(default_factory=list)
    evaluator: Evaluator = field(init=False)
    saved: dict[int, dict[str, int]] = field(default_factory=dict)  # scope -> key -> first call
    loaded: dict[int, list[cst.CSTNode]] = field(default_factory=dict)  # loader call -> arg nodes

    def __post_init__(self) -> None:
        self.evaluator = Evaluator(self.module, self.ctx)

    def run(self) -> Extraction:
        imports, imported = self.module.imports, self.module.imported
        for index, site in enumerate(self.module.calls):
            name = call_name(site.node.func, imports)
            self.note_saved(site, name, index)
            pattern = match_call(name, imported) if name is not None else None
            if pattern is None and name is not None and not name.qualified:
                typed = _typed_receiver(name, site.scope, imports)  # m = YOLO(...); m.load(...)
                pattern = match_call(typed, imported) if typed is not None else None
            if pattern is not None and not _imported_from_library(name, pattern) \
                    and self.evaluator.own_method(site.node.func, site.scope):  # fmt: skip
                pattern = _own_method_pattern(name)
            if pattern is not None:
                before = len(self.found)
                self.call(site, pattern, index)
                self.loaded[id(site.node)] = [f.node for f in self.found[before:]]
        return self.records()

    def note_saved(self, site: CallSite, name: CallName | None, index: int) -> None:
        """Remember the folder destinations this call writes to (SAVE_CALLS, folder keywords)."""
        targets = [a.value for a in site.node.args if a.keyword and is_folder_name(a.keyword.value)]
        spec = _save_spec(name) if name is not None else None
        if spec is not None:
            value = _argument(site.node, spec)
            if isinstance(value, cst.BaseExpression):
                targets.append(value)
        if targets:
            keys = self.saved.setdefault(id(_function(site.scope)), {})
            for target in targets:
                keys.setdefault(self.key(target), index)

    def is_saved(self, value: cst.BaseExpression, site: CallSite, index: int) -> bool:
        """True when the same function passed ``value`` to a folder destination before."""
        keys = self.saved.get(id(_function(site.scope)))
        return keys is not None and keys.get(self.key(value), index) < index

    def key(self, expr: cst.BaseExpression) -> str:
        """What makes two argument expressions the same value: text, or a string's value."""
        if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString)):
            value = expr.evaluated_value
            if isinstance(value, str):
                return "str:" + value
        return "code:" + self.module.tree.code_for_node(expr)

    def call(self, site: CallSite, pattern: CallPattern, index: int) -> None:
        node, scope = site.node, site.scope
        for keyword in pattern.string_keywords:
            value = _argument(node, ArgSpec(None, (keyword,)))
            if isinstance(value, cst.BaseExpression) and not self.is_saved(value, site, index):
                self.texts(value, self.evaluator.evaluate(value, scope), pattern, None, None)
        value = _argument(node, pattern.arg)
        if value is None:
            return
        if isinstance(value, _Star):
            unpacked = self.unpacked(value, pattern.arg, scope)
            if unpacked is None and not pattern.string_only:
                reason = "model may be passed via unpacking"
                self.missing.append(_Missing(value.node, pattern, reason))
            elif unpacked is not None:  # **{"model": "org/x"}: the literal dict's entry
                self.texts(value.node, unpacked, pattern, None, self.option(node, pattern, scope))
                self.unknowns(value.node, unpacked, pattern)
            return
        if self.is_saved(value, site, index):
            return
        option = self.option(node, pattern, scope)
        pairs: list[str | None] = [None]
        if pattern.pair is not None:
            pairs = self.pair_values(node, pattern.pair, pattern, scope)
        for inner, path in _descend(value, pattern.path):
            items = self.evaluator.evaluate(inner, scope)
            if path:
                items = self.evaluator.select(items, path)
            for pair in pairs:
                self.texts(inner, items, pattern, pair, option)
            if not pattern.string_only:  # SFTTrainer(model=model): an object, not unresolved
                self.unknowns(inner, items, pattern)

    def unpacked(self, star: _Star, spec: ArgSpec, scope: Scope) -> Items | None:
        """The argument's values inside ``**kwargs`` when every value it may hold is a literal
        dict (none if no dict has the keyword); None when that is not known."""
        if not star.keywords:
            return None
        maps = self.evaluator.evaluate(star.node, scope)
        if not maps or not all(isinstance(item, Map) for item in maps):
            return None
        keys = tuple(Text(keyword) for keyword in spec.keywords)
        return tuple(itertools.chain.from_iterable(lookup(m, keys, default=()) for m in maps))

    def unknowns(self, node: cst.BaseExpression, items: Items, pattern: CallPattern) -> None:
        """Unresolved records: at the call site that passed an unknown value for a parameter
        (in this module or another), else one at the use."""
        at_use = False
        for item in items:
            if not isinstance(item, Unknown):
                continue
            if item.site is not None:
                site = item.site
                self.missing.append(_Missing(site.target, pattern, item.reason, site.path))
            elif not at_use:
                at_use = True
                self.missing.append(_Missing(node, pattern, item.reason))

    def texts(self, node: cst.BaseExpression, items: Items, pattern: CallPattern,
              pair: str | None, option: str | None) -> None:  # fmt: skip
        path = self.module.path
        for item in items:
            if isinstance(item, Text):
                named = classify(path, self.ctx, pattern, item.value, pair, option, item.path)
                if named is not None:
                    self.found.append(_Found(node, pattern, named, item.origin, item.site))

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
        """One reference per place that names a model (a caller's argument when the value was
        passed in, the loader's argument otherwise), the training and distribution places that
        use them, and one unresolved record per place."""
        places = UsageFinder(self.module, self.evaluator, self.loaded).run()
        where = self.locate([p.node for p in places if p.kind is not None])
        refs: dict[tuple[object, ...], ModelRef] = {}
        keyed: list[tuple[cst.CSTNode, tuple[object, ...]]] = []
        for f in sorted(self.found, key=lambda f: where[id(f.node)]):
            ref = self.reference(f, where)
            key = (ref.path, ref.line, ref.column, ref.kind, ref.raw)
            refs.setdefault(key, ref)
            keyed.append((f.node, key))
        refs, uses = attach_uses(refs, places, keyed, where, self.module.path)
        unresolved: dict[tuple[str, int, int], UnresolvedRef] = {}
        for m in self.missing:
            path = m.path or self.module.path
            line, column = where[id(m.node)]
            info = self.evaluator.modules.get(path)
            expression = info.tree.code_for_node(m.node) if info else ""
            record = UnresolvedRef(
                path, line, column, expression, m.pattern.id, SourceKind.PYTHON, reason=m.reason
            )
            unresolved.setdefault((path, line, column), record)
        return Extraction(
            tuple(sorted(refs.values(), key=lambda r: (r.path, r.line, r.column, r.raw))),
            tuple(unresolved[k] for k in sorted(unresolved)),
            uses=uses,
        )

    def reference(self, f: _Found, where: dict[int, tuple[int, int]]) -> ModelRef:
        """The reference for one found model: at the caller's argument with the loader as
        ``via`` when a caller passed the value in; else at the loader's argument."""
        path, (line, column) = self.module.path, where[id(f.node)]
        via = self.via(f.origin, where)
        if f.site is not None and id(f.site.target) in where:
            name = f.origin.name if f.origin is not None else "loaded"
            via = f"{name} at {path}:{line}"
            path, (line, column) = f.site.path, where[id(f.site.target)]
        return ModelRef(path, line, column, f.named.kind, f.named.raw, f.pattern.id,
                        SourceKind.PYTHON, provider=f.named.provider, via=via)  # fmt: skip

    def locate(self, extra: list[cst.CSTNode]) -> dict[int, tuple[int, int]]:
        """Positions of every reported node (and ``extra`` nodes of this module), in this module
        and in modules values came from: one code generation pass per module."""
        by_module: dict[str, list[cst.CSTNode]] = {self.module.path: list(extra)}
        by_module[self.module.path].extend(f.node for f in self.found)
        for m in self.missing:
            by_module.setdefault(m.path or self.module.path, []).append(m.node)
        for f in self.found:
            for origin in (f.origin, f.site):
                if origin is not None:
                    by_module.setdefault(origin.path, []).append(origin.target)
        where: dict[int, tuple[int, int]] = {}
        for rel, nodes in by_module.items():
            info = self.evaluator.modules.get(rel)
            if info is not None:
                where.update(positions(info.tree, info.text, nodes, info.lines))
        return where

    @staticmethod
    def via(origin: Origin | None, where: dict[int, tuple[int, int]]) -> str | None:
        if origin is None or id(origin.target) not in where:
            return None
        return f"{origin.name} at {origin.path}:{where[id(origin.target)][0]}"


@dataclass(frozen=True, slots=True)
class _Star:
    node: cst.BaseExpression  # the *args / **kwargs expression that may hold the argument
    keywords: bool = False  # **kwargs: a mapping of keyword arguments


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
    return _Star(kwargs.value, keywords=True) if kwargs is not None else None


def _descend(
    expr: cst.BaseExpression, path: tuple[str, ...]
) -> list[tuple[cst.BaseExpression, tuple[str, ...]]]:
    """The expressions a key path reaches inside a literal argument, each with the rest of the
    path (a literal list's elements, a literal dict's value), so each is reported where it is
    written; a literal dict without the key reaches nothing."""
    if not path:
        return [(expr, path)]
    step, rest = path[0], path[1:]
    match expr:
        case cst.List(elements=elements) | cst.Tuple(elements=elements) if step == "*":
            if all(isinstance(e, cst.Element) for e in elements):
                return [leaf for e in elements for leaf in _descend(e.value, rest)]
        case cst.Dict(elements=elements) if step != "*":
            keys = [_literal_key(e) for e in elements]
            if all(k is not None for k in keys):
                return [
                    leaf
                    for e, k in zip(elements, keys, strict=True)
                    if k == step
                    for leaf in _descend(e.value, rest)
                ]
    return [(expr, path)]


def _literal_key(element: cst.BaseDictElement) -> str | None:
    match element:
        case cst.DictElement(key=cst.SimpleString(evaluated_value=str() as key)):
            return key
    return None


def _imported_from_library(name: CallName | None, pattern: CallPattern) -> bool:
    """True when the callee is imported from one of the row's libraries (``from peft import
    PeftModel``): the table decides, even where that module is in the repository scanned."""
    if name is None or not name.qualified:
        return False
    dotted = ".".join(name.parts)
    return any(module_matches(dotted, library) for library in pattern.libraries)


def _typed_receiver(name: CallName, scope: Scope, imports: dict[str, str]) -> CallName | None:
    """``model.load`` named by the class of ``model`` when every value the name is given in its
    scope is a call of one imported class (``m = YOLO("x.yaml")``: ``ultralytics.YOLO.load``)."""
    if len(name.parts) < 2:
        return None
    current: Scope | None = scope
    while current is not None and name.parts[0] not in current.bindings:
        current = current.parent
    bindings = current.bindings.get(name.parts[0], []) if current is not None else []
    made = {
        call_name(b.value.func, imports)
        if b.kind is BindingKind.VALUE and isinstance(b.value, cst.Call)
        else None
        for b in bindings
    }
    if len(made) != 1:
        return None
    (maker,) = made
    if maker is None or not maker.qualified:
        return None
    return CallName((*maker.parts, *name.parts[1:]), True)


def _own_method_pattern(name: CallName | None) -> CallPattern | None:
    """A repository class's own ``from_pretrained`` may or may not load from the Hub: only the
    library-independent rows apply (namespaced ids only, ``py.from_pretrained.any``)."""
    return match_call(CallName(name.parts, False), frozenset()) if name is not None else None


def _save_spec(name: CallName) -> ArgSpec | None:
    """Where the destination sits when ``name`` is one of SAVE_CALLS."""
    for spec, arg in SAVE_CALLS:
        wanted = tuple(spec.removeprefix("*.").split("."))
        if spec.startswith("*."):
            if len(name.parts) > len(wanted) and name.parts[-len(wanted) :] == wanted:
                return arg
        elif name.qualified and name.parts == wanted:
            return arg
    return None


def _function(scope: Scope) -> Scope:
    """The function (or module, class) body a scope belongs to: comprehensions are see-through."""
    while scope.kind is ScopeKind.FUNCTION and scope.name.startswith("<") and scope.parent:
        scope = scope.parent
    return scope
