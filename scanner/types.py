"""Shared frozen records passed between the scanner's stages. No logic lives here."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from enum import Enum
from functools import cache
from typing import Any, NewType

from license_db.schema import LicenseTerms, Match

ModelId = NewType("ModelId", str)
"""A normalised model identifier, made only by ``scanner.find.identify``."""


class SourceKind(str, Enum):
    """What kind of file a path is; chooses the extractor."""

    PYTHON = "python"
    NOTEBOOK = "notebook"
    REQUIREMENTS = "requirements"
    PYPROJECT = "pyproject"
    SETUP_CFG = "setup_cfg"
    YAML = "yaml"
    JSON = "json"
    TOML = "toml"
    CONDA = "conda"  # a conda environment file (environment.yml)


class RefKind(str, Enum):
    """What a reference points at; decides how the database resolves it."""

    HUGGINGFACE = "huggingface"  # a Hub repo id, "org/name" or a legacy bare id
    API = "api"  # a hosted proprietary model name ("gpt-4o"), provider in ModelRef.provider
    SPACY = "spacy"  # a spaCy pipeline package ("en_core_web_sm")
    ULTRALYTICS = "ultralytics"  # an Ultralytics weights name ("yolov8n.pt")
    TORCH_HUB = "torch_hub"  # "owner/repo:model" from torch.hub.load
    TIMM = "timm"  # a timm architecture name loaded with pretrained weights
    OPEN_CLIP = "open_clip"  # "arch:pretrained-tag"
    OLLAMA = "ollama"  # an Ollama tag ("llama3.1:8b")
    PACKAGE = "package"  # a Python package whose own license governs the weights it fetches
    LOCAL = "local"  # a model folder inside the repository (raw is its repo-relative path)
    DATASET = "dataset"  # a Hub dataset id (datasets carry licenses too)


EXPLAIN_KINDS = (
    RefKind.HUGGINGFACE,
    RefKind.API,
    RefKind.SPACY,
    RefKind.ULTRALYTICS,
    RefKind.OLLAMA,
    RefKind.PACKAGE,
    RefKind.DATASET,
)
"""The kinds ``explain`` looks a name up as, in this order (``--kind`` picks one)."""


class Scope(str, Enum):
    """Where in the repository a reference sits; the policy may decide per scope."""

    RUNTIME = "runtime"  # the code the project ships or runs (the default)
    TEST = "test"  # test suites and fixtures
    EXAMPLE = "example"  # examples and tutorials, notebooks under them
    DOCS = "docs"  # documentation
    DEV = "dev"  # build, CI and maintenance scripts


class Confidence(str, Enum):
    """How sure the extractor is; LOW for the tokenizer fallback on unparsable files."""

    HIGH = "high"
    LOW = "low"


class UseKind(str, Enum):
    """What the code does with a model at one place (``uses`` of a finding)."""

    FINE_TUNING = "fine-tuning"  # trains or adapts the loaded weights (Trainer, peft, a loop)
    MERGING = "merging"  # merges adapters into the weights (merge_and_unload)
    DISTILLATION = "distillation"  # the model teaches another one
    DISTRIBUTION = "distribution"  # the weights leave the repository (push_to_hub, upload)
    EXPORT = "export"  # converted for shipping (ONNX, GGUF)

    @property
    def modifies(self) -> bool:
        """True for the uses that make a derivative of the model."""
        return self in (UseKind.FINE_TUNING, UseKind.MERGING)

    @property
    def distributes(self) -> bool:
        """True for the uses by which the model leaves the repository."""
        return self in (UseKind.DISTRIBUTION, UseKind.EXPORT)


@dataclass(frozen=True, slots=True)
class Privacy:
    """Differential-privacy evidence at one training place; numbers are None when not stated.

    ``sample_rate`` is the stated rate or batch size / dataset size; ``steps`` the stated
    steps or epochs / sample rate. ``epsilon``/``delta`` as the code states them (a target).
    """

    dp: bool
    mechanism: str | None = None  # e.g. "opacus.make_private", "hand-written DP-SGD step"
    epsilon: float | None = None
    delta: float | None = None
    noise_multiplier: float | None = None
    max_grad_norm: float | None = None
    sample_rate: float | None = None
    steps: int | None = None
    missing: tuple[str, ...] = ()  # the parameters an accountant would need that are not known
    accountant: str | None = None  # set when ``epsilon`` was computed, not stated
    unresolved: str | None = None  # why epsilon is not known, when it is not


@dataclass(frozen=True, slots=True)
class Use:
    """One place where the code trains, merges, distils, ships or exports a model.

    ``models`` are the identifiers (as found) of the references in the same file whose model
    the place uses (the loader's variable followed); empty when no model can be linked.
    ``privacy`` is set on training places only.
    """

    kind: UseKind
    path: str
    line: int
    column: int
    call: str  # the callable as written, qualified through imports (``transformers.Trainer``)
    models: tuple[str, ...] = ()
    privacy: Privacy | None = None
    cell: int | None = None


@dataclass(frozen=True, slots=True)
class ModelRef:
    """One place in one file that names a model.

    ``path`` is repo-relative POSIX; ``line``/``column`` are 1-based and point at the value's
    expression (for a resolved constant: the use site, with ``via`` naming where the value came
    from). ``raw`` is the identifier as found after value resolution; ``extractor`` is a stable id
    such as ``py.from_pretrained``; ``cell`` is the 1-based notebook cell.
    """

    path: str
    line: int
    column: int
    kind: RefKind
    raw: str
    extractor: str
    source: SourceKind
    cell: int | None = None
    confidence: Confidence = Confidence.HIGH
    provider: str | None = None
    via: str | None = None
    uses: tuple[Use, ...] = ()  # what the code does with it beyond loading (see ``Use``)


@dataclass(frozen=True, slots=True)
class UnresolvedRef:
    """A model argument whose value cannot be known statically (``model=args.model``)."""

    path: str
    line: int
    column: int
    expression: str
    extractor: str
    source: SourceKind
    cell: int | None = None
    reason: str = "value is not known statically"
    suppressed: str | None = None  # why it is suppressed (inline ignore, baseline); None if not
    scope: Scope = Scope.RUNTIME  # set by decide.scopes from the path
    verdict: Verdict | None = None  # its scope's on.unresolved; None: Report.unresolved_verdict


class Unscanned(str, Enum):
    """Why a file was not scanned at all (a FileError without it was scanned, perhaps in part)."""

    SKIPPED = "skipped"  # never read: not a regular file, a symlink out of the root, too large
    UNREADABLE = "unreadable"  # reading failed: permission, I/O error, binary content


@dataclass(frozen=True, slots=True)
class FileError:
    """A file that could not be read or parsed (fully); the scan goes on."""

    path: str
    message: str
    line: int | None = None
    internal: bool = False  # an unexpected exception in our code: fails the run closed (exit 2)
    unscanned: Unscanned | None = None  # set when nothing of the file was scanned


@dataclass(frozen=True, slots=True)
class ScanTotals:
    """How many files of a kind the scanner reads were seen, scanned, skipped and unreadable."""

    seen: int = 0
    scanned: int = 0
    skipped: int = 0
    unreadable: int = 0


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything one extractor found in one file."""

    refs: tuple[ModelRef, ...] = ()
    unresolved: tuple[UnresolvedRef, ...] = ()
    errors: tuple[FileError, ...] = ()
    uses: tuple[Use, ...] = ()  # every training/distribution place, linked to a model or not


EMPTY_EXTRACTION = Extraction()


class Verdict(str, Enum):
    """The outcome for one finding, ordered PASS < WARN < FAIL."""

    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"

    @property
    def rank(self) -> int:
        """0, 1, 2 for pass, warn, fail."""
        return ("pass", "warn", "fail").index(self.value)


@dataclass(frozen=True, slots=True)
class PolicyLine:
    """Where a policy fact comes from: a file and 1-based line, or the embedded default."""

    file: str
    line: int | None
    key: str  # dotted key, e.g. "usage.monthly_active_users"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason behind a verdict: the rule, the license term and the policy line that decided."""

    code: str  # stable rule code, e.g. "MDL003"
    verdict: Verdict
    message: str
    term: str | None = None  # license term that decided, e.g. "mau_limit = 700000000"
    term_source: str | None = None  # where that term is documented (URL)
    policy: PolicyLine | None = None
    fix: str | None = None
    missing: str | None = None  # the policy key this reason asks the policy to state
    waived: Verdict | None = None  # the verdict before an exception covered it


@dataclass(frozen=True, slots=True)
class ExceptionUse:
    """The policy exception a decision relies on: which entry, for which model, and why."""

    key: str  # dotted key of the entry, e.g. "exceptions[0]"
    model: str  # the entry's model id or pattern
    license: str
    reason: str
    approved_by: str
    expires: str | None  # ISO date, or None for an exception without an expiry date
    policy: PolicyLine | None = None


@dataclass(frozen=True, slots=True)
class Obligation:
    """A duty that comes with using a model that passes (attribution, notice, flow-down...)."""

    code: str  # e.g. "OBL001"
    license: str
    text: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Known:
    """A reference the database resolved to a license (``match.license`` may be an expression)."""

    ref: ModelRef
    model: ModelId
    match: Match


@dataclass(frozen=True, slots=True)
class Unknown:
    """A reference whose license the database does not know: data, not an error."""

    ref: ModelRef
    model: ModelId
    reason: str


Resolved = Known | Unknown


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's verdict on one reference, with every reason and obligation behind it."""

    ref: ModelRef
    model: ModelId
    verdict: Verdict
    license: str | None  # license id or expression; None when unknown
    match: Match | None
    reasons: tuple[Reason, ...] = ()
    obligations: tuple[Obligation, ...] = ()
    suppressed: str | None = None  # why it is suppressed (inline ignore, baseline); None if not
    scope: Scope = Scope.RUNTIME  # set by decide.scopes from the path
    exception: ExceptionUse | None = None  # the exception that covers a reason, if one does


@dataclass(frozen=True, slots=True)
class UseFinding:
    """A verdict on one training or distribution place itself (no model reference carries it:
    the model is not linked, or the rule is about the place, e.g. training without DP)."""

    use: Use
    reason: Reason
    suppressed: str | None = None


@dataclass(frozen=True, slots=True)
class Report:
    """Everything one scan produced, ready for a report format."""

    decisions: tuple[Decision, ...]
    unresolved: tuple[UnresolvedRef, ...]
    errors: tuple[FileError, ...]
    db_version: str
    policy_source: str  # the policy file's path, or "embedded default"
    unresolved_verdict: Verdict = Verdict.WARN
    licenses: tuple[LicenseTerms, ...] = field(default=())  # terms of every license referenced
    stale_baseline: tuple[str, ...] = ()  # baseline entries that no longer match
    totals: ScanTotals = ScanTotals()
    unscanned_verdict: Verdict = Verdict.FAIL  # what a file that was not scanned yields
    stale_exceptions: tuple[Reason, ...] = ()  # MDL018: exceptions that match no model scanned
    uses: tuple[Use, ...] = ()  # every training/distribution place found (see ``Use``)
    use_findings: tuple[UseFinding, ...] = ()  # verdicts on training places no model decides

    @property
    def unscanned(self) -> tuple[FileError, ...]:
        """The errors of files that were not scanned at all."""
        return tuple(error for error in self.errors if error.unscanned is not None)

    @property
    def worst(self) -> Verdict:
        """The worst verdict among unsuppressed decisions, unsuppressed unresolved references,
        files that were not scanned and stale exceptions."""
        ranks = [d.verdict for d in self.decisions if d.suppressed is None]
        ranks += [
            ref.verdict or self.unresolved_verdict
            for ref in self.unresolved
            if ref.suppressed is None
        ]
        ranks.extend(f.reason.verdict for f in self.use_findings if f.suppressed is None)
        if self.unscanned:
            ranks.append(self.unscanned_verdict)
        ranks += [reason.verdict for reason in self.stale_exceptions]
        return max(ranks, key=lambda v: v.rank, default=Verdict.PASS)


def plain(value: Any) -> Any:
    """Records (dataclasses) to dicts, enums to their values and tuples to lists, recursively,
    for JSON: ``dataclasses.asdict`` without its deep copies (a third of rendering a large
    report; the extraction cache writes its entries with it too)."""
    match value:
        case Enum():
            return value.value
        case dict():
            return {key: plain(item) for key, item in value.items()}
        case tuple() | list():
            return [plain(item) for item in value]
        case str() | int() | float() | None:
            return value
    kind: type = value.__class__
    names = _field_names(kind)
    if names is None:
        return value
    return {name: plain(getattr(value, name)) for name in names}


@cache
def _field_names(kind: type) -> tuple[str, ...] | None:
    """The fields of a dataclass type, in order; None for any other type."""
    return tuple(f.name for f in fields(kind)) if is_dataclass(kind) else None
