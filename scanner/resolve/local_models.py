"""What a model folder inside the repository says about itself: card, config and LICENSE file.

Code that loads ``./models/my-bert`` names no Hub id, but the folder usually carries its origin:
a model card's front matter (``license:``, ``base_model:``), ``config.json``'s ``_name_or_path``,
a PEFT ``adapter_config.json``'s ``base_model_name_or_path``, or a LICENSE file whose text is one
of the known license families. ``describe`` reads these (offline) and says which it used.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from functools import cache

from scanner.context import RepoContext
from scanner.find.identify import hub_id

LICENSE_FILES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "LICENCE.txt", "license.txt")
"""License file names looked for in a model folder, in this order."""

LICENSE_PHRASES: tuple[tuple[str, str], ...] = (
    # most specific first: a versioned or variant title before its family's generic wording
    (r"Llama 4 Community License", "llama4"),
    (r"Llama 3\.3 (?:Community License|Version Release Date)", "llama3.3"),
    (r"Llama 3\.2 (?:Community License|Version Release Date)", "llama3.2"),
    (r"Llama 3\.1 (?:Community License|Version Release Date)", "llama3.1"),
    (r"Meta Llama 3 Community License", "llama3"),
    (r"Llama 2 Community License", "llama2"),
    (r"Gemma Terms of Use", "gemma"),
    (r"CreativeML Open RAIL\+\+-M", "openrail++"),
    (r"CreativeML Open RAIL-M", "creativeml-openrail-m"),
    (r"BigScience RAIL License v1\.0", "bigscience-bloom-rail-1.0"),
    (r"BigScience Open RAIL-M", "bigscience-openrail-m"),
    (r"BigCode Open RAIL-M", "bigcode-openrail-m"),
    (r"Tongyi Qianwen Research License", "tongyi-qianwen-research"),
    (r"Tongyi Qianwen License", "tongyi-qianwen"),
    (r"Qwen Research License", "qwen-research"),
    (r"Qwen License Agreement", "qwen"),
    (r"DeepSeek License Agreement", "deepseek"),
    (r"Mistral AI Non-Production License", "mnpl"),
    (r"Mistral AI Research License", "mrl"),
    (r"Stability AI Non-Commercial Research Community License", "sai-nc-community"),
    (r"Stability AI Community License", "stabilityai-ai-community"),
    (r"DeepFloyd IF License", "deepfloyd-if-license"),
    (r"FLUX\.1 \[dev\] Non-Commercial License", "flux-1-dev-non-commercial-license"),
    (r"Databricks Open Model License", "databricks-open-model"),
    (r"NVIDIA Open Model License", "nvidia-open-model-license"),
    (r"Falcon 180B TII License", "falcon-180b-tii-license-1.0"),
    (r"FAIR Noncommercial Research License", "fair-noncommercial-research-license"),
    (r"Yi Series Models Community License", "yi-license"),
    (r"Coqui Public Model License", "coqui-public-model-license"),
    (r"Attribution-NonCommercial-ShareAlike 4\.0 International", "cc-by-nc-sa-4.0"),
    (r"Attribution-NonCommercial-ShareAlike 3\.0", "cc-by-nc-sa-3.0"),
    (r"Attribution-NonCommercial 4\.0 International", "cc-by-nc-4.0"),
    (r"Attribution-ShareAlike 4\.0 International", "cc-by-sa-4.0"),
    (r"Attribution-ShareAlike 3\.0", "cc-by-sa-3.0"),
    (r"Attribution 4\.0 International", "cc-by-4.0"),
    (r"GNU Affero General Public License\s+Version 3", "agpl-3.0"),
    (r"GNU General Public License\s+Version 3", "gpl-3.0"),
    (r"Apache License\s+Version 2\.0", "apache-2.0"),
    (r"Redistribution and use in source and binary forms.{0,900}Neither the name", "bsd-3-clause"),
    (r"Our only modification part is that.{0,600}Kimi", "modified-mit-kimi"),
    (r"\A\s*Modified MIT License", "other"),  # an MIT variant with added terms: not plain MIT
    (r"Permission is hereby granted, free of charge", "mit"),
)
"""Distinctive phrases of license texts (case and spacing ignored) -> license id."""


@cache
def _phrases() -> tuple[tuple[re.Pattern[str], str], ...]:
    """LICENSE_PHRASES compiled (once, when a model folder's LICENSE file is first read)."""
    return tuple(
        (re.compile(pattern.replace(" ", r"\s+"), re.IGNORECASE | re.DOTALL), license_id)
        for pattern, license_id in LICENSE_PHRASES
    )


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)^---[ \t]*\r?$", re.DOTALL | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class LocalModelCard:
    """What a repository folder says about the model in it, and which files said it."""

    folder: str
    license: str | None  # the card's license (a list becomes an AND expression)
    base_models: tuple[str, ...]
    name_or_path: str | None  # config.json ``_name_or_path`` when it is a Hub id
    license_file: str | None  # license id matched from a LICENSE file's text
    evidence: str  # what was used, e.g. "models/x/README.md front matter license: apache-2.0"


