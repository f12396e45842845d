"""Load and validate the repository's policy: who is asking, and under which rules.

The policy lives in ``.model-license-guard.toml`` at the repository root, or in the
``[tool.model-license-guard]`` table of ``pyproject.toml`` (the dedicated file wins; an explicit
``--policy FILE`` overrides both). Without either, an embedded default applies.

Facts the policy does not state stay ``None`` (unknown): evaluation never reads an unknown fact
as permission. Every value keeps the line it was written on, so each verdict can cite it.
Validation collects every problem in the file and raises them together.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from license_db.expression import AllOf, AnyOf, Expr, LicenseExpressionError, LicenseId, parse
from license_db.schema import LicenseTerms
from license_db.vocabulary import USE_CATEGORIES
from scanner import tomlsafe
from scanner.decide.policy_lines import key_lines
from scanner.decide.policy_paths import PATHS_KEYS, read_exclude
from scanner.decide.policy_privacy import (
    PRIVACY_KEYS,
    DatasetLists,
    PrivacyPolicy,
    read_dataset_lists,
    read_privacy,
)
from scanner.decide.regions import ISO_REGIONS, REGION_ALIASES
from scanner.decide.scopes import DEFAULT_SCOPES, Scopes, read_scopes
from scanner.decide.select import Selection, normalise, unknown_codes
from scanner.types import PolicyLine, Verdict

POLICY_FILE = ".model-license-guard.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "model-license-guard")
DEFAULT_SOURCE = "embedded default"
DEFAULT_EXCEPTION_WARN_DAYS = 30


# A pyproject table header that names the policy ([ \t], not \s: linear on any text).
_TOOL_HEADER = re.compile(r"^[ \t]*\[+[ \t]*tool[ \t]*\.[ \t]*[\"']?model-license-guard", re.M)


class LicenseCatalog(Protocol):
    """What the policy needs from the license database (``license_db.LicenseDB`` fits)."""

    version: str  # the database version, named when a license differs from a recorded one

    def license(self, license_id: str) -> LicenseTerms | None:
        """The terms of ``license_id`` (database or SPDX id, any case), or None."""
        ...

    def licenses(self) -> tuple[LicenseTerms, ...]:
        """Every license the database knows."""
        ...


# -- records ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Usage:
    """Facts about how the repository uses models; None means the policy does not say."""

    commercial: bool | None = None
    monthly_active_users: int | None = None
    annual_revenue_usd: int | None = None
    distributes_models: bool | None = None
    modifies_models: bool | None = None
    hosted_service: bool | None = None
    region: str | None = None  # ISO 3166-1 alpha-2 code, or "EU"
    intended_uses: tuple[str, ...] | None = None  # categories of license_db.vocabulary
    outputs_train_models: bool | None = None


@dataclass(frozen=True, slots=True)
class LicenseLists:
    """Allow- and deny-lists of license expressions (empty allow: decide from the terms)."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OnActions:
    """What a finding of each special kind yields on its own."""

    unknown: Verdict = Verdict.WARN
    unresolved: Verdict = Verdict.WARN
    inferred: Verdict = Verdict.WARN
    proprietary_api: Verdict = Verdict.WARN
    unscanned: Verdict = Verdict.FAIL  # a file of a kind the scanner reads that it could not read
    undeclared_modification: Verdict = Verdict.WARN  # code trains while modifies_models = false
    undeclared_distribution: Verdict = Verdict.WARN  # code ships while distributes_models = false
    unknown_dataset: Verdict = Verdict.WARN  # an evaluated dataset whose license is not known


@dataclass(frozen=True, slots=True)
class PolicyException:
    """An approved exception: ``model`` (id or fnmatch pattern) under the pinned ``license``."""

    model: str
    license: str
    reason: str
    approved_by: str
    expires: datetime.date | None
    key: str  # dotted key of the entry, e.g. "exceptions[0]"


