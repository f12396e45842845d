"""Command-line options of a module: the defaults behind ``args.model`` and click parameters.

A script reads its model from the command line (``args = parse_args(); load(args.model)``),
and the parser that gives ``args`` its attributes is often built in a helper the value resolver
does not follow. What a module declares is enough: every option it defines, with its default,
is indexed by the attribute (or parameter) name the option fills:

* ``argparse``/``optparse``: ``*.add_argument("--model-id", default=...)`` fills ``model_id``
  (``dest=`` wins; the first long flag, else the first flag, else the positional name), and
  ``*.set_defaults(model=...)``;
* ``click``: ``@click.option("--size", default=...)`` / ``@click.argument`` fill the parameter
  of that name (a flag without dashes names it; typer's ``typer.Option(default)`` is a
  parameter default, read where field specifiers are);
* dataclass parsers: the classes given to ``HfArgumentParser``/``TrlParser``, simple_parsing's
  ``add_arguments`` / ``parse`` and jsonargparse's ``add_class_arguments``: their fields'
  defaults fill the attributes of the objects the parser returns.

An attribute of a value the resolver cannot know (the parsed namespace) or a parameter with no
value of its own then takes the defaults of the option of its name in its module.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import libcst as cst

from scanner.context import RepoContext
from scanner.find.extractors.python.base import root_scope
from scanner.find.extractors.python.classes import ClassValues
from scanner.find.extractors.python.items import ClassRef, Items, Seq
from scanner.find.extractors.python.scope import ModuleInfo, Scope, call_name

ADD_OPTION_METHODS = frozenset({"add_argument", "add_option"})
"""Methods that declare one option (argparse, optparse): flags, ``dest=``, ``default=``."""

CLICK_DECORATORS = frozenset({"click.option", "click.argument"})
"""Decorators that declare one option of the decorated function (click; typer wraps it)."""

DATACLASS_PARSERS: dict[str, tuple[int, str]] = {
    "HfArgumentParser": (0, "dataclass_types"),
    "TrlParser": (0, "dataclass_types"),
    "add_arguments": (0, "dataclass"),  # simple_parsing ArgumentParser.add_arguments
    "add_class_arguments": (0, "theclass"),  # jsonargparse
    "simple_parsing.parse": (0, "config_class"),
}
"""Calls given the dataclasses whose fields become options: position and keyword of them."""

ENTRY_WORDS = frozenset(
    {
        *ADD_OPTION_METHODS,
        "set_defaults",
        *(name.rpartition(".")[2] for name in CLICK_DECORATORS),
        *(name.rpartition(".")[2] for name in DATACLASS_PARSERS),
    }
)
"""What the calls that declare options are called: a lookup of a module's options enters it by
these names (``scanner.find.slices``: each statement calling one, or importing it under another
name, is in what the lookup read)."""


@dataclass(frozen=True, slots=True)
class _Declared:
    """An expression a module's option declaration holds, and the scope it is evaluated in."""

    expr: cst.BaseExpression
    scope: Scope


@dataclass(slots=True)
class Options:
    """A module's declared options: defaults by name, and the dataclasses parsers fill."""

    defaults: dict[str, list[_Declared]] = field(default_factory=dict)
    classes: list[_Declared] = field(default_factory=list)


def option_name(flags: list[str]) -> str | None:
    """The attribute an option fills: the first long flag, else the first flag or a bare name."""
    bare = [f for f in flags if not f.startswith("-")]
    long = [f for f in flags if f.startswith("--")]
    chosen = bare[0] if bare else long[0] if long else flags[0] if flags else None
    if chosen is None:
        return None
    name = chosen.lstrip("-").replace("-", "_")
    return name if name.isidentifier() else None


def _strings(call: cst.Call) -> list[str]:
    """The positional string literals of a call (an option's flags)."""
    out = []
    for arg in call.args:
        if arg.keyword is None and not arg.star and isinstance(arg.value, cst.SimpleString):
            value = arg.value.evaluated_value
            if isinstance(value, str):
                out.append(value)
    return out


def _keyword(call: cst.Call, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in call.args if a.keyword and a.keyword.value == name), None)


def index_options(module: ModuleInfo) -> Options:
    """Every option the module declares, by the name it fills."""
    options = Options()
    for site in module.calls:
        _declare(options, site.node, site.scope, module.imports)
    return options


def _declare(options: Options, call: cst.Call, scope: Scope, imports: dict[str, str]) -> None:
    name = call_name(call.func, imports)
    if name is None:
        return
    dotted, last = ".".join(name.parts), name.parts[-1]
    if (last in ADD_OPTION_METHODS and isinstance(call.func, cst.Attribute)) or (
        name.qualified and dotted in CLICK_DECORATORS
    ):
        dest = _keyword(call, "dest")
        target = dest.evaluated_value if isinstance(dest, cst.SimpleString) else None
        target = target if isinstance(target, str) else option_name(_strings(call))
        default = _keyword(call, "default")
        if target is not None and default is not None:
            options.defaults.setdefault(target, []).append(_Declared(default, scope))
    elif last == "set_defaults" and isinstance(call.func, cst.Attribute):
        for arg in call.args:
            if arg.keyword is not None:
                options.defaults.setdefault(arg.keyword.value, []).append(
                    _Declared(arg.value, scope)
                )
    else:
        spec = DATACLASS_PARSERS.get(last) or (
            DATACLASS_PARSERS.get(dotted) if name.qualified else None
        )
        if spec is not None:
            given = _keyword(call, spec[1])
            positional = [a.value for a in call.args if a.keyword is None and not a.star]
            given = given if given is not None else next(iter(positional[spec[0] :]), None)
            if given is not None:
                options.classes.append(_Declared(given, scope))


class OptionValues(ClassValues):
    """The evaluator's part for command-line options declared in a module."""

    def __init__(self, module: ModuleInfo, ctx: RepoContext) -> None:
        super().__init__(module, ctx)
        self.options: dict[str, Options] = {}  # module path -> its declared options

    def cli_option(self, name: str, scope: Scope) -> Items | None:
        """The defaults of the option filling ``name`` in the module of ``scope``; None when
        the module declares no such option."""
        path = root_scope(scope).name
        module = self.modules.get(path)
        if module is None:
            return None
        self.ctx.noted_entry(path, name, *ENTRY_WORDS)  # its option declarations are read
        options = self.options.get(path)
        if options is None:
            options = self.options[path] = index_options(module)
        found = [self.evaluate(d.expr, d.scope) for d in options.defaults.get(name, ())]
        for declared in options.classes:
            for klass in _classes(self.evaluate(declared.expr, declared.scope)):
                if self.defines(klass.scope, name):
                    found.append(self.class_attr(klass.scope, name))
        return tuple(itertools.chain.from_iterable(found)) if found else None


def _classes(items: Items) -> list[ClassRef]:
    """The classes among ``items``, looking into tuples and lists of them."""
    out: list[ClassRef] = []
    for item in items:
        if isinstance(item, ClassRef):
            out.append(item)
        elif isinstance(item, Seq):
            out.extend(_classes(tuple(itertools.chain.from_iterable(item.elements))))
    return out
