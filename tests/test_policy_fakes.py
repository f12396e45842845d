"""Hand-built license terms and a tiny catalog for the policy, evaluation and obligation tests.

The records mirror the verified facts in shared/license-facts (trimmed to the fields the tests
need); tests against the real bundled database live in test_evaluate_db.py.
"""

from __future__ import annotations

from dataclasses import replace

from license_db.schema import Commercial, LicenseTerms, LimitEffect, Match, Rule
from scanner.types import Known, ModelId, ModelRef, RefKind, SourceKind, Unknown

HUB_DOCS = "https://github.com/huggingface/hub-docs/blob/242f4a1e/docs/hub/repositories-licenses.md"

MIT = LicenseTerms(
    id="mit",
    name="MIT License",
    family="permissive",
    category="permissive",
    commercial=Commercial.YES,
    sources=(HUB_DOCS, "https://opensource.org/licenses/MIT"),
    spdx="MIT",
    modification=True,
    distribution=True,
    attribution="keep copyright and permission notice",
    license_copy_required=True,
    share_alike=False,
)
APACHE = replace(
    MIT,
    id="apache-2.0",
    name="Apache License 2.0",
    spdx="Apache-2.0",
    sources=("https://www.apache.org/licenses/LICENSE-2.0",),
    attribution="keep copyright/NOTICE files; state changes to modified files",
)
GPL3 = replace(
    MIT,
    id="gpl-3.0",
    name="GNU GPL v3.0",
    spdx="GPL-3.0-only",
    category="copyleft",
    share_alike=True,
    sources=("https://www.gnu.org/licenses/gpl-3.0.html",),
)
AGPL3 = replace(
    GPL3,
    id="agpl-3.0",
    name="GNU AGPL v3.0",
    spdx="AGPL-3.0-only",
    category="network-copyleft",
    sources=("https://www.gnu.org/licenses/agpl-3.0.html",),
)
CC_BY_SA = replace(
    MIT,
    id="cc-by-sa-4.0",
    name="CC BY-SA 4.0",
    spdx="CC-BY-SA-4.0",
    category="copyleft",
    share_alike=True,
    license_copy_required=False,
    sources=("https://creativecommons.org/licenses/by-sa/4.0/",),
)
CC_BY_NC = LicenseTerms(
    id="cc-by-nc-4.0",
    name="Creative Commons Attribution-NonCommercial 4.0",
    family="creative-commons",
    category="non-commercial",
    commercial=Commercial.NO,
    sources=(HUB_DOCS, "https://creativecommons.org/licenses/by-nc/4.0/"),
    spdx="CC-BY-NC-4.0",
    modification=True,
    distribution=True,
    attribution="credit the creator, link the license, indicate changes",
    license_copy_required=False,
    share_alike=False,
)
LLAMA_RESTRICTIONS = (
    "child-safety",
    "critical-infrastructure",
    "defamation-harassment",
    "discrimination",
    "disinformation",
    "illegal-activity",
    "impersonation",
    "malware",
    "medical-advice",
    "military",
    "personal-data",
    "self-harm",
    "sexual-content",
    "spam",
    "violence",
    "weapons-drugs",
)
LLAMA31 = LicenseTerms(
    id="llama3.1",
    name="Llama 3.1 Community License Agreement",
    family="llama",
    category="community",
    commercial=Commercial.CONDITIONAL,
    sources=("https://github.com/meta-llama/llama-models/blob/a9c89c4/models/llama3_1/LICENSE",),
    hub_id="llama3.1",
    mau_limit=700_000_000,
    mau_basis="monthly active users of licensee + affiliates in the month before release",
    modification=True,
    distribution=True,
    attribution='display "Built with Llama"; Notice file crediting the Llama 3.1 license',
    naming_rule='distributed models built with Llama 3.1 must have names beginning with "Llama"',
    license_copy_required=True,
    notice_file_required=True,
    use_restrictions=LLAMA_RESTRICTIONS,
    use_restrictions_raw=("unlicensed-professional-practice", "weapons", "military-warfare"),
    use_restrictions_flow_down=False,
    output_training_restricted=False,
    aup_url="https://llama.meta.com/llama3_1/use-policy",
)
LLAMA2 = replace(
    LLAMA31,
    id="llama2",
    name="Llama 2 Community License Agreement",
    sources=("https://github.com/meta-llama/llama-models/blob/a9c89c4/models/llama2/LICENSE",),
    naming_rule=None,
    output_training_restricted=True,
    output_training="Llama 2 outputs may not be used to improve any other LLM",
)
LLAMA32 = replace(
    LLAMA31,
    id="llama3.2",
    name="Llama 3.2 Community License Agreement",
    restricted_regions=("EU",),
    restricted_regions_scope="multimodal (vision) models only",
    geographic_restriction="AUP withholds the grant for the vision models in the EU",
)
RAIL_RESTRICTIONS = (
    "automated-legal-decisions",
    "child-safety",
    "defamation-harassment",
    "discrimination",
    "disinformation",
    "exploit-vulnerable-groups",
    "illegal-activity",
    "law-enforcement",
    "medical-advice",
    "personal-data",
)
RAIL = LicenseTerms(
    id="creativeml-openrail-m",
    name="CreativeML Open RAIL-M",
    family="rail",
    category="responsible-ai",
    commercial=Commercial.YES,
    sources=("https://github.com/CompVis/stable-diffusion/blob/21f890f/LICENSE",),
    modification=True,
    distribution=True,
    hosting_allowed=True,
    attribution="keep copyright/patent/trademark/attribution notices; mark modified files",
    license_copy_required=True,
    use_restrictions=RAIL_RESTRICTIONS,
    use_restrictions_raw=("medical-advice", "law-enforcement-justice-immigration", "illegal-use"),
    use_restrictions_flow_down=True,
    output_training_restricted=False,
)
STABILITY = LicenseTerms(
    id="stabilityai-ai-community",
    name="Stability AI Community License Agreement",
    family="stability",
    category="community",
    commercial=Commercial.CONDITIONAL,
    sources=("https://stability.ai/community-license-agreement",),
    revenue_limit_usd=1_000_000,
    revenue_basis="annual revenue of licensee + affiliates",
    modification=True,
    distribution=True,
    attribution='prominently display "Powered by Stability AI"',
    license_copy_required=True,
    output_training_restricted=True,
    output_training="outputs may not be used to create or improve foundational models",
    aup_url="https://stability.ai/use-policy",
)
KIMI = LicenseTerms(
    id="modified-mit-kimi",
    name="Modified MIT License (Kimi K2)",
    family="permissive",
    category="permissive",
    commercial=Commercial.YES,
    sources=("https://huggingface.co/moonshotai/Kimi-K2-Instruct/blob/main/LICENSE",),
    mau_limit=100_000_000,
    mau_basis='display "Kimi K2" prominently in the user interface',
    revenue_limit_usd=20_000_000,
    revenue_basis='display "Kimi K2" when monthly revenue exceeds USD 20 million',
    limit_effect=LimitEffect.DUTY,
    modification=True,
    distribution=True,
)
MNPL = LicenseTerms(
    id="mnpl",
    name="Mistral AI Non-Production License",
    family="mistral",
    category="non-production",
    commercial=Commercial.NO,
    sources=("https://mistral.ai/licenses/MNPL-0.1.md",),
    modification=True,
    distribution=True,
    hosting_allowed=False,
)
RESEARCH = LicenseTerms(
    id="qwen-research",
    name="Qwen Research License",
    family="qwen",
    category="research-only",
    commercial=Commercial.NO,
    sources=("https://huggingface.co/Qwen/Qwen2.5-3B/blob/main/LICENSE",),
)
MSR = replace(
    RESEARCH,
    id="microsoft-research-license",
    name="Microsoft Research License",
    distribution=False,
    modification=True,
    sources=("https://huggingface.co/microsoft/phi-2/discussions/4",),
)
OPENRAIL = LicenseTerms(
    id="openrail",
    name="OpenRAIL license family (variant unspecified)",
    family="rail",
    category="responsible-ai",
    commercial=Commercial.CONDITIONAL,
    sources=("https://huggingface.co/blog/open_rail",),
    use_restrictions_flow_down=True,
    missing=("attribution", "distribution", "mau_limit", "modification", "use_restrictions"),
)
LGPL_LR = LicenseTerms(
    id="lgpl-lr",
    name="Lesser General Public License For Linguistic Resources",
    family="gnu",
    category="weak-copyleft",
    commercial=Commercial.UNKNOWN,
    sources=("https://github.com/explosion/spacy-models/blob/9257066/meta/fr.json",),
    missing=("commercial", "distribution", "modification", "output_training_restriction"),
)
OPENAI = LicenseTerms(
    id="proprietary-api-openai",
    name="OpenAI Terms of Use (API models)",
    family="proprietary-api",
    category="proprietary-api",
    commercial=Commercial.YES,
    sources=("https://openai.com/policies/terms-of-use",),
    modification=False,
    distribution=False,
    use_restrictions=("acceptable-use-policy", "impersonation", "model-extraction"),
    output_training_restricted=True,
    output_training="output may not be used to develop models that compete with OpenAI",
    proprietary_api=True,
)
UNKNOWN_TERMS = LicenseTerms(
    id="unknown",
    name="No license declared / unknown",
    family="unknown",
    category="unknown",
    commercial=Commercial.UNKNOWN,
    sources=(HUB_DOCS,),
)
SANCTIONED = replace(
    MIT,
    id="regional-test",
    name="Region-restricted license",
    spdx=None,
    restricted_regions=("EU", "CN"),
    geographic_restriction="grant withheld in the EU and China",
)

