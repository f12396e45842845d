"""Scenario matrix: every license family of the bundled database against seven organisations.

Each row is the verdict a careful licensing lawyer gives, with the reasons that decide it, against
the REAL database (``license_db.load()``) and real policies (``policy_from_text``). The comment
above each license cites the term (licenses.toml / the database) the row rests on.

Outcome notation: the verdict, then every reason that is not a pass, in report order:
``CODE!`` fails, ``CODE~`` warns. ``"pass"`` means nothing but passing reasons.
"""

from __future__ import annotations

import datetime

import pytest

import license_db
from license_db import LicenseDB
from license_db.schema import Match, Rule
from scanner.decide.evaluate import evaluate
from scanner.decide.policy import Policy, policy_from_text
from scanner.types import Decision, Known, ModelId, ModelRef, RefKind, SourceKind, Verdict

P = ".model-license-guard.toml"
TODAY = datetime.date(2026, 11, 22)
DB = license_db.load()


def usage(**facts: object) -> str:
    """A policy with the startup's facts, overridden by ``facts`` (TOML literals)."""
    base: dict[str, object] = {
        "commercial": "true",
        "monthly_active_users": 50_000,
        "annual_revenue_usd": 500_000,
        "distributes_models": "false",
        "modifies_models": "true",
        "hosted_service": "true",
        "region": '"US"',
        "intended_uses": "[]",
        "outputs_train_models": "false",
    }
    base.update(facts)
    return "[usage]\n" + "".join(f"{key} = {value}\n" for key, value in base.items())


PROFILES: dict[str, str] = {
    # a hobbyist or research group: non-commercial, not offered to others
    "hobby": usage(
        commercial="false", monthly_active_users=100, annual_revenue_usd=0, hosted_service="false"
    ),
    # a startup's commercial hosted SaaS: 50,000 MAU, USD 500,000 revenue
    "startup": usage(),
    # a large platform established in the EU: 900,000,000 MAU, USD 10,000,000,000 revenue
    "platform": usage(
        monthly_active_users=900_000_000, annual_revenue_usd=10_000_000_000, region='"DE"'
    ),
    # an on-prem vendor that ships fine-tuned weights to customers, hosts nothing
    "vendor": usage(
        monthly_active_users=2_000,
        annual_revenue_usd=5_000_000,
        distributes_models="true",
        hosted_service="false",
    ),
    # a company whose model outputs train its other models (distillation, synthetic data)
    "distiller": usage(outputs_train_models="true", hosted_service="false"),
    # the startup's product gives medical advice
    "medical": usage(intended_uses='["medical-advice"]'),
    # the startup's product serves law enforcement
    "police": usage(intended_uses='["law-enforcement"]'),
}
NAMES = tuple(PROFILES)
POLICIES: dict[str, Policy] = {
    name: policy_from_text(text, P, DB) for name, text in PROFILES.items()
}


def decide(license_id: str, policy: Policy, db: LicenseDB = DB) -> Decision:
    """The decision for a model declared under ``license_id`` (exact database match)."""
    match = Match("org/model", "org/model", license_id, Rule.EXACT, "exact id", "test")
    ref = ModelRef("app.py", 1, 1, RefKind.HUGGINGFACE, "org/model", "py.x", SourceKind.PYTHON)
    return evaluate(Known(ref, ModelId("org/model"), match), policy, db, TODAY)


def outcome(decision: Decision) -> str:
    """``"fail MDL003! MDL016~"``: the verdict and every non-passing reason, in order."""
    marks = {Verdict.FAIL: "!", Verdict.WARN: "~"}
    shown = [f"{r.code}{marks[r.verdict]}" for r in decision.reasons if r.verdict in marks]
    return " ".join([decision.verdict.value, *shown])


