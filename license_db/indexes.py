"""Indexes of the database's tables (``loader.Records``): positions of records by key, read
from the rows' columns, so that building one makes no record (``LicenseDB`` makes the one a
lookup answers with)."""

from __future__ import annotations

from license_db.loader import Index, Records

TYPE_CHECKING = False  # ``typing`` is not imported at run time: a load never needs it
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import TypeVar

    from license_db.schema import ModelRecord

    R = TypeVar("R")


def license_keys(licenses: Iterable[tuple[str, str | None, str | None]]) -> dict[str, str]:
    """Lowercased id, SPDX id and card name -> license id; (id, spdx, card name) per license."""
    rows = list(licenses)
    keys = {license_id.lower(): license_id for license_id, _, _ in rows}
    for license_id, *others in rows:
        for other in others:
            if other:
                keys.setdefault(other.lower(), license_id)
    return keys


def table(records: Records[R] | Sequence[R]) -> Records[R]:
    """``records`` as a table: a bundle's own, or records already made (``read_bundle``)."""
    return records if isinstance(records, Records) else Records(records)


def models(models: Records[ModelRecord], kind: str) -> Index[ModelRecord]:
    """Lowercased model id -> the model of ``kind``."""
    ids, kinds = models.column("model_id"), models.column("kind")
    positions = {ids[i].lower(): i for i, found in enumerate(kinds) if found == kind}
    return Index(models, positions)


def by_name(ids: list[str], kinds: list[str]) -> dict[str, tuple[int, ...]]:
    """Lowercased name (after the organisation) -> positions of the Hub models of that name."""
    grouped: dict[str, tuple[int, ...]] = {}
    for i, (model_id, kind) in enumerate(zip(ids, kinds, strict=True)):
        if kind == "huggingface" and "/" in model_id:
            name = model_id.split("/", 1)[1].lower()
            grouped[name] = (*grouped.get(name, ()), i)
    return grouped


RESELLERS = frozenset({
    "azure", "azure_ai", "bedrock", "bedrock_converse", "cloudflare", "databricks", "deepinfra",
    "fireworks_ai", "github_copilot", "gmi", "groq", "lambda_ai", "nebius", "novita", "oci",
    "openrouter", "replicate", "sambanova", "scaleway", "snowflake", "together_ai",
    "vercel_ai_gateway", "vertex_ai", "wandb", "watsonx",
})  # fmt: skip
"""Providers that resell other organisations' models: a bare name means its maker's own API."""


def api(names: list[str], providers: list[str]) -> dict[str, int]:
    """Lowercased name -> position; where several providers list a name, the maker's own API
    wins (else the first listed)."""
    index: dict[str, int] = {}
    resold = []
    for i, provider in enumerate(providers):
        if provider in RESELLERS:
            resold.append(i)
        else:
            index.setdefault(names[i].lower(), i)
    for i in resold:
        index.setdefault(names[i].lower(), i)
    return index
