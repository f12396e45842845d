"""Hostile TOML: every problem is one ``file:line`` message (exit 2), never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_policy_fakes import DB

from scanner import tomlsafe
from scanner.decide.policy import PolicyError, find_policy, load_policy, policy_from_text
from scanner.tomlsafe import MAX_DEPTH, MAX_NUMBER_LENGTH, TomlError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

P = ".model-license-guard.toml"
DEEP = "nested more than 100 levels deep"
LONG = "number too long"
RANGE = "float out of range"
N = 5000

# -- tomlsafe.loads: the line of the first limit exceeded ---------------------------------------

LOADS_ERRORS = [
    # (text, line, message fragment)
    ("a = " + "[" * N + "]" * N, 1, DEEP),
    ("x = 1\n\na = " + "[" * N + "]" * N, 3, DEEP),
    ("a = " + "[\n" * 150 + "]" * 150, 100, DEEP),  # the 100th bracket holds level 101
    ("a = " + "[" * MAX_DEPTH + "]" * MAX_DEPTH, 1, DEEP),  # one level too many
    ("a = " + "{b = " * N + "1" + "}" * N, 1, DEEP),
    ("x = 1\nt = [" + "{a = [" * N, 2, DEEP),  # arrays of inline tables
    ("a" + ".a" * N + " = 1", 1, DEEP),  # dotted key
    ("x = 1\n[" + ".".join(["t"] * N) + "]\n", 2, DEEP),  # table header
    ("x = 1\n[[" + ".".join(["t"] * N) + "]]\n", 2, DEEP),  # array-of-tables header
    ("[" + ".".join(["t"] * 60) + "]\n" + ".".join(["k"] * 60) + " = 1\n", 2, DEEP),
    ("x = 1\ny = 1" + "0" * N + "\n", 2, LONG),
    ("y = -" + "9" * N, 1, LONG),
    ("y = [1,\n2,\n0x" + "f" * N + "]", 3, LONG),
    ("y = 9" + "_9" * N, 1, LONG),
    ("y = " + "9" * (MAX_NUMBER_LENGTH + 1), 1, LONG),
    ("f = 1." + "5" * N, 1, LONG),
    ("f = 1e" + "9" * N, 1, LONG),
    ("ok = 1\nf = 1e99999\n", 2, RANGE),
    ("f = { g = -1.5E+400 }", 1, RANGE),
    ("f = [0.0, 1_0e1_000]", 1, RANGE),
    ('s = "[[[["\na = ' + "[" * N, 2, DEEP),  # brackets in a string do not hide real ones
    # syntax errors keep tomllib's line, or the last line at the end of the document
    ("a = 1\nb = \n", 2, "invalid TOML: Invalid value"),
    ('a = """\nxx', 2, "invalid TOML: Unterminated string"),
    ('s = "U\x00S"\n', 1, "invalid TOML: Illegal character"),
    ("x = 1\n# \x7f\n", 2, "invalid TOML: Found invalid character"),
    ("x = 1\ny = 2\rz = 3\n", 2, "invalid TOML: Expected newline"),
    ("\ufeffa = 1\n", 1, "invalid TOML: Invalid statement"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), LOADS_ERRORS)
def test_loads_reports_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(TomlError) as caught:
        tomlsafe.loads(text)
    assert caught.value.line == line
    assert fragment in caught.value.message
    assert isinstance(caught.value, ValueError)


ACCEPTED = [
    "a = " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1),  # exactly the limit
    "[" + ".".join(["t"] * (MAX_DEPTH - 1)) + "]\nk = 1\n",
    "n = " + "9" * MAX_NUMBER_LENGTH,
    'a = "' + "[" * N + '"',
    "a = '" + "{" * N + "'",
    'a = """\n' + "[" * N + '\n\\"""[[[ \n"""',  # escaped delimiter inside
    "a = '''\n" + "[{" * N + "\n'''''",  # ends with two quotes inside the string
    '"[[[[" = 1\n' + "'{{{' = 2\n",  # quoted keys
    "# " + "[" * N + "\na = 1 # " + "{" * N + "\n",
    'a = ["\\"[[[", \'\\\', "\\\\", [1]] # ]]]]\n',  # escapes and a literal backslash
    "f = [1e308, -1.7976931348623157e308, 1e-99999, inf, -inf, +inf, 0x7fff_ffff]\n",
    "d = 1979-05-27 07:32:00.999999\nt = 07:32:00.5\nx = [1979-05-27T07:32:00Z]\n",
    "big = " + "[1, " * 50 + "2" + "]" * 50 + "\n" + "row = [" + "1, " * N + "]\n",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_loads_accepts_what_tomllib_accepts(text: str) -> None:
    assert tomlsafe.loads(text) == tomllib.loads(text)


@pytest.mark.parametrize(
    ("raised", "line", "fragment"),
    [
        (RecursionError("deep"), 3, "nested too deeply"),  # the deepest value seen
        (ValueError("Exceeds the limit"), 2, "cannot convert TOML value"),  # the longest number
        (MemoryError(), None, "too large"),
    ],
)
def test_loads_turns_escaping_errors_into_toml_error(
    monkeypatch: pytest.MonkeyPatch, raised: BaseException, line: int | None, fragment: str
) -> None:
    def explode(text: str) -> dict[str, object]:
        raise raised

    monkeypatch.setattr(tomlsafe.tomllib, "loads", explode)
    with pytest.raises(TomlError) as caught:
        tomlsafe.loads("a = 1\nb = 12345\nc = [[[1]]]\n")
    assert (caught.value.line, fragment in caught.value.message) == (line, True)


