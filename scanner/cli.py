"""Command line: parses arguments, dispatches, prints and exits. Nothing else prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import license_db
from license_db import LicenseDB
from scanner.decide import baseline as baseline_mod
from scanner.decide.obligations import render_notice
from scanner.decide.policy import Policy, PolicyError, default_policy, find_policy, load_policy
from scanner.decide.policy_template import STARTER_POLICY
from scanner.find import cache as cache_mod
from scanner.find import git
from scanner.find.cache import ExtractionCache
from scanner.find.discover import discover
from scanner.progress import progress_meter
from scanner.report import FORMATS
from scanner.report.escape import inert_lines, terminal
from scanner.report.text import render as render_text
from scanner.rules import describe
from scanner.scan import ScanInput, scan
from scanner.types import Report, Verdict

if TYPE_CHECKING:
    from scanner.resolve.hub import HubClient

EXIT_OK, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
POLICY_FILE = ".model-license-guard.toml"
BASELINE_FILE = ".model-license-guard-baseline.json"


class UsageError(Exception):
    """A problem with the command line or its inputs: exit 2 with a one-line message."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except UsageError as exc:
        _say(f"model-license-guard: error: {exc}")
        return EXIT_ERROR
    except BrokenPipeError:  # the reader went away (`| head`): no traceback, still fail closed
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_ERROR
    except PolicyError as exc:
        for problem in exc.problems:
            _say(str(problem))
        _say(f"model-license-guard: invalid policy ({len(exc.problems)} problem(s))")
        return EXIT_ERROR
    except Exception:
        traceback.print_exc()
        print("model-license-guard: internal error (failing closed)", file=sys.stderr)
        return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="model-license-guard",
        description="Find the ML models a repository uses and check their licenses.",
    )
    parser.add_argument("--version", action="version", version=_version())
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _scan_parser(commands.add_parser("scan", help="scan files or the repository"))
    base = commands.add_parser("baseline", help="accept the current failing findings")
    _scan_options(base)
    base.add_argument("--output", "-o", type=Path, help=f"baseline file (default {BASELINE_FILE})")
    base.set_defaults(handler=_cmd_baseline)
    notice = commands.add_parser("obligations", help="write a NOTICE-style summary of duties")
    _scan_options(notice)
    notice.add_argument("--output", "-o", type=Path, help="write to FILE instead of stdout")
    notice.set_defaults(handler=_cmd_obligations)
    explain = commands.add_parser("explain", help="a model's license, terms and verdict")
    explain.add_argument("model")
    explain.add_argument("--kind", help="huggingface, api, spacy, ultralytics, ollama, package")
    _policy_options(explain)
    _hub_options(explain)
    explain.add_argument("--json", action="store_true", help="machine-readable output")
    explain.set_defaults(handler=_cmd_explain)
    database = commands.add_parser("db", help="the bundled database's version and counts")
    database.add_argument("--json", action="store_true", help="machine-readable output")
    database.set_defaults(handler=_cmd_db)
    init = commands.add_parser("init", help=f"write a commented starter {POLICY_FILE}")
    init.add_argument("--root", type=Path, default=None, help="repository root")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=_cmd_init)
    validate = commands.add_parser("validate-policy", help="check the policy file and stop")
    _policy_options(validate)
    validate.set_defaults(handler=_cmd_validate)
    return parser


def _scan_parser(parser: argparse.ArgumentParser) -> None:
    _scan_options(parser)
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="text")
    parser.add_argument("--output", "-o", type=Path, help="write the report to FILE")
    parser.add_argument("--baseline", type=Path, help="accept findings listed in this baseline")
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when a finding fails")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto")
    parser.set_defaults(handler=_cmd_scan)


def _scan_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="files or folders (default: the files git knows)",
    )
    _policy_options(parser)
    _hub_options(parser)
    parser.add_argument("--jobs", "-j", type=int, default=0, help="worker processes (0: cores)")
    parser.add_argument(
        "--no-cache", action="store_true", help="extract every file again (no extraction cache)"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="extraction cache folder (default: $MLG_CACHE_DIR or the user cache)",
    )