# license id -> outcome per profile, in the order of NAMES:
# hobby, startup, platform, vendor, distiller, medical, police
MATRIX: dict[str, tuple[str, ...]] = {
    # agpl-3.0: network copyleft: hosted => source offer (MDL023 warn); modified + distributed =>
    #   share-alike (MDL022)
    "agpl-3.0": (
        "pass",  # hobby
        "warn MDL023~",  # startup
        "warn MDL023~",  # platform
        "warn MDL022~",  # vendor
        "pass",  # distiller
        "warn MDL023~",  # medical
        "warn MDL023~",  # police
    ),
    # apache-2.0: permissive, no thresholds: passes everywhere; NOTICE/license copy only when
    #   distributing
    "apache-2.0": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "pass",  # medical
        "pass",  # police
    ),
    # apple-amlr: research-only, commercial = no; distribution/modification/MAU not verified =>
    #   MDL016
    "apple-amlr": (
        "warn MDL016~ MDL016~",  # hobby
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~",  # startup
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~",  # platform
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~ MDL016~",  # medical
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~ MDL016~",  # police
    ),
    # apple-ascl: commercial not verified => never read as yes: MDL016 for commercial users
    "apple-ascl": (
        "warn MDL016~ MDL016~",  # hobby
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # police
    ),
    # bigcode-openrail-m: RAIL, commercial yes; MAU/revenue caps not verified (missing) => MDL016
    "bigcode-openrail-m": (
        "warn MDL016~",  # hobby
        "warn MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~ MDL016~",  # police
    ),
    # bigscience-bloom-rail-1.0: RAIL use restrictions incl. medical-advice and law-enforcement =>
    #   MDL008 fail
    "bigscience-bloom-rail-1.0": (
        "warn MDL016~",  # hobby
        "warn MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~",  # distiller
        "fail MDL016~ MDL016~ MDL008!",  # medical
        "fail MDL016~ MDL016~ MDL008!",  # police
    ),
    # bigscience-openrail-m: RAIL use restrictions incl. medical-advice and law-enforcement =>
    #   MDL008 fail
    "bigscience-openrail-m": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "fail MDL008!",  # medical
        "fail MDL008!",  # police
    ),
    # bsd-3-clause: permissive: passes everywhere
    "bsd-3-clause": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "pass",  # medical
        "pass",  # police
    ),
    # cc-by-4.0: permissive with attribution: passes everywhere
    "cc-by-4.0": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "pass",  # medical
        "pass",  # police
    ),
    # cc-by-nc-4.0: NonCommercial: commercial = true fails MDL003; non-commercial passes
    "cc-by-nc-4.0": (
        "pass",  # hobby
        "fail MDL003!",  # startup
        "fail MDL003!",  # platform
        "fail MDL003!",  # vendor
        "fail MDL003!",  # distiller
        "fail MDL003!",  # medical
        "fail MDL003!",  # police
    ),
    # cc-by-nc-sa-3.0: NonCommercial + ShareAlike
    "cc-by-nc-sa-3.0": (
        "pass",  # hobby
        "fail MDL003!",  # startup
        "fail MDL003!",  # platform
        "fail MDL003! MDL022~",  # vendor
        "fail MDL003!",  # distiller
        "fail MDL003!",  # medical
        "fail MDL003!",  # police
    ),
    # cc-by-nc-sa-4.0: NonCommercial + ShareAlike
    "cc-by-nc-sa-4.0": (
        "pass",  # hobby
        "fail MDL003!",  # startup
        "fail MDL003!",  # platform
        "fail MDL003! MDL022~",  # vendor
        "fail MDL003!",  # distiller
        "fail MDL003!",  # medical
        "fail MDL003!",  # police
    ),
    # cc-by-sa-3.0: ShareAlike: modified + distributed => MDL022 warn
    "cc-by-sa-3.0": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "warn MDL022~",  # vendor
        "pass",  # distiller
        "pass",  # medical
        "pass",  # police
    ),
    # cc-by-sa-4.0: ShareAlike: modified + distributed => MDL022 warn
    "cc-by-sa-4.0": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "warn MDL022~",  # vendor
        "pass",  # distiller
        "pass",  # medical
        "pass",  # police
    ),
    # cohere-c4ai-cc-by-nc-4.0: CC-BY-NC + Cohere AUP: non-commercial; AUP not itemised => MDL008
    #   warn for sensitive uses
    "cohere-c4ai-cc-by-nc-4.0": (
        "warn MDL016~",  # hobby
        "fail MDL003! MDL016~ MDL016~",  # startup
        "fail MDL003! MDL016~ MDL016~",  # platform
        "fail MDL003! MDL016~ MDL016~",  # vendor
        "fail MDL003! MDL016~ MDL016~ MDL016~",  # distiller
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL008~",  # medical
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL008~",  # police
    ),
    # coqui-public-model-license: CPML: non-commercial (model and outputs); most terms not verified
    "coqui-public-model-license": (
        "warn MDL016~ MDL016~",  # hobby
        "fail MDL003! MDL016~ MDL016~ MDL016~",  # startup
        "fail MDL003! MDL016~ MDL016~ MDL016~",  # platform
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL016~",  # medical
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL016~",  # police
    ),
    # creativeml-openrail-m: OpenRAIL-M: medical advice and law enforcement restricted; hosting
    #   allowed
    "creativeml-openrail-m": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "fail MDL008!",  # medical
        "fail MDL008!",  # police
    ),
    # databricks-open-model: 700M MAU on the DBRX release date; outputs may not improve other LLMs;
    #   AUP
    "databricks-open-model": (
        "pass",  # hobby
        "pass",  # startup
        "fail MDL004!",  # platform
        "pass",  # vendor
        "fail MDL009!",  # distiller
        "warn MDL008~",  # medical
        "warn MDL008~",  # police
    ),
    # deepfloyd-if-license: research-only, commercial = no; hosted service is production use (MDL015
    #   warn)
    "deepfloyd-if-license": (
        "pass",  # hobby
        "fail MDL003! MDL015~",  # startup
        "fail MDL003! MDL015~",  # platform
        "fail MDL003!",  # vendor
        "fail MDL003! MDL016~",  # distiller
        "fail MDL003! MDL015~ MDL016~",  # medical
        "fail MDL003! MDL015~ MDL016~",  # police
    ),
    # deepseek: responsible-AI license: commercial yes, no thresholds, neither medical nor policing
    #   restricted
    "deepseek": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "pass",  # medical
        "pass",  # police
    ),
    # fair-noncommercial-research-license: research-only; terms beyond the name not verified
    "fair-noncommercial-research-license": (
        "warn MDL016~ MDL016~",  # hobby
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~",  # startup
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~",  # platform
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~ MDL016~",  # medical
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~ MDL016~",  # police
    ),
    # falcon-180b-tii-license-1.0: conditional commercial; hosting restriction and limits not
    #   verified
    "falcon-180b-tii-license-1.0": (
        "warn MDL016~ MDL016~",  # hobby
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # police
    ),
    # falcon-llm-license: commercial yes; TII AUP not itemised; limits not verified
    "falcon-llm-license": (
        "warn MDL016~ MDL016~",  # hobby
        "warn MDL016~ MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~ MDL008~",  # medical
        "warn MDL016~ MDL016~ MDL016~ MDL008~",  # police
    ),
    # falcon-llm-license-1.0: royalty above USD 1,000,000 revenue attributable to commercial use
    #   (no period stated: the vendor's USD 5M a year is above it per year, not per month => warn)
    "falcon-llm-license-1.0": (
        "warn MDL016~ MDL016~",  # hobby
        "warn MDL016~ MDL016~",  # startup
        "fail MDL016~ MDL005! MDL016~",  # platform
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # vendor: USD 5M a year, ~0.42M a month
        "warn MDL016~ MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~ MDL016~",  # police
    ),
    # flux-1-dev-non-commercial-license: model non-commercial; outputs may not train competing
    #   models
    "flux-1-dev-non-commercial-license": (
        "pass",  # hobby
        "fail MDL003!",  # startup
        "fail MDL003!",  # platform
        "fail MDL003!",  # vendor
        "fail MDL003! MDL009!",  # distiller
        "fail MDL003!",  # medical
        "fail MDL003!",  # police
    ),
    # gemma: Gemma ToU: hosted service counts as distribution (flow-down); PUP restricts medical
    #   advice; "models trained on Gemma outputs ... count as Model Derivatives and stay under the
    #   Gemma terms": the distiller passes with a duty (OBL009), not a ban
    "gemma": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "fail MDL008!",  # medical
        "pass",  # police
    ),
    # gpl-3.0: copyleft: modified + distributed => MDL022 warn
    "gpl-3.0": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "warn MDL022~",  # vendor
        "pass",  # distiller
        "pass",  # medical
        "pass",  # police
    ),
    # grok2-community: outputs may not train other foundation models; MAU/revenue not verified
    "grok2-community": (
        "warn MDL016~",  # hobby
        "warn MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~",  # vendor
        "fail MDL016~ MDL016~ MDL009!",  # distiller
        "warn MDL016~ MDL016~ MDL016~ MDL008~",  # medical
        "warn MDL016~ MDL016~ MDL016~ MDL008~",  # police
    ),
    # lgpl-lr: only the name is verified: every term the policy needs warns
    "lgpl-lr": (
        "warn MDL016~ MDL016~",  # hobby
        "warn MDL016~ MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # police
    ),
    # llama2: 700M MAU on the release date; outputs may not improve other LLMs; AUP: unlicensed
    #   medical practice
    "llama2": (
        "pass",  # hobby
        "pass",  # startup
        "fail MDL004!",  # platform
        "pass",  # vendor
        "fail MDL009!",  # distiller
        "fail MDL008!",  # medical
        "pass",  # police
    ),
    # llama3: 700M MAU on the release date; outputs may not improve other LLMs; AUP: unlicensed
    #   medical practice
    "llama3": (
        "pass",  # hobby
        "pass",  # startup
        "fail MDL004!",  # platform
        "pass",  # vendor
        "fail MDL009!",  # distiller
        "fail MDL008!",  # medical
        "pass",  # police
    ),
    # llama3.1: 700M MAU on the release date; outputs may train models (Llama name prefix if
    #   distributed)
    "llama3.1": (
        "pass",  # hobby
        "pass",  # startup
        "fail MDL004!",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "fail MDL008!",  # medical
        "pass",  # police
    ),
    # llama3.2: as llama3.1; EU grant withheld for multimodal models only (scope => MDL010 warn)
    "llama3.2": (
        "pass",  # hobby
        "pass",  # startup
        "fail MDL004! MDL010~",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "fail MDL008!",  # medical
        "pass",  # police
    ),
    # llama3.3: as llama3.1; text-only, so no regional clause
    "llama3.3": (
        "pass",  # hobby
        "pass",  # startup
        "fail MDL004!",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "fail MDL008!",  # medical
        "pass",  # police
    ),
    # llama4: as llama3.1; EU grant withheld for multimodal models only (scope => MDL010 warn)
    "llama4": (
        "pass",  # hobby
        "pass",  # startup
        "fail MDL004! MDL010~",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "fail MDL008!",  # medical
        "pass",  # police
    ),
    # microsoft-research-license: research-only and distribution = false => MDL006 fail for the
    #   vendor
    "microsoft-research-license": (
        "warn MDL016~ MDL016~",  # hobby
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~",  # startup
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~",  # platform
        "fail MDL003! MDL016~ MDL016~ MDL006! MDL016~",  # vendor
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~ MDL016~",  # medical
        "fail MDL003! MDL016~ MDL016~ MDL016~ MDL015~ MDL016~",  # police
    ),
    # mistral-modified-mit: commercial conditions not modelled and not verified => MDL016
    "mistral-modified-mit": (
        "warn MDL016~ MDL016~",  # hobby
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # police
    ),
    # mit: permissive: passes everywhere
    "mit": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "pass",  # medical
        "pass",  # police
    ),
    # mnpl: non-production: hosting_allowed = false => MDL015 fail; commercial = no
    "mnpl": (
        "warn MDL016~",  # hobby
        "fail MDL003! MDL016~ MDL016~ MDL015!",  # startup
        "fail MDL003! MDL016~ MDL016~ MDL015!",  # platform
        "fail MDL003! MDL016~ MDL016~",  # vendor
        "fail MDL003! MDL016~ MDL016~ MDL016~",  # distiller
        "fail MDL003! MDL016~ MDL016~ MDL015! MDL016~",  # medical
        "fail MDL003! MDL016~ MDL016~ MDL015! MDL016~",  # police
    ),
    # modified-mit-kimi: display duty above 100M MAU / USD 20M monthly revenue (a duty, not a ban)
    "modified-mit-kimi": (
        "warn MDL016~",  # hobby
        "warn MDL016~",  # startup
        "warn MDL016~",  # platform
        "warn MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~",  # police
    ),
    # mrl: research-only; outputs only for research => MDL009 fail for the distiller
    "mrl": (
        "warn MDL016~",  # hobby
        "fail MDL003! MDL016~ MDL016~ MDL015~",  # startup
        "fail MDL003! MDL016~ MDL016~ MDL015~",  # platform
        "fail MDL003! MDL016~ MDL016~",  # vendor
        "fail MDL003! MDL016~ MDL016~ MDL009!",  # distiller
        "fail MDL003! MDL016~ MDL016~ MDL015~ MDL016~",  # medical
        "fail MDL003! MDL016~ MDL016~ MDL015~ MDL016~",  # police
    ),
    # nvidia-open-model-license: commercial yes; MAU/revenue caps not verified; AUP not itemised
    "nvidia-open-model-license": (
        "warn MDL016~",  # hobby
        "warn MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~ MDL008~",  # medical
        "warn MDL016~ MDL016~ MDL016~ MDL008~",  # police
    ),
    # openrail: generic OpenRAIL: restrictions not verified
    "openrail": (
        "warn MDL016~ MDL016~",  # hobby
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # police
    ),
    # openrail++: OpenRAIL++-M: medical advice and law enforcement restricted
    "openrail++": (
        "pass",  # hobby
        "pass",  # startup
        "pass",  # platform
        "pass",  # vendor
        "pass",  # distiller
        "fail MDL008!",  # medical
        "fail MDL008!",  # police
    ),
    # opt-175b: research-only, commercial = no
    "opt-175b": (
        "pass",  # hobby
        "fail MDL003! MDL015~",  # startup
        "fail MDL003! MDL015~",  # platform
        "fail MDL003!",  # vendor
        "fail MDL003! MDL016~",  # distiller
        "fail MDL003! MDL015~ MDL016~",  # medical
        "fail MDL003! MDL015~ MDL016~",  # police
    ),
    # other: unknown license: on.unknown decides (MDL001)
    "other": (
        "warn MDL001~",  # hobby
        "warn MDL001~",  # startup
        "warn MDL001~",  # platform
        "warn MDL001~",  # vendor
        "warn MDL001~",  # distiller
        "warn MDL001~",  # medical
        "warn MDL001~",  # police
    ),
    # proprietary-api-ai21: hosted API: on.proprietary_api decides; unverified use terms warn
    "proprietary-api-ai21": (
        "warn MDL014~",  # hobby
        "warn MDL014~",  # startup
        "warn MDL014~",  # platform
        "warn MDL014~",  # vendor
        "warn MDL014~ MDL016~",  # distiller
        "warn MDL014~ MDL016~",  # medical
        "warn MDL014~ MDL016~",  # police
    ),
    # proprietary-api-anthropic: hosted API: no training of competing models on outputs
    "proprietary-api-anthropic": (
        "warn MDL014~",  # hobby
        "warn MDL014~",  # startup
        "warn MDL014~",  # platform
        "warn MDL014~",  # vendor
        "fail MDL014~ MDL009!",  # distiller
        "warn MDL014~ MDL016~ MDL008~",  # medical
        "warn MDL014~ MDL016~ MDL008~",  # police
    ),
    # proprietary-api-google-gemini: hosted API: no clinical or medical advice; no training of
    #   competing models
    "proprietary-api-google-gemini": (
        "warn MDL014~",  # hobby
        "warn MDL014~",  # startup
        "warn MDL014~",  # platform
        "warn MDL014~",  # vendor
        "fail MDL014~ MDL009!",  # distiller
        "fail MDL014~ MDL016~ MDL008!",  # medical
        "warn MDL014~ MDL016~ MDL008~",  # police
    ),
    # proprietary-api-openai: hosted API: outputs may not develop competing models
    "proprietary-api-openai": (
        "warn MDL014~",  # hobby
        "warn MDL014~",  # startup
        "warn MDL014~",  # platform
        "warn MDL014~",  # vendor
        "fail MDL014~ MDL009!",  # distiller
        "warn MDL014~ MDL016~ MDL008~",  # medical
        "warn MDL014~ MDL016~ MDL008~",  # police
    ),
    # qwen: commercial use above 100M MAU needs a license; revenue cap not verified
    "qwen": (
        "pass",  # hobby
        "warn MDL016~",  # startup
        "fail MDL004! MDL016~",  # platform
        "warn MDL016~",  # vendor
        "warn MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~",  # police
    ),
    # qwen-research: research-only, commercial = no
    "qwen-research": (
        "warn MDL016~",  # hobby
        "fail MDL003! MDL016~ MDL016~ MDL015~",  # startup
        "fail MDL003! MDL016~ MDL016~ MDL015~",  # platform
        "fail MDL003! MDL016~ MDL016~",  # vendor
        "fail MDL003! MDL016~ MDL016~ MDL016~",  # distiller
        "fail MDL003! MDL016~ MDL016~ MDL015~ MDL016~",  # medical
        "fail MDL003! MDL016~ MDL016~ MDL015~ MDL016~",  # police
    ),
    # sai-nc-community: non-commercial; serving as a hosted service/API forbidden (hosting_allowed =
    #   false)
    "sai-nc-community": (
        "pass",  # hobby
        "fail MDL003! MDL015!",  # startup
        "fail MDL003! MDL015!",  # platform
        "fail MDL003!",  # vendor
        "fail MDL003! MDL016~",  # distiller
        "fail MDL003! MDL015! MDL016~ MDL008~",  # medical
        "fail MDL003! MDL015! MDL016~ MDL008~",  # police
    ),
    # sdxl-0.9-research: research-only, commercial = no
    "sdxl-0.9-research": (
        "pass",  # hobby
        "fail MDL003! MDL015~",  # startup
        "fail MDL003! MDL015~",  # platform
        "fail MDL003!",  # vendor
        "fail MDL003! MDL016~",  # distiller
        "fail MDL003! MDL015~ MDL016~",  # medical
        "fail MDL003! MDL015~ MDL016~",  # police
    ),
    # stabilityai-ai-community: USD 1,000,000 annual revenue cap (Enterprise license above); no
    #   training other foundation models
    "stabilityai-ai-community": (
        "pass",  # hobby
        "pass",  # startup
        "fail MDL005!",  # platform
        "fail MDL005!",  # vendor
        "fail MDL009!",  # distiller
        "warn MDL008~",  # medical
        "warn MDL008~",  # police
    ),
    # tongyi-qianwen: commercial use above 100M MAU needs a license; outputs may not improve other
    #   LLMs
    "tongyi-qianwen": (
        "pass",  # hobby
        "pass",  # startup
        "fail MDL004!",  # platform
        "pass",  # vendor
        "fail MDL009!",  # distiller
        "pass",  # medical
        "pass",  # police
    ),
    # tongyi-qianwen-research: research-only; outputs may not improve other LLMs
    "tongyi-qianwen-research": (
        "pass",  # hobby
        "fail MDL003! MDL015~",  # startup
        "fail MDL003! MDL015~",  # platform
        "fail MDL003!",  # vendor
        "fail MDL003! MDL009!",  # distiller
        "fail MDL003! MDL015~",  # medical
        "fail MDL003! MDL015~",  # police
    ),
    # unknown: unknown license: on.unknown decides (MDL001)
    "unknown": (
        "warn MDL001~",  # hobby
        "warn MDL001~",  # startup
        "warn MDL001~",  # platform
        "warn MDL001~",  # vendor
        "warn MDL001~",  # distiller
        "warn MDL001~",  # medical
        "warn MDL001~",  # police
    ),
    # yi-license: commercial not verified: never read as permission
    "yi-license": (
        "warn MDL016~ MDL016~",  # hobby
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # startup
        "warn MDL016~ MDL016~ MDL016~ MDL016~",  # platform
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # vendor
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # distiller
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # medical
        "warn MDL016~ MDL016~ MDL016~ MDL016~ MDL016~",  # police
    ),
}

