"""CycloneDX 1.6 ML-BOM (JSON): one component per distinct model the repository references.

Hub models get ``pkg:huggingface/org/name`` purls and Python packages ``pkg:pypi/...``; the
license is declared with its SPDX id where one exists, by name otherwise, or as an SPDX
expression (``LicenseRef-*`` for non-SPDX licenses) when it has several parts. An inferred
license (from a base model) is marked ``concluded`` instead of ``declared``. Datasets are
``data`` components; a model the code trains or ships gets a ``modelCard`` whose considerations
list those places and the differential privacy of each training place. Properties carry
the verdict, the resolution rule and every location. The output is deterministic: no timestamp,
and the serial number is derived from the content.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from urllib.parse import quote
from uuid import NAMESPACE_URL, uuid5

from cyclonedx.model import ExternalReference, ExternalReferenceType, Property, XsUri
from cyclonedx.model.bom import Bom
from cyclonedx.model.component import Component, ComponentScope, ComponentType
from cyclonedx.model.license import (
    DisjunctiveLicense,
    LicenseAcknowledgement,
    LicenseExpression,
)
from cyclonedx.output.json import JsonV1Dot6
from cyclonedx.spdx import fixup_id
from packageurl import PackageURL

from license_db.expression import AllOf, AnyOf, Expr, LicenseExpressionError, LicenseId, parse
from license_db.schema import LicenseTerms
from scanner.decide.suppress import deciding_codes
from scanner.report.common import TOOL_NAME, exception_label, ordered, tool_version, where
from scanner.report.usage import privacy_text, use_text, use_where
from scanner.types import Decision, RefKind, Report, Scope, Verdict

EXCLUDED_SCOPES = frozenset({Scope.TEST, Scope.DOCS})
"""A component used only in these scopes is ``scope: excluded``: not part of what ships."""

PROPERTY_PREFIX = "model-license-guard:"
_NOT_IDSTRING = re.compile(r"[^A-Za-z0-9.-]+")

License = DisjunctiveLicense | LicenseExpression


def render(report: Report) -> str:
    """The report as a CycloneDX 1.6 JSON ML-BOM."""
    bom = build(report)
    text = str(JsonV1Dot6(bom).output_as_string(indent=2))
    cards = _model_cards(report)
    if cards:  # cyclonedx-python-lib has no model card: added to its JSON
        document = json.loads(text)
        for component in document.get("components", []):
            card = cards.get(component.get("bom-ref"))
            if card:
                component["modelCard"] = card
        text = json.dumps(document, indent=2, ensure_ascii=False)
    return text + "\n"


def _model_cards(report: Report) -> dict[str, dict[str, object]]:
    """bom-ref -> ``modelCard`` of each model the code trains, merges, distils, ships or
    exports: the places as use cases, the privacy of each training place as an ethical
    consideration (DP-SGD, its epsilon and delta, or none)."""
    cards: dict[str, dict[str, object]] = {}
    for decision in ordered(report.decisions):
        uses = decision.ref.uses
        if not uses or decision.ref.kind is RefKind.DATASET:
            continue
        key = f"{decision.ref.kind.value}:{decision.model}"
        considerations = cards.setdefault(key, {"considerations": {}})["considerations"]
        assert isinstance(considerations, dict)
        cases = considerations.setdefault("useCases", [])
        ethics = considerations.setdefault("ethicalConsiderations", [])
        for use in uses:
            if use_text(use) not in cases:
                cases.append(use_text(use))
            entry = {"name": f"training-data privacy at {use_where(use)}",
                     "mitigationStrategy": privacy_text(use.privacy)}  # fmt: skip
            if use.privacy is not None and entry not in ethics:
                ethics.append(entry)
        if not ethics:
            del considerations["ethicalConsiderations"]
    return cards


def build(report: Report) -> Bom:
    """The BOM object of ``report``."""
    terms = _terms_index(report.licenses)
    groups: dict[tuple[RefKind, str], list[Decision]] = {}
    for decision in ordered(report.decisions):
        groups.setdefault((decision.ref.kind, decision.model), []).append(decision)
    components = [_component(kind, model, group, terms) for (kind, model), group in groups.items()]
    bom = Bom(components=components, serial_number=uuid5(NAMESPACE_URL, _fingerprint(report)))
    bom.metadata.timestamp = None  # type: ignore[assignment]  # reproducible output: the same scan gives the same bytes
    bom.metadata.tools.components.add(
        Component(type=ComponentType.APPLICATION, name=TOOL_NAME, version=tool_version())
    )
    bom.metadata.properties.add(
        Property(name=PROPERTY_PREFIX + "db-version", value=report.db_version)
    )
    bom.metadata.properties.add(
        Property(name=PROPERTY_PREFIX + "policy", value=report.policy_source)
    )
    for name, count in asdict(report.totals).items():
        bom.metadata.properties.add(
            Property(name=f"{PROPERTY_PREFIX}files-{name}", value=str(count))
        )
    return bom


def _fingerprint(report: Report) -> str:
    parts = [report.db_version, report.policy_source]
    parts += [f"{d.ref.kind.value}|{d.model}|{d.license}|{where(d.ref)}" for d in report.decisions]
    digest = hashlib.sha256("\n".join(sorted(parts)).encode()).hexdigest()
    return f"urn:model-license-guard:bom:{digest}"


def _component(
    kind: RefKind, model: str, decisions: Sequence[Decision], terms: dict[str, LicenseTerms]
) -> Component:
    first = decisions[0]
    group, name = _split(kind, model)
    component_type = (
        ComponentType.DATA if kind is RefKind.DATASET else (ComponentType.MACHINE_LEARNING_MODEL)
    )
    return Component(
        type=component_type,
        bom_ref=f"{kind.value}:{model}",
        group=group,
        name=name,
        purl=_purl(kind, model),
        licenses=_licenses(first, terms),
        external_references=_links(kind, model),
        properties=_properties(decisions),
        scope=_scope(decisions),
    )


def _scope(decisions: Sequence[Decision]) -> ComponentScope | None:
    """``excluded`` for a component referenced only from tests or docs, as the spec intends."""
    if all(d.scope in EXCLUDED_SCOPES for d in decisions):
        return ComponentScope.EXCLUDED
    return None


def _split(kind: RefKind, model: str) -> tuple[str | None, str]:
    if kind in (RefKind.HUGGINGFACE, RefKind.DATASET) and "/" in model:
        org, name = model.split("/", 1)
        return org, name
    return None, model


def _purl(kind: RefKind, model: str) -> PackageURL | None:
    match kind:
        case RefKind.HUGGINGFACE:
            namespace, name = _split(kind, model)
            return PackageURL(type="huggingface", namespace=namespace, name=name)
        case RefKind.PACKAGE:
            return PackageURL(type="pypi", name=re.sub(r"[-_.]+", "-", model).lower())
        case _:
            return None


def _links(kind: RefKind, model: str) -> list[ExternalReference]:
    match kind:
        case RefKind.HUGGINGFACE:
            url = f"https://huggingface.co/{quote(model)}"
        case RefKind.DATASET:
            url = f"https://huggingface.co/datasets/{quote(model)}"
        case _:
            return []
    return [ExternalReference(type=ExternalReferenceType.DISTRIBUTION, url=XsUri(url))]


def _terms_index(licenses: Iterable[LicenseTerms]) -> dict[str, LicenseTerms]:
    index: dict[str, LicenseTerms] = {}
    for terms in licenses:
        index[terms.id.lower()] = terms
        if terms.spdx:
            index.setdefault(terms.spdx.lower(), terms)
    return index


def _licenses(decision: Decision, terms: dict[str, LicenseTerms]) -> list[License]:
    if decision.license is None:
        return []
    inferred = decision.match is not None and decision.match.inferred
    ack = LicenseAcknowledgement.CONCLUDED if inferred else LicenseAcknowledgement.DECLARED
    try:
        expr = parse(decision.license)
    except LicenseExpressionError:
        return [DisjunctiveLicense(name=decision.license, acknowledgement=ack)]
    match expr:
        case LicenseId(key):
            spdx = _spdx(key, terms)
            if spdx:
                return [DisjunctiveLicense(id=spdx, acknowledgement=ack)]
            known = terms.get(key.lower())
            return [DisjunctiveLicense(name=known.name if known else key, acknowledgement=ack)]
        case _:
            return [LicenseExpression(_expression(expr, terms), acknowledgement=ack)]


def _spdx(key: str, terms: dict[str, LicenseTerms]) -> str | None:
    """The SPDX id of a database license id, or None when it has none."""
    known = terms.get(key.lower())
    candidate = known.spdx if known and known.spdx else key
    fixed: str | None = fixup_id(candidate)
    return fixed


def _expression(expr: Expr, terms: dict[str, LicenseTerms]) -> str:
    """An SPDX expression: SPDX ids where they exist, ``LicenseRef-<id>`` otherwise."""
    match expr:
        case LicenseId(key):
            return _spdx(key, terms) or "LicenseRef-" + _NOT_IDSTRING.sub("-", key).strip("-")
        case AllOf(args):
            return " AND ".join(_wrapped(arg, terms) for arg in args)
        case AnyOf(args):
            return " OR ".join(_wrapped(arg, terms) for arg in args)
    raise TypeError(expr)  # pragma: no cover - exhaustive


def _wrapped(expr: Expr, terms: dict[str, LicenseTerms]) -> str:
    text = _expression(expr, terms)
    return text if isinstance(expr, LicenseId) else f"({text})"


def _properties(decisions: Sequence[Decision]) -> list[Property]:
    first = decisions[0]
    active = [d for d in decisions if d.suppressed is None]
    worst = max((d.verdict for d in active), key=lambda v: v.rank, default=Verdict.PASS)
    values = [("verdict", worst.value), ("license", first.license or "unknown")]
    if first.match is not None:
        values += [
            ("resolution", first.match.rule.value),
            ("resolution-detail", first.match.detail),
            ("license-source", first.match.source),
        ]
    flagged = (d for d in decisions if d.verdict is not Verdict.PASS)
    values += [("reason", code) for code in sorted({c for d in flagged for c in deciding_codes(d)})]
    values += [
        ("scope", scope.value) for scope in Scope if any(d.scope is scope for d in decisions)
    ]
    exceptions = dict.fromkeys(exception_label(d.exception) for d in decisions if d.exception)
    values += [("exception", label) for label in exceptions]
    values += [("location", where(d.ref)) for d in decisions]
    values += [("suppressed", f"{where(d.ref)} {d.suppressed}") for d in decisions if d.suppressed]
    return [Property(name=PROPERTY_PREFIX + key, value=value) for key, value in values]