ALL_TERMS = (
    MIT,
    APACHE,
    GPL3,
    AGPL3,
    CC_BY_SA,
    CC_BY_NC,
    LLAMA31,
    LLAMA2,
    LLAMA32,
    RAIL,
    STABILITY,
    KIMI,
    MNPL,
    RESEARCH,
    MSR,
    OPENRAIL,
    LGPL_LR,
    OPENAI,
    UNKNOWN_TERMS,
    SANCTIONED,
)


class FakeDB:
    """The two methods the policy needs, over a fixed set of terms (ids and SPDX ids, any case)."""

    version = "test"

    def __init__(self, terms: tuple[LicenseTerms, ...] = ALL_TERMS) -> None:
        self._terms = terms
        self._by_key: dict[str, LicenseTerms] = {}
        for t in terms:
            self._by_key[t.id.lower()] = t
            if t.spdx:
                self._by_key.setdefault(t.spdx.lower(), t)

    def license(self, license_id: str) -> LicenseTerms | None:
        return self._by_key.get(license_id.lower())

    def licenses(self) -> tuple[LicenseTerms, ...]:
        return self._terms


DB = FakeDB()


def ref(
    raw: str, kind: RefKind = RefKind.HUGGINGFACE, path: str = "app.py", line: int = 3
) -> ModelRef:
    return ModelRef(path, line, 1, kind, raw, "py.from_pretrained", SourceKind.PYTHON)


def known(
    model: str,
    license_text: str,
    *,
    kind: RefKind = RefKind.HUGGINGFACE,
    inferred: bool = False,
    base: str | None = None,
    path: str = "app.py",
    line: int = 3,
) -> Known:
    rule = Rule.DERIVATIVE if inferred else Rule.EXACT
    match = Match(
        query=model,
        model_id=model,
        license=license_text,
        rule=rule,
        detail=f"fine-tune of {base}" if base else "listed",
        source="https://huggingface.co/x",
        base_model=base,
        inferred=inferred,
    )
    return Known(ref(model, kind, path, line), ModelId(model), match)


def unknown(model: str, kind: RefKind = RefKind.HUGGINGFACE) -> Unknown:
    return Unknown(ref(model, kind), ModelId(model), "no huggingface entry in the bundled database")