@dataclass(frozen=True, slots=True)
class Policy:
    """A validated policy, with the line of every value it states."""

    usage: Usage = Usage()
    licenses: LicenseLists = LicenseLists()
    on: OnActions = OnActions()
    exceptions: tuple[PolicyException, ...] = ()
    source: str = DEFAULT_SOURCE  # repo-relative path of the file, or "embedded default"
    lines: Mapping[str, PolicyLine] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False
    )
    evaluate_datasets: bool = False
    exceptions_warn_days: int = DEFAULT_EXCEPTION_WARN_DAYS
    scopes: Scopes = field(default_factory=lambda: DEFAULT_SCOPES, hash=False)  # decide.scopes
    selection: Selection = field(default_factory=Selection)  # decide.select: codes to report
    privacy: PrivacyPolicy = field(default_factory=PrivacyPolicy)
    datasets: DatasetLists = field(default_factory=DatasetLists)
    exclude: tuple[str, ...] = ()  # [paths] exclude: globs of files not reported on

    @property
    def is_default(self) -> bool:
        """True for the embedded default (no policy file found)."""
        return self.source == DEFAULT_SOURCE

    def line(self, key: str) -> PolicyLine:
        """Where ``key`` is stated; else its closest written parent table; else the file."""
        candidate = key
        while candidate:
            found = self.lines.get(candidate)
            if found is not None:
                return PolicyLine(found.file, found.line, key)
            candidate = _parent(candidate)
        return PolicyLine(self.source, None, key)


def _parent(key: str) -> str:
    """``usage.intended_uses[1]`` -> ``usage.intended_uses`` -> ``usage`` -> ``""``."""
    if key.endswith("]"):
        return key[: key.rindex("[")]
    return key.rpartition(".")[0]