ROWS = [
    pytest.param(license_id, name, expected, id=f"{license_id}-{name}")
    for license_id, outcomes in MATRIX.items()
    for name, expected in zip(NAMES, outcomes, strict=True)
]


@pytest.mark.parametrize(("license_id", "profile", "expected"), ROWS)
def test_scenario_matrix(license_id: str, profile: str, expected: str) -> None:
    assert DB.license(license_id) is not None, license_id
    assert outcome(decide(license_id, POLICIES[profile])) == expected


def test_matrix_covers_every_profile_and_the_named_families() -> None:
    assert all(len(row) == len(NAMES) for row in MATRIX.values())
    families = {DB.license(k).family for k in MATRIX}  # type: ignore[union-attr]
    assert {"llama", "gemma", "qwen", "mistral", "stability", "proprietary-api"} <= families


SCENARIOS = [
    # Llama: the MAU test applies to any licensee, commercial or not (Llama 2 section 2).
    ("llama2", usage(commercial="false", monthly_active_users=800_000_000), "fail MDL004!"),
    # Llama 3.1: 700,000,000 exactly is not "greater than" the limit.
    ("llama3.1", usage(monthly_active_users=700_000_000), "pass"),
    # Qwen: "more than 100M MAU" needs a license from Alibaba Cloud; revenue cap unverified.
    ("qwen", usage(monthly_active_users=100_000_001), "fail MDL004! MDL016~"),
    # Qwen / Tongyi Qianwen: "commercial use above 100M MAU needs a license": non-commercial use
    # is free of the limit; commercial use not stated: the limit may apply, ask for the fact.
    ("tongyi-qianwen", usage(commercial="false", monthly_active_users=200_000_000), "pass"),
    (
        "tongyi-qianwen",
        usage(monthly_active_users=200_000_000).replace("commercial = true\n", ""),
        "warn MDL016~",
    ),
    # Gemma ToU: a model trained on Gemma outputs is a Model Derivative that stays under the
    # Gemma terms; training is not forbidden.
    ("gemma", PROFILES["distiller"], "pass"),
    # DeepSeek license: "distillation into another model makes it a Derivative that inherits the
    # restrictions": the same duty, no ban.
    ("deepseek", PROFILES["distiller"], "pass"),
    # Stability AI Community License: non-commercial use is free whatever the revenue; the
    # USD 1,000,000 cap governs commercial use only ("commercial users must register").
    (
        "stabilityai-ai-community",
        usage(commercial="false", annual_revenue_usd=10_000_000_000, hosted_service="false"),
        "pass",
    ),
    # LFM Open License: "research and qualified non-profit use have no threshold".
    ("lfm1.0", usage(commercial="false", annual_revenue_usd=50_000_000), "warn MDL016~"),
    # Falcon LLM License 1.0: the facts name no revenue period: above it by either reading fails.
    (
        "falcon-llm-license-1.0",
        usage(annual_revenue_usd=24_000_000, hosted_service="false"),
        "fail MDL016~ MDL005! MDL016~",
    ),
    # Kimi modified MIT: "USD 20M MONTHLY revenue ... triggers the display duty, not a ban".
    ("modified-mit-kimi", usage(annual_revenue_usd=300_000_000), "warn MDL016~"),
    # Llama 3.2 / 4: the EU clause only for organisations established in the EU.
    ("llama3.2", usage(region='"US"'), "pass"),
    # ... and only for the multimodal models: a model the database cannot place warns.
    ("llama4", usage(region='"EU"'), "warn MDL010~"),
    ("llama3.3", usage(region='"FR"'), "pass"),
    # Region not stated: the clause cannot be checked, the key is named.
    ("llama4", usage(region='""').replace('region = ""\n', ""), "warn MDL016~"),
    # AGPL-3.0 hosted: warn (source offer), fail only when the policy denies it.
    ("agpl-3.0", usage() + '[licenses]\ndeny = ["agpl-3.0"]\n', "fail MDL011! MDL023~"),
    # Non-commercial license, commercial use not stated: warn naming usage.commercial.
    ("cc-by-nc-4.0", usage(commercial="false").replace("commercial = false\n", ""), "warn MDL016~"),
    # sai-nc-community / mnpl: even non-commercial, a hosted service is forbidden.
    ("sai-nc-community", usage(commercial="false"), "fail MDL015!"),
    ("mnpl", usage(commercial="false"), "fail MDL016~ MDL016~ MDL015!"),
    # Research-only license served non-commercially: production use unless it serves research.
    ("opt-175b", usage(commercial="false"), "warn MDL015~"),
    # A hosted API whose output-training term is unverified: never read as permission.
    (
        "proprietary-api-ai21",
        usage(outputs_train_models="true") + '[on]\nproprietary_api = "pass"\n',
        "warn MDL016~",
    ),
    # Share-alike only bites when changes are distributed.
    ("gpl-3.0", usage(distributes_models="true", modifies_models="false"), "pass"),
]


