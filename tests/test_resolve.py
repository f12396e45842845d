"""resolve.py: references of every kind against the real bundled database, local folders too."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import license_db
from license_db.expression import canonical_expression
from license_db.schema import Rule
from scanner.context import RepoContext
from scanner.resolve.database import model_id, resolve, resolve_all
from scanner.types import Known, ModelRef, RefKind, SourceKind, Unknown

DB = license_db.load()


def ref(raw: str, kind: RefKind = RefKind.HUGGINGFACE) -> ModelRef:
    return ModelRef("app.py", 3, 7, kind, raw, "py.test", SourceKind.PYTHON)


@pytest.mark.parametrize(
    ("raw", "kind", "model", "license", "rule", "base"),
    [
        (
            "meta-llama/Llama-3.1-8B",
            RefKind.HUGGINGFACE,
            "meta-llama/Llama-3.1-8B",
            "llama3.1",
            Rule.EXACT,
            None,
        ),
        (
            "https://huggingface.co/meta-llama/Llama-3.1-8B",
            RefKind.HUGGINGFACE,
            "meta-llama/Llama-3.1-8B",
            "llama3.1",
            Rule.EXACT,
            None,
        ),
        (
            "meta-llama/Llama-3.1-8B@main",
            RefKind.HUGGINGFACE,
            "meta-llama/Llama-3.1-8B",
            "llama3.1",
            Rule.EXACT,
            None,
        ),
        ("gpt2", RefKind.HUGGINGFACE, "gpt2", "mit", Rule.ALIAS, None),
        (
            "unsloth/Llama-3.2-1B-Instruct-bnb-4bit",
            RefKind.HUGGINGFACE,
            "unsloth/Llama-3.2-1B-Instruct-bnb-4bit",
            "llama3.2",
            Rule.DERIVATIVE,
            "meta-llama/Llama-3.2-1B-Instruct",
        ),
        ("gpt-4o", RefKind.API, "gpt-4o", "proprietary-api-openai", Rule.API, None),
        (
            "anthropic/claude-3-5-sonnet-20240620",
            RefKind.API,
            "anthropic/claude-3-5-sonnet-20240620",
            "proprietary-api-anthropic",
            Rule.API,
            None,
        ),
        ("en_core_web_sm", RefKind.SPACY, "en_core_web_sm", "mit", Rule.SPACY, None),
        ("yolov8n.pt", RefKind.ULTRALYTICS, "yolov8n.pt", "agpl-3.0", Rule.ULTRALYTICS, None),
        ("ultralytics", RefKind.PACKAGE, "ultralytics", "agpl-3.0", Rule.PACKAGE, None),
    ],
)
def test_known(
    raw: str, kind: RefKind, model: str, license: str, rule: Rule, base: str | None
) -> None:
    resolved = resolve(ref(raw, kind), DB, RepoContext(Path(".")))
    assert isinstance(resolved, Known)
    assert (resolved.model, resolved.match.license, resolved.match.rule) == (model, license, rule)
    assert resolved.match.base_model == base
    assert resolved.match.inferred is (base is not None)


@pytest.mark.parametrize(
    ("raw", "kind", "reason"),
    [
        ("someone/private-model", RefKind.HUGGINGFACE, "no huggingface entry"),
        ("my-org/my-dataset", RefKind.DATASET, "not in the bundled dataset table"),
        ("my-internal-llm", RefKind.API, "no api entry"),
    ],
)
def test_unknown_is_data_never_permission(raw: str, kind: RefKind, reason: str) -> None:
    resolved = resolve(ref(raw, kind), DB, RepoContext(Path(".")))
    assert isinstance(resolved, Unknown)
    assert reason in resolved.reason


def _folder(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = root / "models" / "mine" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "license", "base", "inferred"),
    [
        ({"README.md": "---\nlicense: apache-2.0\n---\n# mine\n"}, "apache-2.0", None, False),
        ({"README.md": "---\nlicense: [MIT, llama3.1]\n---\n"}, "mit AND llama3.1", None, False),
        (
            {"README.md": "---\nbase_model: meta-llama/Llama-3.1-8B\n---\n"},
            "llama3.1",
            "meta-llama/Llama-3.1-8B",
            True,
        ),
        ({"config.json": '{"_name_or_path": "google/gemma-2b"}'}, "gemma", "google/gemma-2b", True),
    ],
)
def test_local_model_folder_resolves_through_its_card(
    tmp_path: Path, files: dict[str, str], license: str, base: str | None, inferred: bool
) -> None:
    _folder(tmp_path, files)
    resolved = resolve(ref("models/mine", RefKind.LOCAL), DB, RepoContext(tmp_path))
    assert isinstance(resolved, Known)
    assert resolved.match.rule is Rule.MODEL_CARD
    assert (resolved.match.license, resolved.match.base_model) == (license, base)
    assert resolved.match.inferred is inferred


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({}, "no model card"),
        ({"README.md": "---\nlicense: my-own-terms\n---\n"}, "'my-own-terms' is not in the"),
        ({"README.md": "---\nbase_model: someone/unknown\n---\n"}, "names no license"),
    ],
)
def test_local_model_folder_unknown(tmp_path: Path, files: dict[str, str], reason: str) -> None:
    (tmp_path / "models" / "mine").mkdir(parents=True)
    _folder(tmp_path, files)
    resolved = resolve(ref("models/mine", RefKind.LOCAL), DB, RepoContext(tmp_path))
    assert isinstance(resolved, Unknown)
    assert reason in resolved.reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("MIT", "mit"),
        ("Apache-2.0 OR MIT", "apache-2.0 OR mit"),
        ("(MIT OR Apache-2.0) AND llama3.1", "(mit OR apache-2.0) AND llama3.1"),
        ("MIT AND no-such-license", None),
        ("MIT AND", None),
    ],
)
def test_canonical_expression(text: str, expected: str | None) -> None:
    assert canonical_expression(text, DB) == expected


@pytest.mark.parametrize(
    ("raw", "provider", "license", "resolved_provider"),
    [
        ("gemini-1.5-flash", "google", "proprietary-api-google-gemini", "gemini"),
        ("gemini-1.5-flash", None, "proprietary-api-google-gemini", "gemini"),
        ("gpt-4o", "openai", "proprietary-api-openai", "openai"),
        ("claude-3-haiku-20240307", "anthropic", "proprietary-api-anthropic", "anthropic"),
        # a Hub id behind an OpenAI-compatible server (vLLM) is the open model
        ("meta-llama/Llama-3.1-8B-Instruct", "openai", "llama3.1", None),
        ("models/gemini-1.5-flash", "google", "proprietary-api-google-gemini", "gemini"),
        ("models/gemini-1.5-flash", None, "proprietary-api-google-gemini", "gemini"),
        ("vertex_ai/gemini-1.5-flash", "google", "proprietary-api-vertex-ai", "vertex_ai"),
    ],
)
def test_api_names_resolve_under_the_client_provider(
    raw: str, provider: str | None, license: str, resolved_provider: str | None
) -> None:
    api_ref = ModelRef("app.py", 1, 1, RefKind.API, raw, "py.test", SourceKind.PYTHON,
                       provider=provider)  # fmt: skip
    resolved = resolve(api_ref, DB, RepoContext(Path(".")))
    assert isinstance(resolved, Known)
    assert (resolved.match.license, resolved.match.provider) == (license, resolved_provider)


def test_unlisted_name_behind_an_openai_client_is_not_called_openai() -> None:
    api_ref = ModelRef("app.py", 1, 1, RefKind.API, "llama3", "py.test", SourceKind.PYTHON,
                       provider="openai")  # fmt: skip
    resolved = resolve(api_ref, DB, RepoContext(Path(".")))
    assert isinstance(resolved, Unknown)


def test_model_id_strips_hub_decorations_only_for_hub_kinds() -> None:
    assert model_id(ref("hf://org/x@v1")) == "org/x"
    assert model_id(ref("llama3.1:8b", RefKind.OLLAMA)) == "llama3.1:8b"


def test_resolving_many_asks_once_per_name_and_answers_as_one_by_one(tmp_path: Path) -> None:
    (tmp_path / "local").mkdir()
    (tmp_path / "local" / "README.md").write_text("---\nlicense: mit\n---\n")
    refs = [
        ref("meta-llama/Llama-3.1-8B"),
        ref("someorg/Llama-3.1-8B-finetune"),  # unknown, with a near-miss hint
        ref("gpt-4o", RefKind.API),
        replace(ref("gemini-1.5-flash", RefKind.API), provider="google"),
        ref("gemini-1.5-flash", RefKind.API),  # same name, no provider: asked apart
        ref("./local", RefKind.LOCAL),
        ref("nobody/nothing", RefKind.DATASET),
    ]
    many = refs * 3
    ctx = RepoContext(tmp_path)
    asked: list[str] = []
    lookup = DB.lookup

    def counted(query: str, kind: str = "huggingface") -> object:
        asked.append(query)
        return lookup(query, kind)

    expected = [resolve(r, DB, ctx) for r in many]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(DB, "lookup", counted)
        assert resolve_all(refs, DB, ctx) == expected[: len(refs)]
        once = len(asked)
        assert resolve_all(many, DB, ctx) == expected
    assert len(asked) == 2 * once  # three times the places, the same questions
