"""The controlled vocabulary of use-restriction categories.

License facts use many tags for the same restriction ("medical-advice", "clinical-or-medical-advice",
"unlicensed-professional-practice" ...). The build normalises every tag to one of these categories;
a policy's ``usage.intended_uses`` names categories from this list and nothing else.
"""

from __future__ import annotations

USE_CATEGORIES: dict[str, str] = {
    "acceptable-use-policy": (
        "any use the licensor's separate acceptable-use policy forbids (its items not itemised)"
    ),
    "automated-legal-decisions": "fully automated decisions that affect a person's legal rights or obligations",
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
    "medical-advice": "medical advice or clinical decisions, and other unlicensed professional practice",
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
    "model-extraction": "extracting or reverse-engineering the model, or building a competing model",
}
"""Category id -> one-line description (used in messages and ``init``)."""


def is_category(name: str) -> bool:
    """True when ``name`` is a category of the vocabulary."""
    return name in USE_CATEGORIES
