"""What the parts of the evaluator share: its state, its recursive entry points, small lookups.

``Evaluator`` (``values``) is one class assembled from parts in their own modules: import
following (``python_imports``), repository classes and instances (``python_classes``) and the
values callers pass for parameters (``parameters``). Each part evaluates the expressions
it meets with ``evaluate``, ``name`` and ``binding``, declared here and defined by
``Evaluator``: the recursion stays inside the one object, and no module imports a later one.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import libcst as cst

from scanner.context import RepoContext
from scanner.find.extractors.python.callers import CallIndex
from scanner.find.extractors.python.items import Items
from scanner.find.extractors.python.loader import load_module, module_files
from scanner.find.extractors.python.prune import NeedWords
from scanner.find.extractors.python.scope import Binding, ModuleInfo, Scope, ScopeKind


class EvaluatorBase(ABC):
    """The evaluator's state and the modules it has loaded, shared by all its parts."""

    def __init__(self, module: ModuleInfo, ctx: RepoContext) -> None:
        self.ctx = ctx
        self.modules: dict[str, ModuleInfo] = {module.path: module}
        self.active: set[int] = set()
        self.memo: dict[int, Items] = {}  # id(binding) -> its values
        self.depth = 0
        self.calls: dict[str, CallIndex] = {}  # module path -> its call sites by callee name
        self.callers = 0  # call-site levels being followed now
        self.truncated = False  # a bound was hit: the value depends on the path, do not memo

    @abstractmethod
    def evaluate(self, expr: cst.BaseExpression, scope: Scope) -> Items:
        """Every value ``expr`` may hold when evaluated in ``scope``."""

    @abstractmethod
    def name(self, name: str, scope: Scope) -> Items:
        """The values of ``name`` looked up from ``scope`` (function, enclosing, module)."""

    @abstractmethod
    def binding(self, binding: Binding) -> Items:
        """The values one binding gives its name (cycle-safe)."""

    def need_stored(self, scope: Scope, attr: str) -> None:
        """Raise NeedWords when a blanked body of the module ``scope`` sits in may store
        ``self.attr`` (a class attribute lookup reads every store)."""
        path = module_path(scope)
        module = self.modules.get(path)
        if module is not None and attr in module.pruned.stores:
            raise NeedWords(path, attr)

    def need_callers(self, path: str, target: str, home: str | None = None) -> ModuleInfo | None:
        """Module ``path`` with every call of ``target`` kept: loaded so when this extraction
        has not read it yet (with the calls of every function of module ``home`` too: the
        next lookup of a caller there is answered by the same parse), else NeedWords when a
        blanked body may call ``target``."""
        self.ctx.noted_entry(path, target)  # its calls of ``target`` are read
        module = self.modules.get(path)
        if module is None:
            owner = self.modules.get(home) if home is not None else None
            words = {target, *(owner.pruned.callables if owner is not None else ())}
            module = load_module(self.ctx, path, words=frozenset(words))
            if module is not None:
                self.modules[path] = module
        elif target in module.pruned.calls:
            raise NeedWords(path, target)
        return module

    def _load(self, importer: str, module: str, level: int) -> ModuleInfo | None:
        for rel in module_files(importer, module, level):
            if rel == importer:
                continue
            info = self.modules.get(rel) or load_module(self.ctx, rel)
            if info is not None:
                self.modules[rel] = info
                return info
        return None

    def _loaded(self, rel: str) -> ModuleInfo | None:
        info = self.modules.get(rel) or load_module(self.ctx, rel)
        if info is not None:
            self.modules[rel] = info
        return info


def function_scope(scope: Scope) -> Scope:
    """The def a comprehension scope sits in (comprehensions see their function's names)."""
    while scope.kind is ScopeKind.FUNCTION and scope.name == "<comprehension>" and scope.parent:
        scope = scope.parent
    return scope


def root_scope(scope: Scope) -> Scope:
    """The module scope ``scope`` sits in."""
    while scope.parent is not None:
        scope = scope.parent
    return scope


def module_path(scope: Scope) -> str:
    """The path of the module ``scope`` sits in."""
    return root_scope(scope).name


def argument(
    call: cst.Call, position: int | None, keyword: str | None
) -> cst.BaseExpression | None:
    """A call's argument by keyword, else by position (None if absent or behind a ``*args``)."""
    for arg in call.args:
        if keyword and arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    if position is None:
        return None
    positional = [a for a in call.args if a.keyword is None]
    for i, arg in enumerate(positional[: position + 1]):
        if arg.star:
            return None
        if i == position:
            return arg.value
    return None
