"""The scan driver: files -> extractions -> resolutions -> decisions -> Report.

One per-file ``try`` turns any unexpected exception into an internal FileError (the CLI then
fails closed); every other stage works on data and never sees a broken file.
"""

from __future__ import annotations

import codecs
import os
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from license_db import LicenseDB
from license_db.expression import LicenseExpressionError, ids, parse
from license_db.schema import LicenseTerms
from scanner.context import Observations, ReadProblem, RepoContext, read_bytes
from scanner.decide import baseline as baseline_mod
from scanner.decide import suppress
from scanner.decide.evaluate import evaluate_unresolved
from scanner.decide.policy import Policy
from scanner.decide.privacy import privacy_findings
from scanner.decide.scoped import decide_all, decide_unresolved, stale
from scanner.decide.usage_facts import contradictions
from scanner.find import shifted
from scanner.find.cache import (
    Dependencies,
    ExtractionCache,
    Probe,
    Wanted,
    dependencies,
    digest,
    forget_previous_run,
    parses,
    universe,
)
from scanner.find.change import Before, Change, narrowed
from scanner.find.codehash import code_digest
from scanner.find.discover import MAX_FILE_BYTES, SourceFile
from scanner.find.shift import layout
from scanner.resolve.accountant import account
from scanner.resolve.database import resolve_all
from scanner.types import (
    Decision,
    Extraction,
    FileError,
    ModelRef,
    Report,
    ScanTotals,
    SourceKind,
    UnresolvedRef,
    Unscanned,
    Use,
    UseFinding,
)

if TYPE_CHECKING:
    from scanner.resolve.hub import HubClient

MAX_PARSE_BYTES = 1_500_000
"""Python files above this are not parsed by libcst; the fallback tokenizer scans them instead."""
MAX_READ_BYTES = MAX_FILE_BYTES  # discovery's, so the command line need not import the scan
PARALLEL_THRESHOLD = 48
ScanProgress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class ScanInput:
    """What one scan needs besides the files: root, database, policy, date, options."""

    root: Path
    db: LicenseDB
    policy: Policy
    today: date
    jobs: int = 0  # 0: one worker per core
    baseline: baseline_mod.Baseline | None = None
    hub: HubClient | None = None  # opt-in: ask the Hugging Face Hub about unknown Hub models
    max_file_bytes: int = MAX_READ_BYTES
    cache: ExtractionCache | None = None  # reuse extractions of unchanged files (None: off)
    progress: ScanProgress | None = None  # told (files done, files) as extraction goes
    reads: ScanReads | None = None  # record what the scan reads (to replay its output)
    probe: Probe | None = None  # the repository as planning probed it (file hashes known)


@dataclass(slots=True)
class ScanReads:
    """What a scan read of the repository besides its files' own bytes: each file's extraction
    dependencies, and what resolution and inline suppressions read (``later``). ``complete`` is
    False when some file's could not be recorded (not cached: unreadable, an internal error,
    edited while it was read): such a scan cannot be replayed."""

    extraction: list[Dependencies] = field(default_factory=list)
    later: Observations = field(default_factory=Observations)
    complete: bool = True