def describe(ctx: RepoContext, folder: str) -> LocalModelCard | None:
    """What repo folder ``folder`` says about its model; None if not a folder or it says nothing."""
    folder = posixpath.normpath(folder.strip()).removeprefix("./")
    if not ctx.is_dir(folder):
        return None
    evidence: list[str] = []
    license_, bases = _card(ctx, folder, evidence)
    name_or_path = _config_value(ctx, folder, "config.json", "_name_or_path", evidence)
    adapter_base = _config_value(
        ctx, folder, "adapter_config.json", "base_model_name_or_path", evidence
    )
    if adapter_base and adapter_base not in bases:
        bases = (*bases, adapter_base)
    license_file = _license_file(ctx, folder, evidence)
    if not evidence:
        return None
    return LocalModelCard(folder, license_, bases, name_or_path, license_file, "; ".join(evidence))


def front_matter(text: str) -> dict[str, object] | None:
    """The YAML mapping between the leading ``---`` lines of a model card (safe-loaded), or None."""
    match = _FRONT_MATTER.match(text)
    if match is None:
        return None
    import yaml  # 100 ms to import: only when a model card is read

    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def card_license(data: dict[str, object]) -> str | None:
    """The card's license: ``license_name`` for ``license: other``, lists joined with AND."""
    value = data.get("license")
    names = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    names = [str(name).strip() for name in names if isinstance(name, str) and name.strip()]
    custom = data.get("license_name")
    if isinstance(custom, str) and custom.strip():
        names = [custom.strip() if n.lower() == "other" else n for n in names] or [custom.strip()]
    return " AND ".join(dict.fromkeys(names)) or None


def license_from_text(text: str) -> str | None:
    """The license id whose distinctive phrase appears in a license text, or None."""
    head = text[:20_000]
    return next((license_id for regex, license_id in _phrases() if regex.search(head)), None)


def _card(ctx: RepoContext, folder: str, evidence: list[str]) -> tuple[str | None, tuple[str, ...]]:
    path = posixpath.join(folder, "README.md")
    text = ctx.read_text(path)
    data = front_matter(text) if text is not None else None
    if data is None:
        return None, ()
    license_ = card_license(data)
    raw = data.get("base_model")
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    bases = tuple(dict.fromkeys(v.strip() for v in values if isinstance(v, str) and v.strip()))
    if license_:
        evidence.append(f"{path} front matter license: {license_}")
    if bases:
        evidence.append(f"{path} front matter base_model: {', '.join(bases)}")
    return license_, bases


def _config_value(
    ctx: RepoContext, folder: str, name: str, key: str, evidence: list[str]
) -> str | None:
    path = posixpath.join(folder, name)
    text = ctx.read_text(path)
    if text is None:
        return None
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    value = data.get(key) if isinstance(data, dict) else None
    model = hub_id(value, exists=ctx.exists) if isinstance(value, str) else None
    if model is None:
        return None
    evidence.append(f"{path} {key}: {model}")
    return str(model)


def _license_file(ctx: RepoContext, folder: str, evidence: list[str]) -> str | None:
    for name in LICENSE_FILES:
        path = posixpath.join(folder, name)
        text = ctx.read_text(path)
        if text is None:
            continue
        license_id = license_from_text(text)
        if license_id is not None:
            evidence.append(f"{path} text matches {license_id}")
            return license_id
    return None
