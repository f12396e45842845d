"""What libcst may be given: a cheap, crash-proof look at a module before the full parse.

libcst's native parser recurses on the shape of an expression: 2,000 nested ``(`` or ``f(``,
an 8,000-term ``a and a and ...`` or 10,000 unary ``-`` crash the process (SIGSEGV), and far
smaller inputs cost seconds and gigabytes (1,000 nested ``[``: 4 s and 950 MB; 1,000 nested
calls: 9 s and 2.2 GB). CPython's own parser is guarded against all of these: it raises instead
of crashing, and is ten times cheaper. So every module is first read with ``ast.parse`` and its
deepest expression measured without recursion; a module over ``MAX_DEPTH`` is never given to
libcst (the fallback tokenizer searches it instead, and the file is reported).

A module ``ast.parse`` rejects as plain invalid syntax (a syntax error, or syntax newer than this
interpreter that libcst still reads) is parsed by libcst in a child process first, under a time
limit: a crash or a time-out there costs that child, never the scan.
"""

from __future__ import annotations

import ast
import multiprocessing
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

from scanner.find.astnodes import children

MAX_DEPTH = 150
"""Deepest expression libcst is given. Real code stays far below (nesting of 20-30 is rare);
libcst parses depth 150 in milliseconds; CPython refuses 200 nested brackets itself."""
CHILD_SECONDS = 10.0
_SPAN_MARGIN = 16  # levels a statement may add without a character of its own (Expr, Load...)
_LINE_END = re.compile(rb"\r\n|\r|\n")
_CHAINS = (ast.BoolOp, ast.Compare)
_PLACED = (ast.stmt, ast.expr)  # nodes with a span of text


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a module is not given to libcst; the fallback tokenizer reads it instead."""

    reason: str
    line: int | None = None


def depth(
    tree: ast.AST, span: Callable[[ast.stmt | ast.expr], int] | None = None
) -> tuple[int, int]:
    """(deepest nesting of ``tree``, line where it is reached), computed without recursion.

    A chain that libcst nests although ``ast`` keeps it flat (``a and b and c``, ``a < b < c``)
    counts one level per operand. Each level of an expression takes at least one character of
    its statement (an operator, a bracket, a name), so with ``span`` (``spans``) a statement or
    expression too short to pass the limit is not walked: the walk visits statements and the
    few long expressions, not every node.
    """
    deepest, where = 0, 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, level = stack.pop()
        level += len(node.values) if isinstance(node, ast.BoolOp) else 1
        if isinstance(node, ast.Compare):
            level += len(node.comparators)
        if level > deepest:
            deepest, where = level, getattr(node, "lineno", where)
        if span is not None and isinstance(node, _PLACED):
            size = span(node)
            if level + size + _SPAN_MARGIN <= MAX_DEPTH:
                deepest = max(deepest, level)
                continue  # too short to nest deeper than the limit
        stack.extend((child, level) for child in children(node))
    return deepest, where


def spans(text: str) -> Callable[[ast.stmt | ast.expr], int]:
    """The number of UTF-8 bytes a statement or expression of ``text`` covers (``ast`` columns
    are bytes)."""
    data = text.encode("utf-8", "surrogatepass")
    starts = [0, *(m.end() for m in _LINE_END.finditer(data))]

    def size(node: ast.stmt | ast.expr) -> int:
        end = node.end_lineno or node.lineno
        if end > len(starts) or node.lineno > len(starts):
            return len(data)
        first = starts[node.lineno - 1] + node.col_offset
        return starts[end - 1] + (node.end_col_offset or 0) - first

    return size


def inspect(text: str) -> Refusal | bool | None:
    """A Refusal, None when libcst may parse ``text``, or False when ``ast`` found it invalid
    syntax (then only a child process may try libcst: ``parses_in_child``)."""
    found = checked(text)
    return None if isinstance(found, ast.Module) else found


def checked(text: str) -> Refusal | ast.Module | bool:
    """``inspect``, with the ``ast`` tree in place of None (the pruner reads it)."""
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        if "too many nested" in str(exc.msg):
            return Refusal(f"not parsed: {exc.msg}", exc.lineno)
        return False
    except (RecursionError, MemoryError, ValueError) as exc:
        return Refusal(f"not parsed: too deeply nested for a parser ({type(exc).__name__})")
    deepest, line = depth(tree, spans(text))
    if deepest > MAX_DEPTH:
        return Refusal(f"not parsed: expressions nested {deepest} deep (limit {MAX_DEPTH})", line)
    return tree


def _try(text: str) -> None:  # runs in the child
    import libcst

    try:
        libcst.parse_module(text)
    except Exception:  # a syntax error: the parent reports it as libcst words it
        sys.exit(0)


def parses_in_child(text: str, seconds: float = CHILD_SECONDS) -> Refusal | None:
    """None when libcst parses (or cleanly rejects) ``text`` in a child process; a Refusal when
    the child crashed or ran out of time."""
    if sys.platform == "win32":
        child: multiprocessing.process.BaseProcess = multiprocessing.get_context("spawn").Process(
            target=_try, args=(text,), daemon=True
        )
    else:
        child = multiprocessing.get_context("fork").Process(target=_try, args=(text,), daemon=True)
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        return Refusal(f"not parsed: libcst took over {seconds:g} s")
    if child.exitcode:
        return Refusal(f"not parsed: the parser crashed on it (exit {child.exitcode})")
    return None


def refusal(text: str) -> Refusal | None:
    """Why ``text`` must not be given to libcst in this process, or None when it may."""
    found = screen(text)
    return found if isinstance(found, Refusal) else None


def screen(text: str) -> Refusal | ast.Module | None:
    """``refusal``, with the ``ast`` tree when there is one (None: only libcst reads the text,
    then given whole)."""
    found = checked(text)
    if found is False:
        return parses_in_child(text)
    return found if isinstance(found, (Refusal, ast.Module)) else None
