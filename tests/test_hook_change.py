"""The pre-commit hook judges the change, not only the staged files (real pre-commit, real git).

A staged module re-checks the files that import it (a changed constant, a changed loader); a
staged policy or baseline re-checks the whole repository; the default baseline file is applied
by the hook as by ``scan`` and the Action. The harness (``Repo``: the hooks of
.pre-commit-hooks.yaml as a ``repo: local`` configuration, no network) is test_precommit's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from test_precommit import FAILING, PASSING, Repo, pytestmark  # noqa: F401
from text_report import lists_place

POLICY = "[usage]\ncommercial = true\n"
EXCEPTION = (
    "\n[[exceptions]]\n"
    f'model = "{FAILING}"\n'
    'license = "cohere-c4ai-cc-by-nc-4.0"\n'
    'reason = "research prototype"\n'
    'approved_by = "legal"\n'
)
FILES = {
    "src/app/__init__.py": "",
    "src/app/config.py": f'MODEL = "{PASSING}"\n',
    "src/app/serve.py": "from transformers import AutoModel\nfrom app.config import MODEL\n\n"
    "model = AutoModel.from_pretrained(MODEL)\n",
    "src/app/lib.py": "from transformers import AutoModel\n\n\ndef load(model_id):\n"
    "    return AutoModel.from_pretrained(model_id)\n",
    "src/app/main.py": f'from app.lib import load\n\nload("{PASSING}")\n',
}


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """A clean repository (everything passes) with the hook installed."""
    repo = Repo(tmp_path)
    for name, text in FILES.items():
        repo.write(name, text)
    repo.write(".model-license-guard.toml", POLICY)
    repo.git("add", ".")
    repo.git("commit", "-q", "-m", "initial")
    installed = repo.pre_commit("install")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return repo


def _commit(repo: Repo, *names: str) -> tuple[int, str]:
    repo.git("add", *names)
    result = repo.commit("change")
    return result.returncode, result.stdout + result.stderr


def _commit_unchecked(repo: Repo, name: str, text: str, message: str) -> None:
    """``name`` written and committed without the hook (what a repository may already hold)."""
    repo.write(name, text)
    repo.git("add", name)
    repo.git("commit", "-q", "--no-verify", "-m", message)


FAILING_CONFIG = f'MODEL = "{FAILING}"\n'
UNRELATED_EDIT = FAILING_CONFIG + "VERSION = 2\n"  # nothing serve.py's lookup reads


def test_changed_constant_rechecks_the_file_that_loads_it(repo: Repo) -> None:
    repo.write("src/app/config.py", f'MODEL = "{FAILING}"\n')
    code, output = _commit(repo, "src/app/config.py")
    assert code != 0, output
    assert lists_place(output, "FAIL", FAILING, "src/app/serve.py:4:35"), output
    assert "MODEL at src/app/config.py:1" in output  # the constant, as via
    assert "also checking 1 file importing the changed ones" in output


def test_an_edit_the_importers_do_not_read_leaves_their_findings_to_the_full_scan(
    repo: Repo,
) -> None:
    _commit_unchecked(repo, "src/app/config.py", FAILING_CONFIG, "a failing model")
    repo.write("src/app/config.py", UNRELATED_EDIT)
    code, output = _commit(repo, "src/app/config.py")
    assert code == 0, output  # serve.py's finding was there before: not this change's
    whole = repo.pre_commit("run", "--hook-stage", "manual", "model-license-guard-all")
    assert whole.returncode != 0  # the full scan still reports it
    assert lists_place(whole.stdout, "FAIL", FAILING, "src/app/serve.py:4:35"), whole.stdout


def test_a_range_of_commits_is_judged_against_its_first_commit(repo: Repo) -> None:
    base = repo.head()
    _commit_unchecked(repo, "src/app/config.py", FAILING_CONFIG, "a failing model")
    _commit_unchecked(repo, "src/app/config.py", UNRELATED_EDIT, "an unrelated constant")
    ranged = ("run", "--hook-stage", "pre-commit", "--from-ref", base, "--to-ref", "HEAD")
    result = repo.pre_commit(*ranged)
    assert result.returncode != 0, result.stdout  # the range changed serve.py's model
    assert lists_place(result.stdout, "FAIL", FAILING, "src/app/serve.py:4:35"), result.stdout
    last = repo.pre_commit("run", "--from-ref", "HEAD~1", "--to-ref", "HEAD")
    assert last.returncode == 0, last.stdout  # the last commit alone did not


def test_changed_caller_is_reported_at_the_caller_with_the_loader_as_via(repo: Repo) -> None:
    repo.write("src/app/main.py", f'from app.lib import load\n\nload("{FAILING}")\n')
    code, output = _commit(repo, "src/app/main.py")
    assert code != 0, output
    assert lists_place(output, "FAIL", FAILING, "src/app/main.py:3:6"), output
    assert "via load(model_id) at src/app/lib.py:5" in output
    assert "src/app/lib.py:5:" not in output  # not at the library's loader line


def test_changed_loader_rechecks_its_callers(repo: Repo) -> None:
    caller = f'from app.lib import load\n\nload("{FAILING}")\n'
    _commit_unchecked(repo, "src/app/main.py", caller, "a caller")
    repo.write("src/app/lib.py", FILES["src/app/lib.py"] + "\n\nVERSION = 2\n")
    code, output = _commit(repo, "src/app/lib.py")
    assert code != 0, output
    assert lists_place(output, "FAIL", FAILING, "src/app/main.py:3:6"), output


def test_policy_only_commit_rechecks_the_whole_repository(repo: Repo) -> None:
    repo.write(".model-license-guard.toml", POLICY + EXCEPTION)
    repo.write("src/app/config.py", f'MODEL = "{FAILING}"\n')
    code, output = _commit(repo, ".model-license-guard.toml", "src/app/config.py")
    assert code == 0, output  # the exception approves the model
    repo.write(".model-license-guard.toml", POLICY)  # remove the exception
    code, output = _commit(repo, ".model-license-guard.toml")
    assert code != 0, output
    assert lists_place(output, "FAIL", FAILING, "src/app/serve.py:4:35"), output
    assert "the policy or baseline changed: checking the whole repository" in output


def test_default_baseline_is_applied_by_the_hook_and_a_baseline_change_rechecks(
    repo: Repo,
) -> None:
    _commit_unchecked(repo, "src/app/config.py", FAILING_CONFIG, "a failing model, accepted below")
    written = _cli(repo, "baseline")
    assert written.returncode == 0, written.stderr
    code, output = _commit(repo, ".model-license-guard-baseline.json")
    assert code == 0, output  # the whole repository is checked, with the new baseline
    repo.write("src/app/serve.py", FILES["src/app/serve.py"] + "# touched\n")
    code, output = _commit(repo, "src/app/serve.py")
    assert code == 0, output  # the hook applies the default baseline file
    repo.write(".model-license-guard-baseline.json", json.dumps({"version": 1, "entries": []}))
    code, output = _commit(repo, ".model-license-guard-baseline.json")
    assert code != 0, output
    assert lists_place(output, "FAIL", FAILING, "src/app/serve.py:4:35"), output


def _cli(repo: Repo, *args: str) -> subprocess.CompletedProcess[str]:
    return repo.run(sys.executable, "-m", "scanner", *args)