def _policy_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", type=Path, help=f"policy file (default: {POLICY_FILE})")
    parser.add_argument("--root", type=Path, default=None, help="repository root (default: git)")
    parser.add_argument("--today", type=date.fromisoformat, help=argparse.SUPPRESS)


def _hub_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hub",
        action="store_true",
        help="ask the Hugging Face Hub (HF_ENDPOINT, HF_TOKEN) about models the database lacks",
    )
    parser.add_argument(
        "--hub-cache",
        type=Path,
        metavar="DIR",
        help="cache folder for --hub answers (default: $MLG_HUB_CACHE or the user cache)",
    )


# -- commands -------------------------------------------------------------------------------


def _cmd_scan(args: argparse.Namespace) -> int:
    report = _run_scan(args, _load_baseline(args.baseline))
    color = args.color == "always" or (
        args.color == "auto" and args.output is None and sys.stdout.isatty()
    )
    text = (
        render_text(report, color=color) if args.format == "text" else FORMATS[args.format](report)
    )
    _emit(text, args.output)
    if args.format != "text":
        _print_diagnostics(report)
    return _exit_code(report, args.exit_zero)


def _cmd_baseline(args: argparse.Namespace) -> int:
    report = _run_scan(args, None)
    target = args.output or (_root(args) / BASELINE_FILE)
    accepted = baseline_mod.from_report(report)
    target.write_text(baseline_mod.dumps(accepted), encoding="utf-8")
    count = len(accepted.entries)
    print(f"wrote {count} baseline {'entry' if count == 1 else 'entries'} to {target}",
          file=sys.stderr)  # fmt: skip
    return EXIT_ERROR if _internal_errors(report) else EXIT_OK


def _cmd_obligations(args: argparse.Namespace) -> int:
    report = _run_scan(args, None)
    _emit(render_notice(report.decisions, license_db.load()), args.output)
    return EXIT_ERROR if _internal_errors(report) else EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    db = license_db.load()
    policy = _policy(args, db)
    today = args.today or date.today()
    hub = _hub_client(args, _root(args)) if args.hub else None
    from scanner import explain as explain_mod  # imported by the one command that needs it

    explanation = explain_mod.explain(args.model, db, policy, today, args.kind, hub)
    if args.json:
        print(json.dumps(explain_mod.to_json(explanation), indent=2))
    else:
        print(explain_mod.to_text(explanation))
    return EXIT_OK


def _cmd_db(args: argparse.Namespace) -> int:
    stats = license_db.load().stats()
    if args.json:
        print(json.dumps(stats, indent=2, sort_keys=True))
    else:
        print("\n".join(f"{key}: {value}" for key, value in stats.items()))
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    target = (args.root or _git_root(Path.cwd()) or Path.cwd()) / POLICY_FILE
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists (use --force to overwrite)")
    target.write_text(STARTER_POLICY, encoding="utf-8")
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    policy = _policy(args, license_db.load())
    print(f"{policy.source}: ok")
    return EXIT_OK


# -- helpers --------------------------------------------------------------------------------


def _run_scan(args: argparse.Namespace, baseline: baseline_mod.Baseline | None) -> Report:
    root = _root(args)
    db = license_db.load()
    policy = _policy(args, db)
    own = [p for p in (args.policy, getattr(args, "baseline", None)) if p is not None]
    if args.handler is _cmd_baseline and args.output is not None:
        own.append(args.output)
    found = discover(root, [_under(root, path) for path in args.paths], exclude=own)
    today = args.today or date.today()
    inputs = ScanInput(root, db, policy, today, args.jobs, baseline, _hub_client(args, root),
                       _extraction_cache(args, root), progress_meter(sys.stderr))  # fmt: skip
    return scan(found.files, inputs, found.skipped)


