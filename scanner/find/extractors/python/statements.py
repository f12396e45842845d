"""Statements of a kept function body: what each one reads, binds, calls and stores.

``prune`` keeps a function body's statements one by one (``Unit``): a simple statement (with
the statements sharing its lines, ``a = 1; b = 2``), a nested ``def`` or ``class`` (whole, its
decorators included), or a compound statement (``if``, ``for``, ``while``, ``with``, ``try``,
``match``) split into its header (every line of it no child statement covers: the ``if`` and
``elif`` tests, ``except`` and ``case`` lines) and the units of each of its blocks. A compound
statement whose block starts on its header's line (``if x: y``) is one unit.

What a unit reads is every word of its text (a superset of its names, cheap); what it binds is
what ``scope`` would bind for it (assignment, ``for`` and ``with`` targets, ``except ... as``,
walrus, imports, nested definitions, ``global``/``nonlocal`` names, ``match`` captures).

A unit not kept is blanked line for line; a block left with no kept unit gets ``pass`` on its
first line, so the text stays valid and every kept line is where it was.
"""

from __future__ import annotations

import ast
import copy
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from scanner.find.extractors.python.relevance import called, words

SELF_ATTR = re.compile(r"\b(?:self|cls)\s*\.\s*([A-Za-z_]\w*)")
SELF_STORE = re.compile(r"\b(?:self|cls)\s*\.\s*([A-Za-z_]\w*)\s*(?::[^=\n]+)?(?:,|\)|\]|=(?!=))")
"""``self.X =`` (also annotated, or inside a tuple target): a superset of the stores."""
_WALRUS = re.compile(r"([A-Za-z_]\w*)\s*:=")
_COMPOUND = (
    ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.Match,
    *((ast.TryStar,) if hasattr(ast, "TryStar") else ()),
)  # fmt: skip
_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, *_COMPOUND)
_DECLARATIONS = (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal)
DECLARING = re.compile(r"\b(?:import|global|nonlocal)\b")


@dataclass(eq=False, slots=True)
class Unit:
    """One statement (or a compound statement's header) of a body: lines 0-based, inclusive."""

    first: int
    last: int
    text: str  # the unit's own lines (a header: only the lines no child covers)
    nodes: tuple[ast.stmt, ...]
    binds: frozenset[str]
    parent: Unit | None
    blocks: list[list[Unit]] = field(default_factory=list)  # a split compound's blocks
    kept: bool = False
    _calls: frozenset[str] | None = None

    @property
    def calls(self) -> frozenset[str]:
        """The words it may call (``name(``), found on first use."""
        if self._calls is None:
            self._calls = called(self.text)
        return self._calls

    @property
    def reads(self) -> frozenset[str]:
        """Every word of the unit's text: a superset of the names it reads."""
        return words(self.text)

    @property
    def declares(self) -> bool:
        """True when it imports or declares ``global``/``nonlocal`` names (kept with its body:
        a module's imports qualify every call in it; its parse keeps them where they are)."""
        if self.blocks or not DECLARING.search(self.text):
            return False
        return any(
            isinstance(inner, _DECLARATIONS)
            for node in self.nodes
            for inner in (ast.walk(node) if isinstance(node, _NESTED) else (node,))
        )


def units(statements: list[ast.stmt], lines: list[str], parent: Unit | None = None) -> list[Unit]:
    """The units of one block of statements, in order."""
    groups: list[list[ast.stmt]] = []
    last = -1
    for node in statements:
        if groups and first_line(node) <= last:  # shares a line with the previous statement
            groups[-1].append(node)
        else:
            groups.append([node])
        last = max(last, (node.end_lineno or node.lineno) - 1)
    out = []
    for group in groups:
        first, end = first_line(group[0]), (group[-1].end_lineno or group[-1].lineno) - 1
        blocks = _blocks(group[0], lines) if len(group) == 1 else None
        if blocks is None:
            text = "".join(lines[first : end + 1])
            out.append(Unit(first, end, text, tuple(group), _binds(group, text), parent))
            continue
        unit = Unit(first, end, "", tuple(group), frozenset(), parent)
        unit.blocks = [units(block, lines, unit) for block in blocks]
        covered = {i for block in unit.blocks for u in block for i in range(u.first, u.last + 1)}
        own = (lines[i] for i in range(first, end + 1) if i not in covered)
        unit.text = "".join(line for line in own if not line.lstrip().startswith("#"))
        unit.binds = _header_binds(group[0], unit.text)
        out.append(unit)
    return out


def first_line(node: ast.stmt) -> int:
    """The 0-based first line of a statement, its decorators included (a body starting with a
    decorated definition is blanked from its first ``@``)."""
    decorators: list[ast.expr] = getattr(node, "decorator_list", [])
    return min((node.lineno, *(d.lineno for d in decorators))) - 1


