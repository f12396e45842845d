"""The database's records (license_db.frozen.Record): frozen, slotted dataclass semantics without
the ``dataclasses`` module, for every record type the database defines."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import license_db
from license_db import frozen
from license_db.diff import Change, DbDiff, Section
from license_db.expression import AllOf, AnyOf, LicenseId, parse
from license_db.frozen import FrozenRecordError, Record
from license_db.loader import read_bundle
from license_db.permissive import NOTHING, Grant
from license_db.records import (
    Alias,
    ApiModel,
    Bundle,
    DatasetRecord,
    Derivatives,
    ModalityRule,
    PatternRule,
)
from license_db.schema import LicenseTerms, Match, ModelRecord, Rule
from license_db.versions import ChangelogEntry
from scanner.types import plain

ROOT = Path(__file__).resolve().parents[1]
DB = license_db.load()
BUNDLE = read_bundle()
MATCH = Match("gpt2", "openai-community/gpt2", "mit", Rule.ALIAS, "legacy id", "src", tier=2)


class Point(Record):
    """A record of this test: two required fields, two with defaults."""

    x: int
    y: int
    label: str | None = None
    tags: tuple[str, ...] = ()


def _examples() -> list[Record]:
    """One record of every type the database defines, from the bundled data where it has them."""
    return [
        DB.license("llama3.1"),
        BUNDLE.models[0],
        MATCH,
        DB.lookup("unsloth/Llama-3.2-1B-Instruct-bnb-4bit"),
        BUNDLE.aliases[0],
        BUNDLE.family[0],
        BUNDLE.api_models[0],
        BUNDLE.derivatives,
        BUNDLE.modality[0],
        BUNDLE.datasets[0],
        parse("mit AND (apache-2.0 OR llama3.1)"),
        parse("mit OR apache-2.0"),
        LicenseId("mit"),
        NOTHING,
        ChangelogEntry("2026.12.07", ("a change",)),
        Change("mit", "mit", "mit", (("name", "a", "b"),)),
    ]  # type: ignore[list-item]


EXAMPLES = _examples()
IDS = [type(record).__name__ for record in EXAMPLES]


def test_every_record_type_is_covered() -> None:
    kinds = {LicenseTerms, ModelRecord, Match, Alias, PatternRule, ApiModel, Derivatives,
             ModalityRule, DatasetRecord, AllOf, AnyOf, LicenseId, Grant, ChangelogEntry, Change,
             Bundle, Section, DbDiff}  # fmt: skip
    assert {type(r) for r in EXAMPLES} | {Bundle, Section, DbDiff} == kinds
    defined = {k for k in Record.__subclasses__() if k.__module__.startswith("license_db.")}
    assert defined == kinds


@pytest.mark.parametrize("record", EXAMPLES, ids=IDS)
def test_pickle_and_copy_round_trip(record: Record) -> None:
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        again = pickle.loads(pickle.dumps(record, protocol))
        assert again == record and type(again) is type(record) and hash(again) == hash(record)
    assert copy.copy(record) == record and copy.deepcopy(record) == record


@pytest.mark.parametrize("record", EXAMPLES, ids=IDS)
def test_immutable_without_instance_dict(record: Record) -> None:
    name = type(record).__match_args__[0]
    with pytest.raises(FrozenRecordError, match=f"cannot assign to field '{name}'"):
        setattr(record, name, None)
    with pytest.raises(FrozenRecordError, match=f"cannot delete field '{name}'"):
        delattr(record, name)
    with pytest.raises(AttributeError):
        record.__dict__  # noqa: B018 (slots: no instance dictionary)


@pytest.mark.parametrize("record", EXAMPLES, ids=IDS)
def test_the_dataclasses_functions_accept_records(record: Record) -> None:
    names = tuple(f.name for f in dataclasses.fields(record))
    assert names == type(record).__match_args__ == frozen.fields(record)
    assert dataclasses.is_dataclass(record) and dataclasses.is_dataclass(type(record))
    values = {name: getattr(record, name) for name in names}
    assert dataclasses.replace(record) == record == frozen.replace(record)
    assert type(record)(**values) == record == type(record)(*values.values())
    assert dataclasses.astuple(record) == dataclasses.astuple(_as_dataclass(record))
    assert dataclasses.asdict(record) == dataclasses.asdict(_as_dataclass(record))
    assert not dataclasses.is_dataclass(Record)


@pytest.mark.parametrize("record", EXAMPLES, ids=IDS)
def test_repr_is_the_dataclass_repr(record: Record) -> None:
    assert repr(record) == repr(_as_dataclass(record))


def _as_dataclass(record: Record) -> Any:
    """A plain dataclass instance with ``record``'s class name, fields and values."""
    kind = type(record)
    shadow = dataclasses.make_dataclass(kind.__name__, kind.__match_args__, frozen=True)
    shadow.__qualname__ = kind.__qualname__
    return shadow(*(getattr(record, name) for name in kind.__match_args__))