def scan(
    files: Sequence[SourceFile],
    inputs: ScanInput,
    skipped: Sequence[FileError] = (),
    context: Sequence[SourceFile] = (),
    change: Change | None = None,
) -> Report:
    """Scan ``files`` and decide every reference against the policy.

    ``skipped`` are the files discovery passed over (reported, and counted in the totals).
    ``context`` files are extracted too, for the references they find in ``files`` (a loader
    whose callers pass the model in): only references named in ``files`` are reported.
    ``change``: the files a commit changes, which the rest import (``change.narrowed``).
    """
    reported = set(files)
    every = [*files, *(f for f in context if f not in reported)]
    extractions = _extract_all(every, inputs, change)
    extraction = named_in(merge(_own_first(every, extractions)), files)
    errors = sorted({*extraction.errors, *skipped}, key=lambda e: (e.path, e.line or 0))
    ctx = RepoContext(inputs.root, None if inputs.reads is None else inputs.reads.later)
    uses, refs = account_uses(
        extraction.uses, sorted(extraction.refs, key=_ref_order), inputs.policy
    )
    resolved = resolve_all(refs, inputs.db, ctx)
    if inputs.hub is not None:
        from scanner.resolve.hub import resolve_unknowns  # HTTP modules: only for --hub

        resolved = resolve_unknowns(resolved, inputs.db, inputs.hub)
    evaluated = decide_all(resolved, inputs.policy, inputs.db, inputs.today)
    decisions = suppress.apply_inline(evaluated, ctx)
    unresolved = sorted(set(extraction.unresolved), key=_unresolved_order)
    report = Report(
        decisions=tuple(decisions),
        unresolved=suppress.apply_inline_unresolved(
            decide_unresolved(unresolved, inputs.policy), ctx
        ),
        errors=tuple(errors),
        db_version=inputs.db.version,
        policy_source=inputs.policy.source,
        unresolved_verdict=evaluate_unresolved(inputs.policy),
        licenses=_licenses_of(decisions, inputs.db),
        totals=totals((f.path for f in files), errors),
        unscanned_verdict=inputs.policy.on.unscanned,
        stale_exceptions=stale(inputs.policy, resolved),
        uses=uses,
        use_findings=_use_findings(uses, inputs.policy),
    )
    if inputs.baseline is not None:
        report = baseline_mod.apply(report, inputs.baseline)
    return report


def _extract_all(
    files: Sequence[SourceFile], inputs: ScanInput, change: Change | None
) -> list[Extraction]:
    """``extract_all`` with the scan's options."""
    root, jobs, limit = inputs.root, inputs.jobs, inputs.max_file_bytes
    progress, reads, probe = inputs.progress, inputs.reads, inputs.probe
    return extract_all(root, files, jobs, inputs.cache, progress, limit, reads, probe, change)


def _use_findings(uses: Sequence[Use], policy: Policy) -> tuple[UseFinding, ...]:
    """The policy's findings on the places themselves, in the order of the places."""
    found = [*contradictions(uses, policy), *privacy_findings(uses, policy)]
    order = {use: index for index, use in enumerate(uses)}
    return tuple(sorted(found, key=lambda f: (order[f.use], f.reason.code)))


def account_uses(
    uses: Iterable[Use], refs: Sequence[ModelRef], policy: Policy
) -> tuple[tuple[Use, ...], list[ModelRef]]:
    """Every place (sorted, once) and every reference with the epsilon of its DP training
    places computed where the code does not state it (at the policy's ``max_delta`` when the
    code states no delta either)."""
    delta = policy.privacy.max_delta
    memo: dict[Use, Use] = {}

    def accounted(use: Use) -> Use:
        if use not in memo:
            privacy = use.privacy and account(use.privacy, delta)
            memo[use] = replace(use, privacy=privacy)
        return memo[use]

    ordered = sorted(set(uses), key=lambda u: (u.path, u.cell or 0, u.line, u.column, u.kind))
    placed = tuple(accounted(use) for use in ordered)
    moved = [replace(r, uses=tuple(accounted(u) for u in r.uses)) if r.uses else r for r in refs]
    return placed, moved


def totals(read: Iterable[str], errors: Iterable[FileError]) -> ScanTotals:
    """Files seen, scanned, skipped and unreadable, from the paths given to the extractors
    (``read``) and every error (discovery's skipped files, the extractors' read failures)."""
    given = set(read)
    unscanned = {e.path: e.unscanned for e in errors if e.unscanned is not None}
    kinds = list(unscanned.values())
    return ScanTotals(
        seen=len(given | unscanned.keys()),
        scanned=len(given - unscanned.keys()),
        skipped=kinds.count(Unscanned.SKIPPED),
        unreadable=kinds.count(Unscanned.UNREADABLE),
    )


def _ref_order(ref: ModelRef) -> tuple[str, int, int, int, str]:
    return (ref.path, ref.cell or 0, ref.line, ref.column, ref.raw)


def _stable(ref: ModelRef) -> tuple[object, ...]:
    return (*_ref_order(ref), ref.kind.value, ref.extractor, ref.via or "")