def _extraction_cache(args: argparse.Namespace, root: Path) -> ExtractionCache | None:
    """The extraction cache, unless ``--no-cache`` or its folder is inside the repository."""
    if args.no_cache:
        return None
    folder = cache_mod.cache_dir(os.environ, args.cache_dir).resolve()
    if folder.is_relative_to(root):
        _say(f"model-license-guard: note: cache {folder} is inside the repository: not used")
        return None
    manifest = Path(license_db.__file__).parent / "data" / "manifest.json"
    salt = cache_mod.salt(license_db.DB_VERSION, manifest)
    return ExtractionCache(folder, salt, cache_mod.max_bytes(os.environ))


def _hub_client(args: argparse.Namespace, root: Path) -> HubClient | None:
    """The opt-in Hub client for ``--hub``; None without it or when HF_HUB_OFFLINE is set."""
    if not args.hub:
        return None
    from scanner.resolve import hub as hub_mod  # HTTP and TLS modules: only for --hub

    if hub_mod.offline(os.environ):
        print("model-license-guard: note: HF_HUB_OFFLINE is set: --hub is off", file=sys.stderr)
        return None
    folder = hub_mod.cache_dir(os.environ, args.hub_cache).resolve()
    cache: Path | None = folder / hub_mod.CACHE_FILE
    if folder.is_relative_to(root):
        print(
            f"model-license-guard: note: hub cache {folder} is inside the repository: "
            "answers are not cached",
            file=sys.stderr,
        )
        cache = None
    return hub_mod.HubClient(hub_mod.settings_from_env(os.environ), cache)


def _policy(args: argparse.Namespace, db: LicenseDB) -> Policy:
    root = _root(args)
    if args.policy is not None and not args.policy.is_file():
        raise UsageError(f"policy file {args.policy} does not exist")
    path = find_policy(root, args.policy)
    return default_policy() if path is None else load_policy(root, args.policy, db)


def _root(args: argparse.Namespace) -> Path:
    if args.root is not None:
        if not args.root.is_dir():
            raise UsageError(f"--root {args.root} is not a folder")
        return Path(args.root).resolve()
    paths: list[Path] = list(getattr(args, "paths", []) or [])
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or folder")
    start = paths[0] if paths else Path.cwd()
    folder = start if start.is_dir() else start.parent
    return _git_root(folder) or (folder.resolve() if paths and start.is_dir() else Path.cwd())


def _under(root: Path, path: Path) -> Path:
    """``path`` made absolute without following a final symlink (discovery judges links)."""
    absolute = path.absolute()
    link = absolute.is_symlink()
    absolute = absolute.parent.resolve() / absolute.name if link else absolute.resolve()
    try:
        absolute.relative_to(root)
    except ValueError as exc:
        raise UsageError(f"{path} is outside the repository root {root}") from exc
    return absolute


def _git_root(folder: Path) -> Path | None:
    return git.toplevel(folder)


def _load_baseline(path: Path | None) -> baseline_mod.Baseline | None:
    if path is None:
        return None
    try:
        return baseline_mod.load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"cannot read baseline {path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise UsageError(f"{path}: {exc}") from exc


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")


def _say(line: str) -> None:
    """One line on stderr; repository text in it (paths, policy values) made inert."""
    print(inert_lines(terminal(line)), file=sys.stderr)


def _print_diagnostics(report: Report) -> None:
    """One ``path:line: MDL019 message`` line per file error, repository text made inert."""
    code = describe("MDL019")
    for error in report.errors:
        where = f"{error.path}:{error.line}" if error.line else error.path
        line = f"{terminal(where)}: {code.code} {terminal(error.message)}"
        print(inert_lines(line), file=sys.stderr)


def _internal_errors(report: Report) -> bool:
    return any(error.internal for error in report.errors)


def _exit_code(report: Report, exit_zero: bool) -> int:
    if _internal_errors(report):
        return EXIT_ERROR
    if report.worst is Verdict.FAIL and not exit_zero:
        return EXIT_FAIL
    return EXIT_OK


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"model-license-guard {version('model-license-guard')}"
    except PackageNotFoundError:
        return "model-license-guard (not installed)"
