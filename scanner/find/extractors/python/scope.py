"""One cheap pass over a libcst module: imports, name bindings per scope, and every call site.

This is a deliberately light replacement for libcst's scope and qualified-name providers (which
cost far more than the parse): bindings are flow-insensitive (every value a name is ever given
counts), which is the conservative choice for a guard that must not miss a model.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from itertools import repeat

import libcst as cst

from scanner.find.extractors.python.patterns import CallName
from scanner.find.extractors.python.prune import Pruned


class BindingKind(str, Enum):
    """How a name got its value."""

    VALUE = "value"  # name = <expr>
    ITER = "iter"  # for name in <expr>; pytest parametrize rows (``path`` indexes into tuples)
    PARAM = "param"  # def f(name=<expr>); no default: unknown
    IMPORT = "import"  # from <module> import name / import module
    CLASS = "class"  # class name: ...
    UNKNOWN = "unknown"  # with ... as name, except ... as name, def name, name += ...


class ScopeKind(str, Enum):
    """What opened a scope."""

    MODULE = "module"
    CLASS = "class"
    FUNCTION = "function"


@dataclass(frozen=True, slots=True)
class Binding:
    """One value given to a name; ``value`` is evaluated in ``scope``."""

    name: str
    kind: BindingKind
    target: cst.CSTNode  # where the name is bound (for the ``via`` line)
    scope: Scope
    value: cst.BaseExpression | None = None
    path: tuple[int, ...] = ()
    module: str | None = None  # IMPORT: dotted module ("" with level > 0 for ``from . import``)
    attr: str | None = None  # IMPORT: the imported name, None for ``import module``
    level: int = 0  # IMPORT: number of leading dots
    owner: Scope | None = None  # CLASS: the class body scope; PARAM: the function's scope


@dataclass(eq=False, slots=True)
class Scope:
    """A module, class or function body and the names bound in it."""

    kind: ScopeKind
    name: str
    parent: Scope | None
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    instance_attrs: dict[str, list[Binding]] = field(default_factory=dict)  # CLASS: self.X = ...
    bases: tuple[cst.BaseExpression, ...] = ()
    star_imports: list[Binding] = field(default_factory=list)
    parametrized: dict[str, Binding] = field(default_factory=dict)  # CLASS: its parametrize
    params: tuple[str, ...] = ()  # FUNCTION: positional parameter names, in order
    static: bool = False  # FUNCTION: a ``@staticmethod`` (no ``self`` is passed)
    fields: list[str] = field(default_factory=list)  # CLASS: annotated names, in order

    def bind(self, binding: Binding) -> None:
        """Record one more value for a name."""
        self.bindings.setdefault(binding.name, []).append(binding)

    def method_class(self) -> Scope | None:
        """The class whose method this function scope is, if it is one."""
        if self.kind is ScopeKind.FUNCTION and self.parent and self.parent.kind is ScopeKind.CLASS:
            return self.parent
        return None


@dataclass(frozen=True, slots=True)
class CallSite:
    """A call and the scope it appears in."""

    node: cst.Call
    scope: Scope


@dataclass(frozen=True, slots=True)
class ModuleInfo:
    """A walked module: its imports (local name -> dotted name), scopes and call sites."""

    path: str
    text: str
    tree: cst.Module
    scope: Scope
    imports: dict[str, str]
    calls: tuple[CallSite, ...]
    by_callee: dict[str, list[CallSite]] = field(default_factory=dict, compare=False, repr=False)
    """``calls`` by the called name (``f(...)``, ``x.f(...)``), built on first use."""
    comprehensions: dict[int, Scope] = field(default_factory=dict, compare=False, repr=False)
    """The scope of each comprehension, by ``id`` of its node (to evaluate it as a value)."""
    source: str = ""
    """The module's own text; ``text`` is what libcst parsed (bodies blanked: ``prune``)."""
    pruned: Pruned = field(default_factory=lambda: Pruned(""), compare=False, repr=False)
    """What the blanked bodies call (``calls``: a lookup of their callers needs them back) and
    store on ``self`` (``stores``), and what callers call the module's functions by."""
    lines: dict[int, int] = field(default_factory=dict, compare=False, repr=False)
    """The line each statement's code starts on, by ``id`` (``positions.statement_lines``)."""
    scopes: tuple[Scope, ...] = field(default=(), compare=False, repr=False)
    """Every scope of the module, for ``release``."""

    @property
    def imported(self) -> frozenset[str]:
        """Every dotted name the module imports."""
        return frozenset(self.imports.values())