@pytest.mark.parametrize(("license_id", "text", "expected"), SCENARIOS)
def test_single_scenarios(license_id: str, text: str, expected: str) -> None:
    assert outcome(decide(license_id, policy_from_text(text, P, DB))) == expected


def duties(license_id: str, text: str) -> list[str]:
    return [o.code for o in decide(license_id, policy_from_text(text, P, DB)).obligations]


DUTY_ROWS = [
    # Llama 3.1 hosted: "Built with Llama" is owed for a service; naming only for distributed
    # derivatives; the license copy and NOTICE travel with distributed copies.
    ("llama3.1", PROFILES["startup"], ["OBL001", "OBL006"]),
    ("llama3.1", PROFILES["vendor"], ["OBL001", "OBL002", "OBL003", "OBL004", "OBL006"]),
    (
        "llama3.1",
        usage(distributes_models="true", modifies_models="false"),
        ["OBL001", "OBL002", "OBL003", "OBL006"],
    ),
    # Gemma: a hosted service counts as distribution, so the use restrictions flow down.
    ("gemma", PROFILES["startup"], ["OBL001", "OBL002", "OBL005", "OBL006"]),
    ("gemma", usage(hosted_service="false"), ["OBL006"]),
    # OpenRAIL-M: restrictions flow down when distributing, not for a hosted service.
    ("creativeml-openrail-m", PROFILES["startup"], ["OBL001"]),
    ("creativeml-openrail-m", PROFILES["vendor"], ["OBL001", "OBL002", "OBL005"]),
    # Flow-down and license copy not verified: listed (hedged), never dropped.
    (
        "opt-175b",
        usage(commercial="false", distributes_models="true"),
        ["OBL001", "OBL002", "OBL005"],
    ),
    # GPL-3.0: share-alike duty when modified weights are distributed.
    ("gpl-3.0", PROFILES["vendor"], ["OBL001", "OBL002", "OBL007"]),
    # Stability community: the display duty and the AUP.
    ("stabilityai-ai-community", PROFILES["startup"], ["OBL001", "OBL006"]),
    # Gemma / DeepSeek: a model trained on the outputs stays under the license (OBL009).
    ("gemma", PROFILES["distiller"], ["OBL006", "OBL009"]),
    ("deepseek", PROFILES["distiller"], ["OBL009"]),
    ("llama3.2", PROFILES["distiller"], ["OBL006"]),
    # Hosted APIs: data leaves the organisation; no distribution duties.
    ("proprietary-api-openai", PROFILES["vendor"], ["OBL008"]),
]


