"""The controlled vocabulary of use-restriction categories.

License facts use many tags for one restriction ("medical-advice", "clinical-or-medical-advice",
"unlicensed-professional-practice" ...). The build normalises every tag to one of these categories;
a policy's ``usage.intended_uses`` names categories from this list and nothing else.
"""

from __future__ import annotations

USE_CATEGORIES: dict[str, str] = {
    "acceptable-use-policy": (
        "any use the licensor's separate acceptable-use policy forbids (its items not itemised)"
    ),
    "automated-legal-decisions": "automated decisions affecting a person's legal rights",
    "biometric-processing": "biometric identification or categorisation of people",
    "child-safety": "content or uses that harm or exploit minors, CSAM",
    "critical-infrastructure": "operating critical infrastructure, heavy machinery or transport",
    "defamation-harassment": "defaming, harassing, bullying or intimidating people",
    "discrimination": "social scoring or decisions that discriminate on protected characteristics",
    "disinformation": "generating or spreading harmful disinformation, fraud or scams",
    "exploit-vulnerable-groups": "exploiting the vulnerabilities of a specific group of people",
    "illegal-activity": "any use that breaks the law or infringes third-party rights",
    "impersonation": "impersonating people or passing machine output off as human",
    "law-enforcement": "predictive policing, law-enforcement, justice or immigration decisions",
    "malware": "generating malicious code or attacking computer systems",
    "medical-advice": "medical advice, clinical decisions, other unlicensed professional practice",
    "military": "military, warfare, nuclear or espionage uses",
    "minors-as-users": "offering the service to users under 18",
    "personal-data": "collecting or processing personal or sensitive data without authorisation",
    "safety-circumvention": "circumventing safety filters or guardrails",
    "self-harm": "promoting self-harm or suicide",
    "sexual-content": "sexually explicit content or sexual solicitation",
    "spam": "spam and fake engagement",
    "surveillance": "surveillance and tracking of people without consent",
    "undisclosed-ai-content": "machine-generated content not disclosed as such",
    "violence": "violence, terrorism, weapons, hate or incitement",
    "weapons-drugs": "weapons, illegal drugs or other illegal goods",
    "model-extraction": "extracting or reverse-engineering the model, building a competitor",
}
"""Category id -> one-line description (used in messages and ``init``)."""


# The one mapping table from the license facts' use-restriction tags to categories. The build
# uses it to normalise the data; policy messages use it to name a license's own tag.

