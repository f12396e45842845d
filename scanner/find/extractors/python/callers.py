"""Call sites of a module's own functions, for parameters whose value only a caller knows.

``def load(model_id): return AutoModel.from_pretrained(model_id)`` names a model only through
its callers (``load("org/x")``). This module finds, within the module that defines a function,
the calls that reach it and the argument each passes for a parameter:

* a module-level (or nested) function called by its name, where that name is not shadowed;
* a method called as ``self.name(...)`` / ``cls.name(...)`` from a method of the same class;
* ``__init__`` called by instantiating its class, ``Loader("org/x")``.

Calls through other receivers (``obj.load(...)``), whose class is not known statically, are not
followed. Callers in other modules are found by ``values`` (only for parameters still
unknown here), with ``callee``, ``calls_named`` and ``passed_at`` from this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from scanner.find.extractors.python.scope import CallSite, ModuleInfo, Scope, ScopeKind

CallIndex = dict[str, list[CallSite]]
"""Call sites of a module by callee name: ``f(...)`` and ``self.f(...)`` under ``f``."""


def index_calls(module: ModuleInfo) -> CallIndex:
    """The module's calls whose callee is a plain name or a method of ``self``/``cls``."""
    index: CallIndex = {}
    for site in module.calls:
        match site.node.func:
            case cst.Name(value=name):
                index.setdefault(name, []).append(site)
            case cst.Attribute(value=cst.Name(value="self" | "cls"), attr=cst.Name(value=name)):
                index.setdefault(name, []).append(site)
    return index


@dataclass(frozen=True, slots=True)
class Passed:
    """What one call site passes for a parameter: an expression, ``None`` (omitted), or
    ``unpacked`` when it may come through ``*args``/``**kwargs``."""

    site: CallSite
    value: cst.BaseExpression | None
    unpacked: bool = False


def callers(function: Scope, param: str, index: CallIndex) -> list[Passed]:
    """Each call of ``function`` in its module, with what it passes for ``param``."""
    target, shift = callee(function)
    if target is None:
        return []
    out: list[Passed] = []
    for site in index.get(target, ()):
        if _reaches(site, function, target) and not inside(site.scope, function):
            out.append(passed_at(site, function, param, shift))
    return out


def calls_named(module: ModuleInfo, name: str) -> Sequence[CallSite]:
    """The module's calls of ``name`` or of ``<anything>.name`` (indexed once per module: many
    functions look for their callers in the same module)."""
    index = module.by_callee
    if not index and module.calls:
        for site in module.calls:
            match site.node.func:
                case cst.Name(value=called) | cst.Attribute(attr=cst.Name(value=called)):
                    index.setdefault(called, []).append(site)
    return index.get(name, ())


def callee(function: Scope) -> tuple[str | None, int]:
    """The name calls use for ``function`` and how many leading parameters they skip."""
    parent = function.parent
    if parent is None or function.name.startswith("<"):
        return None, 0
    if parent.kind is not ScopeKind.CLASS:
        return function.name, 0
    if function.name == "__init__":
        return parent.name, 1
    return function.name, 0 if function.static else 1


def _reaches(site: CallSite, function: Scope, target: str) -> bool:
    """True when the call at ``site`` calls ``function`` (by name, through ``self``, or its
    class)."""
    parent = function.parent
    assert parent is not None
    method = parent.kind is ScopeKind.CLASS and function.name != "__init__"
    if isinstance(site.node.func, cst.Attribute):  # self.f(...) / cls.f(...)
        return method and method_class(site.scope) is parent
    owner = parent.parent if parent.kind is ScopeKind.CLASS else parent
    return not method and owner is not None and _binder(site.scope, target) is owner


def _binder(scope: Scope, name: str) -> Scope | None:
    """The scope a name used in ``scope`` is bound in (class bodies are skipped from inside)."""
    current: Scope | None = scope
    while current is not None:
        if (current is scope or current.kind is not ScopeKind.CLASS) and name in current.bindings:
            return current
        current = current.parent
    return None


def method_class(scope: Scope) -> Scope | None:
    """The class whose method ``scope`` is (comprehensions and nested functions see through)."""
    current: Scope | None = scope
    while current is not None and current.kind is ScopeKind.FUNCTION:
        if current.parent is not None and current.parent.kind is ScopeKind.CLASS:
            return current.parent
        current = current.parent
    return None


def inside(scope: Scope, function: Scope) -> bool:
    """True for a call inside ``function`` itself (recursion adds no value)."""
    current: Scope | None = scope
    while current is not None:
        if current is function:
            return True
        current = current.parent
    return False


def passed_at(site: CallSite, function: Scope, param: str, shift: int) -> Passed:
    """What the call at ``site`` passes for ``param`` of ``function`` (``shift`` leading
    parameters, such as ``self``, are not passed)."""
    args = site.node.args
    for arg in args:
        if arg.keyword is not None and arg.keyword.value == param:
            return Passed(site, arg.value)
    position = function.params.index(param) - shift if param in function.params else -1
    positional = [a for a in args if a.keyword is None and a.star != "**"]
    for i, arg in enumerate(positional):
        if arg.star == "*" and 0 <= i <= position:
            return Passed(site, arg.value, unpacked=True)
        if i == position >= 0:
            return Passed(site, arg.value)
    kwargs = next((a for a in args if a.star == "**"), None)
    if kwargs is not None:
        return Passed(site, kwargs.value, unpacked=True)
    return Passed(site, None)