def _unresolved_order(ref: UnresolvedRef) -> tuple[str, int, int, int]:
    return (ref.path, ref.cell or 0, ref.line, ref.column)


def _licenses_of(decisions: Iterable[Decision], db: LicenseDB) -> tuple[LicenseTerms, ...]:
    found: dict[str, LicenseTerms] = {}
    for decision in decisions:
        if decision.license is None:
            continue
        try:
            keys = ids(parse(decision.license))
        except LicenseExpressionError:
            continue
        for key in keys:
            terms = db.license(key)
            if terms is not None:
                found[terms.id] = terms
    return tuple(found[key] for key in sorted(found))


def named_in(extraction: Extraction, files: Sequence[SourceFile]) -> Extraction:
    """The references, unresolved values and training places whose naming place is in ``files``,
    one reference per place and model (two loaders reading the same caller's argument are one
    finding), and the errors of ``files`` (internal errors of any file: they fail the run
    closed)."""
    paths = {f.path for f in files}
    refs: dict[tuple[object, ...], ModelRef] = {}
    for ref in extraction.refs:
        if ref.path in paths:
            refs.setdefault((*_ref_order(ref), ref.kind), ref)
    unresolved: dict[tuple[object, ...], UnresolvedRef] = {}
    for item in sorted(
        set(extraction.unresolved), key=lambda u: (_unresolved_order(u), u.extractor, u.reason)
    ):
        if item.path in paths:
            unresolved.setdefault(_unresolved_order(item), item)
    errors = [e for e in extraction.errors if e.path in paths or e.internal]
    uses = tuple(use for use in extraction.uses if use.path in paths)
    return Extraction(tuple(refs.values()), tuple(unresolved.values()), tuple(errors), uses)


def _own_first(files: Sequence[SourceFile], extractions: Sequence[Extraction]) -> list[Extraction]:
    """The references each file's own extraction found in it first (a loader call written
    there, ``via`` the constant it reads), then those other files' loaders found in it (``via``
    the loader), each group in a stable order: ``named_in`` keeps the first per place."""
    own: list[ModelRef] = []
    other: list[ModelRef] = []
    for file, extraction in zip(files, extractions, strict=True):
        for ref in extraction.refs:
            (own if ref.path == file.path else other).append(ref)
    refs = (*sorted(set(own), key=_stable), *sorted(set(other), key=_stable))
    return [Extraction(refs=refs), *(replace(e, refs=()) for e in extractions)]


def merge(extractions: Iterable[Extraction]) -> Extraction:
    """All extractions as one."""
    refs: list[ModelRef] = []
    unresolved: list[UnresolvedRef] = []
    errors: list[FileError] = []
    uses: list[Use] = []
    for item in extractions:
        refs.extend(item.refs)
        unresolved.extend(item.unresolved)
        errors.extend(item.errors)
        uses.extend(item.uses)
    return Extraction(tuple(refs), tuple(unresolved), tuple(errors), tuple(uses))


def extract_all(
    root: Path,
    files: Sequence[SourceFile],
    jobs: int = 0,
    cache: ExtractionCache | None = None,
    progress: ScanProgress | None = None,
    limit: int = MAX_READ_BYTES,
    reads: ScanReads | None = None,
    probe: Probe | None = None,
    change: Change | None = None,
) -> list[Extraction]:
    """Extract every file: from the cache while still valid, else in supervised workers;
    what each extraction depended on goes to ``reads`` (with a cache only). ``probe``: the
    one planning used, with the hashes it took (else a new one). ``change``: the files a
    commit changes; each other file's extraction is ``narrowed`` to them unless one of its
    reads differs before the change (``change.Before.affected``) or is not known."""
    forget_previous_run(listing=probe is None)  # planning's probe comes with its listing
    probe = probe or Probe(root, None if cache is None else cache.manifests)
    contents: list[str | None] = [None] * len(files)
    if cache is not None:
        contents = content_hashes(root, files, probe, limit, cache.has)  # a cold run keeps none
    wanted = _Wanted(root, change)
    cached = [
        wanted.cached(cache, file, content, probe, limit) if cache is not None and content else None
        for file, content in zip(files, contents, strict=True)
    ]
    probe.loaded.clear()  # the bytes read for the keys served the lookups: workers fork next
    found: list[Extraction | None] = [None if hit is None else hit[0] for hit in cached]
    known: list[Dependencies | None] = [None if hit is None else hit[1] for hit in cached]
    todo = [index for index, hit in enumerate(found) if hit is None]
    if todo:
        hits = len(files) - len(todo)
        tell = None if progress is None else (lambda done: progress(hits + done, len(files)))
        todo_files = [files[i] for i in todo]
        record = (cache is not None or change is not None, limit)
        fresh = _extract_isolated(root, todo_files, jobs, record, tell)
        for index, result in zip(todo, fresh, strict=True):
            known[index] = _keep(cache, files[index], contents[index], result)
            found[index] = wanted.narrowed(files[index], result[0], result[1])
    if cache is not None:
        searched = {deps.universe for i in todo if (deps := known[i]) and deps.universe}
        cache.keep_modules(probe, searched)
        cache.prune()
    if reads is not None:
        reads.complete &= cache is not None and None not in known
        reads.extraction += [deps for deps in known if deps is not None]
    return [item if item is not None else Extraction() for item in found]


