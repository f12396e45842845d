"""Region (MDL010): regions in which a license withholds its grant, against ``usage.region``.

A clause may cover only some models (e.g. multimodal ones); an EU-wide clause covers every
member state, and a clause naming member states leaves ``EU`` in doubt.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from license_db.schema import LicenseTerms, Match
from scanner.decide.policy import Policy
from scanner.decide.regions import EU_MEMBERS
from scanner.decide.terms.reasons import named, not_stated, policy_file, remedy, term_reason
from scanner.types import Reason, Verdict


def check_region(terms: LicenseTerms, policy: Policy, found: Match) -> Iterator[Reason]:
    """MDL010: the organisation's region against the regions the license withholds its grant in."""
    regions, region, key = terms.restricted_regions, policy.usage.region, "usage.region"
    if not regions:
        return
    term = f"restricted_regions = {', '.join(regions)}"
    covered = _in_scope(terms, found)
    if covered is False:
        msg = (
            f"{named(terms)} withholds its grant in {', '.join(regions)} only for "
            f"{terms.restricted_regions_models} models; {found.model_id} is not "
            f"{terms.restricted_regions_models}"
        )
        yield term_reason("MDL010", Verdict.PASS, msg, terms, term, policy, key, None)
        return
    detail = f": {terms.geographic_restriction}" if terms.geographic_restriction else ""
    if region is None:
        yield not_stated(
            terms, term, policy, key, f"{named(terms)} withholds its grant in {', '.join(regions)}"
        )
        return
    hit = _region_verdict(region, regions)
    if hit is Verdict.FAIL and covered is None:
        clause = terms.geographic_restriction or terms.restricted_regions_scope
        msg = (
            f"{named(terms)} withholds its grant from organisations in {region} for some of its "
            f"models only ({clause}): check whether this model is one of them"
        )
        fix = (
            "if this model is within the clause's scope, choose another model; if it is outside, "
            f"record that with an exception in {policy_file(policy)}"
        )
        yield term_reason("MDL010", Verdict.WARN, msg, terms, term, policy, key, fix)
    elif hit is Verdict.FAIL:
        which = terms.restricted_regions_models
        one = f" for its {which} models, and {found.model_id} is one" if which else ""
        msg = f"{named(terms)} withholds its grant in {region}{one}{detail}"
        fix = remedy(policy, "choose a model without a geographic restriction", key)
        yield term_reason("MDL010", Verdict.FAIL, msg, terms, term, policy, key, fix)
    elif hit is Verdict.WARN:
        listed = ", ".join(regions)
        msg = f"{named(terms)} withholds its grant in some EU member states ({listed}){detail}"
        fix = f"state the member state as usage.region in {policy_file(policy)}"
        yield term_reason("MDL010", Verdict.WARN, msg, terms, term, policy, key, fix)


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
