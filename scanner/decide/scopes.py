"""Scopes: where a reference sits (runtime, test, example, docs, dev), and the policy per scope.

A path's scope is decided by glob tables: the defaults below, which the policy's ``[scopes]``
table replaces (``[scopes.paths]``) or extends (``[scopes.extend_paths]``) scope by scope. The
first scope in ``SCOPE_ORDER`` whose globs match wins (a ``test_*.py`` under ``examples/`` is a
test); a path no glob matches is ``runtime``. Globs are matched against the repo-relative POSIX
path: ``**`` spans folders, ``*`` and ``?`` stay inside one name, a trailing ``/`` means the
folder's whole tree, and a glob without a ``/`` matches a file name in any folder.

Per scope the policy may override ``[on]`` (``[scopes.test.on]``), the license lists
(``[scopes.test.licenses]``) and any rule's verdict (``[scopes.test.rules] MDL003 = "warn"``).
The embedded default treats unknown licenses and unresolved references in tests as no problem
(``DEFAULT_RULES``); a policy overrides that per key. This module holds the data and its reading;
``decide.scoped`` applies it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from scanner.rules import RULES
from scanner.types import Scope, Verdict

SCOPE_ORDER = (Scope.RUNTIME, Scope.TEST, Scope.DOCS, Scope.EXAMPLE, Scope.DEV)
"""Which scope wins when several match: runtime only when the policy names runtime paths."""

DEFAULT_GLOBS: Mapping[Scope, tuple[str, ...]] = MappingProxyType(
    {
        Scope.RUNTIME: (),
        Scope.TEST: (
            "tests/",
            "test/",
            "testing/",
            "**/tests/",
            "**/test/",
            "test_*.py",
            "*_test.py",
            "*_tests.py",
            "conftest.py",
        ),
        Scope.DOCS: ("docs/", "doc/", "**/docs/", "*.md", "*.rst", "*.mdx"),
        Scope.EXAMPLE: (
            "examples/",
            "example/",
            "**/examples/",
            "tutorials/",
            "notebooks/",
            "demo/",
            "demos/",
            "cookbook/",
        ),
        Scope.DEV: (
            "scripts/",
            "benchmarks/",
            "benchmark/",
            "bench/",
            "tools/",
            "utils/",
            "docker/",
            ".github/",
            "ci/",
            "setup.py",
            "noxfile.py",
            "tasks.py",
            "Makefile",
        ),
    }
)

ON_KEYS = ("unknown", "unresolved", "inferred", "proprietary_api")
"""The ``[on]`` keys a scope may override (``unscanned`` is about files, not references)."""
RULE_KEYS = ("on", "licenses", "rules")
"""The keys of ``[scopes.<scope>]``."""
TABLE_KEYS = ("paths", "extend_paths", "select", *(s.value for s in Scope))
"""The keys of ``[scopes]``."""


@dataclass(frozen=True, slots=True)
class ScopeRule:
    """What the policy says for one scope; ``source`` is where (a file, or the default)."""

    on: Mapping[str, Verdict] = field(default_factory=lambda: MappingProxyType({}))
    allow: tuple[str, ...] | None = None  # replaces [licenses] allow in this scope
    deny: tuple[str, ...] | None = None  # replaces [licenses] deny in this scope
    rules: Mapping[str, Verdict] = field(default_factory=lambda: MappingProxyType({}))
    default: frozenset[str] = frozenset()  # keys ("on.unknown") that come from DEFAULT_RULES

    @property
    def empty(self) -> bool:
        """True when the scope changes nothing."""
        return not (self.on or self.rules) and self.allow is None and self.deny is None


DEFAULT_RULES: Mapping[Scope, ScopeRule] = MappingProxyType(
    {
        Scope.TEST: ScopeRule(
            on=MappingProxyType({"unknown": Verdict.PASS, "unresolved": Verdict.PASS}),
            default=frozenset({"on.unknown", "on.unresolved"}),
        )
    }
)
"""The embedded default per scope: tiny unlicensed test models and test-only variables pass."""


@dataclass(frozen=True, slots=True)
class Scopes:
    """The glob table, the rules per scope and the scopes a report keeps (None: all)."""

    globs: Mapping[Scope, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_GLOBS)
    rules: Mapping[Scope, ScopeRule] = field(default_factory=lambda: DEFAULT_RULES)
    select: frozenset[Scope] | None = None

    def rule(self, scope: Scope) -> ScopeRule:
        """The policy's rule for ``scope`` (empty when it says nothing)."""
        return self.rules.get(scope, ScopeRule())


