"""Regular expressions for Python text read without a parser: comments and whole strings.

A pattern that alternates these with what it looks for (``COMMENT + "|" + STRINGS + "|" +
...``) finds it only outside strings and comments, at C speed: the engine steps over each
string and comment whole. Every branch starts with a literal character, so such a pattern
keeps the engine's fast skip to the next place a branch can start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

COMMENT = r"\#[^\n]*"
STRINGS = (
    r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*"'
    r"|'[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'"
    r"|\"[^\n]*|'[^\n]*"  # unterminated: to the end of its line, where the tokenizer restarts
)
"""A whole Python string, escapes included (a prefix letter before it changes nothing here)."""


Trie = dict[str, "Trie"]
"""A character to the words' continuations after it (``""``: a word ends here)."""


def trie(words: Iterable[str], top: bool = False) -> str:
    """A regular expression matching any of ``words``, branching one character at a time (the
    engine then tries one branch per character, not every word at every place); ``top``: its
    first branches bare, to join an enclosing alternation."""
    tree: Trie = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    pattern = _branches(tree)
    return pattern[3:-1] if top and pattern.startswith("(?:") else pattern


def _branches(node: Trie) -> str:
    parts = [re.escape(char) + _branches(child) for char, child in sorted(node.items()) if char]
    if not parts:
        return ""
    body = parts[0] if len(parts) == 1 and "" not in node else "(?:" + "|".join(parts) + ")"
    return body + "?" if "" in node and parts else body


def any_word(words: Iterable[str]) -> str:
    """A regular expression for any of ``words`` starting at a word boundary: the class of
    their first characters first (the engine skips fast to a place one can start), then their
    ``trie`` (one branch tried per character, not every word at every place)."""
    chosen = sorted(set(words))
    first = "".join(sorted({re.escape(word[0]) for word in chosen}))
    return rf"\b(?=[{first}])" + trie(chosen)
