"""Issue 16: `db diff OLD NEW` between database versions, and a scan that hears of a new license.

Two small built databases are written to tmp dirs by hand (the files the build writes); a copy of
the license facts with one row changed is built on the fly; the real CLI runs in a subprocess on
a temporary git repository whose baseline accepted a finding under another license.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_cli import SCRIPT, run

import license_db
from license_db import diff as db_diff
from license_db import versions
from license_db.builder.inputs import DEFAULT_FACTS
from scanner.cli import main

pytestmark = pytest.mark.skipif(SCRIPT is None, reason="console script not installed")


def _terms(license_id: str, **terms: Any) -> dict[str, Any]:
    base = {"id": license_id, "name": license_id.upper(), "family": "x", "category": "permissive"}
    return {**base, "commercial": "yes", "sources": [f"https://example.org/{license_id}"], **terms}


def _model(model_id: str, license_id: str) -> dict[str, Any]:
    return {"model_id": model_id, "license": license_id, "source": "s", "tier": 1}


def _rule(rule_id: str, match: str, license_id: str) -> dict[str, Any]:
    return {"id": rule_id, "match": match, "license": license_id, "source": "s", "note": "n"}


def _write(folder: Path, version: str, licenses: list[Any], models: list[Any], api: list[Any],
           family: list[Any]) -> Path:  # fmt: skip
    """A built database folder with exactly these records (what the build would write)."""
    folder.mkdir(parents=True)
    derivatives = {"repackagers": [], "suffixes": [], "source": "s", "note": "n"}
    files = {
        "manifest.json": {"db_version": version, "schema_version": 1, "built": version},
        "licenses.json": licenses,
        "models.json": models,
        "aliases.json": [
            {"alias": "gpt2", "target": "openai-community/gpt2", "source": "s", "tier": 1}
        ],
        "api_models.json": {"models": api, "sources": {}},
        "rules.json": {
            "family": family,
            "ollama": [],
            "package": [],
            "api_prefixes": {},
            "derivatives": derivatives,
        },
    }
    for name, data in files.items():
        (folder / name).write_text(json.dumps(data), encoding="utf-8")
    return folder


@pytest.fixture
def versions_pair(tmp_path: Path) -> tuple[Path, Path]:
    mit, nc = _terms("mit"), _terms("cc-by-nc-4.0", commercial="no", category="non-commercial")
    grok = {"name": "grok-4", "provider": "xai", "license": "proprietary-api-xai",
            "source": "s", "mode": "chat"}  # fmt: skip
    old = _write(
        tmp_path / "old",
        "2026.11.22",
        [mit, nc, _terms("llama4", mau_limit=700000000)],
        [
            _model("org/relicensed", "cc-by-nc-4.0"),
            _model("org/gone", "mit"),
            _model("org/same", "mit"),
        ],
        [],
        [_rule("wan", "wan-ai/wan2\\.1-t2v-14b", "apache-2.0"), _rule("old-rule", "x/y", "mit")],
    )
    new = _write(
        tmp_path / "new",
        "2026.12.07",
        [
            mit,
            nc,
            _terms("llama4", mau_limit=700000000, restricted_regions=["EU"]),
            _terms("tencent-hunyuan-community", commercial="conditional"),
        ],
        [
            _model("org/relicensed", "mit"),
            _model("org/same", "mit"),
            _model("tencent/HunyuanVideo", "tencent-hunyuan-community"),
        ],
        [grok],
        [_rule("wan", "wan-ai/wan2\\.(1|2)-t2v-(14b|a14b)", "apache-2.0")],
    )
    return old, new


def test_diff_lists_every_section_exactly(versions_pair: tuple[Path, Path]) -> None:
    old, new = (versions.open_version(str(p)) for p in versions_pair)
    data = db_diff.to_json(db_diff.diff(old, new))
    assert data["old"] == {"version": "2026.11.22", "built": "2026.11.22"}
    sections = data["sections"]
    assert sections["models"] == {
        "added": [{"key": "tencent/HunyuanVideo", "license": "tencent-hunyuan-community"}],
        "removed": [{"key": "org/gone", "license": "mit"}],
        "changed": [
            {
                "key": "org/relicensed",
                "old": "cc-by-nc-4.0",
                "new": "mit",
                "fields": {"license": {"old": "cc-by-nc-4.0", "new": "mit"}},
            }
        ],
    }
    assert sections["licenses"]["added"] == [
        {"key": "tencent-hunyuan-community", "license": "tencent-hunyuan-community"}
    ]
    (llama4,) = sections["licenses"]["changed"]
    assert llama4["fields"] == {"restricted_regions": {"old": "[]", "new": "[EU]"}}
    assert sections["API names"]["added"] == [
        {"key": "grok-4 (xai)", "license": "proprietary-api-xai"}
    ]
    assert [c["key"] for c in sections["family rules"]["changed"]] == ["wan"]
    assert sections["family rules"]["removed"] == [{"key": "old-rule", "license": "mit"}]
    assert sections["aliases"] == {"added": [], "removed": [], "changed": []}


def test_cli_text_and_json(
    versions_pair: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = (str(p) for p in versions_pair)
    assert main(["db", "diff", old, new]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "license database 2026.11.22 (built 2026.11.22) -> 2026.12.07 (built 2026.12.07)",
        "licenses: 1 added, 0 removed, 1 changed",
        "  ~ llama4: restricted_regions: [] -> [EU]",
        "  + tencent-hunyuan-community",
    ]
    assert "  ~ org/relicensed: cc-by-nc-4.0 -> mit" in lines
    assert "  - org/gone: mit" in lines
    assert "aliases: same" in lines
    assert (
        "  ~ wan: apache-2.0 (match: wan-ai/wan2\\.1-t2v-14b -> wan-ai/wan2\\.(1|2)-t2v-(14b|a14b))"
        in lines
    )
    assert main(["db", "diff", old, new, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["new"]["version"] == "2026.12.07"
    assert main(["db", "diff", new, new]) == 0
    assert capsys.readouterr().out.count(": same") == 7


@pytest.mark.parametrize("inside", ["data", "license_db/data"])
def test_a_package_or_checkout_of_another_version_is_read_from_its_data_folder(
    tmp_path: Path, inside: str
) -> None:
    _write(tmp_path / "pkg" / inside, "2026.10.01", [_terms("mit")], [_model("a/b", "mit")], [], [])
    bundle = versions.open_version(str(tmp_path / "pkg"))
    assert (bundle.manifest["db_version"], [m.model_id for m in bundle.models]) == (
        "2026.10.01",
        ["a/b"],
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("missing-folder", "missing-folder: not 'bundled' and not a folder"),
        ("empty", "empty: neither a built database"),
        ("broken", "broken: not a readable database"),
    ],
)
def test_unreadable_versions_exit_2(
    tmp_path: Path, spec: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "manifest.json").write_text("{", encoding="utf-8")
    assert main(["db", "diff", "bundled", str(tmp_path / spec)]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.skipif(not DEFAULT_FACTS.is_dir(), reason="../shared/license-facts is not beside")
def test_bundled_against_a_facts_folder_built_on_the_fly(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    shutil.copytree(DEFAULT_FACTS, facts, ignore=shutil.ignore_patterns("raw"))
    same = db_diff.diff(versions.open_version("bundled"), versions.open_version(str(facts)))
    assert same.empty
    models = facts / "models.csv"
    rows = models.read_text(encoding="utf-8").splitlines(keepends=True)
    (line,) = [r for r in rows if r.startswith("BAAI/bge-m3,mit,")]
    models.write_text("".join(rows).replace(line, line.replace(",mit,", ",apache-2.0,", 1)))
    changed = db_diff.diff(versions.open_version("bundled"), versions.open_version(str(facts)))
    section = {s.name: s for s in changed.sections}["models"]
    moved = [(c.key, c.old, c.new) for c in section.changes]
    assert moved == [("BAAI/bge-m3", "mit", "apache-2.0")]


def test_a_facts_folder_whose_build_fails_is_named(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "licenses.toml").write_text('["x"]\nname = "x"\n', encoding="utf-8")
    (facts / "models.csv").write_text("model_id,license,source\n", encoding="utf-8")
    with pytest.raises(versions.VersionError, match=r"facts: (cannot build|the build failed)"):
        versions.open_version(str(facts))


def test_changelog_has_the_current_version_first(capsys: pytest.CaptureFixture[str]) -> None:
    entries = versions.changelog()
    assert entries[0].version == license_db.DB_VERSION
    assert all(e.changes for e in entries)
    assert [e.version for e in entries] == sorted((e.version for e in entries), reverse=True)
    assert main(["db", "changelog", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["version"] == license_db.DB_VERSION


# -- a scan whose baseline or exception recorded another license --------------------------------

APP = 'from transformers import AutoModel\nAutoModel.from_pretrained("jinaai/jina-embeddings-v3")\n'


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(APP, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "-A"], cwd=tmp_path, check=True)
    return tmp_path


def test_a_baseline_accepted_under_another_license_says_the_license_changed(repo: Path) -> None:
    made = run(repo, "baseline")
    assert made.returncode == 0, made.stderr
    path = repo / ".model-license-guard-baseline.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    assert [e["license"] for e in written["entries"]] == ["cc-by-nc-4.0"]
    accepted = run(repo, "scan", "--baseline", path.name)
    assert accepted.returncode == 0, accepted.stdout
    for entry in written["entries"]:  # as if accepted when the database said Apache-2.0
        entry["license"] = "apache-2.0"
    path.write_text(json.dumps(written), encoding="utf-8")
    result = run(repo, "scan", "--baseline", path.name)
    assert result.returncode == 1
    expected = (
        "MDL035 license-changed: license changed from apache-2.0 to cc-by-nc-4.0 in database "
        f"{license_db.DB_VERSION}: the baseline accepted this finding under apache-2.0"
    )
    assert expected in result.stdout
    assert "stale baseline" not in result.stdout  # the entry matched; its license did not


def test_an_exception_approved_under_another_license_says_the_license_changed(
    repo: Path,
) -> None:
    (repo / ".model-license-guard.toml").write_text(
        '[usage]\ncommercial = true\n\n[[exceptions]]\nmodel = "jinaai/jina-embeddings-v3"\n'
        'license = "apache-2.0"\nreason = "reviewed"\napproved_by = "legal"\n',
        encoding="utf-8",
    )
    result = run(repo, "scan")
    assert result.returncode == 1
    expected = (
        "exception for jinaai/jina-embeddings-v3 no longer applies: license changed from "
        f"apache-2.0 to cc-by-nc-4.0 in database {license_db.DB_VERSION}"
    )
    assert expected in result.stdout
