"""Static value resolution: what strings can an argument expression hold?

``Evaluator.evaluate(expr, scope)`` returns every value the expression may have, as items
(``python_items``): ``Text`` (a string, with the binding it came from), ``Seq``/``Map`` (literal
containers, for iteration and indexing), ``Const`` (numbers, booleans, None), ``LocalPath`` (a
local path, never a Hub id: built with ``os.path``/``pathlib`` or ``/``, or held by a name that
says it is a folder, ``output_dir``; see ``local.FOLDER_NAMES``) and ``Unknown`` (not
knowable statically). Names follow the file's bindings, then constants imported from other
modules of the repository (``python_imports``). ``Instance`` is an object of a repository class
made by a call (``ModelConfig(id="org/x")``): its attributes are the constructor's arguments (a
generated ``__init__``: dataclass, pydantic, NamedTuple) or what its ``__init__`` stores, else
the class's defaults (``python_classes``). A parameter nothing in its module passes a value for
is looked up at call sites in other modules (``parameters``, ``repo``).

This module holds the recursion's core: the dispatch on the expression's kind, literals, names
and bindings, attributes, subscripts, calls and operators. Strings are built by
``python_strings``, containers read by ``python_containers``, modules parsed by ``python_loader``.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import replace

import libcst as cst

from scanner.find.extractors.python.base import argument, function_scope, module_path, root_scope
from scanner.find.extractors.python.containers import (
    candidates,
    dict_view,
    iterate,
    lookup,
    select,
    unpack,
)
from scanner.find.extractors.python.files import DATA_LOADERS, OPENERS, open_files, parse
from scanner.find.extractors.python.format import format_template, percent_template
from scanner.find.extractors.python.imports import ImportValues
from scanner.find.extractors.python.items import (
    ClassRef,
    Const,
    File,
    Instance,
    Item,
    Items,
    Loaded,
    LocalPath,
    Map,
    ModuleRef,
    Origin,
    Seq,
    Text,
    Unknown,
    dedupe,
    unknown,
    unknown_part,
    with_origin,
)
from scanner.find.extractors.python.local import is_folder_name
from scanner.find.extractors.python.parameters import ParameterValues
from scanner.find.extractors.python.patterns import match_call
from scanner.find.extractors.python.scope import Binding, BindingKind, Scope, ScopeKind, call_name
from scanner.find.extractors.python.strings import concat, fill

MAX_DEPTH = 48  # nested resolutions before giving up (Unknown)

_ENV_DEFAULTS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_PATH_JOINS = frozenset({"os.path.join", "pathlib.Path", "pathlib.PurePath",
                         "pathlib.PosixPath", "pathlib.PurePosixPath"})  # fmt: skip
_SEQUENCE_BUILTINS = frozenset({"list", "tuple", "sorted", "set", "frozenset", "reversed"})
_FIELD_DEFAULTS: dict[str, int | None] = {  # field specifiers: position of their default
    "pydantic.Field": 0, "pydantic.fields.Field": 0, "sqlmodel.Field": 0,
    "dataclasses.field": None, "attr.ib": None, "attr.attrib": None, "attrs.field": None,
    "typer.Option": 0, "typer.Argument": 0,
}  # fmt: skip


class Evaluator(ParameterValues, ImportValues):
    """Evaluates expressions of one module (following imports into others) to items."""

    def evaluate(self, expr: cst.BaseExpression, scope: Scope) -> Items:
        """Every value ``expr`` may hold when evaluated in ``scope``."""
        if self.depth >= MAX_DEPTH:
            return unknown("value is nested too deeply to follow")
        self.depth += 1
        try:
            return dedupe(self._evaluate(expr, scope))
        finally:
            self.depth -= 1

    def _evaluate(self, expr: cst.BaseExpression, scope: Scope) -> Items:
        match expr:
            case cst.SimpleString() | cst.ConcatenatedString():
                return self._string(expr, scope)
            case cst.FormattedString():
                return self._fstring(expr, scope)
            case cst.Integer() | cst.Float():
                return (Const(expr.evaluated_value),)
            case cst.UnaryOperation(operator=cst.Minus(), expression=cst.Integer() as number):
                return (Const(-number.evaluated_value),)
            case cst.Name(value="True" | "False" | "None" as name):
                return (Const({"True": True, "False": False, "None": None}[name]),)
            case cst.Name(value="__file__"):
                return (LocalPath(),)
            case cst.Name(value=name):
                return (LocalPath(),) if is_folder_name(name) else self.name(name, scope)
            case cst.Attribute():
                return self._attribute(expr, scope)
            case cst.Subscript():
                return self._subscript(expr, scope)
            case cst.Call():
                return self._call(expr, scope)
            case cst.BinaryOperation():
                return self._binary(expr, scope)
            case cst.IfExp(body=body, orelse=orelse):
                return self.evaluate(body, scope) + self.evaluate(orelse, scope)
            case cst.BooleanOperation(left=left, right=right):
                return self.evaluate(left, scope) + self.evaluate(right, scope)
            case cst.List() | cst.Tuple() | cst.Set():
                return (Seq(tuple(self._elements(expr.elements, scope))),)
            case cst.Dict():
                return (Map(self._entries(expr, scope)),)
            case cst.NamedExpr(value=value):
                return self.evaluate(value, scope)
            case cst.ListComp(elt=elt) | cst.SetComp(elt=elt) | cst.GeneratorExp(elt=elt):
                module = self.modules.get(module_path(scope))
                inner = module.comprehensions.get(id(expr)) if module else None
                if inner is not None:  # one element: every value the element may take
                    return (Seq((self.evaluate(elt, inner),)),)
        return unknown("expression is not a constant")

    # literals -----------------------------------------------------------------------------

    def _string(self, expr: cst.SimpleString | cst.ConcatenatedString, scope: Scope) -> Items:
        value = expr.evaluated_value
        if isinstance(value, str):
            return (Text(value),)
        if isinstance(value, bytes):
            return (Const(value),)
        assert isinstance(expr, cst.ConcatenatedString)
        return concat([self.evaluate(expr.left, scope), self.evaluate(expr.right, scope)])

    def _fstring(self, expr: cst.FormattedString, scope: Scope) -> Items:
        pieces: list[Items] = []
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append((Text(part.value.replace("{{", "{").replace("}}", "}")),))
            elif not isinstance(part, cst.FormattedStringExpression):
                return unknown("f-string part is not understood")
            elif part.format_spec or part.conversion not in (None, "s"):
                return unknown("f-string part is formatted at run time")
            else:
                pieces.append(self.evaluate(part.expression, scope))
        return concat(pieces)

    def _elements(self, elements: Sequence[cst.BaseElement], scope: Scope) -> list[Items]:
        out: list[Items] = []
        for element in elements:
            if isinstance(element, cst.StarredElement):
                out.extend(iterate(self.evaluate(element.value, scope)))
            else:
                out.append(self.evaluate(element.value, scope))
        return out

    def _entries(self, expr: cst.Dict, scope: Scope) -> tuple[tuple[Items, Items], ...]:
        entries: list[tuple[Items, Items]] = []
        for element in expr.elements:
            if isinstance(element, cst.DictElement):
                key = self.evaluate(element.key, scope)
                entries.append((key, self.evaluate(element.value, scope)))
                continue
            for item in self.evaluate(element.value, scope):
                if isinstance(item, Map):
                    entries.extend(item.entries)
                else:
                    entries.append((unknown("dict key is not known"), (item,)))
        return tuple(entries)

    # names --------------------------------------------------------------------------------

    def name(self, name: str, scope: Scope) -> Items:
        """The values of ``name`` looked up from ``scope`` (function, enclosing, module)."""
        current: Scope | None = scope
        while current is not None:
            if current.parent is None:  # its module's name: what depends on the module reads
                self.ctx.noted_entry(current.name, name)
            if current is scope or current.kind is not ScopeKind.CLASS:
                bindings = current.bindings.get(name)
                if bindings:
                    return tuple(itertools.chain.from_iterable(map(self.binding, bindings)))
            if current.parent is None:
                return self._star(name, current)
            current = current.parent
        return unknown(f"{name} is not defined")

    def binding(self, binding: Binding) -> Items:
        """The values one binding gives its name (cycle-safe)."""
        key = id(binding)
        cached = self.memo.get(key)
        if cached is not None:
            return cached
        if key in self.active:
            return unknown(f"{binding.name} is defined in terms of itself")
        self.ctx.noted_entry(module_path(binding.scope), binding.name)
        self.active.add(key)
        outer, self.truncated = self.truncated, False
        try:
            items = self._binding(binding)
        finally:
            self.active.discard(key)
        if binding.kind is not BindingKind.IMPORT:
            origin = Origin(binding.name, module_path(binding.scope), binding.target)
            items = with_origin(items, origin)
        if not self.truncated:
            self.memo[key] = items
        self.truncated = outer or self.truncated
        return items

    def _binding(self, binding: Binding) -> Items:
        match binding.kind:
            case BindingKind.VALUE if binding.value is not None:
                return self.evaluate(binding.value, binding.scope)
            case BindingKind.PARAM:
                return self.parameter(binding)
            case BindingKind.ITER if binding.value is not None:
                elements = iterate(self.evaluate(binding.value, binding.scope))
                return tuple(itertools.chain.from_iterable(
                    unpack(e, binding.path) for e in elements))  # fmt: skip
            case BindingKind.IMPORT:
                return self._import(binding)
            case BindingKind.CLASS if binding.owner is not None:
                return (ClassRef(binding.owner),)
            case BindingKind.UNKNOWN if isinstance(binding.value, cst.Call):
                # model, tokenizer = FastLanguageModel.from_pretrained(...): a loader's objects
                if all(isinstance(i, Loaded) for i in self.evaluate(binding.value, binding.scope)):
                    return (Loaded(),)
        return unknown(f"{binding.name} is assigned at run time")

    # containers ---------------------------------------------------------------------------

    def select(self, items: Items, path: tuple[str, ...]) -> Items:
        """The values at a key path inside ``items`` (``python_containers.select``)."""
        return select(items, path)

    def _subscript(self, expr: cst.Subscript, scope: Scope) -> Items:
        if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
            return unknown("slice is not a single index")
        keys = self.evaluate(expr.slice[0].slice.value, scope)
        if not all(isinstance(k, (Text, Const)) for k in keys):  # MODELS[args.size]
            return self._candidates(expr, self.evaluate(expr.value, scope), scope)
        if any(isinstance(k, Text) and is_folder_name(k.value) for k in keys):
            return (LocalPath(),)  # config["output_dir"]
        return tuple(itertools.chain.from_iterable(
            lookup(item, keys) for item in self.evaluate(expr.value, scope)))  # fmt: skip

    def _candidates(self, expr: cst.BaseExpression, receiver: Items, scope: Scope) -> Items:
        """A registry indexed by a key known only at run time: each of its values may be the
        one used, so each is a candidate (named so in its origin); else unknown."""
        found = [c for item in receiver for c in candidates(item)]
        if not any(isinstance(i, (Text, Seq, Map)) for i in found):
            return unknown("index is not a constant")
        module = self.modules.get(module_path(scope))
        code = module.tree.code_for_node(expr) if module else "value"
        label = f"{code}, one of {len(found)} candidates"
        out: list[Item] = []
        for item in found:
            origin = item.origin or Origin(label, module_path(scope), expr)
            out.append(replace(item, origin=Origin(label, origin.path, origin.target)))
        return tuple(out)

    # attributes, calls, operators --------------------------------------------------------

    def _attribute(self, expr: cst.Attribute, scope: Scope) -> Items:
        attr = expr.attr.value
        if is_folder_name(attr):
            return (LocalPath(),)  # args.output_dir, self.cache_dir
        klass = function_scope(scope).method_class()
        if isinstance(expr.value, cst.Name) and expr.value.value in ("self", "cls") and klass:
            return self.class_attr(klass, attr)
        out: list[Item] = []
        for item in self.evaluate(expr.value, scope):
            match item:
                case ModuleRef(module=module):
                    out.extend(self._module_attr(module, attr))
                case ClassRef(scope=klass_scope):
                    out.extend(self.class_attr(klass_scope, attr))
                case Instance():
                    out.extend(self.instance_attr(item, attr))
                case LocalPath() | Text(path=True):
                    out.append(LocalPath())
                case Unknown():
                    out.append(unknown_part(item))
                case _:
                    out.append(Unknown(f"attribute {attr} is not known statically"))
        if any(isinstance(item, Unknown) for item in out):  # args.model: the option's default
            declared = self.cli_option(attr, scope)
            if declared is not None:
                return (*(i for i in out if not isinstance(i, Unknown)), *declared)
        return tuple(out)

    def _call(self, expr: cst.Call, scope: Scope) -> Items:
        root = root_scope(scope)
        module = self.modules.get(root.name)
        callee = call_name(expr.func, module.imports if module else {})
        dotted = ".".join(callee.parts) if callee and callee.qualified else None
        if dotted in _ENV_DEFAULTS:
            default = argument(expr, 1, "default")
            if default is None:
                return unknown("environment variable without a default")
            return self.evaluate(default, scope)
        opener = dotted if dotted else ".".join(callee.parts) if callee else None
        if opener in OPENERS and (dotted or opener == "open") and expr.args:
            where = Origin("open", root.name, expr)
            return open_files(self.ctx, root.name, self.evaluate(expr.args[0].value, scope), where)
        if dotted in DATA_LOADERS and expr.args:  # json.load(fh), yaml.safe_load(text)
            loader = dotted
            return tuple(itertools.chain.from_iterable(
                parse(i, loader) for i in self.evaluate(expr.args[0].value, scope)))  # fmt: skip
        if dotted in _PATH_JOINS:
            parts = [
                self.evaluate(a.value, scope) for a in expr.args if not a.keyword and not a.star
            ]
            return concat(parts, path=True, sep="/") if parts else (LocalPath(),)
        reads = callee is not None and not {"read_text", "open"}.isdisjoint(callee.parts)
        if dotted is not None and dotted.startswith(("os.path.", "pathlib.", "os.getcwd")) \
                and not reads:  # fmt: skip
            return (LocalPath(),)
        if callee is not None and module is not None and match_call(callee, module.imported):
            return (Loaded(),)
        if dotted in _FIELD_DEFAULTS:  # Field(default="org/x"), field(default="org/x")
            default = argument(expr, _FIELD_DEFAULTS[dotted], "default")
            return (
                unknown("field has no default")
                if default is None
                else self.evaluate(default, scope)
            )
        if dotted == "pytest.param":  # one parametrize row: its values, marks and id aside
            values = [self.evaluate(a.value, scope) for a in expr.args if not a.keyword]
            return values[0] if len(values) == 1 else (Seq(tuple(values)),)
        return self._method(expr, scope)

    def _method(self, expr: cst.Call, scope: Scope) -> Items:
        func = expr.func
        first = argument(expr, 0, None)
        if isinstance(func, cst.Name) and first is not None:
            if func.value == "str":
                return self.evaluate(first, scope)
            if func.value in _SEQUENCE_BUILTINS:
                return (Seq(tuple(iterate(self.evaluate(first, scope)))),)
            if func.value == "enumerate":
                elements = iterate(self.evaluate(first, scope))
                return (Seq(tuple((Seq(((Const(None),), e)),) for e in elements)),)
        instances = self._instances(expr, scope)
        if instances is not None:
            return instances
        if not isinstance(func, cst.Attribute):
            return unknown("value is the result of a call")
        receiver = self.evaluate(func.value, scope)
        match func.attr.value:
            case "get" if first is not None:
                keys = self.evaluate(first, scope)
                if any(isinstance(k, Text) and is_folder_name(k.value) for k in keys):
                    return (LocalPath(),)
                if not all(isinstance(k, (Text, Const)) for k in keys):
                    return self._candidates(expr, receiver, scope)
                fallback = argument(expr, 1, "default")
                default = self.evaluate(fallback, scope) if fallback is not None else None
                return tuple(itertools.chain.from_iterable(
                    lookup(item, keys, default) for item in receiver))  # fmt: skip
            case "keys" | "values" | "items" as view:
                return tuple(dict_view(item, view) for item in receiver)
            case "read" | "readlines" | "read_text" | "open" | "strip" | "lstrip" | "rstrip" \
                    | "splitlines" | "split" as method:  # fmt: skip
                read = self._read(method, receiver, expr, scope)
                if read is not None:
                    return read
            case "format" if any(isinstance(i, Text) for i in receiver):
                return self._format(expr, receiver, scope)
            case "joinpath" | "resolve" | "absolute" | "expanduser":
                if any(isinstance(i, LocalPath) or (isinstance(i, Text) and i.path)
                       for i in receiver):  # fmt: skip
                    return (LocalPath(),)
        return unknown("value is the result of a call")

    def _read(self, method: str, receiver: Items, expr: cst.Call, scope: Scope) -> Items | None:
        """Reading a file of the repository, or trimming and splitting what was read."""
        out: list[Item] = []
        for item in receiver:
            match item, method:
                case File(), "read" | "read_text":
                    out.append(Text(item.text, item.origin))
                case File(), "readlines":
                    out.append(Seq(tuple((line,) for line in item.lines()), item.origin))
                case Text(path=True), "read_text" | "open":
                    where = Origin("open", module_path(scope), expr)
                    files = open_files(self.ctx, module_path(scope), (item,), where)
                    out.extend(Text(f.text, f.origin) if isinstance(f, File) and method ==
                               "read_text" else f for f in files)  # fmt: skip
                case Text(), "strip" | "lstrip" | "rstrip" if not expr.args:
                    out.append(replace(item, value=getattr(item.value, method)()))
                case Text(), "splitlines" | "split" if not expr.args:
                    parts = (
                        item.value.splitlines() if method == "splitlines" else item.value.split()
                    )
                    out.append(Seq(tuple((Text(p.strip(), item.origin),) for p in parts
                                         if p.strip()), item.origin))  # fmt: skip
                case _:
                    return None
        return tuple(out)

    def _binary(self, expr: cst.BinaryOperation, scope: Scope) -> Items:
        left = self.evaluate(expr.left, scope)
        right = self.evaluate(expr.right, scope)
        match expr.operator:
            case cst.Add() if all(isinstance(i, Seq) for i in (*left, *right)):
                return tuple(Seq(a.elements + b.elements, a.origin or b.origin)  # type: ignore[union-attr]
                             for a, b in itertools.product(left, right))  # fmt: skip
            case cst.Add():
                return concat([left, right])
            case cst.Modulo() if any(isinstance(i, Text) for i in left):
                single = right[0] if len(right) == 1 else None
                args = list(single.elements) if isinstance(single, Seq) else [right]
                return fill(left, percent_template, args, {})
            case cst.Divide() if any(isinstance(i, LocalPath) or (isinstance(i, Text) and i.path)
                                     for i in left):  # fmt: skip
                return concat([left, right], path=True, sep="/")
            case cst.Divide() if any(isinstance(i, Text) for i in (*left, *right)):
                return (LocalPath(),)  # str has no "/": the other operand is a path object
        return unknown("value is computed at run time")

    def _format(self, expr: cst.Call, receiver: Items, scope: Scope) -> Items:
        """``template.format(...)``: every filling of every template the receiver may be."""
        if any(arg.star for arg in expr.args):
            return unknown("format arguments are unpacked at run time")
        positional = [self.evaluate(a.value, scope) for a in expr.args if a.keyword is None]
        keywords = {a.keyword.value: self.evaluate(a.value, scope) for a in expr.args if a.keyword}
        return fill(receiver, format_template, positional, keywords)