@pytest.mark.parametrize(("license_id", "text", "expected"), DUTY_ROWS)
def test_scenario_duties(license_id: str, text: str, expected: list[str]) -> None:
    assert duties(license_id, text) == expected


KIMI_DISPLAY = '"USD 20M MONTHLY revenue (or >100M MAU) triggers the display duty, not a ban"'[1:-1]
THRESHOLD_DUTIES = [
    # Kimi: USD 300M a year is USD 25M a month, above the USD 20M monthly threshold.
    (
        usage(annual_revenue_usd=300_000_000),
        [f"above 20,000,000 USD monthly revenue: {KIMI_DISPLAY}"],
    ),
    # USD 200M a year is about USD 16.7M a month: below it (an annual reading would be above).
    (usage(annual_revenue_usd=200_000_000), []),
    # The duty is for commercial products: none for non-commercial use.
    (usage(commercial="false", annual_revenue_usd=300_000_000), []),
    # Commercial use not stated: the duty is listed with its condition.
    (
        usage(annual_revenue_usd=300_000_000).replace("commercial = true\n", ""),
        [f"if you use it commercially: above 20,000,000 USD monthly revenue: {KIMI_DISPLAY}"],
    ),
]


@pytest.mark.parametrize(("text", "expected"), THRESHOLD_DUTIES)
def test_kimi_threshold_duty_counts_monthly_revenue(text: str, expected: list[str]) -> None:
    decision = decide("modified-mit-kimi", policy_from_text(text, P, DB))
    found = [o.text for o in decision.obligations if o.text.startswith(("above", "if you"))]
    assert found == expected


