"""The child nodes of an ``ast`` node (``scanner.find.astnodes``): what ``ast`` itself walks."""

from __future__ import annotations

import ast

import pytest

from scanner.find.astnodes import children, descendants

# (case, source): constructs whose fields hold lists of names, missing values or contexts
SOURCES = [
    ("names and contexts", "a.b[c] = d, *e\ndel f\n"),
    ("global names are strings", "def f():\n    global g, h\n    nonlocal_ = 1\n"),
    ("a dictionary unpacked: a missing key", "x = {**a, 'b': c, None: d}\n"),
    ("a match statement", "match p:\n    case {'k': v, **rest}: pass\n    case [a, *b]: pass\n"),
    ("a function with everything", "@d\nasync def f(a, /, b=1, *c, d: int, **e) -> T:\n"
     "    yield [x async for x in y if x]\n"),
    ("try, with, lambda, f-string", "try:\n    with a as b, c: pass\nexcept E as e: pass\n"
     "f = lambda x=1: f'{x!r:>{w}}'\n"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "source"), SOURCES, ids=[case for case, _ in SOURCES])
def test_children_are_ast_s_child_nodes_in_its_order(case: str, source: str) -> None:
    for node in ast.walk(ast.parse(source)):
        assert children(node) == list(ast.iter_child_nodes(node))


@pytest.mark.parametrize(("case", "source"), SOURCES, ids=[case for case, _ in SOURCES])
def test_descendants_are_ast_s_walk_without_contexts(case: str, source: str) -> None:
    tree = ast.parse(source)
    walked = [node for node in ast.walk(tree) if not isinstance(node, ast.expr_context)]
    found = descendants(tree)
    assert sorted(map(id, found)) == sorted(map(id, walked))
    assert len(found) == len(walked) > 1
