"""The yardstick of the cold-scan goal: read and ``ast.parse`` every ``.py`` file of a tree in
one process (the files ``git`` lists, as ``measure.python_files``), and print the seconds.

    python bench/parse_tree.py TREE

Run in turn with the real CLI, each timed as a whole process (see the README's "Cold parsing"
section):

    /usr/bin/time -v python -m scanner scan --root TREE --format json --exit-zero --no-cache
    /usr/bin/time -v python bench/parse_tree.py TREE
"""

from __future__ import annotations

import sys
from pathlib import Path

from measure import ast_parse_seconds, python_files


def main() -> int:
    """Parse the tree named on the command line; print the file count and the seconds."""
    tree = Path(sys.argv[1]).resolve()
    files = python_files(tree)
    print(f"{tree.name}: {len(files)} files, ast.parse {ast_parse_seconds(files):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
