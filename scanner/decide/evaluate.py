"""Decide one finding against the policy, the way a careful licensing lawyer would.

Every license in the finding's expression is checked term by term against the policy's facts
(``CHECKS``, one function per term). ``A AND B``: every branch applies and the worst verdict wins.
``A OR B``: the user may choose, so the best branch wins and a reason names the choice. A fact
the policy does not state never passes a term that depends on it: it warns and asks for the fact.
Every reason names the license term (with its source), the policy line and a fix.
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import product

from license_db.expression import (
    AllOf,
    AnyOf,
    Expr,
    LicenseExpressionError,
    LicenseId,
    parse,
    render,
)
from license_db.schema import (
    Commercial,
    LicenseTerms,
    LimitEffect,
    LimitScope,
    Match,
    OutputTraining,
    Period,
)
from license_db.vocabulary import USE_CATEGORIES, tags_for
from scanner.decide.obligations import distributes, obligations_for, revenue_over, term_source
from scanner.decide.policy import EU_MEMBERS, POLICY_FILE, LicenseCatalog, Policy, PolicyException
from scanner.types import (
    Confidence,
    Decision,
    Known,
    ModelId,
    ModelRef,
    Obligation,
    PolicyLine,
    Reason,
    RefKind,
    Unknown,
    Verdict,
)

UNKNOWN_LICENSE = "unknown"  # the database id a finding without a known license is pinned to
NON_PRODUCTION = frozenset({"research-only", "non-production"})
MAX_BRANCHES = 64


# -- entry points ----------------------------------------------------------------------------


def evaluate(
    resolved: Known | Unknown, policy: Policy, db: LicenseCatalog, today: datetime.date
) -> Decision:
    """The policy's verdict on one resolved reference, with reasons and obligations."""
    ref, model = resolved.ref, resolved.model
    found = resolved.match if isinstance(resolved, Known) else None
    license_text = found.license if found else None
    if ref.kind is RefKind.DATASET and not policy.evaluate_datasets:
        return _dataset_skipped(ref, model, license_text, found, policy)
    match resolved:
        case Known():
            reasons, duties = _assess_known(resolved.match, policy, db)
            names: tuple[str, ...] = (model, resolved.match.model_id)
        case Unknown():
            reasons, duties, names = [_unknown_model(resolved, policy)], [], (model,)
    reasons = _apply_exceptions(names, license_text, reasons, policy, db, today)
    if ref.confidence is Confidence.LOW:
        reasons.append(_low_confidence(ref))
    return Decision(
        ref=ref,
        model=model,
        verdict=worst(r.verdict for r in reasons),
        license=license_text,
        match=found,
        reasons=tuple(reasons),
        obligations=tuple(dict.fromkeys(duties)),
    )


def evaluate_unresolved(policy: Policy) -> Verdict:
    """The verdict for a model argument whose value is not known statically."""
    return policy.on.unresolved


def worst(verdicts: Iterable[Verdict]) -> Verdict:
    """The worst verdict (PASS when there is none)."""
    return max(verdicts, key=lambda v: v.rank, default=Verdict.PASS)


def _dataset_skipped(
    ref: ModelRef, model: ModelId, license_text: str | None, found: Match | None, policy: Policy
) -> Decision:
    reason = Reason(
        code="MDL021",
        verdict=Verdict.PASS,
        message="dataset reference: not evaluated (the policy does not ask to evaluate datasets)",
        policy=policy.line("datasets.evaluate"),
        fix=f"set [datasets] evaluate = true in {_policy_file(policy)} to check dataset licenses",
    )
    return Decision(ref, model, Verdict.PASS, license_text, found, (reason,))


def _low_confidence(ref: ModelRef) -> Reason:
    """Informational: the verdict stands, but the reference itself may be misread."""
    return Reason(
        code="MDL020",
        verdict=Verdict.PASS,
        message=(
            f"{ref.raw} was found by the fallback tokenizer in a file that does not parse: "
            "check that it is a model reference"
        ),
        fix=f"fix the syntax of {ref.path} so it can be scanned exactly",
    )


def _unknown_model(resolved: Unknown, policy: Policy) -> Reason:
    return Reason(
        code="MDL001",
        verdict=policy.on.unknown,
        message=f"license of {resolved.model} is unknown: {resolved.reason}",
        policy=policy.line("on.unknown"),
        fix=(
            f"choose a model with a known license, add an exception with license = "
            f'"{UNKNOWN_LICENSE}" in {_policy_file(policy)}, or set on.unknown'
        ),
    )


# -- expressions -----------------------------------------------------------------------------


