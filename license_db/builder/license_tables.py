"""License terms read by hand from the facts' text: the tables the license records are built with.

Each table is keyed by license id; ``licenses.check_tables`` fails the build when a key is not a
license of the facts.
"""

from __future__ import annotations

from license_db.schema import LimitScope, OutputTraining, Period

# Every use-restriction tag of licenses.toml must be in vocabulary.USE_TAG_CATEGORIES or here.
NOT_USE_TAGS: dict[str, str] = {
    "commercial-or-production-use": "commercial / hosting fields",
    "commercial-supply-incl-hosted-services": "commercial / hosting fields",
    "commercial-use": "commercial field",
    "commercial-use-of-model-or-outputs": "commercial field (note)",
    "commercial-use-of-outputs (per Cohere staff)": "commercial field (note)",
    "failure-to-disclose-known-dangers": "a disclosure duty, not a use",
    "internal-commercial-use": "commercial field",
    "offering-as-hosted-service-or-api": "hosting_allowed field",
    "production-use": "commercial / hosting fields",
    "removing-notices": "attribution / notice duties",
    "resale": "distribution field",
}
"""Tags that are not use categories: the policy reads them from other fields."""

OUTPUT_TRAINING: dict[str, OutputTraining] = {
    # "none" / "none stated" / "none in the license itself" / "none (outputs must not be used in
    # ways that breach the license)": the license sets no term on training with its outputs.
    **dict.fromkeys(
        (
            "agpl-3.0",
            "apache-2.0",
            "bigcode-openrail-m",
            "bigscience-bloom-rail-1.0",
            "bigscience-openrail-m",
            "bsd-3-clause",
            "cc-by-4.0",
            "cc-by-nc-4.0",
            "cc-by-nc-sa-3.0",
            "cc-by-nc-sa-4.0",
            "cc-by-sa-3.0",
            "cc-by-sa-4.0",
            "creativeml-openrail-m",
            "gpl-3.0",
            "mit",
            "odc-by",
            "openrail++",
        ),
        OutputTraining.NONE,
    ),
    # "none stated; NVIDIA claims no ownership of outputs"
    "nvidia-open-model-license": OutputTraining.NONE,
    # "no ban; outputs may be used to train other models, but such distributed models must carry
    # the Llama name prefix": allowed; the prefix is the naming_rule duty (OBL004).
    **dict.fromkeys(("llama3.1", "llama3.2", "llama3.3", "llama4"), OutputTraining.NONE),
    # "models trained on Gemma outputs (distillation/synthetic data) count as Model Derivatives and
    # stay under the Gemma terms; outputs themselves are not derivatives"
    "gemma": OutputTraining.DERIVATIVE,
    # "none stated; distillation into another model makes it a Derivative that inherits the
    # restrictions"
    "deepseek": OutputTraining.DERIVATIVE,
    # "yes: ... may not be used to improve any other LLM (... derivatives excepted)"
    **dict.fromkeys(
        ("databricks-open-model", "llama2", "llama3", "tongyi-qianwen", "tongyi-qianwen-research"),
        OutputTraining.FORBIDDEN,
    ),
    # "yes: materials, derivatives and outputs may not be used to create or improve any
    # foundational generative AI model" / "... to train/create/improve foundational, large language
    # or general-purpose AI models" / "... to train, fine-tune or distil a model that competes"
    **dict.fromkeys(
        ("flux-1-dev-non-commercial-license", "grok2-community", "stabilityai-ai-community"),
        OutputTraining.FORBIDDEN,
    ),
    # "yes: output may not be used to develop models that compete with ..." (API terms)
    **dict.fromkeys(
        ("proprietary-api-anthropic", "proprietary-api-google-gemini", "proprietary-api-openai"),
        OutputTraining.FORBIDDEN,
    ),
    # "outputs, like models and derivatives, may only be used for purposes the license authorises
    # (research)": training outside research is not authorised.
    "mrl": OutputTraining.FORBIDDEN,
    # "yes: outputs and results may not be used to improve any other AI model"
    "tencent-hunyuan-community": OutputTraining.FORBIDDEN,
}
"""License id -> what its ``output_training_restriction`` text means, read by hand from that text.

Every license whose facts state the term must be here (and no other): the build fails otherwise,
so a new license is read, never guessed from words.
"""