_SKIPPED_FIELDS = frozenset({
    "lpar", "rpar", "comma", "semicolon", "leading_lines", "lines_after_decorators", "header",
    "footer", "newline", "operator", "equal", "colon", "dot", "star", "asynchronous",
    "trailing_whitespace", "default_indent", "default_newline", "encoding", "annotation",
    "returns", "whitespace_before_colon", "star_arg", "keyword", "attr",
})  # fmt: skip
_LEAVES = (
    cst.BaseParenthesizableWhitespace, cst.Comma, cst.LeftParen, cst.RightParen, cst.EmptyLine,
    cst.Newline, cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp,
    cst.BaseAugOp, cst.Dot, cst.Colon, cst.AssignEqual, cst.Semicolon, cst.TrailingWhitespace,
    cst.Name, cst.SimpleString, cst.Integer, cst.Float, cst.Imaginary, cst.FormattedStringText,
    cst.ImportStar, cst.Ellipsis, cst.Pass, cst.Break, cst.Continue,
)  # fmt: skip


_COMPREHENSIONS = frozenset({cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp})
_DEFINITIONS = frozenset({cst.FunctionDef, cst.Lambda, cst.ClassDef, cst.Import, cst.ImportFrom})
_BINDERS = frozenset({cst.Assign, cst.AnnAssign, cst.NamedExpr, cst.AugAssign, cst.For,
                      cst.CompFor, cst.WithItem, cst.ExceptHandler})  # fmt: skip

# The walk visits a few hundred thousand nodes on a large repository: it dispatches on the exact
# node type (libcst node classes are final; ``isinstance`` against their ABCs is slow) and keeps
# per-type facts in these caches.


