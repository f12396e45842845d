"""Identify: the one place that decides what a raw string names, given the extractor's hint.

An extractor finds a string and knows which library read it; it calls ``name_string`` once with
that ``Hint`` (its ``Naming``: Hub loader, sentence-transformers, whisper, spaCy, an API client,
Ollama, ...) and gets back what the string names (``Named``: a Hub model, a dataset, an API
model, a folder of the repository ...) or None. The walk goes down, never back to the extractor:

* ``identify.local``: is the string a path for that library, or a folder or file of the
  repository? A folder is a LOCAL reference, anything else local names nothing;
* ``identify.naming``: otherwise the library's naming convention (``all-MiniLM-L6-v2`` under
  sentence-transformers, ``large-v3`` under whisper, ``provider:model`` under LangChain);
* ``identify.hub``: beneath both, the shape of a Hub id and of a path (``hub_id``,
  ``looks_like_path``), which extractors with no library hint (configs) and the resolvers use
  directly.
"""

from __future__ import annotations

from scanner.context import RepoContext
from scanner.find.identify.hub import (
    LEGACY_HUB_ID,
    LOCAL_FOLDER_WORDS,
    WEIGHT_EXTENSIONS,
    hub_id,
    looks_like_path,
    plain_name,
    strip_hub_prefix,
)
from scanner.find.identify.local import in_repository, is_path_like, local_folder
from scanner.find.identify.naming import UNKNOWN_OPTION, Hint, Named, Naming, is_hosted, name_model

__all__ = [
    "LEGACY_HUB_ID",
    "LOCAL_FOLDER_WORDS",
    "UNKNOWN_OPTION",
    "WEIGHT_EXTENSIONS",
    "Hint",
    "Named",
    "Naming",
    "hub_id",
    "looks_like_path",
    "name_string",
    "plain_name",
    "strip_hub_prefix",
]


def name_string(text: str, hint: Hint, path: str, ctx: RepoContext) -> Named | None:
    """The reference ``text`` makes when the library of ``hint`` reads it in file ``path``."""
    if not is_hosted(hint.naming):  # hosted model names are never local paths
        if hint.built_path or is_path_like(hint.naming, text):
            return local_folder(path, ctx, text)
        folder = local_folder(path, ctx, text)
        if folder is not None or in_repository(path, ctx, text):
            return folder
    return name_model(text, hint)
