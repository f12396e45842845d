"""Regular expressions for Python text read without a parser: comments and whole strings.

A pattern that alternates these with what it looks for (``COMMENT + "|" + STRINGS + "|" +
...``) finds it only outside strings and comments, at C speed: the engine steps over each
string and comment whole. Every branch starts with a literal character, so such a pattern
keeps the engine's fast skip to the next place a branch can start.
"""

from __future__ import annotations

COMMENT = r"\#[^\n]*"
STRINGS = (
    r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*"""'
    r"|'''[^'\\]*(?:(?:\\[\s\S]|'(?!''))[^'\\]*)*'''"
    r'|"[^"\\\n]*(?:\\[\s\S][^"\\\n]*)*"'
    r"|'[^'\\\n]*(?:\\[\s\S][^'\\\n]*)*'"
    r"|\"[^\n]*|'[^\n]*"  # unterminated: to the end of its line, where the tokenizer restarts
)
"""A whole Python string, escapes included (a prefix letter before it changes nothing here)."""