def _assess_known(
    found: Match, policy: Policy, db: LicenseCatalog
) -> tuple[list[Reason], list[Obligation]]:
    """Reasons and duties of the best branch of the finding's license expression."""
    try:
        expr = parse(found.license)
    except LicenseExpressionError as exc:
        return [_unknown_license(found.license, str(exc), policy)], []
    branches = dnf(expr)
    assessed = [_assess_branch(branch, policy, db, found) for branch in branches]
    best = min(range(len(assessed)), key=lambda i: _branch_rank(assessed[i][0]))
    reasons, duties = assessed[best]
    if len(branches) > 1:
        reasons = [_choice_reason(expr, branches[best]), *reasons]
    if found.inferred:
        reasons.append(_inferred(found, policy))
    return reasons, duties


def _branch_rank(reasons: Sequence[Reason]) -> tuple[int, int]:
    verdict = worst(r.verdict for r in reasons)
    return verdict.rank, sum(1 for r in reasons if r.verdict is not Verdict.PASS)


def dnf(expr: Expr) -> list[tuple[str, ...]]:
    """The expression as alternatives, each a tuple of license ids that all apply."""
    match expr:
        case LicenseId(key):
            return [(key,)]
        case AnyOf(args):
            return [branch for arg in args for branch in dnf(arg)][:MAX_BRANCHES]
        case AllOf(args):
            combos = product(*(dnf(arg) for arg in args))
            return [tuple(dict.fromkeys(k for part in c for k in part)) for c in combos][
                :MAX_BRANCHES
            ]
    raise TypeError(expr)  # pragma: no cover - exhaustive


def _choice_reason(expr: Expr, branch: tuple[str, ...]) -> Reason:
    chosen = " AND ".join(branch)
    return Reason(
        code="MDL024",
        verdict=Verdict.PASS,
        message=(
            f"{render(expr)} offers a choice of licenses; evaluated under {chosen}, the "
            "choice that fits the policy best: use the model under its terms"
        ),
        term=f"license = {render(expr)}",
    )


def _assess_branch(
    branch: tuple[str, ...], policy: Policy, db: LicenseCatalog, found: Match
) -> tuple[list[Reason], list[Obligation]]:
    reasons: list[Reason] = []
    duties: list[Obligation] = []
    canonical = frozenset(canonical_id(k, db) for k in branch)
    for key in branch:
        terms = db.license(key)
        if terms is None:
            reasons.append(_unknown_license(key, "not in the license database", policy))
            continue
        reasons += _lists(terms, canonical, policy, db)
        if terms.category == "unknown":
            reasons.append(_unknown_license(terms.id, terms.name, policy, terms))
            continue
        reasons += [r for check in CHECKS for r in check(terms, policy, found)]
        duties += obligations_for(terms, policy)
    return reasons, duties


def canonical_id(key: str, db: LicenseCatalog) -> str:
    """The database id for ``key`` (any case, or an SPDX id); ``key`` lowercased if unknown."""
    terms = db.license(key)
    return terms.id if terms is not None else key.lower()


def expression_key(text: str, db: LicenseCatalog) -> str:
    """A comparison key for ``text``: database ids, sorted operands (``A OR B`` == ``b or a``)."""
    return _canonical(parse(text), db)


def _canonical(expr: Expr, db: LicenseCatalog) -> str:
    match expr:
        case LicenseId(key):
            return canonical_id(key, db)
        case AllOf(args):
            return "(" + " AND ".join(sorted({_canonical(a, db) for a in args})) + ")"
        case AnyOf(args):
            return "(" + " OR ".join(sorted({_canonical(a, db) for a in args})) + ")"
    raise TypeError(expr)  # pragma: no cover - exhaustive


def _unknown_license(
    key: str, detail: str, policy: Policy, terms: LicenseTerms | None = None
) -> Reason:
    return Reason(
        code="MDL001",
        verdict=policy.on.unknown,
        message=f"license '{key}' is unknown ({detail}): its terms cannot be checked",
        term=f"license = {key}",
        term_source=_source(terms) if terms else None,
        policy=policy.line("on.unknown"),
        fix=(
            f"confirm the model's license and add an exception in {_policy_file(policy)}, "
            "choose a model with a known license, or set on.unknown"
        ),
    )


def _inferred(found: Match, policy: Policy) -> Reason:
    base = found.base_model or "its base model"
    return Reason(
        code="MDL013",
        verdict=policy.on.inferred,
        message=(
            f"license {found.license} is inferred from {base}, not declared by "
            f"{found.model_id} ({found.detail})"
        ),
        term=f"license = {found.license}",
        term_source=found.source or None,
        policy=policy.line("on.inferred"),
        fix=(
            f"check the model's own license and add an exception in {_policy_file(policy)}, "
            "or set on.inferred"
        ),
    )


# -- allow- and deny-lists -------------------------------------------------------------------


