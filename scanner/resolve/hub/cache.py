"""The on-disk cache of Hub answers: which answers may be kept, reading and writing them.

Answers (found and not found) are cached outside the repository, in
``$XDG_CACHE_HOME/model-license-guard/hub.json``, for ``TTL_SECONDS``. The file is untrusted
too: every entry is checked when read, as the Hub's answers are.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import urllib.parse
from dataclasses import replace
from pathlib import Path
from typing import TypeGuard

from scanner.resolve.hub.card import MAX_VALUES, HubCard, Status, load_json, safe_text

TTL_SECONDS = 7 * 24 * 3600
CACHE_VERSION = 1
CACHE_FILE = "hub.json"

CacheEntries = dict[str, tuple[float, HubCard]]


def cacheable(card: HubCard, endpoint: str) -> bool:
    """A validated answer (FOUND or NOT_FOUND) that the endpoint's own origin gave."""
    if card.status not in (Status.FOUND, Status.NOT_FOUND):
        return False
    return card.redirected_to is None or same_origin(card.redirected_to, endpoint)


def same_origin(url: str, other: str) -> bool:
    """Whether both URLs have the same scheme, host and (default-filled) port."""
    return _origin(url) is not None and _origin(url) == _origin(other)


def _origin(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or (443 if scheme == "https" else 80)


def read_cache(path: Path) -> CacheEntries:
    """Cached cards by URL with their fetch time; a missing or corrupt file is empty."""
    try:
        data = load_json(path.read_text(encoding="utf-8"))
    except (OSError, RecursionError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return {}
    entries = data.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {
        url: entry
        for url, raw in entries.items()
        if isinstance(url, str) and (entry := _entry(url, raw)) is not None
    }


def _entry(url: str, raw: object) -> tuple[float, HubCard] | None:
    """One cache entry, or None unless every field has the type and shape the writer gives."""
    if not isinstance(raw, dict) or not safe_text(url, limit=4096):
        return None
    fetched, status, name = raw.get("fetched"), raw.get("status"), raw.get("license_name")
    licenses, bases = raw.get("licenses"), raw.get("base_models")
    if isinstance(fetched, bool) or not isinstance(fetched, (int, float)):
        return None
    if not math.isfinite(fetched) or status not in ("found", "not-found"):
        return None
    if name is not None and not (isinstance(name, str) and safe_text(name)):
        return None
    if not _value_list(licenses) or not _value_list(bases):
        return None
    if status == "not-found" and (licenses or bases or name is not None):
        return None
    card = HubCard(url, Status(status), tuple(licenses), name, tuple(bases))
    return float(fetched), replace(card, problem="HTTP 404" if status == "not-found" else None)


def _value_list(value: object) -> TypeGuard[list[str]]:
    """A list of at most MAX_VALUES safe strings, as parse_card lets through."""
    return (
        isinstance(value, list)
        and len(value) <= MAX_VALUES
        and all(isinstance(item, str) and safe_text(item) for item in value)
    )


def write_cache(path: Path, entries: CacheEntries) -> None:
    """Write ``entries`` atomically (temporary file + rename); an unwritable cache is skipped."""
    document = {
        "version": CACHE_VERSION,
        "entries": {
            url: {
                "fetched": fetched,
                "status": card.status.value,
                "licenses": list(card.licenses),
                "license_name": card.license_name,
                "base_models": list(card.base_models),
            }
            for url, (fetched, card) in sorted(entries.items())
        },
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1, sort_keys=True)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