def _keep(
    cache: ExtractionCache | None, file: SourceFile, content: str | None, fresh: Fresh
) -> Dependencies | None:
    """What a fresh extraction of ``file`` depends on, cached with it (``content``: the hash
    of the file's bytes read for its key); None, and not cached, without a cache, when it may
    not recur (an internal error) or when the file changed while it was extracted."""
    extraction, deps, after, code = fresh
    internal = any(error.internal for error in extraction.errors)
    if cache is None or content is None or content != after or internal:
        return None
    recorded = deps or Dependencies()
    cache.put(file, content, extraction, recorded)
    if code is not None:
        cache.put_code(file, code, content)
    return replace(recorded, layout=None)  # kept with the entry: not held for the scan's end


class _Wanted:
    """Which findings of each extraction a scan for ``change`` reports (all without one)."""

    def __init__(self, root: Path, change: Change | None) -> None:
        self.change = change
        self.before = None if change is None else Before(root, change)
        self.decided: dict[str, tuple[Dependencies, frozenset[str] | None]] = {}  # by file

    def within(self, file: SourceFile, deps: Dependencies | None) -> frozenset[str] | None:
        """The files whose findings are wanted of ``file``'s extraction, which read ``deps``
        (None: all): the changed files' unless it is one or a read of it differs before."""
        if self.change is None or self.before is None or deps is None:
            return None
        known = self.decided.get(file.path)
        if known is None or known[0] is not deps:  # asked once per file and reads
            wanted = file.path in self.change.paths or self.before.affected(deps)
            known = self.decided[file.path] = (deps, None if wanted else self.change.paths)
        return known[1]

    def cached(
        self, cache: ExtractionCache, file: SourceFile, content: str, probe: Probe, limit: int
    ) -> tuple[Extraction, Dependencies] | None:
        """``_lookup`` of ``file``, what it found as far as it is wanted (only that read back
        from the entry of its bytes)."""
        changed = self.change is None or file.path in self.change.paths
        hit = _lookup(
            cache, file, content, probe, limit, None if changed else partial(self.within, file)
        )
        return None if hit is None else (self.narrowed(file, *hit), hit[1])

    def narrowed(
        self, file: SourceFile, extraction: Extraction, deps: Dependencies | None
    ) -> Extraction:
        """An extraction of ``file`` as far as it is wanted (``change.narrowed``; again
        for one a lookup read back narrowed already: the same)."""
        within = self.within(file, deps)
        return extraction if within is None else narrowed(extraction, within)