DEFAULT_SCOPES = Scopes()


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A compiled regex for one scope glob (see the module docstring for the syntax)."""
    text = pattern.strip()
    anchored = text.startswith("/")
    text = text.lstrip("/")
    if text.endswith("/"):
        text += "**"
    if "/" not in text and not anchored:
        text = "**/" + text
    parts: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith("**/", index):
            parts.append("(?:[^/]+/)*")
            index += 3
        elif text.startswith("**", index):
            parts.append(".*")
            index += 2
        else:
            char = text[index]
            parts.append({"*": "[^/]*", "?": "[^/]"}.get(char, re.escape(char)))
            index += 1
    return re.compile("".join(parts) + r"\Z")


@dataclass(frozen=True, slots=True)
class ScopeMatcher:
    """Compiled globs of a ``Scopes`` table, in ``SCOPE_ORDER``."""

    table: tuple[tuple[Scope, tuple[re.Pattern[str], ...]], ...]

    @classmethod
    def of(cls, scopes: Scopes) -> ScopeMatcher:
        """Compile the globs of ``scopes``."""
        return cls(
            tuple(
                (scope, tuple(glob_regex(g) for g in scopes.globs.get(scope, ())))
                for scope in SCOPE_ORDER
            )
        )

    def scope_of(self, path: str) -> Scope:
        """The scope of a repo-relative POSIX path."""
        for scope, patterns in self.table:
            if any(p.match(path) for p in patterns):
                return scope
        return Scope.RUNTIME


def scope_of(path: str, scopes: Scopes = DEFAULT_SCOPES) -> Scope:
    """The scope of one path under ``scopes`` (compiles the globs; use ScopeMatcher for many)."""
    return ScopeMatcher.of(scopes).scope_of(path)


# -- reading [scopes] -----------------------------------------------------------------------

Problem = Callable[[str, str], None]
"""Records a policy problem: (dotted key, message)."""


def read_scopes(table: Mapping[str, object], problem: Problem) -> Scopes:
    """The ``[scopes]`` table as ``Scopes``; every problem reported through ``problem``."""
    for key in table:
        if key not in TABLE_KEYS:
            problem(f"scopes.{key}", f"unknown key '{key}' in [scopes]{_hint(key, TABLE_KEYS)}")
    globs = dict(DEFAULT_GLOBS)
    for scope, patterns in _scope_lists("scopes.paths", table.get("paths"), problem).items():
        globs[scope] = patterns
    extended = _scope_lists("scopes.extend_paths", table.get("extend_paths"), problem)
    for scope, patterns in extended.items():
        globs[scope] = (*globs[scope], *patterns)
    rules = dict(DEFAULT_RULES)
    for scope in Scope:
        value = table.get(scope.value)
        if value is not None:
            rules[scope] = _merge(rules.get(scope), _rule(f"scopes.{scope.value}", value, problem))
    select = table.get("select")
    chosen = None if select is None else frozenset(parse_scopes("scopes.select", select, problem))
    return Scopes(MappingProxyType(globs), MappingProxyType(rules), chosen)


def parse_scopes(key: str, value: object, problem: Problem) -> list[Scope]:
    """A list of scope names as scopes; unknown names reported."""
    names = _strings(key, value, problem)
    known = {s.value: s for s in Scope}
    found = []
    for index, name in enumerate(names):
        if name.lower() in known:
            found.append(known[name.lower()])
        else:
            problem(f"{key}[{index}]", f"unknown scope '{name}'{_hint(name, list(known))}")
    return found


def _scope_lists(key: str, value: object, problem: Problem) -> dict[Scope, tuple[str, ...]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problem(key, f"{key} must be a table of scope = [globs]")
        return {}
    found: dict[Scope, tuple[str, ...]] = {}
    names = [s.value for s in Scope]
    for name, globs in value.items():
        if name not in names:
            problem(f"{key}.{name}", f"unknown scope '{name}'{_hint(name, names)}")
            continue
        patterns = _strings(f"{key}.{name}", globs, problem)
        found[Scope(name)] = tuple(g for g in patterns if g.strip())
    return found


def _rule(key: str, value: object, problem: Problem) -> ScopeRule:
    if not isinstance(value, dict):
        problem(key, f"[{key}] must be a table with on, licenses or rules")
        return ScopeRule()
    for name in value:
        if name not in RULE_KEYS:
            problem(f"{key}.{name}", f"unknown key '{name}' in [{key}]{_hint(name, RULE_KEYS)}")
    on = _verdicts(f"{key}.on", value.get("on"), ON_KEYS, problem)
    rules = _verdicts(f"{key}.rules", value.get("rules"), tuple(RULES), problem)
    lists = value.get("licenses", {})
    if not isinstance(lists, dict):
        problem(f"{key}.licenses", f"{key}.licenses must be a table with allow and deny")
        lists = {}
    for name in lists:
        if name not in ("allow", "deny"):
            problem(f"{key}.licenses.{name}", f"unknown key '{name}' in [{key}.licenses]")
    allow, deny = (
        None if lists.get(n) is None else tuple(_strings(f"{key}.licenses.{n}", lists[n], problem))
        for n in ("allow", "deny")
    )
    return ScopeRule(MappingProxyType(on), allow, deny, MappingProxyType(rules))


def _merge(base: ScopeRule | None, stated: ScopeRule) -> ScopeRule:
    """``stated`` over the default rule of the scope: keys the policy leaves out keep it."""
    if base is None:
        return stated
    on = {**base.on, **stated.on}
    default = frozenset(k for k in base.default if k.partition(".")[2] not in stated.on)
    allow = stated.allow if stated.allow is not None else base.allow
    deny = stated.deny if stated.deny is not None else base.deny
    rules = {**base.rules, **stated.rules}
    return ScopeRule(MappingProxyType(on), allow, deny, MappingProxyType(rules), default)


def _verdicts(
    key: str, value: object, names: Iterable[str], problem: Problem
) -> dict[str, Verdict]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        problem(key, f"{key} must be a table")
        return {}
    allowed = list(names)
    found: dict[str, Verdict] = {}
    for name, verdict in value.items():
        if name not in allowed:
            problem(f"{key}.{name}", f"unknown key '{name}' in [{key}]{_hint(name, allowed)}")
        elif isinstance(verdict, str) and verdict.lower() in {v.value for v in Verdict}:
            found[name] = Verdict(verdict.lower())
        else:
            problem(f"{key}.{name}", f'{key}.{name} must be one of "fail", "warn", "pass"')
    return found


def _strings(key: str, value: object, problem: Problem) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        problem(key, f"{key} must be an array of strings")
        return []
    return [str(item) for item in value]


def _hint(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""
