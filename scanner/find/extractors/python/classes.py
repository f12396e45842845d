"""Repository classes and their instances: class attributes, constructor arguments, methods.

``Config.MODEL`` is what the class body (or a base class in the repository) binds. An
``Instance`` (``ModelConfig(id="org/x")``) has for attributes the constructor's arguments when
the class has a generated ``__init__`` (dataclass, pydantic, NamedTuple: its annotated fields, in
order), or what its own ``__init__`` stores from its parameters (``self.id = id``), else the
class's defaults.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

import libcst as cst

from scanner.find.extractors.python.base import (
    EvaluatorBase,
    argument,
    function_scope,
    module_path,
)
from scanner.find.extractors.python.callers import passed_at
from scanner.find.extractors.python.items import (
    ClassRef,
    Instance,
    Items,
    Origin,
    Unknown,
    as_unknown,
    unknown,
    with_origin,
)
from scanner.find.extractors.python.scope import Binding, BindingKind, CallSite, Scope


class ClassValues(EvaluatorBase):
    """The evaluator's part for classes of the repository and their instances."""

    def _instances(self, expr: cst.Call, scope: Scope) -> Items | None:
        """``Config(...)`` of a repository class: an Instance (None when no class is called).

        Only CapWords callees are evaluated: a function's result is unknown anyway, and
        evaluating its name could parse the module it is imported from for nothing."""
        match expr.func:
            case cst.Name(value=name) | cst.Attribute(attr=cst.Name(value=name)):
                if not name[:1].isupper():
                    return None
            case _:
                return None
        called = self.evaluate(expr.func, scope)
        if not any(isinstance(item, ClassRef) for item in called):
            return None
        return tuple(
            Instance(item.scope, expr, scope)
            if isinstance(item, ClassRef)
            else as_unknown(item, "value is the result of a call")
            for item in called
        )

    def instance_attr(self, instance: Instance, attr: str) -> Items:
        """An instance's attribute: the constructor's argument for it (a generated
        ``__init__``), what the class's ``__init__`` stores from its parameters, or the
        class's own value."""
        if not self.defines(instance.klass, "__init__"):
            value = self._field_argument(instance, attr)
            if value is not None:
                return self._constructor_items(instance, attr, value)
        return self.class_attr(instance.klass, attr, instance=instance)

    def _field_argument(self, instance: Instance, attr: str) -> cst.BaseExpression | None:
        """The argument a generated ``__init__`` stores as ``attr``: by keyword, or by the
        position of the field among the annotated fields (base classes' first)."""
        fields = self.fields(instance.klass)
        position = fields.index(attr) if attr in fields else None
        return argument(instance.call, position, attr)

    def fields(self, klass: Scope, seen: frozenset[int] = frozenset()) -> list[str]:
        """Annotated class-level names of a class and its repository bases, in field order."""
        out: list[str] = []
        for base in klass.bases:
            for item in self.evaluate(base, klass.parent or klass):
                if isinstance(item, ClassRef) and id(item.scope) not in seen:
                    out.extend(self.fields(item.scope, seen | {id(klass)}))
        return list(dict.fromkeys([*out, *klass.fields]))

    def _constructor_items(self, instance: Instance, attr: str, value: cst.BaseExpression) -> Items:
        """A constructor argument's values, via the argument when they have no origin."""
        origin = Origin(f"{instance.klass.name}.{attr}", module_path(instance.scope), value)
        return with_origin(self.evaluate(value, instance.scope), origin)

    def _stored(self, binding: Binding, instance: Instance | None) -> Items:
        """The values ``self.attr = param`` in ``__init__`` stores for this instance: what its
        constructor call passes for ``param`` (or its default); any other binding as is."""
        method = binding.scope
        value = binding.value
        if instance is None or method.name != "__init__" or not isinstance(value, cst.Name):
            return self.binding(binding)
        params = method.bindings.get(value.value, [])
        if not params or any(p.kind is not BindingKind.PARAM for p in params):
            return self.binding(binding)
        passed = passed_at(CallSite(instance.call, instance.scope), method, value.value, 1)
        if passed.unpacked:
            return unknown("argument may be passed via unpacking")
        if passed.value is None:
            default = params[0].value
            if default is None:
                return unknown(f"argument {value.value} is omitted")
            origin = Origin(value.value, module_path(method), params[0].target)
            return with_origin(self.evaluate(default, params[0].scope), origin)
        return self._constructor_items(instance, binding.name, passed.value)

    def class_attr(self, klass: Scope, attr: str, seen: frozenset[int] = frozenset(),
                   instance: Instance | None = None) -> Items:  # fmt: skip
        """A class attribute (class body or ``self.X = ...``), searching base classes too;
        for an ``instance``, ``__init__`` stores what its constructor call passed."""
        self.need_stored(klass, attr)  # a blanked method may store ``self.attr``
        bindings = [*klass.bindings.get(attr, ()), *klass.instance_attrs.get(attr, ())]
        if bindings:
            return tuple(itertools.chain.from_iterable(
                _class_origin(klass, b, self._stored(b, instance)) for b in bindings))  # fmt: skip
        for base in klass.bases:
            for item in self.evaluate(base, klass.parent or klass):
                if isinstance(item, ClassRef) and id(item.scope) not in seen:
                    found = self.class_attr(item.scope, attr, seen | {id(klass)}, instance)
                    if not (len(found) == 1 and isinstance(found[0], Unknown)):
                        return found
        return unknown(f"{klass.name}.{attr} is not set in the class")

    def defines(self, klass: Scope, attr: str, seen: frozenset[int] = frozenset()) -> bool:
        """True when a repository class (or a base class in the repository) binds ``attr``."""
        if attr in klass.bindings:
            return True
        return any(
            isinstance(item, ClassRef) and id(item.scope) not in seen
            and self.defines(item.scope, attr, seen | {id(klass)})
            for base in klass.bases for item in self.evaluate(base, klass.parent or klass)
        )  # fmt: skip

    def own_method(self, func: cst.BaseExpression, scope: Scope) -> bool:
        """True when ``func`` is a method the repository's own class defines (``Net.load``)."""
        if not isinstance(func, cst.Attribute):
            return False
        attr = func.attr.value
        if isinstance(func.value, cst.Name) and func.value.value in ("self", "cls"):
            klass = function_scope(scope).method_class()
            return klass is not None and self.defines(klass, attr)
        items = self.evaluate(func.value, scope)
        return bool(items) and all(
            isinstance(i, ClassRef) and self.defines(i.scope, attr) for i in items
        )

    def method_owner(
        self, klass: Scope, name: str, seen: frozenset[int] = frozenset()
    ) -> Scope | None:
        """The repository class whose ``name`` a call ``self.name()`` in ``klass`` runs."""
        if name in klass.bindings:
            return klass
        for base in klass.bases:
            for item in self.evaluate(base, klass.parent or klass):
                if isinstance(item, ClassRef) and id(item.scope) not in seen:
                    found = self.method_owner(item.scope, name, seen | {id(klass)})
                    if found is not None:
                        return found
        return None


def _class_origin(klass: Scope, binding: Binding, items: Items) -> Items:
    """Items whose origin is ``binding`` itself, renamed ``Class.attr``."""
    name = f"{klass.name}.{binding.name}"
    return tuple(
        replace(i, origin=replace(i.origin, name=name))
        if i.origin is not None and i.origin.target is binding.target
        else i
        for i in items
    )
