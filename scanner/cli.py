"""Command line: parses arguments, dispatches, prints and exits. Nothing else prints."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import license_db
from license_db import LicenseDB
from scanner import replay
from scanner.decide.policy import Policy, PolicyError, default_policy, find_policy, load_policy
from scanner.decide.scopes import parse_scopes
from scanner.decide.select import normalise, unknown_codes
from scanner.find import cache as cache_mod
from scanner.find import discover as discover_mod
from scanner.find import git, module_index, targets
from scanner.find.cache import ExtractionCache
from scanner.report import FORMATS
from scanner.report.escape import inert_lines, terminal
from scanner.types import EXPLAIN_KINDS, Report, Use, Verdict

if TYPE_CHECKING:  # the scan, its reports and the baseline: imported when a scan runs
    from scanner.decide.baseline import Baseline
    from scanner.resolve.hub import HubClient
    from scanner.scan import ScanProgress

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
        import traceback

        traceback.print_exc()
        print("model-license-guard: internal error (failing closed)", file=sys.stderr)
        return EXIT_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="model-license-guard",
        description="Find the ML models a repository uses and check their licenses.",
    )
    parser.add_argument(
        "--version", action=_Version, nargs=0, help="show program's version number and exit"
    )
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
    explain.add_argument("--kind", choices=[kind.value for kind in EXPLAIN_KINDS])
    _policy_options(explain)
    _hub_options(explain)
    _limit_options(explain)
    explain.add_argument("--json", action="store_true", help="machine-readable output")
    explain.add_argument(
        "--in-code",
        action="store_true",
        help="scan the repository for what its code does with the model (training, shipping)",
    )
    explain.set_defaults(handler=_cmd_explain, paths=[], jobs=0)
    database = commands.add_parser("db", help="the bundled database's version and counts")
    database.add_argument("--json", action="store_true", help="machine-readable output")
    database.set_defaults(handler=_cmd_db)
    _db_subcommands(database)
    init = commands.add_parser("init", help=f"write a commented starter {POLICY_FILE}")
    init.add_argument("--root", type=Path, default=None, help="repository root")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")
    init.set_defaults(handler=_cmd_init)
    validate = commands.add_parser("validate-policy", help="check the policy file and stop")
    _policy_options(validate)
    validate.set_defaults(handler=_cmd_validate)
    return parser


def _db_subcommands(database: argparse.ArgumentParser) -> None:
    """``db diff OLD NEW`` and ``db changelog`` (``db`` alone prints version and counts)."""
    sub = database.add_subparsers(dest="db_command", metavar="SUBCOMMAND")
    diff = sub.add_parser("diff", help="what changed between two database versions")
    for side in ("old", "new"):
        diff.add_argument(side, help="'bundled', a built data folder or a license-facts folder")
    diff.add_argument("--json", action="store_true", help="machine-readable output")
    diff.set_defaults(handler=_cmd_db_diff)
    changes = sub.add_parser("changelog", help="the data package's change log")
    changes.add_argument("--json", action="store_true", help="machine-readable output")
    changes.set_defaults(handler=_cmd_db_changelog)


def _scan_parser(parser: argparse.ArgumentParser) -> None:
    _scan_options(parser)
    parser.add_argument("--format", "-f", choices=sorted(FORMATS), default="text")
    parser.add_argument("--output", "-o", type=Path, help="write the report to FILE")
    baseline = parser.add_mutually_exclusive_group()
    baseline.add_argument(
        "--baseline",
        type=Path,
        help=f"accept findings listed in this baseline (default: {BASELINE_FILE} when present)",
    )
    baseline.add_argument("--no-baseline", action="store_true", help="apply no baseline file")
    parser.add_argument(
        "--changed",
        action="store_true",
        help="PATHs are changed files: also check every file whose findings depend on them, "
        "and the whole repository when the policy or baseline is among them (the hook)",
    )
    parser.add_argument(
        "--fail-on",
        choices=("fail", "warn"),
        default="fail",
        help="the verdict that exits 1 (default: fail)",
    )
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when a finding fails")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the text report (auto: on a terminal unless NO_COLOR is set)",
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="list every place and every passing model"
    )
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
    _selection_options(parser)
    _limit_options(parser)


def _limit_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=_jobs, default=0, help="worker processes (0: cores)")
    parser.add_argument(
        "--max-files",
        type=_positive,
        default=discover_mod.MAX_FILES,
        metavar="N",
        help="files one scan reads at most (default %(default)s)",
    )
    parser.add_argument(
        "--max-file-size",
        type=_positive,
        default=discover_mod.MAX_FILE_BYTES,
        metavar="BYTES",
        help="largest file read (default %(default)s)",
    )
    parser.add_argument(
        "--no-cache", action="store_true", help="extract every file again (no extraction cache)"
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        metavar="DIR",
        help="extraction cache folder (default: $MLG_CACHE_DIR or the user cache)",
    )


def _positive(text: str) -> int:
    """A positive integer argument (``_`` separators allowed)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"not a positive integer: {text!r}")
    return value


