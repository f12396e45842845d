"""Static value resolution: what strings can an argument expression hold?

``Evaluator.evaluate(expr, scope)`` returns every value the expression may have, as items:
``Text`` (a string, with the binding it came from), ``Seq``/``Map`` (literal containers, for
iteration and indexing), ``Const`` (numbers, booleans, None), ``LocalPath`` (a local path, never
a Hub id: built with ``os.path``/``pathlib`` or ``/``, or held by a name that says it is a folder,
``output_dir``; see ``python_local.FOLDER_NAMES``) and ``Unknown`` (not knowable statically).
Names follow the file's bindings, then constants imported from other modules of the repository.
``Instance`` is an object of a repository class made by a call (``ModelConfig(id="org/x")``): its
attributes are the constructor's arguments (a generated ``__init__``: dataclass, pydantic,
NamedTuple) or what its ``__init__`` stores, else the class's defaults. A parameter nothing in
its module passes a value for is looked up at call sites in other modules (``python_repo``).
"""

from __future__ import annotations

import gc
import itertools
import posixpath
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

import libcst as cst

from scanner.context import RepoContext
from scanner.find.extractors.python.callers import (
    CallIndex,
    Passed,
    callee,
    callers,
    calls_named,
    index_calls,
    inside,
    method_class,
    passed_at,
)
from scanner.find.extractors.python.format import Field, Piece, format_template, percent_template
from scanner.find.extractors.python.local import is_folder_name
from scanner.find.extractors.python.patterns import match_call
from scanner.find.extractors.python.repo import caller_pattern, may_call, modules_matching
from scanner.find.extractors.python.scope import (
    Binding,
    BindingKind,
    CallSite,
    ModuleInfo,
    Scope,
    ScopeKind,
    call_name,
    walk_module,
)

MAX_ITEMS = 64  # values kept per expression: a guard reports many, but not a combinatorial blowup
MAX_DEPTH = 48  # nested resolutions before giving up (Unknown)
MAX_CALLERS = 2  # levels of call sites followed for a parameter without a value of its own
MAX_FOREIGN_MODULES = 16  # other modules parsed to find the callers of one function
MAX_CACHED_MODULES = 512  # parsed modules kept per process (a scan reuses them across files)


@dataclass(frozen=True, slots=True)
class Origin:
    """The binding a value came from: ``name`` bound at ``target`` in module ``path``."""

    name: str
    path: str
    target: cst.CSTNode


@dataclass(frozen=True, slots=True)
class Text:
    """A string value; ``path`` when it was built as a file-system path."""

    value: str
    origin: Origin | None = None
    path: bool = False


@dataclass(frozen=True, slots=True)
class Seq:
    """A literal list/tuple/set: each element with its possible values."""

    elements: tuple[tuple[Item, ...], ...]
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Map:
    """A literal dict: (possible keys, possible values) per entry."""

    entries: tuple[tuple[tuple[Item, ...], tuple[Item, ...]], ...]
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Const:
    """A number, bool, None or bytes literal."""

    value: object
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class LocalPath:
    """A path built at run time (``Path(__file__).parent / "x"``): local, not a model id."""

    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class ModuleRef:
    """A module of the repository, bound by ``import config``."""

    module: ModuleInfo
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class ClassRef:
    """A class defined in a module of the repository."""

    scope: Scope
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Instance:
    """An object of a repository class made by ``call`` (evaluated in ``scope``)."""

    klass: Scope
    call: cst.Call
    scope: Scope
    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Loaded:
    """An object a recognised loader call returns (``pipeline(model=model)``): reported there."""

    origin: Origin | None = None


@dataclass(frozen=True, slots=True)
class Unknown:
    """A value that cannot be known statically; ``site`` is the call-site argument it comes
    from when a caller passes it for a parameter (reported there, not at the use)."""

    reason: str
    origin: Origin | None = None
    site: Origin | None = None


Item = Text | Seq | Map | Const | LocalPath | ModuleRef | ClassRef | Instance | Loaded | Unknown
Items = tuple[Item, ...]

_ENV_DEFAULTS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault"})
_PATH_JOINS = frozenset({"os.path.join", "pathlib.Path", "pathlib.PurePath",
                         "pathlib.PosixPath", "pathlib.PurePosixPath"})  # fmt: skip