LIMIT_SCOPES: dict[str, tuple[LimitScope, str]] = {
    # Llama: the MAU test counts the licensee's users whatever the use (Llama 2 section 2).
    **{
        key: (LimitScope.ANY, "monthly active users of licensee + affiliates")
        for key in ("llama2", "llama3", "llama3.1", "llama3.2", "llama3.3", "llama4")
    },
    "databricks-open-model": (LimitScope.ANY, "MAU of licensee + affiliates"),
    "qwen": (LimitScope.COMMERCIAL, "commercial use above 100M MAU needs a license"),
    "tongyi-qianwen": (
        LimitScope.COMMERCIAL,
        "commercial use by a product/service with more than 100M monthly active users",
    ),
    # Stability's own announcement of this license (stability.ai/news/license-update): "free for
    # research, non-commercial, and commercial use. You only need a paid Enterprise license if your
    # yearly revenues exceed USD$1M and you use Stability AI models in commercial products or
    # services"; "Non-commercial use remains free".
    "stabilityai-ai-community": (LimitScope.COMMERCIAL, "commercial users must register"),
    "lfm1.0": (
        LimitScope.COMMERCIAL,
        "the commercial-use right under this license ends and a paid Liquid AI license is "
        "needed; research and qualified non-profit use have no threshold",
    ),
    "falcon-llm-license-1.0": (LimitScope.COMMERCIAL, "attributable to commercial use"),
    "modified-mit-kimi": (
        LimitScope.COMMERCIAL,
        "commercial products above either threshold must prominently show",
    ),
}
"""License id -> the uses its MAU / revenue thresholds govern, with the facts' words that say so.

Every license with a threshold must be here; the quoted words must occur in its basis, attribution
or notes (the build checks both).
"""

REVENUE_PERIODS: dict[str, tuple[Period, str]] = {
    "stabilityai-ai-community": (Period.YEAR, "annual revenue of licensee + affiliates"),
    "lfm1.0": (Period.YEAR, "annual revenue of the company using the model"),
    "modified-mit-kimi": (Period.MONTH, "USD 20M MONTHLY revenue"),
    # falcon-llm-license-1.0: "royalty (default 10%) on revenue above USD 1M attributable to
    # commercial use" names no period: left unset, the policy check reads it both ways.
}
"""License id -> the period its revenue threshold counts, with the facts' words that say so."""

REGIONAL: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    "llama3.2": (
        ("EU",),
        "multimodal (vision) models only; end users of products are unaffected",
        "multimodal",
    ),
    "llama4": (
        ("EU",),
        "multimodal models only; end users of products are unaffected",
        "multimodal",
    ),
    # "THIS LICENSE AGREEMENT DOES NOT APPLY IN THE EUROPEAN UNION, UNITED KINGDOM AND SOUTH
    # KOREA": every model of the license, and its outputs (no scope: the whole grant).
    "tencent-hunyuan-community": (("EU", "GB", "KR"), None, None),
}
"""Licenses whose geographic clause withholds the grant in a region (llama3.3: text-only).

The second item says in words which models or uses the clause covers (None: all of them, the
whole grant); the third names the models the clause covers: ``"multimodal"`` for models the curated
``[[modality]]`` rules mark multimodal (geographic_restriction: "for the multimodal (vision)
models" / "for Llama 4 multimodal models"); None for every model of the license.
"""

DUTY_LIMITS: frozenset[str] = frozenset({"modified-mit-kimi"})
"""Licenses whose MAU/revenue thresholds trigger a duty (display "Kimi K2"), not a new license."""