def _jobs(text: str) -> int:
    """``--jobs``: a whole number, 0 or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"must be a whole number, 0 or more (got {text!r})")
    return int(text)


def _policy_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--policy", type=Path, help=f"policy file (default: {POLICY_FILE})")
    parser.add_argument("--root", type=Path, default=None, help="repository root (default: git)")
    parser.add_argument("--today", type=date.fromisoformat, help=argparse.SUPPRESS)


def _selection_options(parser: argparse.ArgumentParser) -> None:
    """--select, --ignore, --scope: override the policy's select, ignore and scopes.select."""
    group = parser.add_argument_group("selection (override the policy's select, ignore, scopes)")
    group.add_argument(
        "--select", metavar="CODES", help="report only these rule codes or prefixes (MDL003,MDL01)"
    )
    group.add_argument("--ignore", metavar="CODES", help="do not report these rule codes")
    group.add_argument(
        "--scope",
        metavar="SCOPES",
        help="report only references in these scopes (runtime,test,example,docs,dev)",
    )


def _selected(args: argparse.Namespace, policy: Policy) -> Policy:
    """``policy`` with the command line's --select, --ignore and --scope applied."""
    selection = policy.selection
    for name in ("select", "ignore"):
        text = getattr(args, name, None)
        if text is None:
            continue
        codes = normalise(text.split(","))
        unknown = unknown_codes(codes)
        if unknown:
            raise UsageError(f"--{name}: not a rule code or prefix: {', '.join(unknown)}")
        selection = replace(selection, **{name: codes})
    scopes = policy.scopes
    if getattr(args, "scope", None) is not None:
        problems: list[str] = []
        chosen = parse_scopes("--scope", args.scope.split(","), lambda _k, m: problems.append(m))
        if problems:
            raise UsageError("; ".join(problems))
        scopes = replace(scopes, select=frozenset(chosen))
    return replace(policy, selection=selection, scopes=scopes)


def use_color(choice: str, stream_is_tty: bool, environ: Mapping[str, str]) -> bool:
    """Colour for ``--color``: always, never, or auto (a terminal, and NO_COLOR unset or empty;
    https://no-color.org: the flag overrides the variable)."""
    if choice != "auto":
        return choice == "always"
    return stream_is_tty and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


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
    started = time.monotonic()
    settings = [_policy_path(args), _baseline_path(args)]  # the policy and baseline files
    plan, setup = _planned_scan(args, _load_baseline(settings[1]), settings[0])
    tty = args.output is None and sys.stdout.isatty()
    color = use_color(args.color, tty, os.environ)
    slot = replay.scan_slot(vars(args), plan, setup, color, settings)
    output = None if slot is None else slot.get()
    if output is None:
        output = _scanned(args, plan, setup, color, slot)
    text = output.text
    if args.format == "text":
        from scanner.report.text import with_duration

        text = with_duration(text, time.monotonic() - started)
    _emit(text, args.output)
    sys.stderr.write(output.diagnostics)
    return output.code


def _scanned(
    args: argparse.Namespace,
    plan: targets.Plan,
    setup: replay.Setup,
    color: bool,
    slot: replay.Slot | None,
) -> replay.Output:
    """Scan and render (what a replay spares), keeping the output in ``slot`` when given."""
    from scanner.scan import ScanReads, scan

    reads = None if slot is None else ScanReads()
    inputs = setup.scan_input(_progress(), reads)
    report = scan(plan.files, inputs, plan.skipped, plan.context, plan.change)
    output = _output(args, report, color)
    if slot is not None and reads is not None and output.code != EXIT_ERROR:
        slot.put(output, reads)
    return output