def _lookup(
    cache: ExtractionCache,
    file: SourceFile,
    content: str,
    probe: Probe,
    limit: int,
    wanted: Wanted | None = None,
) -> tuple[Extraction, Dependencies] | None:
    """The cached extraction of ``file``: by its bytes, else by its code when only comments
    outside brackets or blank lines at its end changed, or statements its extraction cannot
    read were appended (``slices.inert_tails``) or inserted, its positions then moved
    (``shift``); on a root's first run, by its bytes only (no earlier version of it to
    match: a cold scan would slice every module in vain). ``wanted``: what is read back of
    the entry of its bytes (``ExtractionCache.lookup``)."""
    hit = cache.lookup(file, content, probe, wanted)
    if hit is None and not probe.first_run():  # modules it read only moved?
        hit = shifted.lookup(cache, file, content, probe)
    if hit is not None or file.kind is not SourceKind.PYTHON or probe.first_run():
        return hit
    try:
        data = read_bytes(probe.ctx.root, probe.ctx.root / file.path, limit)
    except ReadProblem:
        return None
    code = own_code(file, data)
    hit = None if code is None else cache.lookup_code(file, code[1], probe)
    if code is not None and hit is None:  # statements appended that nothing reads?
        hit = cache.lookup_appended(file, code[0], probe)
    if code is not None and hit is None and not data.startswith(codecs.BOM_UTF8):
        hit = shifted.lookup_inserted(cache, file, code[0], probe)  # or inserted
    return None if code is None or hit is None or not parses(code[0]) else hit


def own_code(file: SourceFile, data: bytes) -> tuple[str, str] | None:
    """A Python file's text and code hash (``codehash``), when its extraction reads it whole:
    UTF-8, no NUL byte, within the parse limit (else None)."""
    if file.kind is not SourceKind.PYTHON or b"\0" in data:
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    return (text, code_digest(text)) if len(text) <= MAX_PARSE_BYTES else None


def _extract_isolated(
    root: Path,
    files: Sequence[SourceFile],
    jobs: int,
    options: tuple[bool, int],
    progress: Callable[[int], None] | None,
) -> list[Fresh]:
    """Each file extracted in a supervised worker (one worker for a few files, so they share
    parsed modules; one per core, or ``jobs``, for many); a crash becomes that file's error.
    ``options``: whether to record what each extraction depends on (caching), the read limit."""
    from scanner.find import isolate  # multiprocessing: only when something is extracted

    workers = (jobs or os.cpu_count() or 1) if len(files) >= PARALLEL_THRESHOLD else 1
    tasks = [(root, file, *options) for file in files]
    budget = isolate.Budget.from_env(os.environ)
    outcomes = isolate.run(_work, tasks, workers, budget, _label, progress)
    return [
        (crashed(root, file, outcome.reason, options[1]), None, None, None)
        if isinstance(outcome, isolate.Crash)
        else outcome
        for file, outcome in zip(files, outcomes, strict=True)
    ]


Keep = Callable[[SourceFile, str], bool]
"""Whether the bytes of a file with this content hash serve a validity check later."""


def content_hashes(
    root: Path,
    files: Sequence[SourceFile],
    probe: Probe,
    limit: int = MAX_READ_BYTES,
    keep: Keep | None = None,
) -> list[str | None]:
    """Each file's content hash (None: unreadable); ``probe`` keeps the Python files' bytes for
    the validity checks that follow (only those ``keep`` names, when given)."""
    return [_content(root, file, probe, limit, keep) for file in files]


def _content(
    root: Path,
    file: SourceFile,
    probe: Probe | None,
    limit: int = MAX_READ_BYTES,
    keep: Keep | None = None,
) -> str | None:
    """The hash of a file's bytes (None when it cannot be read: extraction reports why): the
    one ``probe`` recorded while the file's status is unchanged, else read."""
    recorded = None if probe is None else probe.recorded(file.path, limit)
    if recorded is not None:
        return recorded
    try:
        data = read_bytes(root, root / file.path, limit)
    except ReadProblem:
        return None
    hashed = digest(data)
    if probe is not None and file.path.endswith(".py") and (keep is None or keep(file, hashed)):
        probe.preload(file.path, data)  # validity checks may need its text: read once
    return hashed


Task = tuple[Path, SourceFile, bool, int]
"""A worker's job: the root, the file, whether to record dependencies, the read limit."""


def _label(task: Task) -> str:
    return task[1].path


Fresh = tuple[Extraction, Dependencies | None, str | None, str | None]
"""A worker's extraction, what it depends on, and the file's content hash and code hash after
it (caching; the code hash only for a Python file extracted without a problem)."""