@pytest.mark.parametrize(
    ("data", "line"),
    [(b"a = 1\nb = '\xff'\n", 2), (b"\x80", 1), (b"a = 1\n\n# caf\xc3\n", 3), (b"\xed\xa0\x80", 1)],
)
def test_decode_reports_the_line_of_the_bad_byte(data: bytes, line: int) -> None:
    with pytest.raises(TomlError) as caught:
        tomlsafe.decode(data)
    assert caught.value.line == line
    assert caught.value.message.startswith("not valid UTF-8")
    assert str(caught.value).startswith(f"line {line}: ")


# -- the policy: one PolicyProblem at the right line -------------------------------------------

POLICY_ERRORS = [
    ("[licenses]\nallow = " + "[" * N + "]" * N + "\n", 2, DEEP),
    ("[usage]\ncommercial = true\nregion = " + "{a = " * N + "1" + "}" * N, 3, DEEP),
    ("usage" + ".x" * N + " = 1\n", 1, DEEP),
    ("[usage]\nmonthly_active_users = 1" + "0" * N + "\n", 2, LONG),
    ("exceptions_warn_days = 1e99999\n", 1, RANGE),
    ("[usage]\nannual_revenue_usd = 0." + "1" * N + "\n", 2, LONG),
    ('[usage]\nregion = "U\x00S"\n', 2, "invalid TOML"),
    ("[usage]\ncommercial = true\x1b\n", 2, "invalid TOML"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), POLICY_ERRORS)
def test_policy_text_problem_has_file_and_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_text(text, P, DB)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (P, line)
    assert fragment in problem.message
    assert str(problem).startswith(f"{P}:{line}: ")


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    reason = "[" * N + "{" * N + '\\"' + "]" * 10
    text = (
        "# " + "[" * N + "\n"
        "[usage]\ncommercial = true  # " + "{" * N + "\n"
        "[[exceptions]]\n"
        'model = "acme/*"\nlicense = "MIT"\n'
        f'reason = "{reason}"\n'
        "approved_by = '''" + "[[" * N + "'''\n"
    )
    policy = policy_from_text(text, P, DB)
    assert policy.exceptions[0].reason == reason.replace('\\"', '"')
    assert policy.line("exceptions[0].approved_by").line == 8


# -- files: pyproject and bytes ----------------------------------------------------------------

DEEP_TOOL = "[tool.model-license-guard.usage]\ncommercial = true\nregion = " + "[" * N + "\n"
FILES = [
    # (file name, bytes, line, message fragment)
    ("pyproject.toml", DEEP_TOOL.encode(), 3, DEEP),
    ("pyproject.toml", b"[project]\n[tool.model-license-guard]\nx = 1" + b"0" * N, 3, LONG),
    ("pyproject.toml", b"[tool.model-license-guard.usage]\n\nregion = '\xff'\n", 3, "UTF-8"),
    (P, b"[usage]\ncommercial = true\nregion = 'D\xc3'\n", 3, "not valid UTF-8"),
    (P, b"[usage]\r\ncommercial = true\r\nregion = " + b"[" * N, 3, DEEP),
]


@pytest.mark.parametrize(("name", "data", "line", "fragment"), FILES)
def test_policy_file_problem_has_file_and_line(
    tmp_path: Path, name: str, data: bytes, line: int, fragment: str
) -> None:
    (tmp_path / name).write_bytes(data)
    assert find_policy(tmp_path) == tmp_path / name
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path, None, DB)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (name, line)
    assert fragment in problem.message


@pytest.mark.parametrize(
    "data",
    [
        b"[tool.other]\nx = " + b"[" * N + b"]" * N + b"\n",
        b"[tool.other]\nx = 1" + b"0" * N + b"\n",
        b"[project]\nname = '\xff'\n",
        b"\n" * 50_000 + b"=",  # the table search stays linear
    ],
)
def test_pyproject_without_the_table_is_not_a_policy(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "pyproject.toml").write_bytes(data)
    assert find_policy(tmp_path) is None


# -- the command line: exit 2, file:line, no traceback -----------------------------------------

CLI_FILES = [
    (P, b"[usage]\ncommercial = true\nregion = " + b"[" * N + b"]" * N + b"\n", 3),
    (P, b"[licenses]\nallow = " + b"[{a = " * N + b"\n", 2),
    (P, b"[usage]\n\nmonthly_active_users = 1" + b"0" * N + b"\n", 3),
    (P, b"[usage]\ncommercial = true\n# \xff\n", 3),
    ("pyproject.toml", DEEP_TOOL.encode(), 3),
]


@pytest.mark.parametrize("command", ["validate-policy", "scan"])
@pytest.mark.parametrize(("name", "data", "line"), CLI_FILES)
def test_cli_reports_file_and_line_with_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    name: str,
    data: bytes,
    line: int,
) -> None:
    from scanner.cli import main

    (tmp_path / name).write_bytes(data)
    (tmp_path / "app.py").write_text("x = 1\n", encoding="utf-8")
    extra = ["--jobs", "1", str(tmp_path / "app.py")] if command == "scan" else []
    assert main([command, "--root", str(tmp_path), *extra]) == 2
    err = capsys.readouterr().err
    assert f"{name}:{line}: " in err
    assert "Traceback" not in err
    assert "invalid policy (1 problem(s))" in err


def test_cli_explicit_policy_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from scanner.cli import main

    policy = tmp_path / "policy.toml"
    policy.write_bytes(b"x = 1\na = " + b"[" * N)
    assert main(["validate-policy", "--root", str(tmp_path), "--policy", str(policy)]) == 2
    err = capsys.readouterr().err
    assert "policy.toml:2: TOML nested more than 100 levels deep" in err
    assert "Traceback" not in err
