"""Every answer of the bundled database, held to a golden: a change of how the database is
loaded, indexed or stored changes no answer.

The queries are generated from the data itself: every model id (as written, in capitals, as a
Hub URL, with a revision, as a re-packager's or a stranger's copy), alias, API model name (bare,
under its provider, as a Bedrock region profile), litellm prefix, spaCy package, Ultralytics
weight, dataset, package rule, and strings each family and Ollama rule's regex matches (every
alternative, each optional part absent and present), plus the resolution tests' own queries.
Each is looked up under every kind, and ``near_miss`` asked when it is an unknown Hub id;
``license()`` is asked for every license's id, SPDX id, card name and name, ``modality`` for
every model id. Answers are grouped by the record or rule they were generated from; the golden
holds one digest per group (``tests/golden/license_db_answers.txt``: the answers themselves are
~30 MB), and a failure names the groups that changed and shows the first one's answers.

The golden was written at 462eea7, before the database dropped dataclasses. A deliberate change
of the data or of resolution regenerates it with
``MLG_UPDATE_GOLDEN=1 pytest tests/test_license_db_answers.py`` and shows up in the diff.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Any

try:  # the regex's own parse tree: strings a rule matches, not guessed ones
    from re import _parser as sre  # Python 3.11+
except ImportError:  # Python 3.10
    import sre_parse as sre  # type: ignore[no-redef]

import license_db
from license_db.schema import LicenseTerms, Match
from tests.test_license_db_resolve import FAMILY, MODALITY_ROWS, OLLAMA, RESOLVE, UNKNOWN

DB = license_db.load()
GOLDEN = Path(__file__).parent / "golden" / "license_db_answers.txt"
KINDS = ("huggingface", "api", "spacy", "ultralytics", "ollama", "package", "timm", "open_clip",
         "torch_hub", "dataset", "local")  # fmt: skip
"""Every RefKind value (scanner.types.RefKind: license_db does not import the scanner)."""
SAMPLES = 24
"""Strings generated per rule regex, at most (the first in sorted order)."""
DIGEST = 16
"""Hex digits of a group's digest kept in the golden (64 bits)."""


def test_every_answer_is_the_golden() -> None:
    digests = {name: _digest(answers) for name, answers in _groups().items()}
    if os.environ.get("MLG_UPDATE_GOLDEN"):
        GOLDEN.write_text("".join(f"{d} {name}\n" for name, d in digests.items()), "utf-8")
    lines = GOLDEN.read_text("utf-8").splitlines()
    expected = dict(reversed(line.split(" ", 1)) for line in lines)
    assert list(digests) == list(expected)  # the same groups of queries, in the same order
    changed = [name for name, digest in digests.items() if digest != expected[name]]
    assert not changed, (changed[:20], _groups()[changed[0]] if changed else None)


def test_samples_match_their_rule() -> None:
    for rule in (*DB.family_rules(), *DB.ollama_rules()):
        found = samples(rule.match)
        assert found, rule.id
        assert all(re.fullmatch(rule.match, text) for text in found), rule.id


def _digest(answers: list[Any]) -> str:
    text = json.dumps(answers, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:DIGEST]


def _groups() -> dict[str, list[Any]]:
    """Each group's answers, by group name (``model meta-llama/Llama-3.2-1B``...), in order."""
    groups: dict[str, list[Any]] = {}
    seen: set[str] = set()
    for name, queries, extra in _questions():
        answers = groups.setdefault(name, [])
        answers += extra
        for query in queries:
            if query not in seen:
                seen.add(query)
                answers += _lookups(query)
    return groups


def _lookups(query: str) -> list[Any]:
    """Every answer about ``query``: under each kind, and why it is unknown as a Hub id."""
    answers: list[Any] = []
    for kind in KINDS:
        match = DB.lookup(query, kind)
        answers.append([kind, query, None if match is None else _values(match)])
    if answers[0][2] is None:
        answers.append(["near_miss", query, DB.near_miss(query)])
    return answers