def _output(args: argparse.Namespace, report: Report, color: bool) -> replay.Output:
    """What ``scan`` shows of ``report``: the rendered report (a text one without its
    duration), the diagnostics (for formats other than text) and the exit code."""
    from scanner.report.common import FAIL_ON, diagnostics

    if args.format == "text":
        from scanner.report.text import render as render_text

        text, stderr = render_text(report, color=color, verbose=args.verbose), ""
    else:
        text, stderr = FORMATS[args.format](report), diagnostics(report.errors)
    code = _exit_code(report, args.exit_zero, FAIL_ON[args.fail_on])
    return replay.Output(text, stderr, code)


def _cmd_baseline(args: argparse.Namespace) -> int:
    from scanner.decide import baseline as baseline_mod

    report = _run_scan(args, None)
    target = args.output or (_root(args) / BASELINE_FILE)
    accepted = baseline_mod.from_report(report)
    _write(target, baseline_mod.dumps(accepted))
    count = len(accepted.entries)
    print(
        f"wrote {count} baseline {'entry' if count == 1 else 'entries'} to {target}",
        file=sys.stderr,
    )
    return EXIT_ERROR if _internal_errors(report) else EXIT_OK


def _cmd_obligations(args: argparse.Namespace) -> int:
    from scanner.decide.obligations import render_notice

    report = _run_scan(args, None)
    _emit(render_notice(report.decisions, license_db.load()), args.output)
    return EXIT_ERROR if _internal_errors(report) else EXIT_OK


def _cmd_explain(args: argparse.Namespace) -> int:
    db = license_db.load()
    policy = _policy(args, db, _policy_path(args))
    today = args.today or date.today()
    hub = _hub_client(args, _root(args)) if args.hub else None
    from scanner import explain as explain_mod  # imported by the one command that needs it

    uses = _uses_in_code(args) if args.in_code else ()
    explanation = explain_mod.explain(args.model, db, policy, today, args.kind, hub, uses)
    if args.json:
        print(json.dumps(explain_mod.to_json(explanation), indent=2))
    else:
        print(explain_mod.to_text(explanation))
    return EXIT_OK


def _uses_in_code(args: argparse.Namespace) -> tuple[Use, ...]:
    """The places the repository's code trains, merges, distils, ships or exports the model."""
    wanted = args.model.lower()
    report = _run_scan(args, None)
    found = (
        use
        for decision in report.decisions
        if wanted in {decision.model.lower(), decision.ref.raw.lower()}
        for use in decision.ref.uses
    )
    return tuple(dict.fromkeys(found))


def _cmd_db(args: argparse.Namespace) -> int:
    stats = license_db.load().stats()
    if args.json:
        print(json.dumps(stats, indent=2, sort_keys=True))
    else:
        print("\n".join(f"{key}: {value}" for key, value in stats.items()))
    return EXIT_OK


def _cmd_db_diff(args: argparse.Namespace) -> int:
    from license_db import diff as db_diff  # imported by the commands that use them
    from license_db import versions

    try:
        result = db_diff.diff(versions.open_version(args.old), versions.open_version(args.new))
    except versions.VersionError as exc:
        raise UsageError(str(exc)) from exc
    if args.json:
        print(json.dumps(db_diff.to_json(result), indent=2, sort_keys=True))
    else:
        lines = db_diff.render_text(result).splitlines()
        print(inert_lines("\n".join(terminal(line) for line in lines)))
    return EXIT_OK


def _cmd_db_changelog(args: argparse.Namespace) -> int:
    from license_db import versions

    entries = versions.changelog()
    if args.json:
        data = [{"version": e.version, "changes": list(e.changes)} for e in entries]
        print(json.dumps(data, indent=2))
    else:
        print("\n".join(f"{e.version}\n" + "".join(f"  - {c}\n" for c in e.changes)
                        for e in entries).rstrip("\n"))  # fmt: skip
    return EXIT_OK


def _cmd_init(args: argparse.Namespace) -> int:
    target = (args.root or git.toplevel(Path.cwd()) or Path.cwd()) / POLICY_FILE
    if target.exists() and not args.force:
        raise UsageError(f"{target} exists (use --force to overwrite)")
    from scanner.decide.policy_template import STARTER_POLICY

    _write(target, STARTER_POLICY)
    print(f"wrote {target}", file=sys.stderr)
    return EXIT_OK


def _cmd_validate(args: argparse.Namespace) -> int:
    policy = _policy(args, license_db.load(), _policy_path(args))
    print(f"{policy.source}: ok")
    return EXIT_OK


# -- helpers --------------------------------------------------------------------------------