def test_kimi_threshold_reason_names_the_monthly_figure() -> None:
    decision = decide(
        "modified-mit-kimi", policy_from_text(usage(annual_revenue_usd=300_000_000), P, DB)
    )
    found = [(r.verdict, r.message, r.term) for r in decision.reasons if r.code == "MDL005"]
    assert found == [
        (
            Verdict.PASS,
            "annual revenue of USD 300,000,000 (USD 25,000,000 a month): above the "
            "USD 20,000,000 a month threshold of modified-mit-kimi (Moonshot AI Modified MIT "
            "License (Kimi K2)); the license counts USD 20M MONTHLY revenue (or >100M MAU) "
            "triggers the display duty, not a ban, which attaches a duty, not a loss of the grant "
            "(see obligations)",
            "revenue_limit_usd = 20000000 per month",
        )
    ]


def decide_model(raw: str, text: str, kind: RefKind = RefKind.HUGGINGFACE) -> Decision:
    """The decision for ``raw`` resolved by the real database (modality included)."""
    match = DB.lookup(raw, kind.value)
    assert match is not None, raw
    ref = ModelRef("app.py", 1, 1, kind, raw, "py.x", SourceKind.PYTHON)
    return evaluate(Known(ref, ModelId(raw), match), policy_from_text(text, P, DB), DB, TODAY)