@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """One problem in a policy file, rendered ``file:line: message``."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class PolicyError(Exception):
    """The policy file is invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[PolicyProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


# -- finding and loading ---------------------------------------------------------------------


def default_policy() -> Policy:
    """The embedded default: commercial use, every other fact unknown, special findings warn."""
    return Policy(usage=Usage(commercial=True))


def find_policy(root: Path, explicit: Path | None = None) -> Path | None:
    """The policy file to use: ``explicit``, else the dedicated file, else pyproject, else None."""
    if explicit is not None:
        return explicit
    dedicated = root / POLICY_FILE
    if dedicated.is_file():
        return dedicated
    pyproject = root / PYPROJECT
    if pyproject.is_file() and _has_tool_table(pyproject):
        return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    try:
        raw = pyproject.read_bytes()
    except OSError:
        return False
    try:
        data = tomlsafe.loads(_newlines(tomlsafe.decode(raw)))
    except tomlsafe.TomlError:  # report the problem if the table seems to be there
        return _TOOL_HEADER.search(raw.decode("utf-8", errors="replace")) is not None
    tool = data.get("tool")
    return isinstance(tool, dict) and PYPROJECT_TABLE[1] in tool


def load_policy(root: Path, explicit: Path | None, db: LicenseCatalog) -> Policy:
    """Find, read and validate the policy; raise PolicyError listing every problem."""
    path = find_policy(root, explicit)
    if path is None:
        return default_policy()
    source = _display_path(root, path)
    try:
        text = _newlines(tomlsafe.decode(path.read_bytes()))
    except OSError as exc:
        raise PolicyError([PolicyProblem(source, None, f"cannot read policy file: {exc}")]) from exc
    except tomlsafe.TomlError as exc:
        raise PolicyError([PolicyProblem(source, exc.line, exc.message)]) from exc
    return policy_from_text(text, source, db, pyproject=path.name == PYPROJECT)


def _newlines(text: str) -> str:
    """``\\r\\n`` and ``\\r`` as ``\\n``, as reading in text mode does."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def validate_policy(
    root: Path, explicit: Path | None, db: LicenseCatalog
) -> tuple[PolicyProblem, ...]:
    """Every problem in the policy that applies (empty when it is valid or absent)."""
    try:
        load_policy(root, explicit, db)
    except PolicyError as exc:
        return exc.problems
    return ()


def _display_path(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def policy_from_text(
    text: str, source: str, db: LicenseCatalog, *, pyproject: bool = False
) -> Policy:
    """Parse and validate policy ``text`` read from ``source``; raise PolicyError."""
    try:
        data = tomlsafe.loads(text)
    except tomlsafe.TomlError as exc:
        raise PolicyError([PolicyProblem(source, exc.line, exc.message)]) from exc
    lines = key_lines(text)
    if pyproject:
        tool = data.get("tool")
        table = tool.get(PYPROJECT_TABLE[1]) if isinstance(tool, dict) else None
        if not isinstance(table, dict):
            message = "no [tool.model-license-guard] table"
            raise PolicyError([PolicyProblem(source, None, message)])
        data, lines = table, _strip_prefix(lines, ".".join(PYPROJECT_TABLE))
    reader = _Reader(source, lines, db)
    policy = reader.policy(data)
    if reader.problems:
        raise PolicyError(sorted(reader.problems, key=lambda p: (p.line or 0, p.message)))
    return policy


def _strip_prefix(lines: Mapping[str, int], prefix: str) -> dict[str, int]:
    stripped = {
        key[len(prefix) + 1 :]: line for key, line in lines.items() if key.startswith(f"{prefix}.")
    }
    if prefix in lines:
        stripped[""] = lines[prefix]
    return stripped


# -- validation ------------------------------------------------------------------------------

_USAGE_BOOL = (
    "commercial",
    "distributes_models",
    "modifies_models",
    "hosted_service",
    "outputs_train_models",
)
_USAGE_INT = ("monthly_active_users", "annual_revenue_usd")
USAGE_KEYS = (*_USAGE_BOOL, *_USAGE_INT, "region", "intended_uses")
TOP_KEYS = (
    "usage",
    "licenses",
    "on",
    "exceptions",
    "datasets",
    "exceptions_warn_days",
    "privacy",
    "paths",
    *("scopes", "select", "ignore"),  # scopes and selection (decide.scopes, decide.select)
)
LICENSE_KEYS = ("allow", "deny")
ON_KEYS = (
    "unknown",
    "unresolved",
    "inferred",
    "proprietary_api",
    "unscanned",
    "undeclared_modification",
    "undeclared_distribution",
    "unknown_dataset",
)
DATASET_KEYS = ("evaluate", "allow", "deny")
EXCEPTION_KEYS = ("model", "license", "reason", "approved_by", "expires")
_EXCEPTION_REQUIRED = ("model", "license", "reason", "approved_by")
ACTIONS = tuple(v.value for v in Verdict)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean X?)`` for the closest candidate, or ``""``."""
    pool = list(candidates)
    lowered = {c.lower(): c for c in pool}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f" (did you mean {lowered[close[0]]}?)" if close else ""


def _type_name(value: object) -> str:
    names = {bool: "a boolean", int: "an integer", float: "a number", str: "a string"}
    names |= {list: "an array", dict: "a table", datetime.date: "a date"}
    for kind, name in names.items():
        if type(value) is kind:
            return name
    return type(value).__name__


class _Reader:
    """Turns the parsed TOML into a Policy, recording every problem on the way."""

    def __init__(self, source: str, lines: Mapping[str, int], db: LicenseCatalog) -> None:
        self.source = source
        self.lines = lines
        self.db = db
        self.problems: list[PolicyProblem] = []

    def problem(self, key: str, message: str) -> None:
        self.problems.append(PolicyProblem(self.source, self._line(key), message))

    def _line(self, key: str) -> int | None:
        while key:
            if key in self.lines:
                return self.lines[key]
            key = _parent(key)
        return self.lines.get("")

    def policy(self, data: Mapping[str, object]) -> Policy:
        self._unknown_keys("", data, TOP_KEYS)
        datasets = self._table(data, "datasets", DATASET_KEYS)
        warn_days = self._int("exceptions_warn_days", data.get("exceptions_warn_days"))
        scopes, selection = self._scopes(data), self._selection(data)
        return Policy(
            usage=self._usage(self._table(data, "usage", USAGE_KEYS)),
            licenses=self._license_lists(self._table(data, "licenses", LICENSE_KEYS)),
            on=self._on(self._table(data, "on", ON_KEYS)),
            exceptions=self._exceptions(data.get("exceptions")),
            source=self.source,
            lines=MappingProxyType(
                {k: PolicyLine(self.source, v, k) for k, v in self.lines.items() if k}
            ),
            evaluate_datasets=bool(self._bool("datasets.evaluate", datasets.get("evaluate"))),
            exceptions_warn_days=DEFAULT_EXCEPTION_WARN_DAYS if warn_days is None else warn_days,
            scopes=scopes,
            selection=selection,
            privacy=read_privacy(self._table(data, "privacy", PRIVACY_KEYS), self.problem),
            datasets=read_dataset_lists(datasets, self.problem),
            exclude=read_exclude(
                self._table(data, "paths", PATHS_KEYS).get("exclude"), self.problem
            ),
        )

    # -- scopes and selection (decide.scopes, decide.select) -------------------------------

    def _scopes(self, data: Mapping[str, object]) -> Scopes:
        table = data.get("scopes")
        if table is None:
            return DEFAULT_SCOPES
        if not isinstance(table, dict):
            self.problem("scopes", f"'scopes' must be a table, not {_type_name(table)}")
            return DEFAULT_SCOPES
        scopes = read_scopes(table, self.problem)
        for scope, rule in scopes.rules.items():
            for name, entries in (("allow", rule.allow), ("deny", rule.deny)):
                for index, entry in enumerate(entries or ()):
                    self._expression_ok(f"scopes.{scope.value}.licenses.{name}[{index}]", entry)
        return scopes

    def _selection(self, data: Mapping[str, object]) -> Selection:
        lists: dict[str, tuple[str, ...] | None] = {}
        for name in ("select", "ignore"):
            entries = self._str_list(name, data.get(name))
            for entry in unknown_codes(entries or ()):
                self.problem(name, f"{name}: '{entry}' is not a rule code or a prefix of one")
            lists[name] = None if entries is None else normalise(entries)
        return Selection(select=lists["select"], ignore=lists["ignore"] or ())

    # -- structure -------------------------------------------------------------------------

    def _table(
        self, data: Mapping[str, object], name: str, keys: Sequence[str]
    ) -> dict[str, object]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            self.problem(name, f"'{name}' must be a table, not {_type_name(value)}")
            return {}
        self._unknown_keys(name, value, keys)
        return value

    def _unknown_keys(self, prefix: str, table: Mapping[str, object], keys: Sequence[str]) -> None:
        if not prefix:
            where = "the policy"
        elif prefix.startswith("exceptions["):
            where = "an exception"
        else:
            where = f"[{prefix}]"
        for key in table:
            if key not in keys:
                dotted = f"{prefix}.{key}" if prefix else key
                self.problem(dotted, f"unknown key '{key}' in {where}{did_you_mean(key, keys)}")

    # -- scalars ---------------------------------------------------------------------------

    def _bool(self, key: str, value: object) -> bool | None:
        if value is None or isinstance(value, bool):
            return value
        self.problem(key, f"{key} must be true or false, not {_type_name(value)}")
        return None

    def _int(self, key: str, value: object) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, f"{key} must be a whole number, not {_type_name(value)}")
            return None
        if value < 0:
            self.problem(key, f"{key} must not be negative ({value})")
            return None
        return value

    def _str(self, key: str, value: object) -> str | None:
        if value is None or isinstance(value, str):
            return value
        self.problem(key, f"{key} must be a string, not {_type_name(value)}")
        return None

    def _str_list(self, key: str, value: object) -> tuple[str, ...] | None:
        if value is None:
            return None
        if not isinstance(value, list):
            self.problem(key, f"{key} must be an array of strings, not {_type_name(value)}")
            return None
        good: list[str] = []
        for index, item in enumerate(value):
            if isinstance(item, str):
                good.append(item)
            else:
                self.problem(
                    f"{key}[{index}]", f"{key} entries must be strings, not {_type_name(item)}"
                )
        return tuple(good)

    # -- sections --------------------------------------------------------------------------

    def _usage(self, table: Mapping[str, object]) -> Usage:
        facts: dict[str, object] = {}
        for name in _USAGE_BOOL:
            facts[name] = self._bool(f"usage.{name}", table.get(name))
        for name in _USAGE_INT:
            facts[name] = self._int(f"usage.{name}", table.get(name))
        return Usage(
            commercial=_as_bool(facts["commercial"]),
            monthly_active_users=_as_int(facts["monthly_active_users"]),
            annual_revenue_usd=_as_int(facts["annual_revenue_usd"]),
            distributes_models=_as_bool(facts["distributes_models"]),
            modifies_models=_as_bool(facts["modifies_models"]),
            hosted_service=_as_bool(facts["hosted_service"]),
            region=self._region(table.get("region")),
            intended_uses=self._intended_uses(table.get("intended_uses")),
            outputs_train_models=_as_bool(facts["outputs_train_models"]),
        )

    def _region(self, value: object) -> str | None:
        region = self._str("usage.region", value)
        if region is None:
            return None
        code = region.strip().upper()
        if code == "EU" or code in ISO_REGIONS:
            return code
        hint = REGION_ALIASES.get(code)
        suggestion = (
            f" (did you mean {hint}?)"
            if hint
            else " (use an ISO 3166-1 alpha-2 code such as US or DE, or EU)"
        )
        self.problem("usage.region", f"unknown region '{region}'{suggestion}")
        return None

    def _intended_uses(self, value: object) -> tuple[str, ...] | None:
        uses = self._str_list("usage.intended_uses", value)
        if uses is None:
            return None
        known: list[str] = []
        for index, use in enumerate(uses):
            if use in USE_CATEGORIES:
                known.append(use)
            else:
                hint = did_you_mean(use, list(USE_CATEGORIES))
                self.problem(f"usage.intended_uses[{index}]", f"unknown intended use '{use}'{hint}")
        return tuple(dict.fromkeys(known))

    def _license_lists(self, table: Mapping[str, object]) -> LicenseLists:
        allow = self._expressions("licenses.allow", table.get("allow"))
        deny = self._expressions("licenses.deny", table.get("deny"))
        for index, entry in enumerate(deny):
            if entry.lower() in {a.lower() for a in allow}:
                self.problem(f"licenses.deny[{index}]", f"'{entry}' is both allowed and denied")
        return LicenseLists(allow=allow, deny=deny)

    def _expressions(self, key: str, value: object) -> tuple[str, ...]:
        entries = self._str_list(key, value) or ()
        good = []
        for index, entry in enumerate(entries):
            if self._expression_ok(f"{key}[{index}]", entry):
                good.append(entry)
        return tuple(good)

    def _expression_ok(self, key: str, text: str) -> bool:
        try:
            expr = parse(text)
        except LicenseExpressionError as exc:
            self.problem(key, f"invalid license expression {exc}")
            return False
        unknown = [lid for lid in _leaf_ids(expr) if self.db.license(lid) is None]
        for lid in unknown:
            self.problem(key, f"unknown license '{lid}'{did_you_mean(lid, self._license_names())}")
        return not unknown

    def _license_names(self) -> list[str]:
        names: dict[str, str] = {}
        for terms in self.db.licenses():
            names.setdefault(terms.id.lower(), terms.id)
            if terms.spdx:
                names.setdefault(terms.spdx.lower(), terms.id)
        return sorted(names)

    def _on(self, table: Mapping[str, object]) -> OnActions:
        actions: dict[str, Verdict] = {}
        for name in ON_KEYS:
            value = table.get(name)
            if value is None:
                continue
            if isinstance(value, str) and value.lower() in ACTIONS:
                actions[name] = Verdict(value.lower())
            else:
                shown = repr(value) if isinstance(value, str) else _type_name(value)
                choices = ", ".join(f'"{a}"' for a in ACTIONS)
                self.problem(f"on.{name}", f"on.{name} must be one of {choices}, not {shown}")
        return OnActions(**actions)

    def _exceptions(self, value: object) -> tuple[PolicyException, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.problem("exceptions", "exceptions must be an array of tables ([[exceptions]])")
            return ()
        found = (self._exception(f"exceptions[{i}]", item) for i, item in enumerate(value))
        return tuple(e for e in found if e is not None)

    def _exception(self, key: str, item: object) -> PolicyException | None:
        if not isinstance(item, dict):
            self.problem(key, f"{key} must be a table, not {_type_name(item)}")
            return None
        self._unknown_keys(key, item, EXCEPTION_KEYS)
        before = len(self.problems)
        texts = {name: self._str(f"{key}.{name}", item.get(name)) for name in _EXCEPTION_REQUIRED}
        for name, text in texts.items():
            if (text is None and name not in item) or (text is not None and not text.strip()):
                self.problem(key, f"exception is missing '{name}'")
        license_text = texts["license"]
        if license_text and license_text.strip():
            self._expression_ok(f"{key}.license", license_text)
        expires = self._date(f"{key}.expires", item.get("expires"))
        if len(self.problems) > before:
            return None
        return PolicyException(
            model=_required(texts["model"]),
            license=_required(texts["license"]),
            reason=_required(texts["reason"]),
            approved_by=_required(texts["approved_by"]),
            expires=expires,
            key=key,
        )

    def _date(self, key: str, value: object) -> datetime.date | None:
        if value is None:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        hint = (
            " (write a TOML date without quotes, e.g. 2027-06-30)" if isinstance(value, str) else ""
        )
        self.problem(key, f"{key} must be a date, not {_type_name(value)}{hint}")
        return None


def _as_bool(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def _as_int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _required(value: str | None) -> str:
    return (value or "").strip()


def _leaf_ids(expr: Expr) -> Iterator[str]:
    match expr:
        case LicenseId(key):
            yield key
        case AllOf(args) | AnyOf(args):
            for arg in args:
                yield from _leaf_ids(arg)