def _questions() -> Iterator[tuple[str, list[str], list[Any]]]:
    """(group name, queries, answers given outright) for every record and rule of the data."""
    yield "fields", [], [list(Match.__match_args__), list(LicenseTerms.__match_args__)]
    yield "stats", [], [_plain(DB.stats())]
    for terms in DB.licenses():
        keys = [k for k in (terms.id, terms.spdx, terms.hub_license_name, terms.name) if k]
        found = [DB.license(k) for k in (*keys, *(k.upper() for k in keys))]
        yield f"license {terms.id}", [], [_values(terms), [t and t.id for t in found]]
    odd = ["", "MIT", "unknown-license", "Apache-2.0 ", "other"]
    yield "license keys", [], [[k, getattr(DB.license(k), "id", None)] for k in odd]
    for model in DB.models():
        rule = DB.modality(model.model_id)
        yield f"model {model.model_id}", _model_queries(model.model_id), [rule and rule.id]
    bundle = DB._bundle
    for alias in bundle.aliases:
        yield f"alias {alias.alias}", [alias.alias, alias.alias.upper()], []
    for api in bundle.api_models:
        queries = [api.name, api.name.upper(), f"{api.provider}/{api.name}", f"us.{api.name}"]
        yield f"api {api.provider} {api.name}", queries, []
    for prefix in sorted({*bundle.api_prefixes, *(m.provider for m in bundle.api_models)}):
        yield f"prefix {prefix}", [f"{prefix}/unlisted-model", f"{prefix}/gpt-4o"], []
    for rule in (*DB.family_rules(), *DB.ollama_rules()):
        texts = samples(rule.match)
        queries = [q for t in texts for q in (t, f"ollama/{t}", f"hf.co/{t}", f"unsloth/{t}-GGUF")]
        yield f"rule {rule.id}", queries, []
    for package in bundle.packages:
        name = package.id.removeprefix("package-")
        yield f"package {package.id}", [name, name.upper(), f"{name}==1.0"], []
    for dataset in bundle.datasets:
        ids = [dataset.dataset_id, dataset.dataset_id.upper()]
        yield f"dataset {dataset.dataset_id}", ids, []
    tables = (RESOLVE, FAMILY, OLLAMA, UNKNOWN, MODALITY_ROWS)
    yield "resolution tests", [row[0] for table in tables for row in table], []


def _values(record: Match | LicenseTerms) -> list[Any]:
    """A record's field values in field order, as JSON values."""
    return [_plain(getattr(record, name)) for name in type(record).__match_args__]


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _model_queries(model_id: str) -> list[str]:
    """A model id as written, in capitals, decorated as a reference may be, and copied."""
    org, _, name = model_id.rpartition("/")
    stem = name.removesuffix(".pt")
    return [
        model_id,
        model_id.upper(),
        f"https://huggingface.co/{model_id}/tree/main",
        f"{model_id}@main",
        f"hf://{model_id}",
        f"unsloth/{name}-bnb-4bit",
        f"{org or 'someone'}/{name}-GGUF",
        f"someone/{name}-finetuned",
        f"ultralytics/yolov5:{stem}",
        f"{stem}-3.7.1",
    ]


def samples(regex: str) -> list[str]:
    """Whole matches of ``regex``: every alternative, each optional part absent and present
    once (the first ``SAMPLES`` in sorted order)."""
    return sorted(set(_expand(list(sre.parse(regex)))))[:SAMPLES]


def _expand(items: list[tuple[Any, Any]]) -> list[str]:
    out = [""]
    for op, arg in items:
        options = _options(str(op), arg)
        out = [head + tail for head in out for tail in options][: SAMPLES * 8]
    return out


def _options(op: str, arg: Any) -> list[str]:
    """The texts one regex item matches, a few."""
    if op == "LITERAL":
        return [chr(arg)]
    if op in ("NOT_LITERAL", "ANY"):
        return ["~" if op == "ANY" or arg != ord("~") else "!"]
    if op == "IN":
        return [_member(arg)]
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, body = arg
        once = _expand(list(body))
        least = once[0] * low
        return [least, *(least + text for text in once)] if high > low else [least]
    if op in ("SUBPATTERN", "ATOMIC_GROUP"):
        return _expand(list(arg[-1]))
    if op == "BRANCH":
        return [text for branch in arg[1] for text in _expand(list(branch))]
    if op == "AT":
        return [""]
    raise ValueError(f"regex item {op} is not sampled: extend samples()")


def _member(items: list[tuple[Any, Any]]) -> str:
    """One character a character class matches."""
    op, arg = items[0]
    if str(op) == "NEGATE":
        return "~"
    if str(op) == "RANGE":
        return chr(arg[0])
    if str(op) == "CATEGORY":
        return "0" if "DIGIT" in str(arg) else "a"
    return chr(arg)
