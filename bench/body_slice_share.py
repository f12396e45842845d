"""Where the code libcst is given on a cold scan sits, and how much of it a stricter backward
slice of the kept function bodies could still drop (issue 11, measured before building one).

    python bench/body_slice_share.py TREE [TREE ...] [--time]

For each ``.py`` file, the text of its scanning parse (``prune``'s closure, as a worker's first
parse of the module) is counted in code characters (spaces and newlines not counted, as
``extract_profile.py``), split by where they sit:

* outside every function body the pruner keeps: module-level statements, class-level
  statements, ``class`` lines and ``def`` lines (decorators and signatures), what is left of
  the bodies it blanks (``pass``, their imports);
* statements kept in function bodies, split into those a *reference slice* keeps and those it
  would drop. The reference slice keeps, in each body the pruner keeps: the statements that are
  relevant themselves (a relevant call, a model-like literal, an option declaration, a save, a
  call of a word whose callers are kept), every store of ``self.X``, every ``return``; then,
  transitively, each statement binding a word a kept statement reads, the header of each
  compound statement around a kept one, and each ``raise`` or ``yield`` reading a word a kept
  statement binds. What the pruner keeps and it drops is the most such a slice could still
  take away (``with ast names``: a statement reads only the names of its ``ast``, not every
  word of its text); ``seeds`` and ``headers`` say how much of what both keep is relevant
  statements and compound headers; a block of a kept compound left with no statement is
  ``pass``; ``reference keeps, pruner blanks`` is what the reference slice keeps beyond the
  pruner (returns and stores no lookup reads).

``--time`` adds the CPU seconds of ``ast.parse`` of every file, of libcst's parse
(``loader.parse``) of the scanning parses' texts, and of libcst's parse of each module with
every function body blanked (``prune`` for a module read only for lookups: option declarations
kept), the floor any slice of the bodies leaves.

The last figure of a tree is a variant of the pruner itself: a statement kept only for a call of a
``RECEIVER_ONLY`` word (``x.step()``: the usage evaluator reads its receiver's optimizer, never
its arguments) reads only the words of the receiver, unless something else keeps it.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scanner.find.extractors.python import loader
from scanner.find.extractors.python import prune as pr
from scanner.find.extractors.python.relevance import (
    CONTEXT_CALLS,
    MODEL_LITERAL,
    Relevance,
    option_words,
    words,
)
from scanner.find.extractors.python.statements import (
    SELF_ATTR,
    SELF_STORE,
    Unit,
    first_line,
)

RECEIVER_ONLY = frozenset({"step"})
"""Calls whose statement the variant keeps reading only the receiver (``use.step``, Role.STEP)."""
_ORDER = (
    "outside bodies: module", "outside bodies: class", "outside bodies: class line",
    "outside bodies: def line", "outside bodies: blanked body", "in bodies: both keep",
    "  both keep: seeds",
    "  both keep: headers", "in bodies: pass of a blanked block", "in bodies: reference drops",
    "in bodies: reference with ast names drops",
    "reference keeps, pruner blanks", "receiver-only variant",
)  # fmt: skip
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def code(text: str) -> int:
    """Characters of code: spaces and newlines not counted (as ``extract_profile``)."""
    return len(text) - text.count(" ") - text.count("\n")


def hot_words(body: pr._Body, closure: pr._Closure, relevance: Relevance) -> set[str]:
    """The words whose calls make a statement of ``body`` relevant itself."""
    hot = set(option_words() & body.calls) | set(CONTEXT_CALLS & body.calls)
    hot |= relevance.triggers(words(body.text), body.calls) | (body.calls & closure.calls)
    return hot | (set(body.calls) if relevance.always else set())


def _names(unit: Unit) -> frozenset[str]:
    """The names a unit reads, from its ``ast`` (a header: the words of its lines)."""
    if unit.blocks:
        return unit.reads
    return frozenset(n.id for node in unit.nodes for n in ast.walk(node) if isinstance(n, ast.Name))


def _seed(unit: Unit, hot: set[str]) -> bool:
    """True for a unit the reference slice keeps for itself."""
    returns = not unit.blocks and any(isinstance(n, ast.Return) for n in unit.nodes)
    literal = MODEL_LITERAL.search(unit.text) is not None
    return (
        returns or literal or bool(SELF_STORE.search(unit.text)) or not unit.calls.isdisjoint(hot)
    )


def _raises(unit: Unit) -> bool:
    """A ``raise``, or a statement holding a ``yield``."""
    kinds = (ast.Raise, ast.Yield, ast.YieldFrom)
    return not unit.blocks and any(isinstance(n, kinds) for x in unit.nodes for n in ast.walk(x))


def reference(body: pr._Body, hot: set[str], precise: bool = False) -> tuple[set[int], set[int]]:
    """The ids of the units of a kept body the reference slice keeps, and of its seeds."""
    queue = [unit for unit in body.every if _seed(unit, hot)]
    seeds = {id(unit) for unit in queue}
    kept: set[int] = set()
    bound: set[str] = set()
    read: set[str] = set()
    raising = [unit for unit in body.every if _raises(unit)]
    while queue:
        while queue:
            unit = queue.pop()
            if id(unit) in kept:
                continue
            kept.add(id(unit))
            bound |= unit.binds
            queue.extend((unit.parent,) if unit.parent is not None else ())
            for word in (_names(unit) if precise else unit.reads) - read:
                read.add(word)
                queue.extend(body.by_bind.get(word, ()))
        queue = [u for u in raising if id(u) not in kept and not u.reads.isdisjoint(bound)]
    return kept, seeds


def _tags(tree: ast.Module, bodies: list[pr._Body], count: int) -> list[str]:
    """Each line's place: in a function body (no tag), a ``def`` or ``class`` line with its
    decorators (and signature), a class-level or a module-level statement, a blanked body."""
    tags = ["module"] * count
    pending: list[tuple[ast.stmt, str]] = [(node, "module") for node in tree.body]
    while pending:
        node, level = pending.pop()
        lines = range(first_line(node), min(node.end_lineno or node.lineno, count))
        if isinstance(node, ast.ClassDef):
            for index in range(first_line(node), node.body[0].lineno - 1):
                tags[index] = "class line"
            pending.extend((child, "class") for child in node.body)
            continue
        for index in lines:
            tags[index] = "def line" if isinstance(node, _DEFINITIONS) else level
        for block in () if isinstance(node, _DEFINITIONS) else pr._blocks(node):
            pending.extend((child, level) for child in block)
    for body in bodies:
        for index in range(body.first, body.last + 1):
            tags[index] = "" if body.active else "blanked body"
    return tags


def _own_lines(unit: Unit) -> list[int]:
    """The lines of a unit no inner unit covers (a compound's header lines)."""
    inner = {i for block in unit.blocks for u in block for i in range(u.first, u.last + 1)}
    return [index for index in range(unit.first, unit.last + 1) if index not in inner]


def measure(text: str, tree: ast.Module, out: Counter[str]) -> None:
    """Add one module's figures to ``out``."""
    lines = pr._LINES.findall(text)
    bodies = list(pr._bodies(tree.body, lines, ()))
    relevance = Relevance.of(text, pr._imported(tree.body))
    closure = pr._Closure(bodies, lines)
    closure.run(relevance, frozenset())
    pruned = closure.pruned(text, tree, frozenset()).text
    out["libcst input"] += code(pruned)
    shown = pr._LINES.findall(pruned)
    for body in (body for body in bodies if body.active):
        hot = hot_words(body, closure, relevance)
        (kept, seeds), (strict, _) = reference(body, hot), reference(body, hot, precise=True)
        for unit in body.every:
            size = sum(code(shown[index]) for index in _own_lines(unit))
            if not unit.kept:
                out["reference keeps, pruner blanks"] += code(unit.text) if id(unit) in kept else 0
                out["in bodies: pass of a blanked block"] += size
                continue
            both = id(unit) in kept
            out["in bodies: both keep" if both else "in bodies: reference drops"] += size
            out["  both keep: seeds"] += size if id(unit) in seeds else 0
            header = both and unit.blocks and id(unit) not in seeds
            out["  both keep: headers"] += size if header else 0
            out["in bodies: reference with ast names drops"] += 0 if id(unit) in strict else size
    for tag, line in zip(_tags(tree, bodies, len(lines)), shown, strict=False):
        if tag:
            out[f"outside bodies: {tag}"] += code(line)
    for body in bodies:
        body.release()


class ReceiverOnly(pr._Closure):
    """The pruner's closure, where a unit kept only for a ``RECEIVER_ONLY`` call reads only
    the words of that call's receiver."""

    narrow: set[int]

    def run(self, relevance: Relevance | None, needed: frozenset[str]) -> None:
        """As the pruner's, remembering the units kept narrowly."""
        self.narrow = set()
        super().run(relevance, needed)

    def seed(self, body: pr._Body, relevance: Relevance | None) -> None:
        """Queue the pruner's seeds, those with a receiver-only call marked to read narrowly."""
        start = len(self.queue)
        super().seed(body, relevance)
        for index in range(start, len(self.queue)):
            unit = self.queue[index][0]
            simple = not unit.blocks and not any(isinstance(n, _DEFINITIONS) for n in unit.nodes)
            if simple and not unit.calls.isdisjoint(RECEIVER_ONLY):
                self.queue[index] = (unit, body, True)  # type: ignore[assignment]

    def keep(self, unit: Unit, body: pr._Body, narrow: bool = False) -> None:
        """A marked seed reads its receivers only; reached again, it is kept as any unit."""
        if not narrow or unit.kept:
            if id(unit) in self.narrow and not narrow:
                self.narrow.discard(id(unit))
                unit.kept = False
            super().keep(unit, body)
            return
        receivers = [
            ast.unparse(node.func.value)
            for statement in unit.nodes
            for node in ast.walk(statement)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            if node.func.attr in RECEIVER_ONLY
        ]
        if not receivers or not self._only_receiver_calls(unit, body):
            super().keep(unit, body)
            return
        unit.kept = True
        self.narrow.add(id(unit))
        if not body.active:
            self.activate(body)
        self.queue.extend(((unit.parent, body),) if unit.parent is not None else ())
        for word in words(" ".join(receivers)) - body.read:
            body.read.add(word)
            self.queue.extend((bound, body) for bound in body.by_bind.get(word, ()))
        for attr in SELF_ATTR.findall(" ".join(receivers)):
            self.want(attr, self.stores, self.by_store)

    def _only_receiver_calls(self, unit: Unit, body: pr._Body) -> bool:
        """True when the only relevant calls of ``unit`` are receiver-only ones (and it holds
        no model-like literal)."""
        if self.relevance is None or self.relevance.always or MODEL_LITERAL.search(unit.text):
            return False
        hot = self.relevance.triggers(words(body.text), body.calls) | option_words()
        return (unit.calls & (hot | CONTEXT_CALLS | self.calls)) <= RECEIVER_ONLY


def receiver_only_input(text: str, tree: ast.Module) -> int:
    """The code characters of the scanning parse with the ``ReceiverOnly`` closure."""
    lines = pr._LINES.findall(text)
    bodies = list(pr._bodies(tree.body, lines, ()))
    closure = ReceiverOnly(bodies, lines)
    closure.run(Relevance.of(text, pr._imported(tree.body)), frozenset())
    pruned = closure.pruned(text, tree, frozenset()).text
    for body in bodies:
        body.release()
    return code(pruned)


def parse_seconds(text: str, tree: ast.Module, out: dict[str, float]) -> None:
    """Add the CPU seconds of ``ast.parse`` and of libcst's parses to ``out``."""
    pruned = pr.prune(text, tree).text
    floor = pr.prune(text, tree, scanning=False).text
    with loader.collector_paused():
        for key, parse in (("ast.parse", ast.parse), ("libcst, scanning input", loader.parse),
                           ("libcst, every body blanked", loader.parse)):  # fmt: skip
            source = text if key == "ast.parse" else pruned if "scanning" in key else floor
            start = time.process_time()
            parse(source)
            out[key] = out.get(key, 0.0) + time.process_time() - start


def main() -> int:
    """Measure each tree named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--time", action="store_true", help="time ast.parse and libcst")
    args = parser.parse_args()
    for root in args.trees:
        out: Counter[str] = Counter()
        seconds: dict[str, float] = {}
        for path in sorted(root.rglob("*.py")):
            if not path.is_file() or any(p.startswith(".") for p in path.relative_to(root).parts):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            out["files"] += 1
            out["source"] += code(text)
            measure(text, tree, out)
            out["receiver-only variant"] += receiver_only_input(text, tree)
            if args.time:
                parse_seconds(text, tree, seconds)
        total = out.pop("libcst input") or 1
        files, source = out.pop("files"), out.pop("source")
        print(f"{root.name}: {files} files, {source:,} code characters; the scanning parses "
              f"are given {total:,}")  # fmt: skip
        assert set(out) <= set(_ORDER), set(out) - set(_ORDER)
        for key, value in ((key, out[key]) for key in _ORDER):
            print(f"  {key:42} {value:>11,}  {100 * value / total:5.1f}%")
        for key, value in seconds.items():
            print(f"  CPU of {key}: {value:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
