"""A parameter's values: its default, and what the calls of its function pass for it.

Call sites in the parameter's own module come first (``callers``); a parameter with
neither a default nor a call there is looked up at call sites in other modules: an import of
its function or class, or a subclass calling an inherited method (``repo`` screens the
files before they are parsed). Both are bounded: ``MAX_CALLERS`` levels of call sites, and
``MAX_FOREIGN_MODULES`` other modules per function.
"""

from __future__ import annotations

from dataclasses import replace

import libcst as cst

from scanner.find.extractors.python.base import module_path, root_scope
from scanner.find.extractors.python.callers import (
    Passed,
    callee,
    callers,
    calls_named,
    index_calls,
    inside,
    method_class,
    passed_at,
)
from scanner.find.extractors.python.items import (
    ClassRef,
    Item,
    Items,
    Origin,
    Text,
    Unknown,
    unknown,
)
from scanner.find.extractors.python.options import OptionValues
from scanner.find.extractors.python.repo import (
    caller_pattern,
    may_call,
    modules_matching,
    word_start,
)
from scanner.find.extractors.python.scope import Binding, CallSite, Scope, ScopeKind

MAX_CALLERS = 2  # levels of call sites followed for a parameter without a value of its own
MAX_FOREIGN_MODULES = 16  # other modules parsed to find the callers of one function


class ParameterValues(OptionValues):
    """The evaluator's part for parameters (a subclass's call reaches an inherited method)."""

    def parameter(self, binding: Binding) -> Items:
        """A parameter's values: its default, and what the module's calls of its function
        pass for it (flow-insensitive, like every binding: each value that may arrive counts)."""
        default = self.evaluate(binding.value, binding.scope) if binding.value else ()
        sites, overflow = self.passed(binding), False
        if not sites and not default:
            sites, overflow = self.foreign(binding)
        passed = [arg for arg in sites if arg.value is not None]
        if not passed:  # a click option of that name: its default
            return (
                default
                or self.cli_option(binding.name, binding.scope)
                or unknown(f"parameter {binding.name} has no default")
            )
        function = _call_name(binding.owner)
        out: list[Item] = list(default)
        if overflow:
            out.append(Unknown(f"{function}() is called from more modules than are followed"))
        for arg in passed:
            origin = Origin(f"{function}({binding.name})", module_path(arg.site.scope),
                            arg.site.node)  # fmt: skip
            out.extend(self._passed_items(arg, origin))
        return tuple(out)

    def passed(self, binding: Binding) -> list[Passed]:
        """The call sites of the parameter's function in its module (bounded in depth)."""
        if binding.owner is None:
            return []
        if self.callers >= MAX_CALLERS:
            self.truncated = True
            return []
        path = module_path(binding.scope)
        target, _ = callee(binding.owner)
        if target:
            self.ctx.noted_entry(path, target)
        module = self.need_callers(path, target) if target else self.modules.get(path)
        if module is None:
            return []
        index = self.calls.get(path)
        if index is None:
            index = self.calls[path] = index_calls(module)
        return callers(binding.owner, binding.name, index)

    def foreign(self, binding: Binding) -> tuple[list[Passed], bool]:
        """Call sites in other modules that reach the parameter's function (an import of it, a
        subclass calling an inherited method); True when more modules call it than are parsed."""
        function = binding.owner
        if function is None or function.parent is None:
            return [], False
        if self.callers >= MAX_CALLERS:
            self.truncated = True
            return [], False
        target, shift = callee(function)
        home = self.modules.get(module_path(binding.scope))
        method = function.parent.kind is ScopeKind.CLASS and function.name != "__init__"
        if target is None or home is None or not home.path.endswith(".py"):
            return [], False
        if not method and root_scope(function.parent) is not (
            function.parent.parent if function.name == "__init__" else function.parent
        ):
            return [], False  # a nested function or class cannot be imported
        paths = self._caller_modules(home.path, function, target, method)
        out: list[Passed] = []
        for rel in paths[:MAX_FOREIGN_MODULES]:
            if not may_call(self.ctx, rel, target):
                continue  # imports the name but never calls it: nothing to parse for
            module = self.need_callers(rel, target, home.path)
            if module is None:
                continue
            for site in calls_named(module, target):
                if self._reaches(site, function, method) and not inside(site.scope, function):
                    out.append(passed_at(site, function, binding.name, shift))
        return out, len(paths) > MAX_FOREIGN_MODULES

    def _caller_modules(self, home: str, function: Scope, target: str, method: bool) -> list[str]:
        """Modules whose text may call ``target`` from outside: a subclass's ``self.target(``
        (the home module too), or an import of the function or class."""
        if method:
            klass = function.parent.name if function.parent else ""
            subclassing = set(modules_matching(self.ctx, klass, rf"{word_start(klass)}\b"))
            calling = modules_matching(self.ctx, target, caller_pattern(target, (), True))
            return [home, *(rel for rel in calling if rel in subclassing and rel != home)]
        parts = home.removesuffix(".py").split("/")
        anchors = tuple(p for p in parts if p not in ("__init__", "src") and p.isidentifier())
        found = modules_matching(self.ctx, target, caller_pattern(target, anchors, False))
        return [rel for rel in found if rel != home]

    def _reaches(self, site: CallSite, function: Scope, method: bool) -> bool:
        """True when a call in another module (or a subclass) calls ``function``."""
        klass = function.parent
        assert klass is not None
        func = site.node.func
        if method:
            caller_class = method_class(site.scope)
            return (
                isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Name)
                and func.value.value in ("self", "cls")
                and caller_class is not None
                and caller_class is not klass
                and self.method_owner(caller_class, function.name) is klass
            )
        items = self.evaluate(func, site.scope)
        if function.name == "__init__":
            return any(isinstance(i, ClassRef) and i.scope is klass for i in items)
        defs = {id(b.target) for b in klass.bindings.get(function.name, ())}
        return any(i.origin is not None and id(i.origin.target) in defs for i in items)

    def _passed_items(self, arg: Passed, origin: Origin) -> Items:
        """The values one call site passes, each via that call; unknowns are reported there."""
        assert arg.value is not None
        site = Origin(origin.name, origin.path, arg.value)
        if arg.unpacked:
            return (Unknown("argument may be passed via unpacking", origin, site),)
        self.callers += 1
        try:
            items = self.evaluate(arg.value, arg.site.scope)
        finally:
            self.callers -= 1
        return tuple(_passed(i, origin, site) for i in items)


def _call_name(function: Scope | None) -> str:
    """How calls name ``function``: its name, or its class for ``__init__``."""
    if function is None:
        return "function"
    if function.name == "__init__" and function.parent is not None:
        return function.parent.name
    return function.name


def _passed(item: Item, origin: Origin, site: Origin) -> Item:
    """An item a call site passed: its origin is the parameter; an unknown or a text keeps the
    outermost call site that passed it (where it is reported)."""
    match item:
        case Unknown():
            return replace(item, site=item.site or site)
        case Text():
            return replace(item, origin=origin, site=item.site or site)
    return replace(item, origin=origin)