@cache
def _fields(kind: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of a node type that can hold statements or expressions."""
    return tuple(
        f.name
        for f in dataclasses.fields(kind)
        if f.name not in _SKIPPED_FIELDS and not f.name.startswith("whitespace")
    )


@cache
def _walkable(kind: type) -> bool:
    """True for node types the walk descends into (not whitespace, tokens, names, literals)."""
    return issubclass(kind, cst.CSTNode) and not issubclass(kind, _LEAVES)


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    out: list[cst.CSTNode] = []
    for name in _fields(type(node)):
        value = getattr(node, name)
        kind: type = type(value)
        if kind is tuple or kind is list:
            out.extend(child for child in value if _walkable(child.__class__))
        elif _walkable(kind):
            out.append(value)
    return out


def walk_module(
    path: str, text: str, tree: cst.Module, source: str | None = None,
    pruned: Pruned | None = None, lines: dict[int, int] | None = None,
) -> ModuleInfo:  # fmt: skip
    """Collect imports, bindings and call sites of a parsed module in one iterative pass
    (``source``: the module's own text when ``text`` is pruned; ``pruned``: what the blanked
    bodies call and store)."""
    root = Scope(ScopeKind.MODULE, path, None)
    walker = _Walker(root)
    walker.run(tree)
    return ModuleInfo(path, text, tree, root, walker.imports, tuple(walker.calls),
                      comprehensions=walker.comprehensions, source=source or text,
                      pruned=pruned or Pruned(text), lines=lines or {},
                      scopes=tuple(walker.scopes))  # fmt: skip


def release(info: ModuleInfo) -> None:
    """Break the reference cycles of a module no longer used (each scope holds bindings that
    name it), so that reference counting frees it without the cyclic collector."""
    for scope in info.scopes:
        scope.bindings.clear()
        scope.instance_attrs.clear()
        scope.star_imports.clear()
        scope.parametrized.clear()
    info.comprehensions.clear()
    info.by_callee.clear()


class _Walker:
    """Iterative traversal (no recursion limit) with a scope attached to each pending node."""

    def __init__(self, root: Scope) -> None:
        self.root = root
        self.imports: dict[str, str] = {}
        self.calls: list[CallSite] = []
        self.comprehensions: dict[int, Scope] = {}
        self.scopes: list[Scope] = [root]
        self.stack: list[tuple[cst.CSTNode, Scope]] = []

    def run(self, tree: cst.Module) -> None:
        self.stack.append((tree, self.root))
        while self.stack:
            node, scope = self.stack.pop()
            self.visit(node, scope)

    def push(self, nodes: Sequence[cst.CSTNode], scope: Scope) -> None:
        self.stack.extend(zip(reversed(nodes), repeat(scope)))

    def visit(self, node: cst.CSTNode, scope: Scope) -> None:
        kind = type(node)
        if kind is cst.Call:
            self.calls.append(CallSite(node, scope))  # type: ignore[arg-type]
        elif kind in _BINDERS:
            self.bindings(node, scope)
        elif kind in _COMPREHENSIONS:
            scope = Scope(ScopeKind.FUNCTION, "<comprehension>", scope)
            self.comprehensions[id(node)] = scope
            self.scopes.append(scope)
        elif kind in _DEFINITIONS:
            self.definition(node, scope)
            return
        self.push(_children(node), scope)

    def definition(self, node: cst.CSTNode, scope: Scope) -> None:
        match node:
            case cst.FunctionDef() | cst.Lambda():
                self.function(node, scope)
            case cst.ClassDef():
                self.klass(node, scope)
            case cst.Import() | cst.ImportFrom():
                self.imported(node, scope)

    def bindings(self, node: cst.CSTNode, scope: Scope) -> None:
        match node:
            case cst.Assign(targets=targets, value=value):
                for target in targets:
                    self.bind(target.target, value, scope)
            case cst.AnnAssign(target=target, value=value):
                if isinstance(target, cst.Name) and scope.kind is ScopeKind.CLASS:
                    scope.fields.append(target.value)
                if value is not None:
                    self.bind(target, value, scope)
            case cst.NamedExpr(target=target, value=value):
                self.bind(target, value, scope)
            case cst.AugAssign(target=cst.Name(value=name)):
                scope.bind(Binding(name, BindingKind.UNKNOWN, node, scope))
            case cst.For(target=target, iter=iterable) | cst.CompFor(target=target, iter=iterable):
                self.bind_iter(target, iterable, scope, ())
            case cst.WithItem(item=cst.Call() as call, asname=cst.AsName(name=cst.Name() as name)) \
                    if _opens_file(call):  # fmt: skip
                self.bind(name, call, scope)  # with open("models.txt") as handle
            case cst.WithItem(asname=cst.AsName(name=target)):
                self.bind_unknown(target, scope)
            case cst.ExceptHandler(name=cst.AsName(name=target)):
                self.bind_unknown(target, scope)

    def bind(self, target: cst.BaseExpression, value: cst.BaseExpression, scope: Scope) -> None:
        match target:
            case cst.Name(value=name):
                scope.bind(Binding(name, BindingKind.VALUE, target, scope, value))
            case cst.Tuple(elements=targets) | cst.List(elements=targets):
                values = _unpackable(value, len(targets))
                for i, element in enumerate(targets):
                    if values is None:  # the whole value is kept: a loader's result is known
                        self.bind_unknown(element.value, scope, value)
                    else:
                        self.bind(element.value, values[i], scope)
            case cst.Attribute(value=cst.Name(value="self" | "cls"), attr=cst.Name(value=attr)):
                owner = scope.method_class()
                if owner is not None:
                    binding = Binding(attr, BindingKind.VALUE, target, scope, value)
                    owner.instance_attrs.setdefault(attr, []).append(binding)

    def bind_iter(
        self, target: cst.BaseExpression, iterable: cst.BaseExpression, scope: Scope,
        path: tuple[int, ...],
    ) -> None:  # fmt: skip
        match target:
            case cst.Name(value=name):
                scope.bind(Binding(name, BindingKind.ITER, target, scope, iterable, path))
            case cst.Tuple(elements=targets) | cst.List(elements=targets):
                for i, element in enumerate(targets):
                    self.bind_iter(element.value, iterable, scope, (*path, i))

    def bind_unknown(
        self, target: cst.BaseExpression, scope: Scope, whole: cst.BaseExpression | None = None
    ) -> None:
        """Names given a part of a value not known statically (``whole``: the value unpacked)."""
        match target:
            case cst.Name(value=name):
                scope.bind(Binding(name, BindingKind.UNKNOWN, target, scope, whole))
            case cst.Tuple(elements=targets) | cst.List(elements=targets):
                for element in targets:
                    self.bind_unknown(element.value, scope, whole)

    def function(self, node: cst.FunctionDef | cst.Lambda, scope: Scope) -> None:
        name = node.name.value if isinstance(node, cst.FunctionDef) else "<lambda>"
        params = node.params
        inner = Scope(ScopeKind.FUNCTION, name, scope,
                      params=tuple(p.name.value for p in (*params.posonly_params, *params.params)),
                      static=isinstance(node, cst.FunctionDef) and _is_static(node))  # fmt: skip
        self.scopes.append(inner)
        rows = dict(scope.parametrized)
        if isinstance(node, cst.FunctionDef):
            rows.update(self.parametrize(node.decorators, scope))
        for param in (*params.posonly_params, *params.params, *params.kwonly_params):
            row = rows.get(param.name.value)
            inner.bind(
                row
                or Binding(
                    param.name.value,
                    BindingKind.PARAM,
                    param.name,
                    scope,
                    param.default,
                    owner=inner,
                )
            )
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                inner.bind(Binding(star.name.value, BindingKind.UNKNOWN, star.name, scope))
        defaults = [
            p.default
            for p in (*params.posonly_params, *params.params, *params.kwonly_params)
            if p.default is not None
        ]
        self.push([node.body], inner)  # popped last: calls stay in source order per scope
        self.push(defaults, scope)
        if isinstance(node, cst.FunctionDef):
            scope.bind(Binding(name, BindingKind.UNKNOWN, node.name, scope))
            self.push([d.decorator for d in node.decorators], scope)

    def klass(self, node: cst.ClassDef, scope: Scope) -> None:
        name = node.name.value
        inner = Scope(ScopeKind.CLASS, name, scope, bases=tuple(a.value for a in node.bases))
        self.scopes.append(inner)
        inner.parametrized.update(self.parametrize(node.decorators, scope))
        scope.bind(Binding(name, BindingKind.CLASS, node.name, scope, owner=inner))
        self.push([node.body], inner)
        self.push([*(d.decorator for d in node.decorators), *(a.value for a in node.bases)], scope)

    def parametrize(self, decorators: Sequence[cst.Decorator], scope: Scope) -> dict[str, Binding]:
        """Bindings of the parameters ``@pytest.mark.parametrize`` decorators give values."""
        out: dict[str, Binding] = {}
        for decorator in decorators:
            call = decorator.decorator
            if type(call) is not cst.Call or not _is_parametrize(call, self.imports):
                continue
            names, values = _argument(call, 0, "argnames"), _argument(call, 1, "argvalues")
            argnames = _argnames(names) if names is not None else None
            if argnames is None or values is None:
                continue
            single, indirect = len(argnames) == 1 and _is_string(names), _indirect(call)
            for i, param in enumerate(argnames):
                if param not in indirect and "*" not in indirect:
                    path = () if single else (i,)
                    out[param] = Binding(param, BindingKind.ITER, call, scope, values, path)
        return out

    def imported(self, node: cst.Import | cst.ImportFrom, scope: Scope) -> None:
        if isinstance(node, cst.Import):
            for alias in node.names:
                dotted = _dotted(alias.name)
                local = _alias(alias) or dotted.split(".")[0]
                module = dotted if _alias(alias) else local
                self.imports[local] = module
                scope.bind(Binding(local, BindingKind.IMPORT, alias.name, scope, module=module))
            return
        level = len(node.relative)
        module = _dotted(node.module) if node.module is not None else ""
        if isinstance(node.names, cst.ImportStar):
            scope.star_imports.append(
                Binding("*", BindingKind.IMPORT, node, scope, module=module, level=level)
            )
            return
        for alias in node.names:
            name = _dotted(alias.name)
            local = _alias(alias) or name
            if level == 0:
                self.imports[local] = f"{module}.{name}"
            scope.bind(Binding(local, BindingKind.IMPORT, alias.name, scope, module=module,
                               attr=name, level=level))  # fmt: skip


def _is_static(node: cst.FunctionDef) -> bool:
    return any(
        isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
        for d in node.decorators
    )


def _is_parametrize(call: cst.Call, imports: dict[str, str]) -> bool:
    """``pytest.mark.parametrize(...)``, also as ``mark.parametrize`` or imported by name."""
    name = call_name(call.func, imports)
    return (
        name is not None
        and name.parts[-1] == "parametrize"
        and ("mark" in name.parts or name.parts[0] == "pytest")
    )


def _argument(call: cst.Call, position: int, keyword: str) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == keyword:
            return arg.value
    positional = [a for a in call.args if a.keyword is None]
    if len(positional) > position and not any(a.star for a in positional[: position + 1]):
        return positional[position].value
    return None


def _is_string(node: cst.BaseExpression | None) -> bool:
    return type(node) is cst.SimpleString


def _argnames(node: cst.BaseExpression) -> tuple[str, ...] | None:
    """``"a, b"`` or ``("a", "b")``: the parameter names a parametrize decorator fills."""
    match node:
        case cst.SimpleString(evaluated_value=str() as text):
            names = tuple(n.strip() for n in text.split(",") if n.strip())
        case cst.List(elements=elements) | cst.Tuple(elements=elements):
            values = [e.value.evaluated_value if type(e.value) is cst.SimpleString else None
                      for e in elements]  # fmt: skip
            if not all(isinstance(v, str) for v in values):
                return None
            names = tuple(str(v).strip() for v in values)
        case _:
            return None
    return names if all(n.isidentifier() for n in names) else None


def _indirect(call: cst.Call) -> frozenset[str]:
    """Names whose values go to fixtures (``indirect=``), ``*`` for all of them."""
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "indirect":
            match arg.value:
                case cst.Name(value="False"):
                    return frozenset()
                case cst.List(elements=elements) | cst.Tuple(elements=elements):
                    return frozenset(
                        str(e.value.evaluated_value) for e in elements
                        if type(e.value) is cst.SimpleString
                    )  # fmt: skip
            return frozenset({"*"})
    return frozenset()


def _alias(alias: cst.ImportAlias) -> str | None:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return None


def _dotted(node: cst.BaseExpression) -> str:
    match node:
        case cst.Name(value=value):
            return value
        case cst.Attribute(value=inner, attr=cst.Name(value=attr)):
            return f"{_dotted(inner)}.{attr}"
    return ""


def _unpackable(value: cst.BaseExpression, count: int) -> list[cst.BaseExpression] | None:
    """The element expressions of a literal tuple/list of exactly ``count`` plain elements."""
    match value:
        case cst.Tuple(elements=elements) | cst.List(elements=elements):
            if len(elements) == count and all(isinstance(e, cst.Element) for e in elements):
                return [e.value for e in elements]
    return None


def call_name(func: cst.BaseExpression, imports: dict[str, str]) -> CallName | None:
    """The callee of a call as dotted parts, qualified through the module's imports.

    Calls inside the chain are transparent (``OpenAI().chat.completions.create``), but a callee
    that is itself a call's result (``pipeline(...)(text)``) has no name.
    """
    parts: list[str] = []
    node: cst.BaseExpression = func
    while True:
        match node:
            case cst.Attribute(value=inner, attr=cst.Name(value=attr)):
                parts.append(attr)
                node = inner
            case cst.Call(func=inner) if parts:
                node = inner
            case cst.Subscript(value=inner):  # a generic class called: Agent[Deps, Out](...)
                node = inner
            case cst.Name(value=head):
                qualified = imports.get(head)
                if qualified is not None:
                    return CallName((*qualified.split("."), *reversed(parts)), True)
                return CallName((head, *reversed(parts)), False)
            case _:
                return CallName(("", *reversed(parts)), False) if parts else None


def _opens_file(call: cst.Call) -> bool:
    """True for ``open(...)``, ``io.open(...)``, ``path.open(...)``: the with-target is the file."""
    match call.func:
        case cst.Name(value="open") | cst.Attribute(attr=cst.Name(value="open")):
            return True
    return False