def _lists(
    terms: LicenseTerms, branch: frozenset[str], policy: Policy, db: LicenseCatalog
) -> Iterator[Reason]:
    """Deny-list, then allow-list (when it is not empty) for one license of a branch."""
    term = f"license = {terms.id}"
    for index, entry in enumerate(policy.licenses.deny):
        if _covered_by(terms.id, entry, branch, db):
            msg = f"{terms.id} is on the deny-list ('{entry}')"
            fix = _fix(policy, "choose a model under another license", "licenses.deny")
            yield _reason(
                "MDL011", Verdict.FAIL, msg, terms, term, policy, f"licenses.deny[{index}]", fix
            )
    allow = policy.licenses.allow
    if not allow:
        return
    hit = next((i for i, e in enumerate(allow) if _covered_by(terms.id, e, branch, db)), None)
    if hit is None:
        msg = f"{terms.id} is not on the allow-list"
        fix = _fix(policy, "choose a model under an allowed license", "licenses.allow")
        yield _reason("MDL012", Verdict.FAIL, msg, terms, term, policy, "licenses.allow", fix)
    else:
        msg = f"{terms.id} is on the allow-list ('{allow[hit]}')"
        yield _reason(
            "MDL012", Verdict.PASS, msg, terms, term, policy, f"licenses.allow[{hit}]", None
        )


def _covered_by(license_id: str, entry: str, branch: frozenset[str], db: LicenseCatalog) -> bool:
    """True when list ``entry`` names ``license_id`` in an alternative ``branch`` satisfies.

    ``MIT OR Apache-2.0`` names each alone; ``mit AND llama3.1`` names the pair, so it covers
    ``mit`` only in a branch that also has ``llama3.1``.
    """
    try:
        alternatives = dnf(parse(entry))
    except LicenseExpressionError:
        return False
    for alternative in alternatives:
        needed = {canonical_id(k, db) for k in alternative}
        if license_id in needed and needed <= branch:
            return True
    return False


# -- one check per license term ----------------------------------------------------------------

Check = Callable[[LicenseTerms, Policy, Match], Iterator[Reason]]
"""One license term against the policy, for the finding ``Match`` (some terms cover some models)."""


