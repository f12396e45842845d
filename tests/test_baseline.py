"""Baselines: the file format, loading errors, and the accept / add / move round trip."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from test_report import COMMERCIAL, DENIED, INFERRED, UNKNOWN, UNVERIFIED, decision, ref

from scanner.decide import baseline
from scanner.types import Decision, Report, SourceKind, UnresolvedRef, Verdict


def report(*decisions: Decision) -> Report:
    return Report(decisions, (), (), db_version="1", policy_source="embedded default")


COHERE = decision(
    ref("src/train.py", 12, 5, "CohereForAI/c4ai-command-r-v01"),
    "cc-by-nc-4.0",
    Verdict.FAIL,
    COMMERCIAL,
)
LLAMA = decision(ref("src/a.py", 3, 1, "org/llama-ft"), "llama3.1", Verdict.FAIL, DENIED, INFERRED)
UNKNOWN_MODEL = decision(ref("conf.yaml", 1, 8, "org/x"), None, Verdict.FAIL, UNKNOWN)
WARNING = decision(
    ref("src/b.py", 9, 1, "meta-llama/Llama-3.1-8B"), "llama3.1", Verdict.WARN, UNVERIFIED
)
PASSING = decision(ref("src/b.py", 2, 1, "bert-base-uncased"), "apache-2.0", Verdict.PASS)
INLINE = replace(
    UNKNOWN_MODEL, ref=replace(UNKNOWN_MODEL.ref, path="z.yaml"), suppressed="inline: ignore"
)


def test_write_is_sorted_keyed_json_without_lines() -> None:
    text = baseline.write(report(WARNING, COHERE, PASSING, LLAMA, UNKNOWN_MODEL, INLINE, COHERE))
    assert json.loads(text) == {
        "tool": "model-license-guard",
        "version": 1,
        "entries": [
            {"code": "MDL001", "license": "unknown", "model": "org/x", "path": "conf.yaml"},
            {"code": "MDL011", "license": "llama3.1", "model": "org/llama-ft", "path": "src/a.py"},
            {
                "code": "MDL003",
                "license": "cc-by-nc-4.0",
                "model": "CohereForAI/c4ai-command-r-v01",
                "path": "src/train.py",
            },
        ],
    }
    assert text.endswith("}\n") and '"line"' not in text
    assert baseline.write(report(COHERE, LLAMA)) == baseline.write(report(LLAMA, COHERE))


def test_load_reads_what_write_writes() -> None:
    text = baseline.write(report(COHERE, LLAMA))
    assert baseline.load(text) == baseline.Baseline(
        (
            baseline.Entry("src/a.py", "org/llama-ft", "MDL011"),
            baseline.Entry("src/train.py", "CohereForAI/c4ai-command-r-v01", "MDL003"),
        )
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{", "not valid JSON: line 1 column 2: Expecting property name enclosed in double quotes"),
        ("[]", "expected a JSON object with 'version' and 'entries'"),
        ('{"entries": []}', "unsupported baseline version None (expected 1)"),
        ('{"version": 2, "entries": []}', "unsupported baseline version 2 (expected 1)"),
        ('{"version": 1}', "'entries' must be a list"),
        (
            '{"version": 1, "entries": [3]}',
            "entries[0]: expected an object with code, path and model",
        ),
        (
            '{"version": 1, "entries": [{"code": "MDL003", "path": "a.py"}]}',
            "entries[0]: 'model' must be a non-empty string",
        ),
        (
            '{"version": 1, "entries": [{"code": "", "path": "a.py", "model": "x"}]}',
            "entries[0]: 'code' must be a non-empty string",
        ),
    ],
)
def test_load_errors_are_pointed(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        baseline.load(text)
    assert str(info.value) == message


def moved(item: Decision, lines: int) -> Decision:
    return replace(item, ref=replace(item.ref, line=item.ref.line + lines, column=1))


def test_round_trip_accept_then_only_new_findings_fail() -> None:
    accepted = baseline.load(baseline.write(report(COHERE, LLAMA, WARNING, PASSING)))
    new_model = decision(
        ref("src/train.py", 40, 5, "org/new-nc-model"), "cc-by-nc-4.0", Verdict.FAIL, COMMERCIAL
    )
    new_file = replace(COHERE, ref=replace(COHERE.ref, path="src/other.py"))
    result = baseline.apply(report(COHERE, LLAMA, new_model, new_file, WARNING), accepted)
    assert [(d.ref.path, d.model, d.suppressed) for d in result.decisions] == [
        ("src/train.py", "CohereForAI/c4ai-command-r-v01", "baseline"),
        ("src/a.py", "org/llama-ft", "baseline"),
        ("src/train.py", "org/new-nc-model", None),
        ("src/other.py", "CohereForAI/c4ai-command-r-v01", None),
        ("src/b.py", "meta-llama/Llama-3.1-8B", None),
    ]
    assert result.worst is Verdict.FAIL and result.stale_baseline == ()


def test_round_trip_moved_lines_fail_nothing() -> None:
    accepted = baseline.load(baseline.write(report(COHERE, LLAMA)))
    result = baseline.apply(report(moved(COHERE, 30), moved(LLAMA, -2)), accepted)
    assert [d.suppressed for d in result.decisions] == ["baseline", "baseline"]
    assert result.worst is Verdict.PASS


def test_a_new_reason_for_an_accepted_model_still_fails() -> None:
    accepted = baseline.load(baseline.write(report(COHERE)))
    both = replace(COHERE, reasons=(COMMERCIAL, DENIED))
    result = baseline.apply(report(both), accepted)
    assert [d.suppressed for d in result.decisions] == [None]
    assert result.stale_baseline == ()  # the MDL003 entry still matches a finding


def test_entries_without_a_finding_are_stale() -> None:
    accepted = baseline.load(baseline.write(report(COHERE, LLAMA, UNKNOWN_MODEL)))
    fixed = replace(LLAMA, verdict=Verdict.PASS, reasons=())
    result = baseline.apply(report(COHERE, fixed), accepted)
    assert result.stale_baseline == ("conf.yaml: MDL001 org/x", "src/a.py: MDL011 org/llama-ft")
    assert [d.suppressed for d in result.decisions] == ["baseline", None]


def test_inline_suppression_is_kept() -> None:
    accepted = baseline.Baseline.of(baseline.entries_of(INLINE))
    result = baseline.apply(report(INLINE), accepted)
    assert [d.suppressed for d in result.decisions] == ["inline: ignore"]
    assert result.stale_baseline == ()


def _unresolved(line: int, expression: str = "args.model") -> UnresolvedRef:
    return UnresolvedRef("src/serve.py", line, 9, expression, "py.pipeline", SourceKind.PYTHON)


@pytest.mark.parametrize(
    ("verdict", "accepted"),
    [(Verdict.FAIL, True), (Verdict.WARN, False)],
)
def test_unresolved_references_round_trip_when_they_fail(verdict: Verdict, accepted: bool) -> None:
    old = replace(report(), unresolved=(_unresolved(4),), unresolved_verdict=verdict)
    written = baseline.load(baseline.write(old))
    expected = (baseline.Entry("src/serve.py", "args.model", "MDL002"),) if accepted else ()
    assert written.entries == expected
    moved = replace(old, unresolved=(_unresolved(40), _unresolved(41, "cfg.name")))
    applied = baseline.apply(moved, written)
    assert [u.suppressed for u in applied.unresolved] == (
        ["baseline", None] if accepted else [None, None]
    )
    assert applied.worst is verdict  # the new expression still counts
    assert applied.stale_baseline == ()


# -- a license that changed since the baseline accepted the finding (issue 16) -------------------

OLD_FILE = json.dumps(  # written before entries recorded a license
    {
        "tool": "model-license-guard",
        "version": 1,
        "entries": [
            {"code": "MDL003", "model": "CohereForAI/c4ai-command-r-v01", "path": "src/train.py"}
        ],
    }
)


def test_entries_record_the_license_and_old_files_still_accept() -> None:
    written = baseline.load(baseline.write(report(COHERE, UNKNOWN_MODEL)))
    assert [(e.model, e.license) for e in written.entries] == [
        ("org/x", "unknown"),
        ("CohereForAI/c4ai-command-r-v01", "cc-by-nc-4.0"),
    ]
    old = baseline.load(OLD_FILE)
    assert [e.license for e in old.entries] == [None]
    relicensed = replace(COHERE, license="cc-by-nc-sa-4.0")  # no license recorded: no check
    result = baseline.apply(report(relicensed), old)
    assert [(d.suppressed, [r.code for r in d.reasons]) for d in result.decisions] == [
        ("baseline", ["MDL003"])
    ]


@pytest.mark.parametrize(
    ("was", "now", "verdict", "reasons", "expected", "stale"),
    [
        # still failing under the new license: not accepted, MDL035 says why (the entry matched
        # the finding, so it is not stale)
        (
            "mit",
            COHERE,
            Verdict.FAIL,
            [("MDL003", Verdict.FAIL), ("MDL035", Verdict.WARN)],
            "license changed from mit to cc-by-nc-4.0 in database 1: the baseline accepted "
            "this finding under mit, so it no longer covers it",
            (),
        ),
        # the new license passes: the entry is stale, the change is still reported
        (
            "cc-by-nc-4.0",
            replace(COHERE, license="apache-2.0", verdict=Verdict.PASS, reasons=()),
            Verdict.PASS,
            [("MDL035", Verdict.PASS)],
            "license changed from cc-by-nc-4.0 to apache-2.0 in database 1",
            ("src/train.py: MDL003 CohereForAI/c4ai-command-r-v01",),
        ),
        # the database no longer knows the model
        (
            "cc-by-nc-4.0",
            replace(COHERE, license=None, verdict=Verdict.FAIL, reasons=(UNKNOWN,)),
            Verdict.FAIL,
            [("MDL001", Verdict.FAIL), ("MDL035", Verdict.WARN)],
            "license changed from cc-by-nc-4.0 to unknown in database 1",
            ("src/train.py: MDL003 CohereForAI/c4ai-command-r-v01",),
        ),
    ],
)
def test_a_changed_license_is_not_accepted_and_says_so(
    was: str,
    now: Decision,
    verdict: Verdict,
    reasons: list[tuple[str, Verdict]],
    expected: str,
    stale: tuple[str, ...],
) -> None:
    accepted = baseline.load(baseline.write(report(replace(COHERE, license=was))))
    result = baseline.apply(report(now), accepted)
    (found,) = result.decisions
    assert (found.suppressed, found.verdict) == (None, verdict)
    assert [(r.code, r.verdict) for r in found.reasons] == reasons
    assert found.reasons[-1].message.startswith(expected)
    assert result.stale_baseline == stale


@pytest.mark.parametrize("spelling", ["cc-by-nc-4.0", "CC-BY-NC-4.0", " cc-by-nc-4.0 "])
def test_the_same_license_in_another_spelling_is_still_accepted(spelling: str) -> None:
    accepted = baseline.load(baseline.write(report(replace(COHERE, license=spelling))))
    result = baseline.apply(report(COHERE), accepted)
    assert [d.suppressed for d in result.decisions] == ["baseline"]


def test_a_recorded_license_must_be_a_non_empty_string() -> None:
    text = OLD_FILE.replace('"path"', '"license": "", "path"')
    with pytest.raises(ValueError, match=r"entries\[0\]: 'license' must be a non-empty string"):
        baseline.load(text)