def _blocks(node: ast.stmt, lines: list[str]) -> list[list[ast.stmt]] | None:
    """The blocks of a compound statement that can be split (each starts on a line of its
    own; ``elif`` chains flattened), else None."""
    if not isinstance(node, _COMPOUND):
        return None
    blocks: list[list[ast.stmt]] = []
    current: ast.stmt = node
    while isinstance(current, ast.If):
        blocks.append(current.body)
        nested = current.orelse
        if len(nested) == 1 and isinstance(nested[0], ast.If) and _is_elif(nested[0], lines):
            current = nested[0]
            continue
        if nested:
            blocks.append(nested)
        break
    if not isinstance(node, ast.If):
        blocks.extend(
            block
            for name in ("body", "orelse", "finalbody")
            if (block := getattr(node, name, None))
        )
        blocks.extend(handler.body for handler in getattr(node, "handlers", ()))
        blocks.extend(case.body for case in getattr(node, "cases", ()))
    if not all(block and _own_line(block[0], lines) for block in blocks):
        return None
    return blocks


def _is_elif(node: ast.If, lines: list[str]) -> bool:
    """True when ``node`` is written ``elif`` (an ``else:`` block holding an ``if`` is not)."""
    return lines[node.lineno - 1].lstrip().startswith("elif")


def _own_line(node: ast.stmt, lines: list[str]) -> bool:
    """True when nothing precedes the statement on its first line (``col_offset`` is bytes)."""
    start = first_line(node)
    column = node.col_offset if start == node.lineno - 1 else 0
    return start < len(lines) and not lines[start].encode("utf-8")[:column].strip()


def _binds(group: list[ast.stmt], text: str) -> frozenset[str]:
    """The names a group of statements binds in its scope (walrus included)."""
    out: set[str] = set(_WALRUS.findall(text)) if ":=" in text else set()
    for node in group:
        match node:
            case ast.Assign(targets=targets):
                for target in targets:
                    out.update(_target_names(target))
            case ast.AugAssign(target=target) | ast.AnnAssign(target=target):
                out.update(_target_names(target))
            case ast.Import(names=aliases) | ast.ImportFrom(names=aliases):
                out.update(a.asname or a.name.split(".")[0] for a in aliases)
            case ast.Global(names=names) | ast.Nonlocal(names=names):
                out.update(names)
            case (
                ast.FunctionDef(name=name)
                | ast.AsyncFunctionDef(name=name)
                | ast.ClassDef(name=name)
            ):
                out.add(name)
            case _ if isinstance(node, _COMPOUND):  # kept whole: everything it binds
                out.update(_walked_binds(node))
    return frozenset(out)


def _walked_binds(node: ast.AST) -> set[str]:
    """Every name bound anywhere inside ``node`` (a superset for a compound kept whole)."""
    out: set[str] = set()
    for inner in ast.walk(node):
        match inner:
            case ast.Name(id=name, ctx=ast.Store()):
                out.add(name)
            case ast.ExceptHandler(name=str() as name) | ast.MatchAs(name=str() as name):
                out.add(name)
            case ast.MatchStar(name=str() as name) | ast.MatchMapping(rest=str() as name):
                out.add(name)
            case ast.Import(names=aliases) | ast.ImportFrom(names=aliases):
                out.update(a.asname or a.name.split(".")[0] for a in aliases)
            case (
                ast.FunctionDef(name=name)
                | ast.AsyncFunctionDef(name=name)
                | ast.ClassDef(name=name)
            ):
                out.add(name)
            case ast.Global(names=names) | ast.Nonlocal(names=names):
                out.update(names)
    return out


def _header_binds(node: ast.stmt, text: str) -> frozenset[str]:
    """The names a compound statement's header binds: ``for`` and ``with`` targets,
    ``except ... as``, ``case`` captures, walrus in a test."""
    out: set[str] = set(_WALRUS.findall(text)) if ":=" in text else set()
    match node:
        case ast.For(target=target) | ast.AsyncFor(target=target):
            out.update(_target_names(target))
        case ast.With(items=items) | ast.AsyncWith(items=items):
            for item in items:
                if item.optional_vars is not None:
                    out.update(_target_names(item.optional_vars))
        case ast.Match(cases=cases):
            for case in cases:
                out.update(_walked_binds(case.pattern))
    for handler in getattr(node, "handlers", ()):
        if handler.name:
            out.add(handler.name)
    return frozenset(out)


def _target_names(target: ast.expr) -> set[str]:
    """The plain names an assignment target binds (``a``, ``a, (b, *c)``); attributes and
    subscripts bind none (``self.X`` is a store, see ``SELF_STORE``)."""
    match target:
        case ast.Name(id=name):
            return {name}
        case ast.Tuple(elts=elements) | ast.List(elts=elements):
            return {name for element in elements for name in _target_names(element)}
        case ast.Starred(value=value):
            return _target_names(value)
    return set()