def _check_commercial(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    commercial = policy.usage.commercial
    term = f"commercial = {terms.commercial.value}"
    note = f" ({terms.commercial_note})" if terms.commercial_note else ""
    key = "usage.commercial"
    if terms.commercial is Commercial.NO:
        if commercial:
            fix = _fix(policy, "choose a model under a license that permits commercial use", key)
            msg = f"{_named(terms)}{_kind(terms)} does not permit commercial use{note}"
            yield _reason("MDL003", Verdict.FAIL, msg, terms, term, policy, key, fix)
        elif commercial is None:
            what = f"{_named(terms)}{_kind(terms)} forbids commercial use{note}"
            yield _not_stated(terms, term, policy, key, what)
        else:
            msg = f"non-commercial use is permitted by {_named(terms)}"
            yield _reason("MDL003", Verdict.PASS, msg, terms, term, policy, key, None)
    elif terms.commercial is Commercial.UNKNOWN and commercial is not False:
        msg = f"whether {_named(terms)} permits commercial use is not verified{note}"
        yield from _unverified(terms, term, policy, key, msg, waived_for_api=True)
    elif terms.commercial is Commercial.CONDITIONAL and commercial is not False:
        yield from _conditional(terms, term, note, policy)


def _conditional(terms: LicenseTerms, term: str, note: str, policy: Policy) -> Iterator[Reason]:
    key = "usage.commercial"
    modelled = (terms.mau_limit, terms.revenue_limit_usd, terms.aup_url)
    if any(v is not None for v in modelled) or terms.use_restrictions:
        msg = f"{_named(terms)} permits commercial use under conditions, checked below{note}"
        yield _reason("MDL003", Verdict.PASS, msg, terms, term, policy, key, None)
    else:
        msg = (
            f"{_named(terms)} permits commercial use only under conditions not modelled here{note}"
        )
        yield from _unverified(terms, term, policy, key, msg, waived_for_api=True)


@dataclass(frozen=True, slots=True)
class _Limit:
    """A numeric threshold of a license and how to word amounts of it."""

    code: str
    field: str  # LicenseTerms field of the limit
    basis: str  # LicenseTerms field saying how the license counts it
    key: str  # policy key of the organisation's figure
    measure: str  # what is limited, e.g. "monthly active users"
    currency: str  # written before every number, e.g. "USD "
    prefix: str  # written before the organisation's figure, e.g. "annual revenue of "
    suffix: str  # written after it, e.g. " monthly active users"

    def number(self, value: int) -> str:
        """``value`` with its currency and thousands separators: ``USD 1,000,000``."""
        return f"{self.currency}{value:,}"

    def amount(self, value: int) -> str:
        """The organisation's figure in words: ``annual revenue of USD 2,000,000``."""
        return f"{self.prefix}{self.number(value)}{self.suffix}"


MAU = _Limit(
    "MDL004",
    "mau_limit",
    "mau_basis",
    "usage.monthly_active_users",
    "monthly active users",
    "",
    "",
    " monthly active users",
)
REVENUE = _Limit(
    "MDL005",
    "revenue_limit_usd",
    "revenue_basis",
    "usage.annual_revenue_usd",
    "annual revenue",
    "USD ",
    "annual revenue of ",
    "",
)


def _limit_check(spec: _Limit) -> Check:
    """A check of a numeric threshold (monthly active users, annual revenue)."""

    def check(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
        limit: int | None = getattr(terms, spec.field)
        actual: int | None = getattr(policy.usage, spec.key.split(".")[-1])
        key, named = spec.key, _named(terms)
        if limit is None:
            if spec.field in terms.missing and actual != 0:
                msg = f"whether {named} limits {spec.measure} is not verified"
                term = f"{spec.field} not verified"
                yield from _unverified(terms, term, policy, key, msg, waived_for_api=True)
            return
        term = f"{spec.field} = {limit}{_per(terms, spec)}"
        shown = f"{spec.number(limit)}{_per(terms, spec, ' a ')}"
        basis = getattr(terms, spec.basis)
        counted = f"; the license counts {basis}" if basis else ""
        commercial_only = terms.limits_apply_to == LimitScope.COMMERCIAL
        if commercial_only and policy.usage.commercial is False:
            msg = f"{named} limits {spec.measure} ({shown}) of commercial use only; this use is not"
            yield _reason(
                spec.code, Verdict.PASS, msg, terms, term, policy, "usage.commercial", None
            )
            return
        over = None if actual is None else _over(terms, spec, actual, limit)
        if actual is None:
            what = f"{named} limits {spec.measure} to {shown}{counted}"
            yield _not_stated(terms, term, policy, key, what)
        elif over is False:
            msg = f"{_amount(terms, spec, actual)}: within the {shown} limit of {named}"
            yield _reason(spec.code, Verdict.PASS, msg, terms, term, policy, key, None)
        elif over is None:
            msg = (
                f"{_amount(terms, spec, actual)} is above the {shown} limit of {named} counted "
                f"per year, within it counted per month, and the period is not verified{counted}"
            )
            yield from _unverified(terms, term + " (period not verified)", policy, key, msg)
        elif commercial_only and policy.usage.commercial is None:
            what = (
                f"{_amount(terms, spec, actual)} is above the {shown} limit of {named}, which "
                "governs commercial use only"
            )
            yield _not_stated(terms, term, policy, "usage.commercial", what)
        else:
            yield _above(spec, terms, policy, term, f"{_amount(terms, spec, actual)}", counted)

    return check


def _above(
    spec: _Limit, terms: LicenseTerms, policy: Policy, term: str, amount: str, counted: str
) -> Reason:
    """Above a threshold: the grant ends (FAIL), or only a duty attaches (PASS)."""
    limit: int = getattr(terms, spec.field)
    shown, named, key = f"{spec.number(limit)}{_per(terms, spec, ' a ')}", _named(terms), spec.key
    if terms.limit_effect is LimitEffect.NEEDS_LICENSE:
        msg = f"{amount}: above the {shown} limit of {named}{counted}"
        fix = _fix(policy, "obtain a separate license from the licensor, choose another model", key)
        return _reason(spec.code, Verdict.FAIL, msg, terms, term, policy, key, fix)
    msg = (
        f"{amount}: above the {shown} threshold of {named}{counted}, "
        "which attaches a duty, not a loss of the grant (see obligations)"
    )
    return _reason(spec.code, Verdict.PASS, msg, terms, term, policy, key, None)


def _over(terms: LicenseTerms, spec: _Limit, actual: int, limit: int) -> bool | None:
    """Whether the organisation's figure is above the limit (revenue: over the limit's period)."""
    return revenue_over(terms, actual) if spec is REVENUE else actual > limit


def _per(terms: LicenseTerms, spec: _Limit, joiner: str = " per ") -> str:
    """`` a month`` for a revenue limit counted per month, else ``""``."""
    monthly = spec is REVENUE and terms.revenue_limit_period == Period.MONTH
    return f"{joiner}month" if monthly else ""


def _amount(terms: LicenseTerms, spec: _Limit, actual: int) -> str:
    """The figure in words, with its monthly share when the license counts revenue per month."""
    if not _per(terms, spec):
        return spec.amount(actual)
    return f"{spec.amount(actual)} ({spec.number(round(actual / 12))} a month)"


def _permission_check(code: str, field: str, fact: str, action: str) -> Check:
    """A check of a yes/no right (modification, distribution) against a usage fact."""

    def check(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
        if terms.proprietary_api:
            return  # no weights change hands: nothing is modified or distributed
        allowed: bool | None = getattr(terms, field)
        doing, key = _fact(terms, policy, fact)
        term = f"{field} = {str(allowed).lower() if allowed is not None else 'not verified'}"
        if allowed is False and doing:
            msg = f"{_named(terms)} does not permit {action}"
            fix = _fix(policy, f"choose a model whose license permits {action}", key)
            yield _reason(code, Verdict.FAIL, msg, terms, term, policy, key, fix)
        elif allowed is False and doing is None:
            yield _not_stated(terms, term, policy, key, f"{_named(terms)} does not permit {action}")
        elif allowed is None and doing is not False and field in terms.missing:
            yield from _unverified(
                terms,
                term,
                policy,
                key,
                f"whether {_named(terms)} permits {action} is not verified",
            )

    return check


def _fact(terms: LicenseTerms, policy: Policy, fact: str) -> tuple[bool | None, str]:
    """A usage fact and its policy key; distribution includes hosting where that counts."""
    if fact == "distributes_models":
        shares = distributes(terms, policy.usage)
        if shares and not policy.usage.distributes_models:
            return shares, "usage.hosted_service"
        return shares, "usage.distributes_models"
    value: bool | None = getattr(policy.usage, fact)
    return value, f"usage.{fact}"


def _check_hosting(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    hosted, key = policy.usage.hosted_service, "usage.hosted_service"
    allowed = terms.hosting_allowed
    term = (
        f"hosting_allowed = {str(allowed).lower()}"
        if allowed is not None
        else f"category = {terms.category}"
    )
    action = "offering the model as a hosted service"
    if allowed is False or (allowed is None and terms.category in NON_PRODUCTION):
        if hosted and allowed is False:
            fix = _fix(policy, "choose a model whose license permits hosting it for others", key)
            yield _reason(
                "MDL015",
                Verdict.FAIL,
                f"{_named(terms)} does not permit {action}",
                terms,
                term,
                policy,
                key,
                fix,
            )
        elif hosted:
            msg = (
                f"{_named(terms)} is a {terms.category} license: a hosted service is "
                "production use unless it serves research"
            )
            fix = _fix(policy, "choose a model whose license permits production use", key)
            yield _reason("MDL015", Verdict.WARN, msg, terms, term, policy, key, fix)
        elif hosted is None:
            yield _not_stated(terms, term, policy, key, f"{_named(terms)} restricts {action}")
    elif allowed is None and hosted is not False and _missing(terms, "hosting"):
        msg = f"whether {_named(terms)} permits {action} is not verified"
        yield from _unverified(terms, "hosting not verified", policy, key, msg)


def _check_intended_uses(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    uses, key = policy.usage.intended_uses, "usage.intended_uses"
    restricted = terms.use_restrictions
    if _missing(terms, "use_restrictions") and uses != ():
        msg = f"the use restrictions of {_named(terms)} are not (fully) verified"
        yield from _unverified(terms, "use_restrictions not verified", policy, key, msg)
    if not restricted:
        return
    if uses is None:
        kinds = "kind" if len(restricted) == 1 else "kinds"
        msg = (
            f"{_named(terms)} restricts {len(restricted)} {kinds} of use ({', '.join(restricted)})"
        )
        yield _not_stated(terms, f"use_restrictions = {', '.join(restricted)}", policy, key, msg)
        return
    for index, use in enumerate(uses):
        if use in restricted:
            yield _restricted_use(terms, policy, use, index)
    yield from _unitemised_policy(terms, policy, uses)
    if not set(uses) & set(restricted):
        msg = f"no intended use is among the {len(restricted)} uses {_named(terms)} restricts"
        yield _reason(
            "MDL008",
            Verdict.PASS,
            msg,
            terms,
            f"use_restrictions = {', '.join(restricted)}",
            policy,
            key,
            None,
        )


def _restricted_use(terms: LicenseTerms, policy: Policy, use: str, index: int) -> Reason:
    tags = raw_tags(terms, use)
    shown = f" (license tag: {', '.join(tags)})" if tags else ""
    meaning = USE_CATEGORIES.get(use, use)
    msg = f"intended use '{use}' is restricted by {_named(terms)}{shown}: {meaning}"
    key = f"usage.intended_uses[{index}]"
    fix = _fix(
        policy, "choose a model whose license does not restrict this use", "usage.intended_uses"
    )
    found = _reason(
        "MDL008", Verdict.FAIL, msg, terms, f"use_restrictions: {use}", policy, key, fix
    )
    return replace(found, term_source=terms.aup_url or found.term_source)


def _unitemised_policy(
    terms: LicenseTerms, policy: Policy, uses: Sequence[str]
) -> Iterator[Reason]:
    """WARN: the license forbids what a separate use policy lists, and that list is not itemised.

    Only sensitive intended uses the license does not already restrict by name are in doubt.
    """
    catch_all = "acceptable-use-policy"
    doubtful = [u for u in uses if u not in terms.use_restrictions]
    if catch_all not in terms.use_restrictions or not doubtful:
        return
    where = terms.aup_url or "the licensor's acceptable use policy"
    msg = (
        f"{_named(terms)} forbids the uses its acceptable use policy lists, which the database "
        f"does not itemise: check that {', '.join(doubtful)} is not among them ({where})"
    )
    key = "usage.intended_uses"
    fix = (
        f"read {where} and add an exception in {_policy_file(policy)} if the use is allowed, "
        "or choose another model"
    )
    found = _reason(
        "MDL008", Verdict.WARN, msg, terms, f"use_restrictions: {catch_all}", policy, key, fix
    )
    yield replace(found, term_source=terms.aup_url or found.term_source)


def raw_tags(terms: LicenseTerms, category: str) -> tuple[str, ...]:
    """The license's own restriction tags that the vocabulary files under ``category``."""
    return tags_for(category, terms.use_restrictions_raw)


def _check_output_training(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    trains, key = policy.usage.outputs_train_models, "usage.outputs_train_models"
    effect = training_effect(terms)
    detail = f": {_clause(terms.output_training)}" if terms.output_training else ""
    term = f"output_training_effect = {effect.value if effect else 'not verified'}"
    if effect == OutputTraining.FORBIDDEN and trains:
        msg = f"{_named(terms)} restricts training models on its outputs{detail}"
        fix = _fix(policy, "do not train other models on its outputs, choose another model", key)
        yield _reason("MDL009", Verdict.FAIL, msg, terms, term, policy, key, fix)
    elif effect == OutputTraining.FORBIDDEN and trains is None:
        yield _not_stated(
            terms, term, policy, key, f"{_named(terms)} restricts training on its outputs"
        )
    elif effect == OutputTraining.DERIVATIVE and trains:
        msg = (
            f"{_named(terms)} permits training models on its outputs, but a model so trained is "
            f"a derivative that stays under its terms (see obligations){detail}"
        )
        yield _reason("MDL009", Verdict.PASS, msg, terms, term, policy, key, None)
    elif effect is None and trains and _missing(terms, "output_training"):
        yield from _unverified(
            terms,
            term,
            policy,
            key,
            f"whether {_named(terms)} restricts training on outputs is not verified",
        )


def training_effect(terms: LicenseTerms) -> OutputTraining | None:
    """What training on outputs means; records without the effect fall back on the flag."""
    if terms.output_training_effect is not None:
        return terms.output_training_effect
    match terms.output_training_restricted:
        case True:
            return OutputTraining.FORBIDDEN
        case False:
            return OutputTraining.NONE
    return None


def _check_region(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    regions, region, key = terms.restricted_regions, policy.usage.region, "usage.region"
    if not regions:
        return
    term = f"restricted_regions = {', '.join(regions)}"
    covered = _in_scope(terms, found)
    if covered is False:
        msg = (
            f"{_named(terms)} withholds its grant in {', '.join(regions)} only for "
            f"{terms.restricted_regions_models} models; {found.model_id} is not "
            f"{terms.restricted_regions_models}"
        )
        yield _reason("MDL010", Verdict.PASS, msg, terms, term, policy, key, None)
        return
    detail = f": {terms.geographic_restriction}" if terms.geographic_restriction else ""
    if region is None:
        yield _not_stated(
            terms, term, policy, key, f"{_named(terms)} withholds its grant in {', '.join(regions)}"
        )
        return
    hit = _region_verdict(region, regions)
    if hit is Verdict.FAIL and covered is None:
        clause = terms.geographic_restriction or terms.restricted_regions_scope
        msg = (
            f"{_named(terms)} withholds its grant from organisations in {region} for some of its "
            f"models only ({clause}): check whether this model is one of them"
        )
        fix = (
            "if this model is within the clause's scope, choose another model; if it is outside, "
            f"record that with an exception in {_policy_file(policy)}"
        )
        yield _reason("MDL010", Verdict.WARN, msg, terms, term, policy, key, fix)
    elif hit is Verdict.FAIL:
        which = terms.restricted_regions_models
        one = f" for its {which} models, and {found.model_id} is one" if which else ""
        msg = f"{_named(terms)} withholds its grant in {region}{one}{detail}"
        fix = _fix(policy, "choose a model without a geographic restriction", key)
        yield _reason("MDL010", Verdict.FAIL, msg, terms, term, policy, key, fix)
    elif hit is Verdict.WARN:
        listed = ", ".join(regions)
        msg = f"{_named(terms)} withholds its grant in some EU member states ({listed}){detail}"
        fix = f"state the member state as usage.region in {_policy_file(policy)}"
        yield _reason("MDL010", Verdict.WARN, msg, terms, term, policy, key, fix)


def _in_scope(terms: LicenseTerms, found: Match) -> bool | None:
    """Whether the regional clause covers this model; None when that cannot be told.

    ``restricted_regions_models = "multimodal"`` covers the models the database marks
    multimodal; a clause scoped only in words (``restricted_regions_scope``) cannot be told.
    """
    match terms.restricted_regions_models:
        case "multimodal":
            return found.multimodal
        case None:
            return None if terms.restricted_regions_scope else True
    return None


def _region_verdict(region: str, restricted: Sequence[str]) -> Verdict:
    codes = {r.upper() for r in restricted}
    if region in codes or (region in EU_MEMBERS and "EU" in codes):
        return Verdict.FAIL
    if region == "EU" and codes & EU_MEMBERS:
        return Verdict.WARN
    return Verdict.PASS


def _check_share_alike(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    usage = policy.usage
    if terms.share_alike and usage.modifies_models and distributes(terms, usage):
        msg = f"{_named(terms)} is share-alike: distributed changes must carry the same license"
        fix = _fix(
            policy,
            "license your derivative under the same terms, or choose another model",
            "usage.modifies_models",
        )
        yield _reason(
            "MDL022",
            Verdict.WARN,
            msg,
            terms,
            "share_alike = true",
            policy,
            "usage.modifies_models",
            fix,
        )


def _check_network_copyleft(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    if policy.usage.hosted_service and (
        terms.id == "agpl-3.0" or terms.category == "network-copyleft"
    ):
        msg = (
            f"{_named(terms)} reaches network use: users who interact with a modified version "
            "over a network must be offered its corresponding source"
        )
        key = "usage.hosted_service"
        fix = _fix(
            policy,
            "offer the corresponding source to the service's users or obtain a commercial "
            "license from the licensor",
            key,
        )
        yield _reason("MDL023", Verdict.WARN, msg, terms, f"license = {terms.id}", policy, key, fix)


def _check_proprietary_api(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    if terms.proprietary_api or terms.category == "proprietary-api":
        msg = (
            f"{terms.name} ({terms.id}) is a hosted proprietary API: inputs leave the organisation"
        )
        fix = (
            f"use a self-hosted model, add an exception in {_policy_file(policy)}, "
            "or set on.proprietary_api"
        )
        yield _reason(
            "MDL014",
            policy.on.proprietary_api,
            msg,
            terms,
            f"license = {terms.id}",
            policy,
            "on.proprietary_api",
            fix,
        )


CHECKS: tuple[Check, ...] = (
    _check_proprietary_api,
    _check_commercial,
    _limit_check(MAU),
    _limit_check(REVENUE),
    _permission_check("MDL006", "distribution", "distributes_models", "distributing the model"),
    _permission_check("MDL007", "modification", "modifies_models", "modifying the model"),
    _check_hosting,
    _check_intended_uses,
    _check_output_training,
    _check_region,
    _check_share_alike,
    _check_network_copyleft,
)
"""Every license term the policy checks, in the order reasons are reported."""


# -- reasons ---------------------------------------------------------------------------------


def _reason(
    code: str,
    verdict: Verdict,
    message: str,
    terms: LicenseTerms,
    term: str,
    policy: Policy,
    key: str,
    fix: str | None,
) -> Reason:
    return Reason(code, verdict, message, term, _source(terms), policy.line(key), fix)


def _not_stated(terms: LicenseTerms, term: str, policy: Policy, key: str, what: str) -> Reason:
    """WARN: a term depends on a fact the policy does not state."""
    msg = f"{what}, and the policy does not state {key}"
    fix = f"state {key} in {_policy_file(policy)}"
    return _reason("MDL016", Verdict.WARN, msg, terms, term, policy, key, fix)


def _unverified(
    terms: LicenseTerms,
    term: str,
    policy: Policy,
    key: str,
    message: str,
    *,
    waived_for_api: bool = False,
) -> Iterator[Reason]:
    """WARN: the policy needs a license term the database could not verify.

    ``waived_for_api``: not for hosted proprietary APIs, whose commercial use and thresholds
    ``on.proprietary_api`` decides as a whole (their terms of service set no user or revenue
    thresholds). Their use and output-training terms still warn when unverified.
    """
    if waived_for_api and terms.proprietary_api:
        return
    fix = (
        f"check the license text and add an exception in {_policy_file(policy)}, "
        "or choose another model"
    )
    yield _reason("MDL016", Verdict.WARN, message, terms, term, policy, key, fix)


def _named(terms: LicenseTerms) -> str:
    """The license as reasons name it: its database id and its name."""
    return f"{terms.id} ({terms.name})"


_KINDS = {
    "non-commercial": "non-commercial",
    "research-only": "research-only",
    "non-production": "non-production",
}


def _kind(terms: LicenseTerms) -> str:
    """``", a research-only license,"`` for licenses whose category limits the use, else ``""``."""
    kind = _KINDS.get(terms.category)
    return f", a {kind} license," if kind else ""


def _clause(text: str) -> str:
    """A license clause without the facts' leading ``yes:`` marker."""
    head, sep, rest = text.partition(":")
    return rest.strip() if sep and head.strip().lower() == "yes" else text


def _missing(terms: LicenseTerms, prefix: str) -> bool:
    return any(m.startswith(prefix) for m in terms.missing)


def _source(terms: LicenseTerms) -> str | None:
    return term_source(terms)


def _policy_file(policy: Policy) -> str:
    return POLICY_FILE if policy.is_default else policy.source


def _fix(policy: Policy, alternative: str, key: str) -> str:
    return f"{alternative}, add an exception in {_policy_file(policy)}, or correct {key}"


# -- exceptions ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Standing:
    exception: PolicyException
    problem: str | None  # why it does not apply; None when it does


def _apply_exceptions(
    names: Sequence[str],
    license_text: str | None,
    reasons: list[Reason],
    policy: Policy,
    db: LicenseCatalog,
    today: datetime.date,
) -> list[Reason]:
    """Reasons after the first applicable exception; stale exceptions explain themselves."""
    standings = [_standing(e, license_text, db, today) for e in _matching(names, policy)]
    if not standings:
        return reasons
    needed = worst(r.verdict for r in reasons) is not Verdict.PASS
    applicable = next((s.exception for s in standings if s.problem is None), None)
    if applicable is None:
        stale = Verdict.WARN if needed else Verdict.PASS
        return reasons + [_stale(s, stale, policy) for s in standings]
    if not needed:
        return reasons
    return _covered(applicable, reasons, policy, today)


def _matching(names: Sequence[str], policy: Policy) -> Iterator[PolicyException]:
    lowered = {n.lower() for n in names}
    for exception in policy.exceptions:
        pattern = exception.model.lower()
        if pattern in lowered or any(fnmatch.fnmatchcase(n, pattern) for n in lowered):
            yield exception


def _standing(
    exception: PolicyException, license_text: str | None, db: LicenseCatalog, today: datetime.date
) -> _Standing:
    if exception.expires is not None and today > exception.expires:
        return _Standing(exception, f"expired on {exception.expires.isoformat()}")
    current = license_text or UNKNOWN_LICENSE
    try:
        same = expression_key(exception.license, db) == expression_key(current, db)
    except LicenseExpressionError:
        same = False
    if not same:
        return _Standing(
            exception, f"approved under {exception.license}, but the license is now {current}"
        )
    return _Standing(exception, None)


def _cover(reason: Reason, label: str, where: PolicyLine) -> Reason:
    if reason.verdict is Verdict.PASS:
        return reason
    message = f"{label}: {reason.message}"
    return replace(reason, verdict=Verdict.PASS, message=message, policy=where, fix=None)


def _stale(standing: _Standing, verdict: Verdict, policy: Policy) -> Reason:
    exception = standing.exception
    return Reason(
        code="MDL018",
        verdict=verdict,
        message=f"exception for {exception.model} no longer applies: {standing.problem}",
        term=f"license = {exception.license}",
        policy=policy.line(exception.key),
        fix="review the model again and renew or remove the exception",
    )


def _covered(
    exception: PolicyException, reasons: list[Reason], policy: Policy, today: datetime.date
) -> list[Reason]:
    expires = exception.expires.isoformat() if exception.expires else "no expiry"
    label = (
        f"covered by exception ({exception.reason}, approved by {exception.approved_by}, "
        f"expires {expires})"
    )
    where = policy.line(exception.key)
    out = [_cover(r, label, where) for r in reasons]
    expiring = _expiring(exception, policy, today)
    return out if expiring is None else [*out, expiring]


def _expiring(exception: PolicyException, policy: Policy, today: datetime.date) -> Reason | None:
    """MDL017 when the exception lapses within ``exceptions_warn_days``."""
    if exception.expires is None:
        return None
    left = (exception.expires - today).days
    if left > policy.exceptions_warn_days:
        return None
    expires = exception.expires.isoformat()
    return Reason(
        code="MDL017",
        verdict=Verdict.WARN,
        message=f"exception for {exception.model} expires on {expires} (in {left} days)",
        term=f"expires = {expires}",
        policy=policy.line(f"{exception.key}.expires"),
        fix="renew the exception after a new review, or replace the model",
    )