USE_TAG_CATEGORIES: dict[str, tuple[str, ...]] = {
    "adverse-impact-protected-characteristics": ("discrimination",),
    "anthropic-usage-policy": ("acceptable-use-policy",),
    "automated-decisions-material-rights": ("automated-legal-decisions",),
    "automated-legal-decisions": ("automated-legal-decisions",),
    "automated-legal-decisions-without-disclosure": ("automated-legal-decisions",),
    "biometric-processing": ("biometric-processing",),
    "child-exploitation": ("child-safety",),
    "clinical-or-medical-advice": ("medical-advice",),
    "cohere-aup": ("acceptable-use-policy",),
    "content-filter-required": ("safety-circumvention",),
    "critical-infrastructure-operation": ("critical-infrastructure",),
    "csam": ("child-safety",),
    "csam-ncii": ("child-safety", "sexual-content"),
    "databricks-aup": ("acceptable-use-policy",),
    "defamation": ("defamation-harassment",),
    "defamation-harassment": ("defamation-harassment",),
    "discrimination-in-essential-services": ("discrimination",),
    "exploit-vulnerable-groups": ("exploit-vulnerable-groups",),
    "export-control-compliance": ("illegal-activity",),
    "facilitating-crime": ("illegal-activity",),
    "fake-engagement": ("spam",),
    "falcon-aup": ("acceptable-use-policy",),
    "fraud-disinformation": ("disinformation",),
    "fraud-scams-phishing-malware": ("disinformation", "malware"),
    "generative-ai-prohibited-use-policy": ("acceptable-use-policy",),
    "guardrail-circumvention": ("safety-circumvention",),
    "harassment-bullying": ("defamation-harassment",),
    "harm-minors": ("child-safety",),
    "harm-minors-or-living-beings": ("child-safety", "violence"),
    "harmful-disinformation": ("disinformation",),
    "harmful-pii": ("personal-data",),
    "hate": ("violence",),
    "human-trafficking-sexual-violence": ("violence", "illegal-activity"),
    "illegal-activity": ("illegal-activity",),
    "illegal-drugs": ("weapons-drugs",),
    "illegal-goods-substances": ("weapons-drugs",),
    "illegal-use": ("illegal-activity",),
    "illegal-use-or-third-party-rights": ("illegal-activity",),
    "illegal-use-privacy-law": ("illegal-activity", "personal-data"),
    "impersonation": ("impersonation",),
    "impersonation-of-humans": ("impersonation",),
    "impersonation-without-consent": ("impersonation",),
    "incitement-to-violence": ("violence",),
    "ip-infringement": ("illegal-activity",),
    "law-enforcement-justice-immigration": ("law-enforcement",),
    "malware": ("malware",),
    "medical-advice": ("medical-advice",),
    "military": ("military",),
    "military-nuclear": ("military",),
    "military-warfare-nuclear-espionage": ("military",),
    "misleading-expertise-claims": ("medical-advice",),
    "model-extraction": ("model-extraction",),
    "openai-usage-policies": ("acceptable-use-policy",),
    "pii-without-authorisation": ("personal-data",),
    "privacy-law-violation": ("personal-data", "illegal-activity"),
    "protected-class-discrimination": ("discrimination",),
    "publicity-or-digital-replica-rights": ("impersonation",),
    "regulated-inappropriate-content": ("illegal-activity",),
    "represent-output-as-human": ("impersonation",),
    "reverse-engineering": ("model-extraction",),
    "safety-filter-circumvention": ("safety-circumvention",),
    "self-harm": ("self-harm",),
    "sensitive-personal-data": ("personal-data",),
    "sexual-solicitation": ("sexual-content",),
    "sexually-explicit-content": ("sexual-content",),
    "social-scoring-discrimination": ("discrimination",),
    "spam": ("spam",),
    "stability-aup": ("acceptable-use-policy",),
    "surveillance": ("surveillance",),
    "third-party-rights-infringement": ("illegal-activity",),
    "tracking-without-consent": ("surveillance",),
    "trade-control-compliance": ("illegal-activity",),
    "trustworthy-ai-terms": ("acceptable-use-policy",),
    "under-18-users": ("minors-as-users",),
    "undisclosed-machine-generated-content": ("undisclosed-ai-content",),
    "unlawful-fraudulent-defamatory-abusive": (
        "illegal-activity",
        "disinformation",
        "defamation-harassment",
    ),
    "unlicensed-professional-practice": ("medical-advice",),
    "violence-terrorism": ("violence",),
    "violent-extremism": ("violence",),
    "weapons": ("weapons-drugs",),
    "xai-aup: comply-with-law": ("acceptable-use-policy", "illegal-activity"),
    "xai-aup: do-not-harm-people-or-property": ("acceptable-use-policy", "violence"),
    "xai-aup: respect-guardrails-do-not-mislead": (
        "acceptable-use-policy",
        "safety-circumvention",
        "disinformation",
    ),
}


def is_category(name: str) -> bool:
    """True when ``name`` is a category of the vocabulary."""
    return name in USE_CATEGORIES


def tags_for(category: str, raw_tags: tuple[str, ...]) -> tuple[str, ...]:
    """The raw tags among ``raw_tags`` that the mapping table files under ``category``."""
    return tuple(tag for tag in raw_tags if category in USE_TAG_CATEGORIES.get(tag, ()))