_SEQUENCE_BUILTINS = frozenset({"list", "tuple", "sorted", "set", "frozenset", "reversed"})
_FIELD_DEFAULTS: dict[str, int | None] = {  # field specifiers: position of their default
    "pydantic.Field": 0, "pydantic.fields.Field": 0, "sqlmodel.Field": 0,
    "dataclasses.field": None, "attr.ib": None, "attr.attrib": None, "attrs.field": None,
}  # fmt: skip


def _unknown(reason: str) -> Items:
    return (Unknown(reason),)


def _with_origin(items: Iterable[Item], origin: Origin) -> Items:
    """Items, each keeping its own origin or else taking ``origin``."""
    return tuple(
        item if item.origin is not None else replace(item, origin=origin) for item in items
    )


def _dedupe(items: Iterable[Item]) -> Items:
    out: dict[object, Item] = {}
    for item in items:
        key: tuple[object, ...] = (
            type(item),
            item.value if isinstance(item, (Text, Const)) else id(item),
        )
        if isinstance(item, Unknown):
            key = (Unknown, item.reason, id(item.site.target) if item.site else None)
        out.setdefault(key, item)
        if len(out) >= MAX_ITEMS:
            break
    return tuple(out.values())


def load_module(ctx: RepoContext, rel: str) -> ModuleInfo | None:
    """A repository module parsed and walked once per run; None if missing or unparsable."""
    if not ctx.exists(rel) or ctx.is_dir(rel):
        return None  # tested before the cache: the many misses must not evict parsed modules
    return _parsed(ctx).get(ctx, rel)