def blank(lines: list[str], block: list[Unit]) -> None:
    """Blank the units of ``block`` not kept (and inside kept headers, theirs), line for line;
    a block left empty gets ``pass`` on its first line."""
    for unit in block:
        if unit.kept:
            for inner in unit.blocks:
                blank(lines, inner)
            continue
        for index in range(unit.first, unit.last + 1):
            line = lines[index]
            lines[index] = line[len(line.rstrip("\r\n")) :]
    if block and not any(unit.kept for unit in block):
        text = block[0].text
        indent = text[: len(text) - len(text.lstrip(" \t\f"))]
        lines[block[0].first] = indent + "pass" + lines[block[0].first]


def view(statements: list[ast.stmt], bodies: dict[int, list[ast.stmt]]) -> list[ast.stmt]:
    """``statements`` with the bodies of the functions in ``bodies`` (by ``id`` of the node)
    replaced by the statements kept in them: the ``ast`` view of the pruned text, for
    ``positions.statement_lines`` (which pairs the statements of each block)."""
    out: list[ast.stmt] = []
    for node in statements:
        body = bodies.get(id(node))
        if body is None and isinstance(node, ast.ClassDef):
            body = view(node.body, bodies)
            body = None if all(a is b for a, b in zip(body, node.body, strict=True)) else body
        if body is not None:
            node = copy.copy(node)
            setattr(node, "body", body)  # noqa: B010 (a function or class: typed as any statement)
        out.append(node)
    return out


def blank_comments(lines: list[str], tree: ast.Module) -> bool:
    """Blank the comment lines between two statements of a block (and before and after the
    module's statements, its first two lines aside: an encoding declaration); True when one
    was. Such a line cannot sit inside a string: no statement holds it."""
    changed = False
    pending: list[list[ast.stmt]] = [tree.body]
    while pending:
        block = pending.pop()
        for before, after in itertools.pairwise(block):
            end = before.end_lineno or before.lineno
            changed |= _blank_comments(lines, end, first_line(after))
        for node in block:
            if isinstance(node, _NESTED):
                pending.extend(_children(node))
    if tree.body:
        changed |= _blank_comments(lines, 2, first_line(tree.body[0]))
        changed |= _blank_comments(lines, tree.body[-1].end_lineno or 0, len(lines))
    return changed


def blank_strings(lines: list[str], original: list[str], tree: ast.Module) -> bool:
    """Replace each bare string statement still in ``lines`` (a docstring: no lookup reads
    one, no finding comes from one) by ``pass`` on its first line, its other lines emptied;
    True when one was. Only a string alone on its lines, which ``lines`` still holds as
    ``original`` does (a blanked body's first line holds ``pass`` or its imports)."""
    changed = False
    pending: list[list[ast.stmt]] = [tree.body]
    while pending:
        block = pending.pop()
        for node in block:
            if isinstance(node, _NESTED):
                pending.extend(_children(node))
            elif _bare_string(node) and _alone(lines, original, node):
                first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
                line = lines[first]
                indent = line[: len(line) - len(line.lstrip(" \t\f"))]
                lines[first] = indent + "pass" + line[len(line.rstrip("\r\n")) :]
                for index in range(first + 1, last + 1):
                    lines[index] = lines[index][len(lines[index].rstrip("\r\n")) :]
                changed = True
    return changed


def _bare_string(node: ast.stmt) -> bool:
    """True for a statement that is a string (or bytes) literal alone, f-strings aside."""
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, (str, bytes))
    )


def _alone(lines: list[str], original: list[str], node: ast.stmt) -> bool:
    """True when ``node`` fills its lines (nothing before it, at most a comment after) and
    they are as in ``original``."""
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    if last >= len(lines) or lines[first : last + 1] != original[first : last + 1]:
        return False
    before = lines[first].encode("utf-8")[: node.col_offset]
    after = lines[last].encode("utf-8")[node.end_col_offset or 0 :].strip()
    return not before.strip() and (not after or after.startswith(b"#"))


def _children(node: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists of a compound statement or a definition."""
    for name in ("body", "orelse", "finalbody"):
        block = getattr(node, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(node, "handlers", ()):
        yield handler.body
    for case in getattr(node, "cases", ()):
        yield case.body


def _blank_comments(lines: list[str], start: int, end: int) -> bool:
    """Blank the comment lines of ``lines[start:end]``; True when one was."""
    changed = False
    for index in range(start, min(end, len(lines))):
        line = lines[index]
        if line.lstrip(" \t\f").startswith("#"):
            lines[index] = line[len(line.rstrip("\r\n")) :]
            changed = True
    return changed