def test_report_json_writes_records_as_objects() -> None:
    text = json.dumps(plain({"match": MATCH, "terms": (DB.license("mit"),)}))
    data = json.loads(text)
    assert data["match"] == {
        "query": "gpt2", "model_id": "openai-community/gpt2", "license": "mit", "rule": "alias",
        "detail": "legacy id", "source": "src", "tier": 2, "base_model": None, "inferred": False,
        "provider": None, "rule_id": None, "multimodal": None,
    }  # fmt: skip
    assert data["terms"][0]["id"] == "mit" and data["terms"][0]["commercial"] == "yes"


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((1, 2), {}, "Point(x=1, y=2, label=None, tags=())"),
        ((), {"y": 2, "x": 1}, "Point(x=1, y=2, label=None, tags=())"),
        ((1,), {"y": 2, "tags": ("a",)}, "Point(x=1, y=2, label=None, tags=('a',))"),
        ((1, 2, "p", ("a",)), {}, "Point(x=1, y=2, label='p', tags=('a',))"),
    ],
)
def test_construction_by_position_keyword_and_default(
    args: tuple[Any, ...], kwargs: dict[str, Any], expected: str
) -> None:
    assert repr(Point(*args, **kwargs)) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((1,), {}, "Point() missing required arguments: 'y'"),
        ((), {}, "Point() missing required arguments: 'x', 'y'"),
        ((1, 2), {"z": 3}, "Point() got an unexpected keyword argument 'z'"),
        ((1, 2), {"x": 3}, "Point() got multiple values for argument 'x'"),
        ((1, 2, "p", (), 5), {}, "Point() takes 4 arguments but 5 were given"),
        ((), {"x": 1, "y": 2, "label": "p", "z": 1}, "unexpected keyword argument 'z'"),
    ],
)
def test_construction_errors_are_those_of_a_call(
    args: tuple[Any, ...], kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Point(*args, **kwargs)


def test_equality_is_by_type_and_values() -> None:
    class Other(Record):
        x: int
        y: int
        label: str | None = None
        tags: tuple[str, ...] = ()

    point = Point(1, 2)
    assert point == Point(1, 2) and hash(point) == hash(Point(1, 2)) and point != Point(1, 3)
    assert point != Other(1, 2) and point != (1, 2, None, ()) and point != [1, 2, None, ()]
    assert len({point, Point(1, 2), Point(2, 1)}) == 2
    with pytest.raises(TypeError):
        iter(point)  # type: ignore[call-overload]
    with pytest.raises(TypeError):
        len(point)  # type: ignore[arg-type]


def test_pattern_matching_by_position() -> None:
    match parse("mit AND apache-2.0"):
        case AllOf((LicenseId(first), LicenseId(second))):
            assert (first, second) == ("apache-2.0", "mit") or (first, second) == (
                "mit",
                "apache-2.0",
            )
        case _:
            pytest.fail("AllOf of two LicenseIds expected")
    match Point(1, 2, "p"):
        case Point(x, y, label):
            assert (x, y, label) == (1, 2, "p")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("x: int = 0\n    y: int", "field 'y' without a default follows 'x'"),
        ("pass", ""),
    ],
)
def test_record_class_definitions_are_checked(body: str, message: str) -> None:
    code = f"from __future__ import annotations\nclass Bad(Record):\n    {body}\n"
    if not message:
        exec(code, {"Record": Record})
        return
    with pytest.raises(TypeError, match=message):
        exec(code, {"Record": Record})


def test_a_record_does_not_derive_from_another() -> None:
    with pytest.raises(TypeError, match="a record derives from Record alone"):

        class Bigger(Point):  # type: ignore[misc]
            z: int


def test_a_database_load_and_its_lookups_need_no_dataclasses() -> None:
    code = (
        "import sys, license_db; db = license_db.load(); db.license('mit');"
        "[db.lookup(q, k) for q, k in [('meta-llama/Llama-3.2-1B-Instruct', 'huggingface'),"
        " ('unsloth/Llama-3.2-1B-Instruct-bnb-4bit', 'huggingface'), ('gpt-4o', 'api'),"
        " ('en_core_web_sm', 'spacy'), ('yolov8n', 'ultralytics'), ('llama3.1:8b', 'ollama')]];"
        "print(sorted(m for m in ('dataclasses', 'inspect', 'typing') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_lookup_makes_only_the_records_it_answers_with() -> None:
    db = license_db.LicenseDB(license_db.loader.LazyBundle())
    assert db.lookup("gpt-4o", "api") is not None
    assert db.lookup("meta-llama/Llama-3.2-1B-Instruct") is not None
    assert db.license("mit") is not None
    tables = (db._api_table, db._model_table, db._license_table)
    assert [len(table._made) for table in tables] == [1, 1, 1]
    assert min(len(table) for table in tables) > 100  # of many rows
    assert len(db.models()) == len(db._model_table) == len(db._model_table._made)
