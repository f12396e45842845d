"""Records of the bundled data beyond a license's and a model's (``schema``): aliases, pattern
rules, API models, derivative markers, modality rules, datasets, and the parsed ``Bundle``.

Their own module so that loading the database imports none of them: ``load()`` reads the
manifest only; this module is imported when the data file that holds such records is first
parsed.
"""

from __future__ import annotations

from license_db.frozen import Record

TYPE_CHECKING = False  # ``typing`` is not imported at run time: a lookup never needs it
if TYPE_CHECKING:
    from typing import Any

    from license_db.schema import LicenseTerms, ModelRecord


class Alias(Record):
    """A legacy id that names another record (``gpt2`` -> ``openai-community/gpt2``)."""

    alias: str
    target: str
    source: str
    tier: int | None


class PatternRule(Record):
    """A curated family or Ollama rule: whole-string regex on the lowercased id."""

    id: str
    match: str
    license: str
    source: str
    note: str
    exception_of: str | None = None

    @property
    def shown(self) -> str:
        """The rule as written for messages: ``llama-3.2 (meta-llama/llama-3.2-*)``."""
        return f"{self.id} ({self.match})"


class ApiModel(Record):
    """A hosted model name and the provider whose API terms apply."""

    name: str
    provider: str
    license: str
    source: str
    mode: str | None


class Derivatives(Record):
    """Markers of quantised / converted copies: re-packager orgs and name suffixes."""

    repackagers: frozenset[str]
    suffixes: tuple[str, ...]  # longest first
    source: str


class ModalityRule(Record):
    """Whether the models a regex names (on the lowercased model name) are multimodal."""

    id: str
    regex: str
    multimodal: bool
    source: str
    note: str


class Bundle(Record):
    """Everything in license_db/data, parsed."""

    manifest: dict[str, Any]
    licenses: tuple[LicenseTerms, ...]
    models: tuple[ModelRecord, ...]
    aliases: tuple[Alias, ...]
    api_models: tuple[ApiModel, ...]
    family: tuple[PatternRule, ...]
    ollama: tuple[PatternRule, ...]
    packages: tuple[PatternRule, ...]
    derivatives: Derivatives
    api_prefixes: dict[str, str]
    modality: tuple[ModalityRule, ...] = ()
    datasets: tuple[DatasetRecord, ...] = ()


class DatasetRecord(Record):
    """A Hub dataset id, its license (``unknown`` where not settled), source and terms note."""

    dataset_id: str
    license: str
    source: str
    notes: str