NO_REGION = usage(region='""').replace('region = ""\n', "")
REGION_ROWS = [
    # Llama 3.2 AUP: the grant is withheld in the EU "for the multimodal (vision) models"
    # (MODEL_CARD_VISION.md: 11B and 90B, text + images in).
    ("meta-llama/Llama-3.2-11B-Vision-Instruct", RefKind.HUGGINGFACE, '"DE"', "fail MDL010!"),
    ("meta-llama/Llama-3.2-90B-Vision", RefKind.HUGGINGFACE, '"EU"', "fail MDL010!"),
    ("meta-llama/Llama-Guard-3-11B-Vision", RefKind.HUGGINGFACE, '"IE"', "fail MDL010!"),
    ("llama3.2-vision:11b", RefKind.OLLAMA, '"FR"', "fail MDL010!"),
    # ... a re-packaged copy is the same model (and its license is inferred).
    (
        "unsloth/Llama-3.2-11B-Vision-Instruct-bnb-4bit",
        RefKind.HUGGINGFACE,
        '"FR"',
        "fail MDL010! MDL013~",
    ),
    # The text-only 1B / 3B models (MODEL_CARD.md: text in/text out) are outside the clause.
    ("meta-llama/Llama-3.2-1B-Instruct", RefKind.HUGGINGFACE, '"DE"', "pass"),
    ("meta-llama/Llama-3.2-3B", RefKind.HUGGINGFACE, '"EU"', "pass"),
    ("meta-llama/Llama-Guard-3-1B", RefKind.HUGGINGFACE, '"DE"', "pass"),
    ("llama3.2:1b", RefKind.OLLAMA, '"DE"', "pass"),
    # Llama 4 AUP: "for Llama 4 multimodal models"; the collection is natively multimodal.
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", RefKind.HUGGINGFACE, '"EU"', "fail MDL010!"),
    ("meta-llama/Llama-4-Maverick-17B-128E", RefKind.HUGGINGFACE, '"NL"', "fail MDL010!"),
    ("llama4:scout", RefKind.OLLAMA, '"DE"', "fail MDL010!"),
    # Outside the EU nothing is withheld.
    ("meta-llama/Llama-4-Scout-17B-16E-Instruct", RefKind.HUGGINGFACE, '"US"', "pass"),
    # Ollama's untagged llama3.2 names no size: the database cannot place it, so it warns.
    ("llama3.2", RefKind.OLLAMA, '"DE"', "warn MDL010~"),
]


