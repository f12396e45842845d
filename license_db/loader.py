"""Bundled JSON (license_db/data) -> frozen records. Only reads; build.py writes the files."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from functools import cached_property

from license_db.frozen import defaults
from license_db.schema import (
    Commercial,
    LicenseTerms,
    LimitEffect,
    LimitScope,
    ModelRecord,
    OutputTraining,
    Period,
)

TYPE_CHECKING = False  # ``typing`` is not imported at run time: a load never needs it
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any, TypeVar
    from typing import Generic as _Generic

    from license_db.records import (
        Alias,
        ApiModel,
        Bundle,
        DatasetRecord,
        Derivatives,
        ModalityRule,
        PatternRule,
    )

    R = TypeVar("R")
else:
    R = None

    class _Generic:
        """``typing.Generic`` as type checkers read it; at run time a subscript is the class."""

        def __class_getitem__(cls, item: object) -> type:
            return cls


_TUPLE_FIELDS = (
    "sources",
    "use_restrictions",
    "use_restrictions_raw",
    "restricted_regions",
    "missing",
    "not_applicable",
)


_DATA = os.path.join(os.path.dirname(__file__), "data")  # os.path: pathlib costs a load ~5 ms


def read_json(name: str) -> Any:
    """One bundled data file, parsed (through ``importlib.resources`` when the package is not a
    folder, e.g. zipped: importing it costs ~10 ms, so only then)."""
    if os.path.isdir(_DATA):
        with open(os.path.join(_DATA, name), "rb") as handle:
            return json.loads(handle.read())
    from importlib import resources

    return json.loads(
        resources.files("license_db").joinpath("data").joinpath(name).read_text("utf-8")
    )


def read_bundle(read: Callable[[str], Any] = read_json) -> Bundle:
    """Parse every data file; ``read`` parses one by name (default: the bundled data)."""
    from license_db.records import Bundle

    lazy = LazyBundle(read)
    return Bundle(
        manifest=lazy.manifest,
        licenses=tuple(lazy.licenses),
        models=tuple(lazy.models),
        aliases=lazy.aliases,
        api_models=tuple(lazy.api_models),
        family=lazy.family,
        ollama=lazy.ollama,
        packages=lazy.packages,
        derivatives=lazy.derivatives,
        api_prefixes=lazy.api_prefixes,
        modality=lazy.modality,
        datasets=lazy.datasets,
    )


class Records(_Generic[R]):
    """The records of one data file: its rows as parsed, each made a record the first time it
    is read (a lookup reads one of thousands), or records already made (``make`` None)."""

    def __init__(
        self, rows: Sequence[Any], make: Callable[[Any], R] | None = None, kind: type = object
    ) -> None:
        """Records of ``rows``, made by ``make`` (None: the rows are the records) as ``kind``
        records (whose defaults stand for what a row leaves out)."""
        self._rows = rows
        self._make = make
        self._made: dict[int, R] = {}
        self._defaults = defaults(kind) if make is not None else {}
        self._columns: dict[str, list[Any]] = {}

    def __len__(self) -> int:
        """How many records."""
        return len(self._rows)

    def __getitem__(self, index: int) -> R:
        """The record at ``index`` (a position in the data file)."""
        if self._make is None:
            found: R = self._rows[index]
            return found
        made = self._made.get(index)
        if made is None:
            made = self._made[index] = self._make(self._rows[index])
        return made

    def __iter__(self) -> Iterator[R]:
        """Every record, in order (each made now if not before)."""
        return (self[index] for index in range(len(self._rows)))

    def column(self, name: str) -> list[Any]:
        """One field of every record, in order, read from the rows without making records
        (once): for fields a row holds as the record does (ids, names, kinds, licenses)."""
        found = self._columns.get(name)
        if found is None:
            found = self._columns[name] = self._read_column(name)
        return found

    def _read_column(self, name: str) -> list[Any]:
        if self._make is None:
            return [getattr(record, name) for record in self._rows]
        default = self._defaults.get(name)
        return [row.get(name, default) for row in self._rows]


class Index(_Generic[R]):
    """Records by key: each key's position in a table, its record made when looked up."""

    def __init__(self, table: Records[R], positions: dict[str, int]) -> None:
        """An index of ``table``: ``positions`` maps each key to a record's position."""
        self._table = table
        self._positions = positions

    def __len__(self) -> int:
        """How many keys."""
        return len(self._positions)

    def __getitem__(self, key: str) -> R:
        """The record of ``key`` (KeyError: none)."""
        return self._table[self._positions[key]]

    def get(self, key: str) -> R | None:
        """The record of ``key``, or None."""
        position = self._positions.get(key)
        return None if position is None else self._table[position]


