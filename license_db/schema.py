"""Record types of the bundled license database. Data only; validation lives in ``validate``."""

from __future__ import annotations

from enum import Enum

from license_db.frozen import Record

SCHEMA_VERSION = 1


class Commercial(str, Enum):
    """Whether a license permits commercial use."""

    YES = "yes"
    NO = "no"
    CONDITIONAL = "conditional"  # allowed under a condition (MAU / revenue limit, AUP, ...)
    UNKNOWN = "unknown"  # not verified: never read as "yes"


class LimitEffect(str, Enum):
    """What crossing a MAU or revenue threshold means under a license."""

    NEEDS_LICENSE = "needs-license"  # the grant ends above it; a separate license is needed
    DUTY = "duty"  # only an extra duty applies above it (e.g. a display requirement)


class OutputTraining(str, Enum):
    """What training another model on a license's outputs means under that license."""

    FORBIDDEN = "forbidden"  # the license forbids it (perhaps with named exceptions)
    DERIVATIVE = "derivative"  # allowed; the trained model is a derivative under the license
    NONE = "none"  # the license sets no term on it (other duties, e.g. naming, may still apply)


class LimitScope(str, Enum):
    """Which uses a license's MAU / revenue thresholds govern."""

    ANY = "any"  # every use, commercial or not
    COMMERCIAL = "commercial"  # commercial use only: non-commercial use is free of the limit


class Period(str, Enum):
    """The period a revenue threshold is counted over."""

    YEAR = "year"
    MONTH = "month"


class Rule(str, Enum):
    """Which resolution rule decided a model's license, in the order they are tried."""

    EXACT = "exact"
    ALIAS = "alias"
    FAMILY = "family"
    DERIVATIVE = "derivative"
    API = "api"
    SPACY = "spacy"
    ULTRALYTICS = "ultralytics"
    PACKAGE = "package"
    MODEL_CARD = "model-card"  # a local model folder's card or config named it
    HUB = "hub"  # the Hugging Face Hub's card metadata (opt-in online lookup)


class LicenseTerms(Record):
    """One license's terms as structured data the policy can compute with.

    ``None`` on a tri-state field means the fact was not verified (listed in ``missing``):
    policy code must treat it as unknown, never as permission.
    """

    id: str
    name: str
    family: str
    category: str  # permissive, copyleft, non-commercial, research-only, responsible-ai, ...
    commercial: Commercial
    sources: tuple[str, ...]
    spdx: str | None = None
    hub_id: str | None = None
    commercial_note: str | None = None
    mau_limit: int | None = None
    mau_basis: str | None = None
    revenue_limit_usd: int | None = None
    revenue_basis: str | None = None
    limit_effect: LimitEffect = LimitEffect.NEEDS_LICENSE
    limits_apply_to: LimitScope = LimitScope.ANY  # the uses mau_limit / revenue_limit_usd govern
    revenue_limit_period: Period | None = Period.YEAR  # None: not stated (the build sets it)
    modification: bool | None = None
    distribution: bool | None = None
    hosting_allowed: bool | None = None
    hosted_service_counts_as_distribution: bool = False
    attribution: str | None = None
    naming_rule: str | None = None
    license_copy_required: bool | None = None
    notice_file_required: bool | None = None
    share_alike: bool | None = None
    use_restrictions: tuple[str, ...] = ()  # categories of the controlled vocabulary
    use_restrictions_raw: tuple[str, ...] = ()  # the facts' own tags, for display
    use_restrictions_flow_down: bool | None = None
    output_training_restricted: bool | None = None
    output_training: str | None = None
    output_training_effect: OutputTraining | None = None  # None: see output_training_restricted
    geographic_restriction: str | None = None
    restricted_regions: tuple[str, ...] = ()  # ISO codes / "EU" where the grant is withheld
    restricted_regions_scope: str | None = None  # which models/uses the regional clause covers
    restricted_regions_models: str | None = None  # "multimodal": only Match.multimodal models
    proprietary_api: bool = False
    aup_url: str | None = None
    notes: str | None = None
    primary_text_read: bool = False
    missing: tuple[str, ...] = ()
    not_applicable: tuple[str, ...] = ()  # checked against the text and absent (e.g. no MAU cap)
    hub_license_name: str | None = None  # model-card ``license_name`` when hub_id is "other"


class ModelRecord(Record):
    """One model id with its license (an id or an expression such as ``mit AND llama3.1``)."""

    model_id: str
    license: str
    source: str
    tier: int | None = None
    kind: str = "huggingface"  # RefKind value: huggingface, spacy or ultralytics
    conflict: str | None = None  # the sources' competing claims, when they disagreed


class Match(Record):
    """The database's answer for one identifier, with the rule that decided it.

    ``model_id`` is the canonical id the answer is about; ``detail`` says how the rule applied
    (the alias target, the family pattern, the base model of a derivative...).
    """

    query: str
    model_id: str
    license: str
    rule: Rule
    detail: str
    source: str
    tier: int | None = None
    base_model: str | None = None
    inferred: bool = False
    provider: str | None = None
    rule_id: str | None = None  # the curated family / Ollama / package rule that decided, if any
    multimodal: bool | None = None  # takes images (or other non-text) input; None: not known