@dataclass(slots=True)
class _ModuleCache:
    """Parsed modules of one repository, least recently used first.

    A scan keeps many large trees alive (millions of objects), and each full collection of the
    cyclic garbage collector would walk them all again: each newly parsed module is frozen
    (``gc.freeze``) out of its reach. Frozen reference cycles (scopes and their bindings) are
    never collected, so dropping modules at the cap unfreezes, collects once, and freezes again.
    """

    modules: dict[str, ModuleInfo | None] = field(default_factory=dict)

    def get(self, ctx: RepoContext, rel: str) -> ModuleInfo | None:
        if rel in self.modules:
            info = self.modules[rel] = self.modules.pop(rel)
            return info
        if len(self.modules) >= MAX_CACHED_MODULES:
            for old in list(self.modules)[: MAX_CACHED_MODULES // 2]:
                del self.modules[old]
            gc.unfreeze()
            gc.collect()
        info = self.modules[rel] = _parse_module(ctx, rel)
        gc.freeze()
        return info


@lru_cache(maxsize=4)
def _parsed(ctx: RepoContext) -> _ModuleCache:
    return _ModuleCache()


def _parse_module(ctx: RepoContext, rel: str) -> ModuleInfo | None:
    text = ctx.read_text(rel)
    if text is None:
        return None
    try:
        return walk_module(rel, text, cst.parse_module(text))
    except (cst.ParserSyntaxError, RecursionError):
        return None


def module_files(importer: str, module: str, level: int) -> list[str]:
    """Candidate files of a dotted module imported from ``importer`` (relative or absolute)."""
    parts = [p for p in module.split(".") if p]
    folder = posixpath.dirname(importer)
    if level > 0:
        up = folder.split("/") if folder else []
        if level - 1 > len(up):
            return []
        bases = ["/".join(up[: len(up) - (level - 1)])]
    else:
        bases = [folder]
        while folder:
            folder = posixpath.dirname(folder)
            bases.append(folder)
        bases.append("src")
    out: list[str] = []
    for base in dict.fromkeys(bases):
        stem = "/".join(p for p in (base, *parts) if p)
        if parts:
            out.append(f"{stem}.py")
        out.append(f"{stem}/__init__.py" if stem else "__init__.py")
    return out


class Evaluator:
    """Evaluates expressions of one module (following imports into others) to items."""

    def __init__(self, module: ModuleInfo, ctx: RepoContext) -> None:
        self.ctx = ctx
        self.modules: dict[str, ModuleInfo] = {module.path: module}
        self.active: set[int] = set()
        self.memo: dict[int, Items] = {}  # id(binding) -> its values
        self.depth = 0
        self.calls: dict[str, CallIndex] = {}  # module path -> its call sites by callee name
        self.callers = 0  # call-site levels being followed now
        self.truncated = False  # a bound was hit: the value depends on the path, do not memo

    def evaluate(self, expr: cst.BaseExpression, scope: Scope) -> Items:
        """Every value ``expr`` may hold when evaluated in ``scope``."""
        if self.depth >= MAX_DEPTH:
            return _unknown("value is nested too deeply to follow")
        self.depth += 1
        try:
            return _dedupe(self._evaluate(expr, scope))
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
        return _unknown("expression is not a constant")

    # literals -----------------------------------------------------------------------------

    def _string(self, expr: cst.SimpleString | cst.ConcatenatedString, scope: Scope) -> Items:
        value = expr.evaluated_value
        if isinstance(value, str):
            return (Text(value),)
        if isinstance(value, bytes):
            return (Const(value),)
        assert isinstance(expr, cst.ConcatenatedString)
        return self._concat([self.evaluate(expr.left, scope), self.evaluate(expr.right, scope)])

    def _fstring(self, expr: cst.FormattedString, scope: Scope) -> Items:
        pieces: list[Items] = []
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append((Text(part.value.replace("{{", "{").replace("}}", "}")),))
            elif not isinstance(part, cst.FormattedStringExpression):
                return _unknown("f-string part is not understood")
            elif part.format_spec or part.conversion not in (None, "s"):
                return _unknown("f-string part is formatted at run time")
            else:
                pieces.append(self.evaluate(part.expression, scope))
        return self._concat(pieces)

    def _concat(self, pieces: Sequence[Items], *, path: bool = False, sep: str = "") -> Items:
        """Every concatenation of one text from each piece (any non-text makes it unknown)."""
        for piece in pieces:
            for item in piece:
                if isinstance(item, LocalPath) or (path and not isinstance(item, Text)):
                    return (LocalPath(),)  # a string built from a path is a path
                if isinstance(item, Unknown):
                    return (item,)
                if not isinstance(item, Text):
                    return _unknown("part of the string is not text")
        texts = [[item for item in piece if isinstance(item, Text)] for piece in pieces]
        out: list[Item] = []
        for combo in itertools.islice(itertools.product(*texts), MAX_ITEMS):
            origin = next((t.origin for t in combo if t.origin is not None), None)
            joined = sep.join(t.value for t in combo if t.value or not sep)
            out.append(Text(joined, origin, path or any(t.path for t in combo)))
        return tuple(out)

    def _elements(self, elements: Sequence[cst.BaseElement], scope: Scope) -> list[Items]:
        out: list[Items] = []
        for element in elements:
            if isinstance(element, cst.StarredElement):
                out.extend(self.iterate(self.evaluate(element.value, scope)))
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
                    entries.append((_unknown("dict key is not known"), (item,)))
        return tuple(entries)

    # names --------------------------------------------------------------------------------

    def name(self, name: str, scope: Scope) -> Items:
        """The values of ``name`` looked up from ``scope`` (function, enclosing, module)."""
        current: Scope | None = scope
        while current is not None:
            if current is scope or current.kind is not ScopeKind.CLASS:
                bindings = current.bindings.get(name)
                if bindings:
                    return tuple(itertools.chain.from_iterable(map(self.binding, bindings)))
            if current.parent is None:
                return self._star(name, current)
            current = current.parent
        return _unknown(f"{name} is not defined")

    def _star(self, name: str, root: Scope) -> Items:
        for star in root.star_imports:
            found = self._from_module(star, name)
            if found is not None:
                return found
        return _unknown(f"{name} is not defined in this file")

    def binding(self, binding: Binding) -> Items:
        """The values one binding gives its name (cycle-safe)."""
        key = id(binding)
        cached = self.memo.get(key)
        if cached is not None:
            return cached
        if key in self.active:
            return _unknown(f"{binding.name} is defined in terms of itself")
        self.active.add(key)
        outer, self.truncated = self.truncated, False
        try:
            items = self._binding(binding)
        finally:
            self.active.discard(key)
        if binding.kind is not BindingKind.IMPORT:
            origin = Origin(binding.name, _module_path(binding.scope), binding.target)
            items = _with_origin(items, origin)
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
                elements = self.iterate(self.evaluate(binding.value, binding.scope))
                return tuple(itertools.chain.from_iterable(
                    self.unpack(e, binding.path) for e in elements))  # fmt: skip
            case BindingKind.IMPORT:
                return self._import(binding)
            case BindingKind.CLASS if binding.owner is not None:
                return (ClassRef(binding.owner),)
        return _unknown(f"{binding.name} is assigned at run time")

    # parameters ---------------------------------------------------------------------------

    def parameter(self, binding: Binding) -> Items:
        """A parameter's values: its default, and what the module's calls of its function
        pass for it (flow-insensitive, like every binding: each value that may arrive counts)."""
        default = self.evaluate(binding.value, binding.scope) if binding.value else ()
        sites, overflow = self.passed(binding), False
        if not sites and not default:
            sites, overflow = self.foreign(binding)
        passed = [arg for arg in sites if arg.value is not None]
        if not passed:
            return default or _unknown(f"parameter {binding.name} has no default")
        function = binding.owner.name if binding.owner else "function"
        out: list[Item] = list(default)
        if overflow:
            out.append(Unknown(f"{function}() is called from more modules than are followed"))
        for arg in passed:
            origin = Origin(f"{binding.name} from {function}()", _module_path(arg.site.scope),
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
        path = _module_path(binding.scope)
        module = self.modules.get(path)
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
        home = self.modules.get(_module_path(binding.scope))
        method = function.parent.kind is ScopeKind.CLASS and function.name != "__init__"
        if target is None or home is None or not home.path.endswith(".py"):
            return [], False
        if not method and _root(function.parent) is not (
            function.parent.parent if function.name == "__init__" else function.parent
        ):
            return [], False  # a nested function or class cannot be imported
        paths = self._caller_modules(home.path, function, target, method)
        out: list[Passed] = []
        for rel in paths[:MAX_FOREIGN_MODULES]:
            if not may_call(self.ctx, rel, target):
                continue  # imports the name but never calls it: nothing to parse for
            module = self._loaded(rel)
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
            subclassing = set(modules_matching(self.ctx, klass, rf"\b{klass}\b"))
            calling = modules_matching(self.ctx, target, caller_pattern(target, (), True))
            return [home, *(rel for rel in calling if rel in subclassing and rel != home)]
        parts = home.removesuffix(".py").split("/")
        anchors = tuple(p for p in parts if p not in ("__init__", "src") and p.isidentifier())
        found = modules_matching(self.ctx, target, caller_pattern(target, anchors, False))
        return [rel for rel in found if rel != home]

    def _loaded(self, rel: str) -> ModuleInfo | None:
        info = self.modules.get(rel) or load_module(self.ctx, rel)
        if info is not None:
            self.modules[rel] = info
        return info

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
        return tuple(
            (
                replace(i, site=i.site or site)
                if isinstance(i, Unknown)
                else replace(i, origin=origin)
            )
            for i in items
        )

    # containers ---------------------------------------------------------------------------

    def iterate(self, items: Items) -> list[Items]:
        """The possible elements of iterating over any of ``items``."""
        out: list[Items] = []
        for item in items:
            match item:
                case Seq(elements=elements, origin=origin):
                    out.extend(_with_origin(e, origin) if origin else e for e in elements)
                case Map(entries=entries, origin=origin):
                    out.extend(_with_origin(k, origin) if origin else k for k, _ in entries)
                case Unknown():
                    out.append((_part(item),))
                case _:
                    out.append(_unknown("iterated value is not a literal collection"))
        return out

    def select(self, items: Items, path: tuple[str, ...]) -> Items:
        """The values at a key path inside ``items`` (``"*"``: each element); a literal dict
        without the key holds nothing there, an unknown value stays unknown."""
        for step in path:
            if step == "*":
                items = tuple(itertools.chain.from_iterable(self.iterate(items)))
                continue
            found: list[Item] = []
            for item in items:
                if isinstance(item, Unknown):
                    found.append(_part(item))
                else:
                    found.extend(self.index(item, (Text(step),), default=()))
            items = tuple(found)
        return _dedupe(items)

    def unpack(self, element: Items, path: tuple[int, ...]) -> Items:
        """The part of an element a (nested) tuple target binds."""
        for index in path:
            parts: list[Item] = []
            for item in element:
                if isinstance(item, Seq) and index < len(item.elements):
                    parts.extend(_with_origin(item.elements[index], item.origin)
                                 if item.origin else item.elements[index])  # fmt: skip
                elif isinstance(item, Unknown):
                    parts.append(item)
                else:
                    parts.append(Unknown("unpacked value does not match the target"))
            element = tuple(parts)
        return element

    def _subscript(self, expr: cst.Subscript, scope: Scope) -> Items:
        if len(expr.slice) != 1 or not isinstance(expr.slice[0].slice, cst.Index):
            return _unknown("slice is not a single index")
        keys = self.evaluate(expr.slice[0].slice.value, scope)
        if not all(isinstance(k, (Text, Const)) for k in keys):
            return _unknown("index is not a constant")
        if any(isinstance(k, Text) and is_folder_name(k.value) for k in keys):
            return (LocalPath(),)  # config["output_dir"]
        return tuple(itertools.chain.from_iterable(
            self.index(item, keys) for item in self.evaluate(expr.value, scope)))  # fmt: skip

    def index(self, item: Item, keys: Items, default: Items | None = None) -> Items:
        """``item[key]`` for each key; ``default`` (for ``.get``) when a key is missing."""
        wanted = {k.value for k in keys if isinstance(k, (Text, Const))}
        found: list[Item] = []
        match item:
            case Seq(elements=elements):
                for key in wanted:
                    if isinstance(key, int) and not isinstance(key, bool) and \
                            -len(elements) <= key < len(elements):  # fmt: skip
                        found.extend(elements[key])
            case Map(entries=entries):
                for entry_keys, values in entries:
                    if any(isinstance(k, (Text, Const)) and k.value in wanted for k in entry_keys):
                        found.extend(values)
            case Unknown():
                return (_part(item),) if default is None else default
            case _:
                return _unknown("indexed value is not a literal collection")
        if not found:
            return _unknown("key is not in the collection") if default is None else default
        return _with_origin(found, item.origin) if item.origin else tuple(found)

    # attributes, calls, operators --------------------------------------------------------

    def _attribute(self, expr: cst.Attribute, scope: Scope) -> Items:
        attr = expr.attr.value
        if is_folder_name(attr):
            return (LocalPath(),)  # args.output_dir, self.cache_dir
        klass = _function_scope(scope).method_class()
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
                    out.append(_part(item))
                case _:
                    out.append(Unknown(f"attribute {attr} is not known statically"))
        return tuple(out)

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
            klass = _function_scope(scope).method_class()
            return klass is not None and self.defines(klass, attr)
        items = self.evaluate(func.value, scope)
        return bool(items) and all(
            isinstance(i, ClassRef) and self.defines(i.scope, attr) for i in items
        )

    def class_attr(self, klass: Scope, attr: str, seen: frozenset[int] = frozenset(),
                   instance: Instance | None = None) -> Items:  # fmt: skip
        """A class attribute (class body or ``self.X = ...``), searching base classes too;
        for an ``instance``, ``__init__`` stores what its constructor call passed."""
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
        return _unknown(f"{klass.name}.{attr} is not set in the class")

    def _call(self, expr: cst.Call, scope: Scope) -> Items:
        root = _root(scope)
        module = self.modules.get(root.name)
        callee = call_name(expr.func, module.imports if module else {})
        dotted = ".".join(callee.parts) if callee and callee.qualified else None
        if dotted in _ENV_DEFAULTS:
            default = _argument(expr, 1, "default")
            if default is None:
                return _unknown("environment variable without a default")
            return self.evaluate(default, scope)
        if dotted in _PATH_JOINS:
            parts = [
                self.evaluate(a.value, scope) for a in expr.args if not a.keyword and not a.star
            ]
            return self._concat(parts, path=True, sep="/") if parts else (LocalPath(),)
        if dotted is not None and dotted.startswith(("os.path.", "pathlib.", "os.getcwd")):
            return (LocalPath(),)
        if callee is not None and module is not None and match_call(callee, module.imported):
            return (Loaded(),)
        if dotted in _FIELD_DEFAULTS:  # Field(default="org/x"), field(default="org/x")
            default = _argument(expr, _FIELD_DEFAULTS[dotted], "default")
            return (
                _unknown("field has no default")
                if default is None
                else self.evaluate(default, scope)
            )
        if dotted == "pytest.param":  # one parametrize row: its values, marks and id aside
            values = [self.evaluate(a.value, scope) for a in expr.args if not a.keyword]
            return values[0] if len(values) == 1 else (Seq(tuple(values)),)
        return self._method(expr, scope)

    def _method(self, expr: cst.Call, scope: Scope) -> Items:
        func = expr.func
        first = _argument(expr, 0, None)
        if isinstance(func, cst.Name) and first is not None:
            if func.value == "str":
                return self.evaluate(first, scope)
            if func.value in _SEQUENCE_BUILTINS:
                return (Seq(tuple(self.iterate(self.evaluate(first, scope)))),)
            if func.value == "enumerate":
                elements = self.iterate(self.evaluate(first, scope))
                return (Seq(tuple((Seq(((Const(None),), e)),) for e in elements)),)
        instances = self._instances(expr, scope)
        if instances is not None:
            return instances
        if not isinstance(func, cst.Attribute):
            return _unknown("value is the result of a call")
        receiver = self.evaluate(func.value, scope)
        match func.attr.value:
            case "get" if first is not None:
                keys = self.evaluate(first, scope)
                if any(isinstance(k, Text) and is_folder_name(k.value) for k in keys):
                    return (LocalPath(),)
                fallback = _argument(expr, 1, "default")
                default = self.evaluate(fallback, scope) if fallback is not None else None
                return tuple(itertools.chain.from_iterable(
                    self.index(item, keys, default) for item in receiver))  # fmt: skip
            case "keys" | "values" | "items" as view:
                return tuple(_view(item, view) for item in receiver)
            case "format" if any(isinstance(i, Text) for i in receiver):
                return self._format(expr, receiver, scope)
            case "joinpath" | "resolve" | "absolute" | "expanduser":
                if any(isinstance(i, LocalPath) or (isinstance(i, Text) and i.path)
                       for i in receiver):  # fmt: skip
                    return (LocalPath(),)
        return _unknown("value is the result of a call")

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
            else _as_unknown(item, "value is the result of a call")
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
        return _argument(instance.call, position, attr)

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
        origin = Origin(f"{instance.klass.name}.{attr}", _module_path(instance.scope), value)
        return _with_origin(self.evaluate(value, instance.scope), origin)

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
            return _unknown("argument may be passed via unpacking")
        if passed.value is None:
            default = params[0].value
            if default is None:
                return _unknown(f"argument {value.value} is omitted")
            origin = Origin(value.value, _module_path(method), params[0].target)
            return _with_origin(self.evaluate(default, params[0].scope), origin)
        return self._constructor_items(instance, binding.name, passed.value)

    def _binary(self, expr: cst.BinaryOperation, scope: Scope) -> Items:
        left = self.evaluate(expr.left, scope)
        right = self.evaluate(expr.right, scope)
        match expr.operator:
            case cst.Add() if all(isinstance(i, Seq) for i in (*left, *right)):
                return tuple(Seq(a.elements + b.elements, a.origin or b.origin)  # type: ignore[union-attr]
                             for a, b in itertools.product(left, right))  # fmt: skip
            case cst.Add():
                return self._concat([left, right])
            case cst.Modulo() if any(isinstance(i, Text) for i in left):
                single = right[0] if len(right) == 1 else None
                args = list(single.elements) if isinstance(single, Seq) else [right]
                return self._fill(left, percent_template, args, {})
            case cst.Divide() if any(isinstance(i, LocalPath) or (isinstance(i, Text) and i.path)
                                     for i in left):  # fmt: skip
                return self._concat([left, right], path=True, sep="/")
            case cst.Divide() if any(isinstance(i, Text) for i in (*left, *right)):
                return (LocalPath(),)  # str has no "/": the other operand is a path object
        return _unknown("value is computed at run time")

    def _format(self, expr: cst.Call, receiver: Items, scope: Scope) -> Items:
        """``template.format(...)``: every filling of every template the receiver may be."""
        if any(arg.star for arg in expr.args):
            return _unknown("format arguments are unpacked at run time")
        positional = [self.evaluate(a.value, scope) for a in expr.args if a.keyword is None]
        keywords = {a.keyword.value: self.evaluate(a.value, scope) for a in expr.args if a.keyword}
        return self._fill(receiver, format_template, positional, keywords)

    def _fill(self, templates: Items, parse: Callable[[str], list[Piece] | None],
              positional: list[Items], keywords: dict[str, Items]) -> Items:  # fmt: skip
        """Every string made by filling each text template with the argument values."""
        out: list[Item] = []
        for template in templates:
            if not isinstance(template, Text):
                out.append(_as_unknown(template, "format template is not text"))
                continue
            pieces = parse(template.value)
            if pieces is None:
                out.append(Unknown("string is formatted at run time", template.origin))
                continue
            parts: list[Items] = []
            for piece in pieces:
                match piece:
                    case str():
                        parts.append((Text(piece),))
                    case Field(key=int() as index) if index < len(positional):
                        parts.append(_as_text(positional[index]))
                    case Field(key=str() as name) if name in keywords:
                        parts.append(_as_text(keywords[name]))
                    case _:
                        parts.append(_unknown("format field has no argument"))
            out.extend(self._concat(parts))
        return tuple(out)

    # imports ------------------------------------------------------------------------------

    def _load(self, importer: str, module: str, level: int) -> ModuleInfo | None:
        for rel in module_files(importer, module, level):
            if rel == importer:
                continue
            info = self.modules.get(rel) or load_module(self.ctx, rel)
            if info is not None:
                self.modules[rel] = info
                return info
        return None

    def _import(self, binding: Binding) -> Items:
        importer = _module_path(binding.scope)
        module = binding.module or ""
        if binding.attr is None:
            info = self._load(importer, module, binding.level)
            return (ModuleRef(info),) if info else _unknown(f"module {module} is not in the repo")
        found = self._from_module(binding, binding.attr)
        return (
            found
            if found is not None
            else _unknown(
                f"{binding.attr} is imported from {'.' * binding.level}{module}, not in the repo"
            )
        )

    def _from_module(self, binding: Binding, attr: str) -> Items | None:
        importer = _module_path(binding.scope)
        module = binding.module or ""
        info = self._load(importer, module, binding.level)
        if info is not None and (attr in info.scope.bindings or info.scope.star_imports):
            found = self.name(attr, info.scope)
            if binding.module is not None or not _is_undefined(found):
                return found
        sub = self._load(importer, f"{module}.{attr}" if module else attr, binding.level)
        if sub is not None:
            return (ModuleRef(sub),)
        return None

    def _module_attr(self, module: ModuleInfo, attr: str) -> Items:
        if attr in module.scope.bindings:
            return self.name(attr, module.scope)
        if module.path.endswith("__init__.py"):
            folder = posixpath.dirname(module.path)
            sub = self._load(module.path, attr, 1) if folder or attr else None
            if sub is not None:
                return (ModuleRef(sub),)
        return _unknown(f"{attr} is not defined in {module.path}")


def _view(item: Item, view: str) -> Item:
    if not isinstance(item, Map):
        return item if isinstance(item, Unknown) else Unknown("not a literal dict")
    match view:
        case "keys":
            return Seq(tuple(k for k, _ in item.entries), item.origin)
        case "values":
            return Seq(tuple(v for _, v in item.entries), item.origin)
    return Seq(tuple((Seq((k, v)),) for k, v in item.entries), item.origin)


def _as_text(items: Items) -> Items:
    """Numbers, booleans and None as ``str()`` makes them, for formatting."""
    return tuple(
        Text(str(i.value), i.origin)
        if isinstance(i, Const) and not isinstance(i.value, bytes)
        else i
        for i in items
    )


def _as_unknown(item: Item, reason: str) -> Item:
    return item if isinstance(item, (Unknown, LocalPath)) else Unknown(reason, item.origin)


def _part(item: Unknown) -> Unknown:
    """An unknown part (attribute, element) of an unknown value: reported where it is used,
    not at the call site that passed the whole value (``main(args)`` ... ``args.model``)."""
    return item if item.site is None else replace(item, site=None)


def _is_undefined(items: Items) -> bool:
    return len(items) == 1 and isinstance(items[0], Unknown) and "not defined" in items[0].reason


def _function_scope(scope: Scope) -> Scope:
    """The def a comprehension scope sits in (comprehensions see their function's names)."""
    while scope.kind is ScopeKind.FUNCTION and scope.name == "<comprehension>" and scope.parent:
        scope = scope.parent
    return scope


def _root(scope: Scope) -> Scope:
    while scope.parent is not None:
        scope = scope.parent
    return scope


def _module_path(scope: Scope) -> str:
    return _root(scope).name


def _class_origin(klass: Scope, binding: Binding, items: Items) -> Items:
    """Items whose origin is ``binding`` itself, renamed ``Class.attr``."""
    name = f"{klass.name}.{binding.name}"
    return tuple(
        replace(i, origin=replace(i.origin, name=name))
        if i.origin is not None and i.origin.target is binding.target
        else i
        for i in items
    )


def _argument(
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
