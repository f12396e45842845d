"""Positions from the statements that hold the nodes equal those of a whole-module pass, on
the layouts that move code around: comments before decorators and inside blocks, ``a; b``,
tabs, CRLF, a byte order mark, nested classes, multi-line arguments, one-line bodies."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from scanner.find.extractors.python.loader import parse
from scanner.find.extractors.python.positions import _Partial, positions, statement_lines

LAYOUTS = {
    "decorators": (
        "import x\n\n# lead\n\n@deco  # one\n# between\n@other(\n    1,\n)\n"
        "def f(a='org/a'):\n    # first\n    g('org/b')\n\n    # after\n    h(\n"
        "        'org/c',\n    )\n"
    ),
    "semicolons": "a = 'org/a'; b = f('org/b')\nif a:\n    c = 1; d = g('org/c')\n",
    "tabs": "class K:\n\tdef m(self):\n\t\treturn f('org/a')\n\n\tx = g('org/b')\n",
    "crlf": "def f():\r\n    return g('org/a')\r\n\r\n\r\nclass K:\r\n    y = h('org/b')\r\n",
    "bom": "\ufeffimport x\n\ndef f():\n    return g('org/a')\n",
    "nested": (
        "class A:\n    class B:\n        def m(self):\n            if x:\n"
        "                return f('org/a')\n            return g(\n                'org/b')\n"
        "    def n(self): return h('org/c')\n"
    ),
    "trailing": "def f():\n    g('org/a')\n    # the end of the body\n# and after it\nx = 1\n",
}


def _strings(tree: cst.Module) -> list[cst.CSTNode]:
    """Every string and every call of the module: the kinds of nodes reported."""
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            found.append(node)

        def visit_Call(self, node: cst.Call) -> None:
            found.append(node)

        def visit_Param(self, node: cst.Param) -> None:
            found.append(node.name)

    tree.visit(Collect())
    return found


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_statement_positions_equal_whole_module_positions(name: str) -> None:
    text = LAYOUTS[name]
    tree = parse(text)
    lines = statement_lines(tree, ast.parse(text.removeprefix("\ufeff")))
    assert lines, "every layout here pairs up"
    nodes = _strings(tree)
    assert positions(tree, text, nodes, lines) == positions(tree, text, nodes)
    starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    bom = int(text.startswith("\ufeff"))
    partial = _Partial(tree, text, starts, bom, lines).run(frozenset(map(id, nodes)))
    assert partial is not None, "found from the statements, not the whole module"
    for node in nodes:  # and one at a time (each from its own statement)
        assert positions(tree, text, [node], lines) == positions(tree, text, [node])


def test_wrong_lines_fall_back_to_the_whole_module() -> None:
    text = LAYOUTS["decorators"]
    tree = parse(text)
    lines = {key: line + 1 for key, line in statement_lines(tree, ast.parse(text)).items()}
    nodes = _strings(tree)
    starts = [0, *(i + 1 for i, c in enumerate(text) if c == "\n")]
    assert _Partial(tree, text, starts, 0, lines).run(frozenset(map(id, nodes))) is None
    assert positions(tree, text, nodes, lines) == positions(tree, text, nodes)


def test_statements_that_do_not_pair_are_left_out() -> None:
    text = "def f():\n    pass\n"
    whole = "def f():\n    a = 1\n    b = 2\n"  # the ast of another body: that block is left out
    tree = parse(text)
    lines = statement_lines(tree, ast.parse(whole))
    assert list(lines.values()) == [1]
