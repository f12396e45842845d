"""Ordered whole-string regex rules (family, Ollama, package rules) and the literal beginnings
that spare a lookup the rules it cannot match: a rule is compiled the first time a text could
match it, so a process that looks up a few ids compiles a few rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

TYPE_CHECKING = False  # ``typing`` is not imported at run time: a load never needs it
if TYPE_CHECKING:
    from license_db.records import PatternRule


class RuleSet:
    """Ordered whole-string regex rules. Each rule is compiled the first time a text could
    match it: one that starts with none of the rule's literal beginnings (``beginnings``)
    cannot, so most lookups compile and try only the rules of their organisation or name."""

    def __init__(self, rules: Iterable[PatternRule], part: Callable[[str], str] = str) -> None:
        """Index ``rules``; ``part`` picks the piece of each rule's regex to use."""
        self.rules = tuple(rules)
        self._patterns = tuple(part(r.match) for r in self.rules)
        self._beginnings = tuple(beginnings(p) for p in self._patterns)
        self._compiled: dict[int, re.Pattern[str]] = {}

    @classmethod
    def of(cls, rules: Iterable[PatternRule], part: Callable[[str], str] = str) -> RuleSet:
        """A RuleSet of ``rules`` (see ``__init__``)."""
        return cls(rules, part)

    def all(self, text: str) -> tuple[PatternRule, ...]:
        """Every rule whose regex matches the whole of ``text``, in order."""
        return tuple(self.rules[i] for i in self._candidates(text) if self._matches(i, text))

    def first(self, text: str) -> PatternRule | None:
        """The first rule whose regex matches the whole of ``text``."""
        found = (i for i in self._candidates(text) if self._matches(i, text))
        return next((self.rules[i] for i in found), None)

    def _candidates(self, text: str) -> Iterator[int]:
        for index, starts in enumerate(self._beginnings):
            if text.startswith(starts):
                yield index

    def _matches(self, index: int, text: str) -> bool:
        pattern = self._compiled.get(index)
        if pattern is None:
            pattern = self._compiled[index] = re.compile(self._patterns[index])
        return pattern.fullmatch(text) is not None


_PLAIN = re.compile(r"(?:[a-z0-9_/:,=@ -]|\\[.\-_/+:])*")
"""Characters a regex matches literally (lowercase letters, digits, some punctuation, escapes)."""
_QUANTIFIERS = ("?", "*", "{")  # make the character before them optional


def beginnings(regex: str) -> tuple[str, ...]:
    """Literal texts one of which begins every whole match of ``regex`` (``("",)`` when not
    known): its leading plain characters, after a leading group of plain alternatives
    (``(a|b)/x-`` -> ``a/x-``, ``b/x-``); a character a quantifier makes optional ends it."""
    if _top_level_alternation(regex):
        return ("",)
    heads, rest = [""], regex
    if regex.startswith("("):
        group, _, after = regex[1:].partition(")")
        options = group.split("|")
        if after[:1] in (*_QUANTIFIERS, "+") or not all(_PLAIN.fullmatch(o) for o in options):
            return ("",)
        heads, rest = [_unescape(o) for o in options], after
    plain = _PLAIN.match(rest)
    literal = plain.group() if plain else ""
    if rest[len(literal) : len(literal) + 1] in _QUANTIFIERS and literal:
        literal = literal[:-2] if literal[-2:-1] == "\\" else literal[:-1]
    return tuple(head + _unescape(literal) for head in heads)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _top_level_alternation(regex: str) -> bool:
    """True when ``regex`` has a ``|`` outside every group (its options start anywhere)."""
    depth, escaped = 0, False
    for char in regex:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
            if depth < 0:  # a bracket inside a class: not followed, say unknown
                return True
        elif char == "|" and depth == 0:
            return True
    return depth != 0
