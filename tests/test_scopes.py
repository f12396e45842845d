"""Scopes: which scope a path is in, the [scopes] policy table, and select/ignore."""

from __future__ import annotations

import pytest
from test_policy_fakes import DB

from scanner.decide.policy import PolicyError, policy_from_text
from scanner.decide.scopes import DEFAULT_SCOPES, ScopeMatcher, glob_regex, scope_of
from scanner.decide.select import Selection
from scanner.types import Scope, Verdict

R, T, E, D, V = Scope.RUNTIME, Scope.TEST, Scope.EXAMPLE, Scope.DOCS, Scope.DEV


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("src/peft/tuners/lora.py", R),
        ("app.py", R),
        ("tests/test_lora.py", T),
        ("tests/fixtures/config.yaml", T),
        ("src/pkg/tests/helpers.py", T),
        ("src/pkg/test_model.py", T),
        ("src/pkg/model_test.py", T),
        ("conftest.py", T),
        ("src/conftest.py", T),
        ("examples/lora/train.py", E),
        ("examples/lora/notebook.ipynb", E),
        ("examples/lora/test_example.py", T),  # a test wins over the folder it sits in
        ("src/pkg/examples/demo.py", E),
        ("docs/source/quicktour.md", D),
        ("README.md", D),
        ("docs/examples/x.py", D),  # docs before examples
        ("scripts/convert.py", V),
        ("setup.py", V),
        (".github/workflows/ci.yml", V),
        ("src/testing_utils.py", R),  # a name that only starts like a test folder
        ("latest/model.py", R),
        ("contests/x.py", R),
    ],
)
def test_default_scopes(path: str, scope: Scope) -> None:
    assert scope_of(path) is scope


@pytest.mark.parametrize(
    ("glob", "matches", "misses"),
    [
        ("tests/", ["tests/a.py", "tests/b/c.py"], ["src/tests/a.py", "tests.py"]),
        ("**/tests/", ["tests/a.py", "src/tests/a.py"], ["src/mytests/a.py"]),
        ("test_*.py", ["test_a.py", "x/y/test_a.py"], ["x/test_a.pyc", "x/atest_a.py"]),
        ("src/*.py", ["src/a.py"], ["src/b/a.py", "x/src/a.py"]),
        ("src/**/gen_?.py", ["src/gen_a.py", "src/x/y/gen_b.py"], ["src/gen_ab.py"]),
        ("/setup.py", ["setup.py"], ["pkg/setup.py"]),
        ("a+b(c)/", ["a+b(c)/x.py"], ["aab(c)/x.py"]),
    ],
)
def test_glob_syntax(glob: str, matches: list[str], misses: list[str]) -> None:
    regex = glob_regex(glob)
    assert [p for p in matches if regex.match(p)] == matches
    assert [p for p in misses if regex.match(p)] == []


POLICY = """\
[scopes.paths]
test = ["qa/"]

[scopes.extend_paths]
example = ["cookbook2/"]
runtime = ["examples/shipped/"]

[scopes.test.on]
inferred = "pass"

[scopes.example.licenses]
deny = ["mit"]

[scopes.example.rules]
MDL003 = "warn"

[scopes]
select = ["runtime", "example"]
"""


def test_scopes_table_replaces_extends_and_keeps_the_default_rule() -> None:
    policy = policy_from_text(POLICY, "p.toml", DB)
    matcher = ScopeMatcher.of(policy.scopes)
    found = {
        p: matcher.scope_of(p)
        for p in ("qa/a.py", "tests/a.py", "cookbook2/a.py", "examples/shipped/a.py", "x.md")
    }
    assert found == {
        "qa/a.py": T,
        "tests/a.py": R,  # [scopes.paths] test replaced the defaults
        "cookbook2/a.py": E,
        "examples/shipped/a.py": R,  # runtime globs win over every other scope
        "x.md": D,
    }
    test = policy.scopes.rule(T)
    assert dict(test.on) == {
        "unknown": Verdict.PASS,  # the embedded default stays for keys the policy leaves out
        "unresolved": Verdict.PASS,
        "inferred": Verdict.PASS,
    }
    assert test.default == frozenset({"on.unknown", "on.unresolved"})
    example = policy.scopes.rule(E)
    assert (example.deny, example.allow, dict(example.rules)) == (
        ("mit",),
        None,
        {"MDL003": Verdict.WARN},
    )
    assert policy.scopes.select == frozenset({R, E})


def test_default_policy_scopes() -> None:
    assert dict(DEFAULT_SCOPES.rule(T).on) == {"unknown": Verdict.PASS, "unresolved": Verdict.PASS}
    assert DEFAULT_SCOPES.rule(R).empty and DEFAULT_SCOPES.select is None


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("[scopes]\nlab = []\n", ["p.toml:2: unknown key 'lab' in [scopes]"]),
        (
            '[scopes.paths]\ntests = ["t/"]\n',
            ["p.toml:2: unknown scope 'tests' (did you mean test?)"],
        ),
        (
            '[scopes.paths]\ntest = "t/"\n',
            ["p.toml:2: scopes.paths.test must be an array of strings"],
        ),
        (
            '[scopes.test.on]\nunknown = "ok"\n',
            ['p.toml:2: scopes.test.on.unknown must be one of "fail", "warn", "pass"'],
        ),
        (
            '[scopes.test.on]\nunscanned = "pass"\n',
            ["p.toml:2: unknown key 'unscanned' in [scopes.test.on]"],
        ),
        (
            '[scopes.test.rules]\nMDL999 = "pass"\n',
            ["p.toml:2: unknown key 'MDL999' in [scopes.test.rules] (did you mean MDL029?)"],
        ),
        (
            '[scopes.example.licenses]\ndeny = ["apache2"]\n',
            ["p.toml:2: unknown license 'apache2' (did you mean apache-2.0?)"],
        ),
        ('[scopes]\nselect = ["prod"]\n', ["p.toml:2: unknown scope 'prod'"]),
        ('select = ["XYZ1"]\n', ["p.toml:1: select: 'XYZ1' is not a rule code or a prefix of one"]),
    ],
)
def test_scopes_and_selection_problems(text: str, problems: list[str]) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_text(text, "p.toml", DB)
    assert [str(p) for p in caught.value.problems] == problems


@pytest.mark.parametrize(
    ("selection", "code", "kept"),
    [
        (Selection(), "MDL003", True),
        (Selection(select=("MDL003",)), "MDL003", True),
        (Selection(select=("MDL003",)), "MDL016", False),
        (Selection(select=("MDL01",)), "MDL016", True),
        (Selection(select=("MDL01",)), "MDL003", False),
        (Selection(ignore=("MDL016",)), "MDL016", False),
        (Selection(select=("MDL",), ignore=("MDL016",)), "MDL016", False),
        (Selection(ignore=("MDL",)), "MDL019", True),  # unscanned files are always reported
    ],
)
def test_selection_keeps(selection: Selection, code: str, kept: bool) -> None:
    assert selection.keeps(code) is kept


def test_policy_select_and_ignore_keys() -> None:
    policy = policy_from_text('select = ["mdl0", "MDL011"]\nignore = ["MDL016"]\n', "p", DB)
    assert policy.selection == Selection(select=("MDL0", "MDL011"), ignore=("MDL016",))