@pytest.mark.parametrize(("raw", "kind", "region", "expected"), REGION_ROWS)
def test_eu_clause_covers_multimodal_models_only(
    raw: str, kind: RefKind, region: str, expected: str
) -> None:
    assert outcome(decide_model(raw, usage(region=region), kind)) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # a text-only model needs no region: the clause cannot cover it
        ("meta-llama/Llama-3.2-1B-Instruct", "pass"),
        # a multimodal one does
        ("meta-llama/Llama-3.2-11B-Vision-Instruct", "warn MDL016~"),
    ],
)
def test_region_unstated_matters_only_for_covered_models(raw: str, expected: str) -> None:
    assert outcome(decide_model(raw, NO_REGION)) == expected


MESSAGES = [
    (
        "llama3.1",
        PROFILES["platform"],
        "MDL004",
        "900,000,000 monthly active users: above the 700,000,000 limit of llama3.1 (Llama 3.1 "
        "Community License Agreement); the license counts monthly active users of licensee + "
        "affiliates in the month before the version release date; above it a separate license "
        "from Meta is needed",
    ),
    (
        "stabilityai-ai-community",
        PROFILES["vendor"],
        "MDL005",
        "annual revenue of USD 5,000,000: above the USD 1,000,000 limit of "
        "stabilityai-ai-community (Stability AI Community License Agreement); the license counts "
        "annual revenue of licensee + affiliates (any source); above it the license terminates "
        "and an Enterprise license is needed; commercial users must register",
    ),
    (
        "meta-llama/Llama-3.2-11B-Vision-Instruct",
        usage(region='"DE"'),
        "MDL010",
        "llama3.2 (Llama 3.2 Community License Agreement) withholds its grant in DE for its "
        "multimodal models, and meta-llama/Llama-3.2-11B-Vision-Instruct is one: AUP withholds "
        "the license grant for the multimodal (vision) models from individuals domiciled in / "
        "companies headquartered in the EU; end users of products embedding them are not affected",
    ),
    (
        "mrl",
        PROFILES["startup"],
        "MDL003",
        "mrl (Mistral AI Research License v0.1), a research-only license, does not permit "
        "commercial use",
    ),
    (
        "llama2",
        PROFILES["distiller"],
        "MDL009",
        "llama2 (Llama 2 Community License Agreement) restricts training models on its outputs: "
        "Llama 2 and its outputs may not be used to improve any other LLM (Llama 2 derivatives "
        "excepted)",
    ),
]


@pytest.mark.parametrize(("license_id", "text", "code", "message"), MESSAGES)
def test_reason_wording(license_id: str, text: str, code: str, message: str) -> None:
    if "/" in license_id:  # a model id: resolved by the real database
        decision = decide_model(license_id, text)
    else:
        decision = decide(license_id, policy_from_text(text, P, DB))
    found = [r for r in decision.reasons if r.code == code]
    assert [r.message for r in found] == [message]
    assert found[0].fix and P in found[0].fix
    assert found[0].policy is not None and found[0].policy.line is not None