class LazyBundle:
    """The fields of a Bundle, each data file read and parsed the first time a field needs it
    (``load()`` at a hook run reads the manifest and what its few lookups use); licenses, models
    and API models as ``Records``, each made when first read."""

    def __init__(self, read: Callable[[str], Any] = read_json) -> None:
        """A bundle read with ``read`` (parses one data file by name)."""
        self._read = read
        self.manifest: dict[str, Any] = read("manifest.json")

    @cached_property
    def _rules(self) -> Any:
        return self._read("rules.json")

    @cached_property
    def _api(self) -> Any:
        return self._read("api_models.json")

    @cached_property
    def licenses(self) -> Records[LicenseTerms]:
        """Every license, sorted by id."""
        return Records(self._read("licenses.json"), license_terms, LicenseTerms)

    @cached_property
    def models(self) -> Records[ModelRecord]:
        """Every model record."""
        return Records(self._read("models.json"), _model_record, ModelRecord)

    @cached_property
    def aliases(self) -> tuple[Alias, ...]:
        """Legacy ids."""
        from license_db.records import Alias

        return tuple(Alias(**r) for r in self._read("aliases.json"))

    @cached_property
    def api_models(self) -> Records[ApiModel]:
        """Hosted model names."""
        from license_db.records import ApiModel

        sources = self._api["sources"]
        return Records(self._api["models"], lambda row: _api_model(row, sources), ApiModel)

    @cached_property
    def family(self) -> tuple[PatternRule, ...]:
        """Family rules."""
        return tuple(pattern_rule(r) for r in self._rules["family"])

    @cached_property
    def ollama(self) -> tuple[PatternRule, ...]:
        """Ollama name rules."""
        return tuple(pattern_rule(r) for r in self._rules["ollama"])

    @cached_property
    def packages(self) -> tuple[PatternRule, ...]:
        """Package rules."""
        return tuple(_package_rule(r) for r in self._rules["package"])

    @cached_property
    def derivatives(self) -> Derivatives:
        """Quantised-copy markers."""
        return _derivatives(self._rules["derivatives"])

    @cached_property
    def api_prefixes(self) -> dict[str, str]:
        """litellm-style prefixes -> providers."""
        return dict(self._rules["api_prefixes"])

    @cached_property
    def modality(self) -> tuple[ModalityRule, ...]:
        """Modality rules."""
        from license_db.records import ModalityRule

        return tuple(ModalityRule(**r) for r in self._rules.get("modality", ()))

    @cached_property
    def datasets(self) -> tuple[DatasetRecord, ...]:
        """Hub datasets (the bundled table whatever ``read`` is: ``db diff`` does not compare
        datasets, and older versions have none)."""
        from license_db.records import DatasetRecord

        return tuple(DatasetRecord(**r) for r in read_json("datasets.json"))


def license_terms(raw: dict[str, Any]) -> LicenseTerms:
    """One licenses.json object as LicenseTerms (lists -> tuples, enums restored)."""
    values = dict(raw)
    for name in _TUPLE_FIELDS:
        values[name] = tuple(values.get(name, ()))
    values["commercial"] = Commercial(values["commercial"])
    values["limit_effect"] = LimitEffect(values.get("limit_effect", "needs-license"))
    values["limits_apply_to"] = LimitScope(values.get("limits_apply_to", "any"))
    values["revenue_limit_period"] = _optional(Period, values.get("revenue_limit_period"))
    values["output_training_effect"] = _optional(
        OutputTraining, values.get("output_training_effect")
    )
    return LicenseTerms(**values)


def _model_record(raw: dict[str, Any]) -> ModelRecord:
    """One models.json object as a ModelRecord."""
    return ModelRecord(**raw)


def _optional(kind: type[Any], value: str | None) -> Any:
    """``kind(value)``, or None when the value is absent."""
    return None if value is None else kind(value)


def pattern_rule(raw: dict[str, Any]) -> PatternRule:
    """One compiled family / Ollama rule."""
    from license_db.records import PatternRule

    return PatternRule(
        id=raw["id"],
        match=raw["match"],
        license=raw["license"],
        source=raw["source"],
        note=raw["note"],
        exception_of=raw.get("exception_of"),
    )


def _package_rule(raw: dict[str, Any]) -> PatternRule:
    from license_db.records import PatternRule

    name = re.escape(normalise_package(raw["name"]))
    return PatternRule(raw["id"], name, raw["license"], raw["source"], raw["note"])


def _api_model(raw: dict[str, Any], sources: dict[str, str]) -> ApiModel:
    from license_db.records import ApiModel

    source = sources.get(raw["source"], raw["source"])
    return ApiModel(raw["name"], raw["provider"], raw["license"], source, raw.get("mode"))


def _derivatives(raw: dict[str, Any]) -> Derivatives:
    from license_db.records import Derivatives

    suffixes = tuple(sorted(raw["suffixes"], key=lambda s: (-len(s), s)))
    return Derivatives(frozenset(raw["repackagers"]), suffixes, raw["source"])


def normalise_package(name: str) -> str:
    """PEP 503 name normalisation: ``Ultralytics_Pkg`` -> ``ultralytics-pkg``."""
    return re.sub(r"[-_.]+", "-", name.strip()).lower()