def _run_scan(args: argparse.Namespace, baseline: Baseline | None) -> Report:
    from scanner.scan import scan

    plan, setup = _planned_scan(args, baseline, _policy_path(args))
    inputs = setup.scan_input(_progress())
    return scan(plan.files, inputs, plan.skipped, plan.context, plan.change)


def _planned_scan(
    args: argparse.Namespace, baseline: Baseline | None, policy_path: Path | None
) -> tuple[targets.Plan, replay.Setup]:
    """The files to scan (the plan) and everything else the scan needs, with the policy file
    ``policy_path`` (``_policy_path``: found once, it may parse ``pyproject.toml``)."""
    root = _root(args)
    db = license_db.load()
    policy = _selected(args, _policy(args, db, policy_path))
    own = [p for p in (args.policy, getattr(args, "baseline", None)) if p is not None]
    if args.handler is _cmd_baseline and args.output is not None:
        own.append(args.output)
    given = [_under(root, path) for path in args.paths]
    settings = [p for p in (policy_path, _baseline_path(args)) if p is not None]
    cache = _extraction_cache(args, root)
    probe = None if cache is None else replay.indexed_probe(cache, root)
    modules = None if cache is None or probe is None else module_index.beside(cache, probe)
    plan = targets.plan(
        root, given, own, settings, changed=getattr(args, "changed", False),
        ignore=policy.exclude, max_files=args.max_files, modules=modules,
    )  # fmt: skip
    if plan.note:
        _say(f"model-license-guard: note: {plan.note}")
    today = args.today or date.today()
    hub = _hub_client(args, root)
    jobs, limit = args.jobs, args.max_file_size
    return plan, replay.Setup(root, db, policy, today, jobs, baseline, hub, limit, cache, probe)


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


def _policy(args: argparse.Namespace, db: LicenseDB, path: Path | None) -> Policy:
    """The policy in force: the file ``path`` (``_policy_path``), else the default."""
    return default_policy() if path is None else load_policy(_root(args), path, db)


def _policy_path(args: argparse.Namespace) -> Path | None:
    """``--policy``, else the scan root's policy, else the current folder's, else None (the
    embedded default); the report names the one used."""
    if args.policy is not None and not args.policy.is_file():
        raise UsageError(f"policy file {args.policy} does not exist")
    root, here = _root(args), Path.cwd().resolve()
    found = find_policy(root, args.policy)
    return found if found is not None or here == root else find_policy(here)


def _baseline_path(args: argparse.Namespace) -> Path | None:
    """``--baseline``, else the root's default baseline file when present (as the Action and
    the hook do), unless ``--no-baseline``."""
    if getattr(args, "no_baseline", False):
        return None
    explicit: Path | None = getattr(args, "baseline", None)
    if explicit is not None or args.handler is not _cmd_scan:
        return explicit
    default = _root(args) / BASELINE_FILE
    return default if default.is_file() else None


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
    return git.toplevel(folder) or (folder.resolve() if paths and start.is_dir() else Path.cwd())


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


def _load_baseline(path: Path | None) -> Baseline | None:
    if path is None:
        return None
    from scanner.decide import baseline as baseline_mod

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
        _write(output, text)


def _write(target: Path, text: str) -> None:
    """Write ``text`` to ``target``; a one-line UsageError when that is not possible."""
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from exc


def _say(line: str) -> None:
    """One line on stderr; repository text in it (paths, policy values) made inert."""
    print(inert_lines(terminal(line)), file=sys.stderr)


def _internal_errors(report: Report) -> bool:
    return any(error.internal for error in report.errors)


def _exit_code(report: Report, exit_zero: bool, fail_on: Verdict | None = Verdict.FAIL) -> int:
    from scanner.report.common import reaches

    if _internal_errors(report):
        return EXIT_ERROR
    if reaches(report, fail_on) and not exit_zero:
        return EXIT_FAIL
    return EXIT_OK


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (reading it costs
    ``importlib.metadata``, tens of milliseconds every run otherwise)."""

    def __call__(self, parser: argparse.ArgumentParser, *_: object, **__: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            print(f"model-license-guard {version('model-license-guard')}")
        except PackageNotFoundError:
            print("model-license-guard (not installed)")
        parser.exit()


def _progress() -> ScanProgress | None:
    """Progress on stderr (``progress_meter`` decides whether it shows)."""
    from scanner.progress import progress_meter

    return progress_meter(sys.stderr)