def _work(task: Task) -> Fresh:
    """A worker's job: one file's extraction, with what it depends on when caching (and the
    content hash read after it: a file edited meanwhile is not cached under the old hash)."""
    root, file, observe, limit = task
    ctx = RepoContext(root, Observations() if observe else None)
    extraction = extract_file(root, file, ctx, limit)
    if ctx.observed is None:
        return extraction, None, None, None
    searched = universe(ctx) if ctx.observed.searches else None
    deps = dependencies(file.path, ctx.observed, searched)
    try:
        data = read_bytes(root, root / file.path, limit)
    except ReadProblem:
        return extraction, deps, None, None
    code = None if extraction.errors else own_code(file, data)
    if code is not None and not data.startswith(codecs.BOM_UTF8):  # its layout: ``shift``
        deps = replace(deps, layout=tuple(layout(code[0])))
    return extraction, deps, digest(data), None if code is None else code[1]


def crashed(root: Path, file: SourceFile, reason: str, limit: int = MAX_READ_BYTES) -> Extraction:
    """A file whose worker crashed or overran its budget: the reason, and for Python what the
    fallback tokenizer finds in it."""
    text, _ = read_text(root / file.path, file.path, root, limit)
    if text is None or file.kind is not SourceKind.PYTHON:
        message = f"{reason} while scanning it (or a module it imports); not scanned"
        return Extraction(errors=(FileError(file.path, message, unscanned=Unscanned.SKIPPED),))
    message = (
        f"{reason} while parsing it (or a module it imports); searched by the fallback tokenizer"
    )
    error = FileError(file.path, message, unscanned=Unscanned.SKIPPED)
    from scanner.find.extractors import python

    return Extraction(python.fallback(file.path, text, RepoContext(root)), (), (error,))


def extract_file(
    root: Path, file: SourceFile, ctx: RepoContext | None = None, limit: int = MAX_READ_BYTES
) -> Extraction:
    """Everything found in one file; never raises (surprises become internal FileErrors)."""
    try:
        return _extract(root, file, ctx or RepoContext(root), limit)
    except Exception:
        message = "internal error while scanning:\n" + traceback.format_exc()
        return Extraction(errors=(FileError(file.path, message, internal=True),))


def _extract(root: Path, file: SourceFile, ctx: RepoContext, limit: int) -> Extraction:
    from scanner.find.extractors import EXTRACTORS  # in workers (or after a fork)

    text, problems = read_text(root / file.path, file.path, root, limit)
    if text is None:
        return Extraction(errors=problems)
    if file.kind is SourceKind.PYTHON and len(text) > MAX_PARSE_BYTES:
        from scanner.find.extractors import python

        size = f"{len(text) / 1_000_000:.1f} MB"
        problems += (
            FileError(
                file.path,
                f"not parsed: {size} is over the "
                f"{MAX_PARSE_BYTES / 1_000_000:g} MB parse limit (generated?); "
                "scanned with the fallback tokenizer",
            ),
        )
        return Extraction(refs=python.fallback(file.path, text, ctx), errors=problems)
    parts = [extractor(file.path, text, ctx) for extractor in EXTRACTORS[file.kind]]
    merged = merge(parts)
    return replace(merged, errors=merged.errors + problems)


def read_text(
    path: Path, rel: str, root: Path, limit: int = MAX_READ_BYTES
) -> tuple[str | None, tuple[FileError, ...]]:
    """Decoded text of a file plus problems; text None when the file cannot be scanned at all."""
    try:
        data = read_bytes(root, path, limit)
    except ReadProblem as exc:
        kind = Unscanned.SKIPPED if exc.skipped else Unscanned.UNREADABLE
        return None, (FileError(rel, exc.message, unscanned=kind),)
    if b"\0" in data:
        message = "not scanned: binary content (NUL bytes) in a text file"
        return None, (FileError(rel, message, unscanned=Unscanned.SKIPPED),)
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        error = FileError(
            rel, f"invalid UTF-8 at byte {exc.start}; scanned with replacement characters", line
        )
        return data.decode("utf-8-sig", errors="replace"), (error,)
